@preconcurrency import Glibc
import Foundation
import Hosts
import Model
import Namespace
import Wire
import XCTest

/// The quorum journal with real processes on loopback: 3 JournalNodes and 2 NameNodes started by
/// `qjm cluster start` from one configuration directory, faults injected with signals and by
/// damaging files, outcomes read back through the daemons' own RPCs and the dfs shell.
final class ClusterTests: XCTestCase {
    var cluster: TestCluster!

    override func setUpWithError() throws {
        cluster = try TestCluster()
        try cluster.start()
    }

    override func tearDown() {
        cluster?.tearDown()
    }

    private func mkdir(_ client: FailoverClient, _ path: String) throws {
        XCTAssertEqual(try client.call(.mkdirs(path: path, createParent: true)), .done, path)
    }

    private func exists(_ nameNode: Int, _ path: String) throws -> Bool {
        guard case .fileStatus(let status) = try cluster.call(nameNode, .getFileInfo(path: path)) else { return false }
        return status != nil
    }

    /// HA guide: the active takes writes, the standby refuses them with Hadoop's StandbyException
    /// text, and tails what the active wrote once a segment is finalized.
    func testActiveWritesStandbyRefusesAndTails() throws {
        let client = cluster.client()
        defer { client.close() }
        try mkdir(client, "/data/a")
        XCTAssertEqual(try client.call(.create(path: "/data/a/f", overwrite: false)), .done)
        let refusal = try cluster.call(1, .mkdirs(path: "/x", createParent: true))
        XCTAssertEqual(refusal, .failure(className: "org.apache.hadoop.ipc.StandbyException",
                                         message: "Operation category WRITE is not supported in state standby. Visit https://s.apache.org/sbnn-error"))
        let readRefusal = try cluster.call(1, .getFileInfo(path: "/data"))
        guard case .failure(_, let readText) = readRefusal else { return XCTFail("standby served a read: \(readRefusal)") }
        XCTAssertTrue(readText.hasPrefix("Operation category READ is not supported in state standby"), readText)
        let active = try cluster.info(0)
        XCTAssertEqual(active.state, .active)
        XCTAssertEqual(active.writerEpoch, 1)
        XCTAssertEqual(active.lastAppliedTxID, 2, "mkdir -p /data/a is txid 1, the create txid 2 (a segment start is no edit here)")
        // The log roll (1 s) finalizes the segment; the standby (tailing every 100 ms) catches up.
        try cluster.awaitCondition("the standby to tail the active's edits", seconds: 20) {
            let standby = try self.cluster.info(1)
            let active = try self.cluster.info(0)
            return standby.state == .standby && standby.namespaceDigest == active.namespaceDigest
        }
        let listing = try cluster.qjm(["dfs", "-ls", "/data/a"])
        XCTAssertEqual(listing.status, 0, listing.errorOutput)
        XCTAssertTrue(listing.output.contains("Found 1 items"), listing.output)
        XCTAssertTrue(listing.output.contains(" /data/a/f"), listing.output)
        let missing = try cluster.qjm(["dfs", "-ls", "/nope"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.errorOutput.contains("ls: `/nope': No such file or directory"), missing.errorOutput)
    }

    /// One JournalNode down: writes go on (2/3 is a quorum). Two down: the active cannot reach a
    /// quorum and stops, and nothing it acknowledged is lost once JournalNodes and NameNode are back.
    func testJournalNodeLossKeepsAcknowledgedEdits() throws {
        let client = cluster.client()
        defer { client.close() }
        var acknowledged: [String] = []
        for index in 0..<10 { let path = "/before/\(index)"; try mkdir(client, path); acknowledged.append(path) }
        try cluster.kill9("jn3")
        for index in 0..<20 { let path = "/one-down/\(index)"; try mkdir(client, path); acknowledged.append(path) }
        try cluster.kill9("jn2")
        XCTAssertThrowsError(try client.call(.mkdirs(path: "/two-down", createParent: true)), "a write without a quorum")
        try cluster.awaitCondition("the active to stop without a quorum", seconds: 20) { !self.cluster.isRunning("nn1") }
        XCTAssertTrue(cluster.log("nn1").contains("Got too many exceptions to achieve quorum size 2/3"), cluster.log("nn1"))
        // Restart what died; the restarted NameNode comes up standby and becomes active again.
        try cluster.start(activate: false)
        XCTAssertEqual(try cluster.call(0, .transitionToActive(source: .user), timeout: .seconds(60)), .done, cluster.logs())
        for path in acknowledged { XCTAssertTrue(try exists(0, path), "acknowledged \(path) lost") }
        XCTAssertGreaterThan(try cluster.info(0).writerEpoch ?? 0, 1, "a new epoch after the restart")
        // The JournalNodes that missed edits catch up from the next segment on.
        for index in 0..<5 { try mkdir(client, "/after/\(index)") }
        let last = try cluster.info(0).lastAppliedTxID
        try cluster.awaitCondition("jn3 to hold a finalized segment ending at or after txid \(last)", seconds: 20) {
            try FileManager.default.contentsOfDirectory(atPath: self.cluster.journalDirectory(3)).contains { name in
                guard name.hasPrefix("edits_"), !name.hasPrefix("edits_inprogress"), let end = UInt64(name.split(separator: "-").last ?? "") else { return false }
                return end >= last
            }
        }
    }

    /// A torn in-progress tail is cut when the JournalNode restarts; damage before the tail is
    /// refused with the file and offset named, and the other JournalNodes carry the writes.
    func testTornTailIsTruncatedAndCorruptMiddleRefused() throws {
        let client = cluster.client()
        defer { client.close() }
        for index in 0..<5 { try mkdir(client, "/t/\(index)") }
        try cluster.kill9("jn1")
        let directory = cluster.journalDirectory(1)
        let inProgress = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasPrefix("edits_inprogress_") && !$0.contains(".") }.sorted().last)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: directory + "/" + inProgress))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0, 0, 0, 64, 0xde, 0xad, 0xbe, 0xef, 0, 0]))  // a record cut short
        try handle.close()
        try cluster.start(activate: false)
        for index in 5..<10 { try mkdir(client, "/t/\(index)") }
        try cluster.awaitCondition("jn1 to cut the torn tail", seconds: 10) { self.cluster.log("jn1").contains(inProgress) }
        XCTAssertTrue(cluster.log("jn1").lowercased().contains("torn"), cluster.log("jn1"))

        // Damage in the middle of a finalized segment of jn2.
        try cluster.awaitCondition("a finalized segment with several edits on jn2", seconds: 20) {
            try self.finalizedSegments(2).contains { $0.end > $0.start + 1 }
        }
        try cluster.kill9("jn2")
        let segment = try XCTUnwrap(try finalizedSegments(2).first { $0.end > $0.start + 1 })
        let path = cluster.journalDirectory(2) + "/" + segment.name
        var bytes = try XCTUnwrap(FileManager.default.contents(atPath: path))
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: path))
        try cluster.start(activate: false)
        for index in 10..<15 { try mkdir(client, "/t/\(index)") }
        try cluster.awaitCondition("jn2 to report the corruption", seconds: 10) { self.cluster.log("jn2").contains(segment.name) }
        let log = cluster.log("jn2")
        XCTAssertTrue(log.contains("offset"), log)
        XCTAssertTrue(cluster.isRunning("jn2"), "a corrupt journal is refused, the daemon keeps running")
        for index in 0..<15 { XCTAssertTrue(try exists(0, "/t/\(index)")) }
    }

    private func finalizedSegments(_ journal: Int) throws -> [(name: String, start: UInt64, end: UInt64)] {
        try FileManager.default.contentsOfDirectory(atPath: cluster.journalDirectory(journal)).compactMap { name in
            guard name.hasPrefix("edits_"), !name.hasPrefix("edits_inprogress") else { return nil }
            let range = name.dropFirst("edits_".count).split(separator: "-")
            guard range.count == 2, let start = UInt64(range[0]), let end = UInt64(range[1]) else { return nil }
            return (name, start, end)
        }
    }

    /// Garbage, oversized and truncated frames on every port close that connection only; every
    /// daemon keeps serving.
    func testGarbageOnEveryPortDoesNotCrashDaemons() throws {
        var generator = SystemRandomNumberGenerator()
        for port in cluster.journalPorts + cluster.nameNodePorts {
            for payload in [(0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) },
                            [0x51, 0x4A, 1, 0] + [UInt8](repeating: 0, count: 16) + [0xFF, 0xFF, 0xFF, 0xFF] + [0, 0, 0, 0],
                            [0x51, 0x4A, 1]] {
                let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = port.bigEndian
                address.sin_addr.s_addr = inet_addr("127.0.0.1")
                let connected = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                XCTAssertEqual(connected, 0, "connect to \(port)")
                _ = payload.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                close(descriptor)
            }
        }
        let client = cluster.client()
        defer { client.close() }
        try mkdir(client, "/still/serving")
        for name in ["jn1", "jn2", "jn3", "nn1", "nn2"] { XCTAssertTrue(cluster.isRunning(name), "\(name) died") }
        XCTAssertTrue(cluster.log("jn1").contains("127.0.0.1"), "the closed connection is logged with its peer")
    }

    /// After a manual failover to nn2 (epoch 2), a writer still in epoch 1 is refused by the
    /// JournalNodes with Journal.java's texts, and nn2 serves everything nn1 acknowledged.
    func testFailoverAndStaleWriterEpochRefused() throws {
        let client = cluster.client()
        defer { client.close() }
        for index in 0..<5 { try mkdir(client, "/f/\(index)") }
        XCTAssertEqual(try cluster.call(0, .transitionToStandby(source: .user)), .done)
        XCTAssertEqual(try cluster.call(1, .transitionToActive(source: .user), timeout: .seconds(60)), .done, cluster.logs())
        XCTAssertEqual(try cluster.info(1).writerEpoch, 2)
        for index in 0..<5 { XCTAssertTrue(try exists(1, "/f/\(index)"), "/f/\(index) after failover") }
        try mkdir(client, "/f/after-failover")  // the client fails over to nn2 by itself

        let stale = JournalCall.protocolRequest(journalID: "testcluster",
                                                .journal(RequestInfo(epoch: 1, committedTxID: nil), segmentStart: 1, firstTxID: 1, count: 0),
                                                edits: [], namespace: nil)
        guard case .protocolResponse(.failed(let name, _, _, let error)) = try cluster.journalCall(0, stale) else {
            return XCTFail("a stale writer was not refused")
        }
        XCTAssertEqual(name, "journal")
        XCTAssertEqual(error.description, "IPC's epoch 1 is less than the last promised epoch 2")
        let staleEpoch = JournalCall.protocolRequest(journalID: "testcluster", .newEpoch(epoch: 2), edits: [], namespace: nil)
        guard case .protocolResponse(.failed(_, _, _, let epochError)) = try cluster.journalCall(1, staleEpoch) else {
            return XCTFail("an epoch not above the promise was accepted")
        }
        XCTAssertEqual(epochError.description, "Proposed epoch 2 <= last promise 2")
    }

    /// `-initializeSharedEdits` refuses JournalNodes that hold data unless forced, then formats
    /// them with the NameNode's own namespace; `-format` likewise refuses a formatted namespace.
    func testInitializeSharedEditsAndReformatNeedForce() throws {
        try cluster.kill9("nn1")
        try cluster.kill9("nn2")
        let refused = try cluster.qjm(["namenode", "-D", "dfs.ha.namenode.id=nn1", "-initializeSharedEdits"])
        XCTAssertEqual(refused.status, 1, refused.errorOutput)
        XCTAssertTrue(refused.errorOutput.contains("data appears to exist in QJM"), refused.errorOutput)
        let forced = try cluster.qjm(["namenode", "-D", "dfs.ha.namenode.id=nn1", "-initializeSharedEdits", "-force"])
        XCTAssertEqual(forced.status, 0, forced.errorOutput)
        let nameNodeVersion = try String(contentsOfFile: cluster.runDirectory + "/nn1/name/current/VERSION", encoding: .utf8)
        let namespaceLine = try XCTUnwrap(nameNodeVersion.split(separator: "\n").first { $0.hasPrefix("namespaceID=") })
        for journal in 1...3 {
            let version = try String(contentsOfFile: cluster.journalDirectory(journal) + "/VERSION", encoding: .utf8)
            XCTAssertTrue(version.contains(namespaceLine), "jn\(journal): \(version)")
            XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: cluster.journalDirectory(journal))
                .contains { $0.hasPrefix("edits_") }, "jn\(journal) still holds edits after the format")
        }
        let reformat = try cluster.qjm(["namenode", "-D", "dfs.ha.namenode.id=nn1", "-format"])
        XCTAssertEqual(reformat.status, 1)
        XCTAssertTrue(reformat.errorOutput.contains("Not formatting"), reformat.errorOutput)
    }

    /// Upstream's retry cache: a create or rename repeated with the same call ids (a client
    /// retrying after a lost answer) is answered once, also by the new active after a failover,
    /// which learned the ids from the edits it read.
    func testRepeatedCallsAreAnsweredFromTheRetryCacheAcrossFailover() throws {
        let clientID = [UInt8](repeating: 7, count: 16)
        let create = ClientRequest.identified(CallIdentity(clientID: clientID, callID: 1), .create(path: "/once", overwrite: false))
        let rename = ClientRequest.identified(CallIdentity(clientID: clientID, callID: 2), .rename(source: "/once", destination: "/moved"))
        XCTAssertEqual(try cluster.call(0, create), .done)
        XCTAssertEqual(try cluster.call(0, create), .done, "a repeat is answered from the cache")
        guard case .namespaceError(let error) = try cluster.call(0, .create(path: "/once", overwrite: false)) else {
            return XCTFail("a new create of an existing file must fail")
        }
        XCTAssertEqual(error.exceptionClass, .fileAlreadyExists)
        XCTAssertEqual(try cluster.call(0, rename), .boolean(true))
        XCTAssertEqual(try cluster.call(0, .transitionToStandby(source: .user)), .done)
        XCTAssertEqual(try cluster.call(1, .transitionToActive(source: .user), timeout: .seconds(60)), .done, cluster.logs())
        XCTAssertEqual(try cluster.call(1, rename), .boolean(true), "the new active answers the repeat from the edits' ids")
        XCTAssertEqual(try cluster.call(1, create), .done)
        XCTAssertTrue(try exists(1, "/moved"))
        XCTAssertFalse(try exists(1, "/once"), "the repeated create ran again")
    }
}
