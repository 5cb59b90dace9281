import Foundation
import HadoopConfig
import XCTest

/// conf/local-ha, the sample a one-machine cluster runs from, loads and validates.
final class SampleConfigurationTests: XCTestCase {
    /// The repository's conf/local-ha, found from this file's path.
    private var sampleDirectory: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("conf/local-ha").path
    }

    /// The sample as any daemon sees it without -D: nameservice mycluster, nn1/nn2, three JNs.
    func testSampleLoadsAndValidates() throws {
        let configuration = try Configuration.load(directory: sampleDirectory, environment: [:])
        XCTAssertEqual(configuration.warnings, [])
        let ha = try HAConfiguration(configuration)
        XCTAssertEqual(ha.nameservices.map(\.id), ["mycluster"])
        XCTAssertEqual(ha.defaultNameservice?.id, "mycluster")
        let service = try ha.nameservice("mycluster")
        XCTAssertEqual(service.failoverProxyProvider, .configured)
        let nn1 = try XCTUnwrap(service.nameNode("nn1"))
        let nn2 = try XCTUnwrap(service.nameNode("nn2"))
        XCTAssertEqual(nn1.rpcAddress.description, "127.0.0.1:8020")
        XCTAssertEqual(nn2.rpcAddress.description, "127.0.0.1:8021")
        XCTAssertEqual(nn1.httpAddress.description, "127.0.0.1:9870")
        XCTAssertEqual(nn2.httpAddress.description, "127.0.0.1:9871")
        XCTAssertEqual(nn1.nameDirectories, ["/tmp/qjm-local/nn1/name"])
        XCTAssertEqual(nn2.nameDirectories, ["/tmp/qjm-local/nn2/name"])
        let shared = try XCTUnwrap(nn1.sharedEdits)
        XCTAssertEqual(shared.journalNodes.map(\.description), ["127.0.0.1:8485", "127.0.0.1:8486", "127.0.0.1:8487"])
        XCTAssertEqual(shared.journalID, "mycluster")
        XCTAssertEqual(nn2.sharedEdits, shared)
        XCTAssertFalse(nn1.automaticFailoverEnabled)
        XCTAssertEqual(try nn1.requireFencer(), [.shell(command: "/bin/true")])
        XCTAssertEqual(ha.journalNode.editsDirectory, "/tmp/qjm-local/journalnode")
        XCTAssertEqual(ha.journalNode.rpcAddress.description, "127.0.0.1:8485")
        XCTAssertEqual(nn1.zooKeeper.servers.map(\.description), ["127.0.0.1:2181"])
    }

    /// Per-daemon -D overrides, as the README shows: the second JournalNode and NameNode nn2.
    func testSampleWithPerDaemonOverrides() throws {
        let journalNode = try HAConfiguration(Configuration.load(
            directory: sampleDirectory,
            overrides: ["qjm.local.dir=/srv/qjm", "dfs.journalnode.edits.dir=${qjm.local.dir}/jn2",
                        "dfs.journalnode.rpc-address=127.0.0.1:8486", "dfs.journalnode.http-address=127.0.0.1:8481"],
            environment: [:]))
        XCTAssertEqual(journalNode.journalNode.editsDirectory, "/srv/qjm/jn2")
        XCTAssertEqual(journalNode.journalNode.rpcAddress.port, 8486)
        XCTAssertEqual(journalNode.journalNode.httpAddress.port, 8481)

        let nameNode = try HAConfiguration(Configuration.load(
            directory: sampleDirectory, overrides: ["qjm.local.dir=/srv/qjm", "dfs.ha.namenode.id=nn2"], environment: [:]))
        let local = try nameNode.localNameNode()
        XCTAssertEqual(local.id, "nn2")
        XCTAssertEqual(local.nameDirectories, ["/srv/qjm/nn2/name"])
        XCTAssertEqual(try nameNode.nameservice("mycluster").nameNodes(except: local.id).map(\.id), ["nn1"])
    }
}
