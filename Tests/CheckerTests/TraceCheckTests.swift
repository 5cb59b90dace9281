import Checker
import Foundation
import Model
import XCTest

/// `TraceCheck` on JournalNode traces written here: replay conformance, and the properties it
/// checks across steps and restarts.
final class TraceCheckTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "qjm-tracecheck-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The lines of one JournalNode trace, written as a host writes them (sorted keys).
    private struct TraceWriter {
        let encoder: JSONEncoder = {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return encoder
        }()
        var lines: [String] = []
        var lamport: UInt64 = 0
        var steps: UInt64 = 0
        var node = JournalNode(id: 0, durable: JournalDurableState(formatted: true))

        mutating func start(_ durable: JournalDurableState) throws {
            lamport += 1
            node = JournalNode(id: 0, durable: durable)
            let line = TraceStart(node: "journalnode:test", lamport: lamport, start: durable)
            lines.append(String(decoding: try encoder.encode(line), as: UTF8.self))
        }

        mutating func step(_ request: JournalRequest) throws {
            lamport += 1
            steps += 1
            let input = JournalNode.Input.request(from: 0, request)
            let effects = node.step(input)
            let record = TraceRecord(node: "journalnode:test", step: steps, lamport: lamport, input: input, effects: effects,
                                     durable: String(node.durable.digest, radix: 16), hostError: nil)
            lines.append(String(decoding: try encoder.encode(record), as: UTF8.self))
        }
    }

    private func info(_ epoch: Epoch) -> RequestInfo { RequestInfo(epoch: epoch, committedTxID: nil) }

    /// A JournalNode that took two edits in epoch 1, then voted for them in epoch 2's recovery.
    private func votingTrace() throws -> TraceWriter {
        var trace = TraceWriter()
        try trace.start(JournalDurableState(formatted: true))
        try trace.step(.newEpoch(epoch: 1))
        try trace.step(.startLogSegment(info(1), txid: 1))
        try trace.step(.journal(info(1), segmentStart: 1, firstTxID: 1, count: 2))
        try trace.step(.newEpoch(epoch: 2))
        try trace.step(.prepareRecovery(info(2), segmentStart: 1))
        try trace.step(.acceptRecovery(info(2), segment: SegmentState(start: 1, end: 2, inProgress: true), writerEpoch: 1,
                                       source: 0))
        XCTAssertEqual(trace.node.acceptedValues.map(\.acceptedInEpoch), [2])
        return trace
    }

    private func check(_ trace: TraceWriter) throws -> TraceCheck.Report {
        try trace.lines.joined(separator: "\n").write(toFile: directory + "/journalnode-test.jsonl", atomically: true,
                                                     encoding: .utf8)
        return try TraceCheck.run(directory: directory)
    }

    private func violation(_ name: String, in report: TraceCheck.Report) throws -> String? {
        try XCTUnwrap(report.checks.first { $0.name == name }, "no check \(name)").violation
    }

    /// A vote kept across a restart, then ended by the finalize of its segment, conforms.
    func testAVoteKeptAcrossARestartAndEndedByAFinalizeConforms() throws {
        var trace = try votingTrace()
        try trace.start(trace.node.durable)
        try trace.step(.finalizeLogSegment(info(2), start: 1, end: 2))
        XCTAssertEqual(trace.node.acceptedValues, [])
        let report = try check(trace)
        XCTAssertTrue(report.conforms, TraceCheck.format(report, directory: directory))
        XCTAssertNil(try violation("AcceptedRecoveryNeverForgotten", in: report))
        XCTAssertEqual(report.files.first?.steps, 7)
        XCTAssertEqual(report.files.first?.starts, 2)
    }

    /// A JournalNode that comes back without the paxos record it voted with (its disk lost the
    /// write, or the host never made it durable) is reported at the restart.
    func testARestartThatForgetsTheVoteIsReported() throws {
        var trace = try votingTrace()
        var forgetful = trace.node.durable
        forgetful.apply(.deletePaxos(segmentStart: 1))
        try trace.start(forgetful)
        let report = try check(trace)
        XCTAssertFalse(report.conforms)
        XCTAssertTrue(report.files.allSatisfy { $0.divergence == nil }, "the replay itself conforms")
        let found = try XCTUnwrap(try violation("AcceptedRecoveryNeverForgotten", in: report))
        XCTAssertTrue(found.contains("line 8: restarted"), found)
        XCTAssertTrue(found.contains("accepted in 2"), found)
        XCTAssertTrue(TraceCheck.format(report, directory: directory).contains("VIOLATED AcceptedRecoveryNeverForgotten"))
    }
}
