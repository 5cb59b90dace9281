import HadoopConfig
import XCTest

/// `qjournal://h1:p1;h2:p2;h3:p3/<journalId>` (reference §3.1; upstream `QuorumJournalManager`).
final class QuorumJournalURITests: XCTestCase {
    private let key = "dfs.namenode.shared.edits.dir"

    /// Hosts keep their order; the journal id is the path without its `/`; majority is n/2+1.
    func testGoodURI() throws {
        let uri = try QuorumJournalURI(parsing: "qjournal://127.0.0.1:8485;127.0.0.1:8486;127.0.0.1:8487/mycluster")
        XCTAssertEqual(uri.journalNodes.map(\.port), [8485, 8486, 8487])
        XCTAssertEqual(uri.journalNodes.map(\.host), ["127.0.0.1", "127.0.0.1", "127.0.0.1"])
        XCTAssertEqual(uri.journalID, "mycluster")
        XCTAssertEqual(uri.majority, 2)
        XCTAssertEqual(uri.majorityDescription, "2/3")
        XCTAssertNil(uri.evenCountWarning)
        XCTAssertEqual(uri.description, "qjournal://127.0.0.1:8485;127.0.0.1:8486;127.0.0.1:8487/mycluster")
    }

    /// A host without a port gets 8485 (`getLoggerAddresses` uses DFS_JOURNALNODE_RPC_PORT_DEFAULT).
    func testDefaultPortAndEvenCountWarning() throws {
        let uri = try QuorumJournalURI(parsing: "qjournal://jn1;jn2:9000/ns")
        XCTAssertEqual(uri.journalNodes, [SocketAddress(host: "jn1", port: 8485), SocketAddress(host: "jn2", port: 9000)])
        XCTAssertEqual(uri.majorityDescription, "2/2")
        XCTAssertEqual(uri.evenCountWarning,
                       "Quorum journal URI 'qjournal://jn1:8485;jn2:9000/ns' has an even number of Journal Nodes specified. This is not recommended!")
    }

    /// Upstream's "must identify journal in path component".
    func testMissingJournalID() {
        let text = "qjournal://jn1:8485;jn2:8485;jn3:8485"
        XCTAssertConfigError(try QuorumJournalURI(parsing: text),
                             .text("Bad value for \(key): '\(text)' is not a valid quorum journal URI: Bad URI '\(text)': must identify journal in path component"))
    }

    /// Upstream's `checkJournalId`: non-empty, no `/`, not starting with `.`.
    func testBadJournalIDs() {
        for (text, id) in [("qjournal://jn1:8485/", ""), ("qjournal://jn1:8485/a/b", "a/b"), ("qjournal://jn1:8485/.hidden", ".hidden")] {
            XCTAssertConfigError(try QuorumJournalURI(parsing: text),
                                 .text("Bad value for \(key): '\(text)' is not a valid quorum journal URI: bad journal id: \(id)"))
        }
    }

    /// A port that is not a number or out of range names the bad host.
    func testBadPort() {
        let text = "qjournal://jn1:8485;jn2:abc;jn3:8485/ns"
        XCTAssertConfigError(try QuorumJournalURI(parsing: text),
                             .text("Bad value for \(key): '\(text)' is not a valid quorum journal URI: Does not contain a valid host:port authority: jn2:abc"))
        XCTAssertThrowsError(try QuorumJournalURI(parsing: "qjournal://jn1:99999/ns"))
    }

    /// Only qjournal:// is supported: file:// shared storage and other schemes are rejected.
    func testOtherSchemes() {
        for text in ["file:///mnt/shared/edits", "hdfs://jn1:8485/ns", "jn1:8485/ns"] {
            XCTAssertConfigError(try QuorumJournalURI(parsing: text, key: "k"),
                                 .text("Bad value for k: '\(text)' is not a qjournal:// URI (only Quorum Journal Manager shared edits are supported)"))
        }
    }

    /// No hosts, an empty host between `;`, or a repeated host are rejected.
    func testBadHostLists() {
        XCTAssertThrowsError(try QuorumJournalURI(parsing: "qjournal:///ns"))
        XCTAssertThrowsError(try QuorumJournalURI(parsing: "qjournal://jn1:8485;;jn2:8485/ns"))
        XCTAssertConfigError(try QuorumJournalURI(parsing: "qjournal://jn1:8485;jn1:8485;jn2:8485/ns", key: "k"),
                             .text("Bad value for k: 'qjournal://jn1:8485;jn1:8485;jn2:8485/ns' is not a valid quorum journal URI: JournalNode jn1:8485 is listed twice"))
    }
}
