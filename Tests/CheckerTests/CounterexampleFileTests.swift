@testable import Checker
import Foundation
import Model
import XCTest

/// Counterexample files: JSON round trip, replay of every kind of counterexample, clear errors
/// for corrupted files; and `CheckResult` as JSON.
final class CounterexampleFileTests: XCTestCase {
    /// The single counterexample file of a run that must have exactly one.
    private func onlyFile<M: CheckableModel>(_ model: M, _ configure: (inout CheckOptions) -> Void = { _ in },
                                             file: StaticString = #filePath, line: UInt = #line)
        throws -> CounterexampleFile {
        let files = CounterexampleFile.all(from: check(model, configure), model: model)
        XCTAssertEqual(files.count, 1, file: file, line: line)
        return try XCTUnwrap(files.first, file: file, line: line)
    }

    private func assertRoundTripsAndReplays<M: CheckableModel>(_ written: CounterexampleFile, on model: M,
                                                               file: StaticString = #filePath, line: UInt = #line)
        throws {
        let read = try CounterexampleFile.decode(written.encoded())
        XCTAssertEqual(read, written, "JSON round trip", file: file, line: line)
        XCTAssertEqual(read.format, CounterexampleFile.formatName, file: file, line: line)
        let replay = try read.replay(on: model)
        XCTAssertTrue(replay.reproduced, replay.explanation, file: file, line: line)
        XCTAssertTrue(replay.sameLastState, file: file, line: line)
        XCTAssertEqual(replay.trace.steps, read.steps, "the replayed trace is the written one", file: file, line: line)
    }

    func testInvariantFileRoundTripsAndReplays() throws {
        let model = GridModel(width: 5, height: 4, properties: [.always("AvoidsCorner") { _, cell in
            cell != GridModel.Cell(x: 4, y: 3)
        }])
        let file = try onlyFile(model)
        XCTAssertEqual(file.model, "test-grid")
        XCTAssertEqual(file.parameters, [ModelParameter("width", "5"), ModelParameter("height", "4")])
        XCTAssertEqual(file.property, "AvoidsCorner")
        XCTAssertEqual(file.kind, "always")
        XCTAssertEqual(file.indices.count, 8)
        XCTAssertEqual(file.lastStateFingerprint.count, 16)
        XCTAssertEqual(file.lastStateFingerprint,
                       CounterexampleFile.hex(FingerprintHasher.fingerprint(GridModel.Cell(x: 4, y: 3))))
        try assertRoundTripsAndReplays(file, on: model)
    }

    func testTransitionFileReplays() throws {
        let model = CounterModel(modulus: 6, properties: [.transition("NeverWraps") { _, state, _, next in next > state }])
        let file = try onlyFile(model)
        XCTAssertEqual(file.kind, "transition")
        XCTAssertEqual(file.indices, [0, 0, 0, 0, 0, 0, 0])
        try assertRoundTripsAndReplays(file, on: model)
    }

    func testDeadlockFileReplays() throws {
        let model = StoppingCounterModel(limit: 3)
        let file = try onlyFile(model)
        XCTAssertEqual(file.property, "Deadlock")
        XCTAssertEqual(file.kind, "deadlock")
        try assertRoundTripsAndReplays(file, on: model)
        let sink = GraphModel([[1, 2], [1], []])
        try assertRoundTripsAndReplays(try onlyFile(sink), on: sink)
    }

    func testLivenessFileReplays() throws {
        // 0 → {4, 1}; 1 → 2; 2 → {1, 5 by a fault}; 4 → 5 → 5 (the goal). Node 1 is stuck once faults stop.
        let model = GraphModel([[4, 1], [2], [1, 5], [], [5], [5]], faults: [[2, 5]], properties: [
            .eventuallyReachable("ReachesGoal", along: GraphModel.withoutFaults) { _, node in node == 5 },
        ])
        let file = try onlyFile(model)
        XCTAssertEqual(file.kind, "eventually-reachable")
        try assertRoundTripsAndReplays(file, on: model)
        // Without the filter the fault edge leads to the goal: the replay says so.
        let anyEdge = GraphModel(model.adjacency, faults: model.faults, properties: [
            .eventuallyReachable("ReachesGoal") { _, node in node == 5 },
        ])
        let replay = try file.replay(on: anyEdge)
        XCTAssertFalse(replay.reproduced)
        XCTAssertEqual(replay.explanation, "a goal state is reachable from the last state")
    }

    func testReplayOnAChangedModelDoesNotReproduce() throws {
        let model = CounterModel(modulus: 10, properties: [.always("BelowFour") { _, value in value < 4 }])
        let file = try onlyFile(model)
        let fixed = CounterModel(modulus: 10, properties: [.always("BelowFour") { _, value in value < 40 }])
        let replay = try file.replay(on: fixed)
        XCTAssertFalse(replay.reproduced)
        XCTAssertTrue(replay.sameLastState, "the path still leads to the same state")
        let other = CounterModel(modulus: 3, properties: model.properties)
        XCTAssertFalse(try file.replay(on: other).sameLastState, "4 steps mod 3 end elsewhere")
    }

    func testEveryViolationGetsAFileInReportOrder() {
        let model = CounterModel(modulus: 10, properties: [
            .always("BelowSix") { _, value in value < 6 },
            .transition("NeverWraps") { _, state, _, next in next > state },
            .always("BelowThree") { _, value in value < 3 },
        ])
        let files = CounterexampleFile.all(from: check(model) { $0.stopAtFirstViolation = false }, model: model)
        XCTAssertEqual(files.map(\.property), ["BelowSix", "NeverWraps", "BelowThree"])
        XCTAssertEqual(files.map(\.indices.count), [7, 11, 4])
    }

    // MARK: Corrupted files

    private func corrupted(_ edit: (inout [String: Any]) -> Void) throws -> Data {
        let model = CounterModel(modulus: 10, properties: [.always("BelowFour") { _, value in value < 4 }])
        let data = try onlyFile(model).encoded()
        var object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        edit(&object)
        return try JSONSerialization.data(withJSONObject: object)
    }

    private func replayError(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as ReplayError {
            return error.description
        } catch {
            return "not a ReplayError: \(error)"
        }
    }

    private static let model = CounterModel(modulus: 10, properties: [.always("BelowFour") { _, value in value < 4 }])

    func testBadFormatNameIsNamed() throws {
        let data = try corrupted { $0["format"] = "qjm-counterexample-0" }
        let message = replayError { _ = try CounterexampleFile.decode(data) }
        XCTAssertEqual(message, "unknown counterexample format 'qjm-counterexample-0' (expected 'qjm-counterexample-1')")
    }

    func testNotJSONIsNamed() {
        let message = replayError { _ = try CounterexampleFile.decode(Data("hello".utf8)) }
        XCTAssertTrue(message?.hasPrefix("not a counterexample file: ") ?? false, message ?? "no error")
        let missing = replayError { _ = try CounterexampleFile.decode(Data("{\"format\": \"qjm-counterexample-1\"}".utf8)) }
        XCTAssertTrue(missing?.hasPrefix("not a counterexample file: ") ?? false, missing ?? "no error")
    }

    func testOutOfRangeActionIndexIsNamed() throws {
        let data = try corrupted { $0["indices"] = [0, 0, 7, 0] }
        let file = try CounterexampleFile.decode(data)
        let message = replayError { _ = try file.replay(on: CounterexampleFileTests.model) }
        XCTAssertEqual(message, "step 2: 1 actions are enabled, not index 7")
    }

    func testOutOfRangeInitialIndexIsNamed() throws {
        let file = try CounterexampleFile.decode(try corrupted { $0["indices"] = [3, 0] })
        let message = replayError { _ = try file.replay(on: CounterexampleFileTests.model) }
        XCTAssertEqual(message, "step 0: the model has 1 initial states, not index 3")
    }

    func testEmptyPathIsNamed() throws {
        let file = try CounterexampleFile.decode(try corrupted { $0["indices"] = [Int]() })
        XCTAssertEqual(replayError { _ = try file.replay(on: CounterexampleFileTests.model) },
                       "the trace has no initial state")
    }

    func testUnknownPropertyIsNamed() throws {
        let file = try CounterexampleFile.decode(try corrupted { $0["property"] = "Vanished" })
        XCTAssertEqual(replayError { _ = try file.replay(on: CounterexampleFileTests.model) },
                       "the model has no property named 'Vanished'")
    }

    func testDisabledActionIsNamed() throws {
        // The stopping counter lists Increment at its limit, but the action is disabled there.
        let model = StoppingCounterModel(limit: 1)
        let file = CounterexampleFile.make(model: model, property: "Deadlock", kind: "deadlock",
                                           trace: Trace(steps: []))
        var path = file
        path.indices = [0, 0, 0]
        XCTAssertEqual(replayError { _ = try path.replay(on: model) }, "step 2: action Increment is disabled")
    }

    // MARK: CheckResult as JSON

    func testCheckResultRoundTripsThroughJSON() throws {
        let model = GridModel(width: 5, height: 4, properties: [
            .always("AvoidsCorner") { _, cell in cell != GridModel.Cell(x: 4, y: 3) },
            .sometimes("ReachesMiddle") { _, cell in cell == GridModel.Cell(x: 2, y: 2) },
        ])
        for result in [check(model) { $0.stopAtFirstViolation = false }, check(model) { $0.depthMax = 3 },
                       check(StoppingCounterModel(limit: 2))] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let data = try encoder.encode(result)
            let decoded = try JSONDecoder().decode(CheckResult.self, from: data)
            XCTAssertEqual(try encoder.encode(decoded), data)
            XCTAssertEqual(decoded.outcome, result.outcome)
            XCTAssertEqual(decoded.bound, result.bound)
            XCTAssertEqual(decoded.distinctStates, result.distinctStates)
            XCTAssertEqual(decoded.generatedStates, result.generatedStates)
            XCTAssertEqual(decoded.depth, result.depth)
            XCTAssertEqual(decoded.elapsedSeconds, result.elapsedSeconds)
            XCTAssertEqual(decoded.properties.map(\.trace), result.properties.map(\.trace))
            XCTAssertEqual(decoded.properties.map(\.status), result.properties.map(\.status))
            XCTAssertEqual(decoded.properties.map(\.note), result.properties.map(\.note))
            XCTAssertEqual(decoded.deadlock, result.deadlock)
            XCTAssertEqual(decoded.coverage.map(\.fired), result.coverage.map(\.fired))
            XCTAssertEqual(decoded.violatedProperties, result.violatedProperties)
        }
    }

    func testEnumsEncodeAsTheirDocumentedNames() throws {
        let text = { (data: Data) in String(decoding: data, as: UTF8.self) }
        XCTAssertEqual(text(try JSONEncoder().encode([CheckOutcome.boundReached])), "[\"bound-reached\"]")
        XCTAssertEqual(text(try JSONEncoder().encode([SearchBound.distinctStates])), "[\"distinct-states\"]")
        XCTAssertEqual(text(try JSONEncoder().encode([PropertyKind.eventuallyReachable])), "[\"eventually-reachable\"]")
    }
}
