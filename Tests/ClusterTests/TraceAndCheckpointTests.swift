@preconcurrency import Glibc
import Foundation
import Hosts
import Model
import XCTest

/// Conformance of the daemons to the model, and what survives a NameNode restart.
final class TraceAndCheckpointTests: XCTestCase {
    var cluster: TestCluster!

    override func setUpWithError() throws {
        cluster = try TestCluster(extraProperties: ["dfs.namenode.checkpoint.txns": "3", "dfs.namenode.checkpoint.period": "1"])
        try cluster.start(trace: true)
    }

    override func tearDown() {
        cluster?.tearDown()
    }

    /// Every JournalNode trace, replayed step by step through a fresh model `JournalNode`, gives the
    /// same effects and the same durable-state digest as the daemon recorded: production ran the
    /// model's transition function. The run includes a manual failover (a second epoch).
    func testJournalNodeTracesReplayThroughTheModel() throws {
        let client = cluster.client()
        defer { client.close() }
        for index in 0..<8 { XCTAssertEqual(try client.call(.mkdirs(path: "/trace/\(index)", createParent: true)), .done) }
        XCTAssertEqual(try cluster.call(0, .transitionToStandby(source: .user)), .done)
        XCTAssertEqual(try cluster.call(1, .transitionToActive(source: .user), timeout: .seconds(60)), .done, cluster.logs())
        for index in 8..<12 { XCTAssertEqual(try client.call(.mkdirs(path: "/trace/\(index)", createParent: true)), .done) }

        let traces = try FileManager.default.contentsOfDirectory(atPath: cluster.runDirectory + "/traces")
        let journalTraces = traces.filter { $0.hasPrefix("journalnode-") }.sorted()
        XCTAssertEqual(journalTraces.count, 3, "\(traces)")
        var requestsSeen: Set<String> = []
        for file in journalTraces {
            let lines = try String(contentsOfFile: cluster.runDirectory + "/traces/" + file, encoding: .utf8)
                .split(separator: "\n")
            XCTAssertGreaterThan(lines.count, 10, file)
            var node = JournalNode(id: 0, durable: JournalDurableState(formatted: true))
            var lamport: UInt64 = 0
            var step: UInt64 = 0
            for (number, line) in lines.enumerated() {
                if line.hasPrefix("{\"lamport\":") {  // a start line (keys are sorted: lamport, node, start)
                    node = JournalNode(id: 0, durable: try JSONDecoder().decode(TraceStart<JournalDurableState>.self, from: Data(line.utf8)).start)
                    continue
                }
                let record = try JSONDecoder().decode(TraceRecord<JournalNode.Input, JournalNode.Effect>.self, from: Data(line.utf8))
                step += 1
                XCTAssertEqual(record.step, step, "\(file) line \(number + 1)")
                XCTAssertGreaterThan(record.lamport, lamport, "\(file) line \(number + 1): Lamport time goes forward")
                lamport = record.lamport
                XCTAssertNil(record.hostError, "\(file) line \(number + 1)")
                let effects = node.step(record.input)
                XCTAssertEqual(effects, record.effects, "\(file) line \(number + 1): the model's effects differ")
                XCTAssertEqual(String(node.durable.digest, radix: 16), record.durable, "\(file) line \(number + 1): durable state differs")
                if case .request(_, let request) = record.input { requestsSeen.insert(request.name) }
            }
        }
        for name in ["getJournalState", "newEpoch", "startLogSegment", "journal", "finalizeLogSegment", "getEditLogManifest"] {
            XCTAssertTrue(requestsSeen.contains(name), "no \(name) in the traces: \(requestsSeen.sorted())")
        }
        let check = try cluster.qjm(["trace-check", cluster.runDirectory + "/traces"])
        XCTAssertEqual(check.status, 0, check.output + check.errorOutput)
        XCTAssertTrue(check.output.contains("The traces conform to the model."), check.output)
        XCTAssertEqual(check.output.components(separatedBy: " conforms").count - 1, 5, check.output)

        // A trace that says a JournalNode did something the model would not is caught, by line.
        let tampered = cluster.directory + "/tampered"
        try FileManager.default.createDirectory(atPath: tampered, withIntermediateDirectories: true)
        let original = try String(contentsOfFile: cluster.runDirectory + "/traces/" + journalTraces[0], encoding: .utf8)
        var lines = original.split(separator: "\n").map(String.init)
        let newEpochLine = try XCTUnwrap(lines.firstIndex { $0.contains("\"newEpochAccepted\"") })
        lines[newEpochLine] = lines[newEpochLine].replacingOccurrences(of: "\"promisedEpoch\":{\"_0\":1}", with: "\"promisedEpoch\":{\"_0\":7}")
        try lines.joined(separator: "\n").write(toFile: tampered + "/" + journalTraces[0], atomically: true, encoding: .utf8)
        let caught = try cluster.qjm(["trace-check", tampered])
        XCTAssertEqual(caught.status, 1, caught.output)
        XCTAssertTrue(caught.output.contains("line \(newEpochLine + 1): the model's effects differ"), caught.output)

        let nameNodeLines = try String(contentsOfFile: cluster.runDirectory + "/traces/namenode-nn2.jsonl", encoding: .utf8)
            .split(separator: "\n")
        let inputs = try nameNodeLines.filter { !$0.hasPrefix("{\"lamport\":") }.map { try JSONDecoder().decode(TraceRecord<NameNode.Input, NameNode.Effect>.self, from: Data($0.utf8)).input }
        XCTAssertTrue(inputs.contains(.transitionToActive(source: .user)))
    }

    /// A standby saves a checkpoint once enough edits arrived, and a restarted NameNode loads it;
    /// a hedging client finds whichever NameNode is active.
    func testStandbyCheckpointIsLoadedOnRestartAndHedgingFindsTheActive() throws {
        let client = cluster.client()
        defer { client.close() }
        for index in 0..<6 { XCTAssertEqual(try client.call(.create(path: "/ckpt-\(index)", overwrite: false)), .done) }
        let current = cluster.runDirectory + "/nn2/name/current"
        var saved: UInt64 = 0
        try cluster.awaitCondition("the standby to save a checkpoint", seconds: 20) {
            saved = try FileManager.default.contentsOfDirectory(atPath: current)
                .compactMap { $0.hasPrefix("fsimage_") ? UInt64($0.dropFirst("fsimage_".count)) : nil }.max() ?? 0
            return saved >= 3
        }
        try cluster.kill9("nn2")
        try cluster.start(activate: false)
        try cluster.awaitCondition("nn2 to load its checkpoint", seconds: 10) {
            self.cluster.log("nn2").contains("Loaded checkpoint at txid \(saved) ")
        }
        try cluster.awaitCondition("the restarted standby to catch up", seconds: 20) {
            try self.cluster.info(1).namespaceDigest == (try self.cluster.info(0)).namespaceDigest
        }
        XCTAssertEqual(try cluster.call(0, .transitionToStandby(source: .user)), .done)
        XCTAssertEqual(try cluster.call(1, .transitionToActive(source: .user), timeout: .seconds(60)), .done, cluster.logs())
        let hedging = cluster.client(hedging: true)
        defer { hedging.close() }
        XCTAssertEqual(try hedging.call(.mkdirs(path: "/hedged", createParent: false)), .done)
        guard case .fileStatus(let status?) = try cluster.call(1, .getFileInfo(path: "/ckpt-5")) else {
            return XCTFail("/ckpt-5 missing on the new active")
        }
        XCTAssertFalse(status.isDirectory)
    }
}
