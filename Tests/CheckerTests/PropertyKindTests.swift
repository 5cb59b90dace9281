@testable import Checker
import Model
import XCTest

/// `sometimes` (reachability guards) and `transition` (action properties).
final class PropertyKindTests: XCTestCase {
    // MARK: sometimes

    func testSometimesHoldsWithAShortestWitness() {
        let target = GridModel.Cell(x: 3, y: 2)
        let model = GridModel(width: 5, height: 4, properties: [.sometimes("ReachesTarget") { _, cell in cell == target }])
        let result = check(model)
        XCTAssertEqual(result.outcome, .holds)
        XCTAssertEqual(result.outcome.exitCode, 0)
        let report = result.property("ReachesTarget")
        XCTAssertEqual(report?.status, .holds)
        XCTAssertEqual(report?.kind, .sometimes)
        XCTAssertEqual(replayStates(report?.trace, on: model).last, target)
        XCTAssertEqual(report?.trace?.steps.count, StateGraph(model).shortestDistance { $0 == target }! + 1)
        XCTAssertTrue(TextReport.render(result).contains("ReachesTarget  (first reached at depth 6)"))
        XCTAssertEqual(result.distinctStates, 20, "a witness does not stop the search")
    }

    func testSometimesNeverReachedInAnExhaustiveRunIsViolated() {
        let model = GridModel(width: 5, height: 4, properties: [.sometimes("OffTheGrid") { _, cell in cell.x == 7 }])
        let result = check(model)
        XCTAssertEqual(result.outcome, .violated)
        XCTAssertEqual(result.outcome.exitCode, 1)
        let report = result.property("OffTheGrid")
        XCTAssertEqual(report?.status, .violated)
        XCTAssertNil(report?.trace, "there is no path to show")
        XCTAssertEqual(report?.note, "no reachable state satisfies it")
        XCTAssertEqual(result.violatedProperties, ["OffTheGrid"])
        XCTAssertTrue(TextReport.render(result).contains("Error: Reachability property OffTheGrid is violated."))
        XCTAssertTrue(CounterexampleFile.all(from: result, model: model).isEmpty, "no file without a trace")
    }

    func testSometimesIsUnknownWhenABoundStopsTheSearch() {
        let model = CounterModel(modulus: 1_000_000_000,
                                 properties: [.sometimes("ReachesFiveHundred") { _, value in value == 500 }])
        let result = check(model) { $0.depthMax = 10 }
        XCTAssertEqual(result.outcome, .boundReached)
        XCTAssertEqual(result.bound, .depth)
        let report = result.property("ReachesFiveHundred")
        XCTAssertEqual(report?.status, .unknown)
        XCTAssertNil(report?.trace)
        XCTAssertEqual(report?.note, "the depth bound stopped the search before it was complete")
    }

    func testSometimesWitnessedWithinABoundHolds() {
        let model = CounterModel(modulus: 1_000_000_000,
                                 properties: [.sometimes("ReachesFive") { _, value in value == 5 }])
        let result = check(model) { $0.depthMax = 10 }
        XCTAssertEqual(result.outcome, .boundReached, "the run is still incomplete")
        XCTAssertEqual(result.property("ReachesFive")?.status, .holds)
        XCTAssertEqual(result.property("ReachesFive")?.trace?.steps.count, 6)
    }

    // MARK: transition

    func testTransitionViolationTraceEndsInTheViolatingStep() {
        let model = CounterModel(modulus: 10, properties: [
            .transition("NeverWraps") { _, state, _, next in next > state },
        ])
        let result = check(model)
        XCTAssertEqual(result.outcome, .violated)
        let report = result.property("NeverWraps")
        XCTAssertEqual(report?.status, .violated)
        XCTAssertEqual(report?.kind, .transition)
        let states = replayStates(report?.trace, on: model)
        XCTAssertEqual(states, Array(0..<10) + [0], "the trace ends with the wrapping step itself")
        XCTAssertEqual(report?.trace?.steps.last?.action, "Increment")
        XCTAssertTrue(TextReport.render(result).contains("Error: Action property NeverWraps is violated."))
    }

    func testTransitionViolationIsAShortestPathToTheStep() {
        let model = GridModel(width: 5, height: 4, properties: [
            .transition("NeverLeft") { _, _, move, _ in move != .left },
        ])
        let result = check(model)
        let trace = result.property("NeverLeft")?.trace
        let distance = StateGraph(GridModel(width: 5, height: 4)).shortestDistance { _, move, _ in move == .left }
        XCTAssertEqual(distance, 2)
        XCTAssertEqual(trace?.steps.count, (distance ?? 0) + 1)
        XCTAssertEqual(trace?.steps.last?.action, "Left")
        // Down then Left leaves the grid (never generated, never checked): Right then Left is the only one.
        XCTAssertEqual(replayStates(trace, on: model),
                       [GridModel.Cell(x: 0, y: 0), GridModel.Cell(x: 1, y: 0), GridModel.Cell(x: 0, y: 0)])
    }

    func testTransitionToAStateOutsideTheBoundaryIsNotChecked() {
        let model = GridModel(width: 1, height: 1, properties: [
            .transition("NeverLeft") { _, _, move, _ in move != .left },
        ])
        XCTAssertEqual(check(model).property("NeverLeft")?.status, .holds)
    }

    func testStutteringViolationRendersNoFieldChanged() {
        let model = GraphModel([[0]], properties: [.transition("Moves") { _, node, _, next in node != next }])
        guard let trace = check(model).property("Moves")?.trace else { return XCTFail("no trace") }
        XCTAssertEqual(trace.steps.count, 2)
        XCTAssertEqual(TextReport.renderTrace(trace),
                       ["State 1: <initial state 0>", "  node = 0", "State 2: 0->0", "  (no field changed)"])
    }

    func testTransitionPropertyThatHoldsIsReportedHolding() {
        let model = CounterModel(modulus: 10, properties: [
            .transition("StepsByOne") { model, state, _, next in next == (state + 1) % model.modulus },
        ])
        let result = check(model)
        XCTAssertEqual(result.outcome, .holds)
        XCTAssertEqual(result.property("StepsByOne")?.status, .holds)
        XCTAssertNil(result.property("StepsByOne")?.trace)
    }
}
