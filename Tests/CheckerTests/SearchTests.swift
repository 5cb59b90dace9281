@testable import Checker
import Model
import Synchronization
import XCTest

/// Breadth-first search: counts against known answers and the oracle, shortest counterexamples,
/// trace rendering, and the deadlock check.
final class SearchTests: XCTestCase {
    // MARK: Counts (TLC's distinct / generated / depth, the initial states being level 1)

    func testCounterCountsAreKnown() {
        let result = check(CounterModel(modulus: 10))
        XCTAssertEqual(result.outcome, .holds)
        XCTAssertNil(result.bound)
        XCTAssertEqual(result.distinctStates, 10)
        XCTAssertEqual(result.generatedStates, 11, "the initial state plus one successor per state")
        XCTAssertEqual(result.depth, 10)
    }

    func testSingleStateModelHasDepthOne() {
        let result = check(CounterModel(modulus: 1))
        XCTAssertEqual(result.outcome, .holds)
        XCTAssertEqual(result.distinctStates, 1)
        XCTAssertEqual(result.generatedStates, 2)
        XCTAssertEqual(result.depth, 1)
    }

    func testGridCountsAreKnownAndMovesOffTheGridAreNotCounted() {
        let model = GridModel(width: 5, height: 4)
        let result = check(model)
        XCTAssertEqual(result.outcome, .holds)
        XCTAssertEqual(result.distinctStates, 20)
        XCTAssertEqual(result.generatedStates, 1 + 2 * 4 * 4 + 2 * 5 * 3)
        XCTAssertEqual(result.depth, 5 + 4 - 1)
        let oracle = StateGraph(model)
        XCTAssertEqual(oracle.states.count, result.distinctStates)
        XCTAssertEqual(oracle.generated, result.generatedStates)
        XCTAssertEqual(oracle.depth, result.depth)
    }

    func testCoverageCountsEachKindOfMove() {
        let result = check(GridModel(width: 5, height: 4))
        XCTAssertEqual(result.coverage.map(\.kind), ["Right", "Left", "Up", "Down"])
        XCTAssertEqual(result.coverage.map(\.fired), [4 * 4, 4 * 4, 5 * 3, 5 * 3])
        XCTAssertEqual(result.coverage.map(\.distinct).reduce(0, +), 20 - 1,
                       "every state but the initial one is first reached by exactly one move")
        XCTAssertEqual(result.coverage[1].distinct, 0, "Left never reaches a new state from (0, 0)")
        XCTAssertEqual(result.coverage[2].distinct, 0, "Up never reaches a new state from (0, 0)")
    }

    func testDuplicateInitialStatesAreGeneratedButCountedOnce() {
        let model = GraphModel([[1], [2], [0]], initial: [0, 0, 2])
        let result = check(model)
        XCTAssertEqual(result.distinctStates, 3)
        XCTAssertEqual(result.generatedStates, 3 + 3)
        XCTAssertEqual(result.depth, 2, "level 1 holds nodes 0 and 2, level 2 node 1")
    }

    func testModelWithoutInitialStatesExploresNothing() {
        let model = GraphModel([[0]], initial: [],
                               properties: [.sometimes("Anything") { _, _ in true }])
        let result = check(model)
        XCTAssertEqual(result.distinctStates, 0)
        XCTAssertEqual(result.depth, 0)
        XCTAssertEqual(result.property("Anything")?.status, .violated)
    }

    func testHashGraphCountsMatchTheOracle() {
        let model = HashGraphModel(nodes: 50_000, degree: 4, seed: 2024)
        let oracle = StateGraph(model)
        XCTAssertGreaterThan(oracle.levelSizes.max() ?? 0, CheckOptions.batchStatesMax,
                             "one level fills more than one batch")
        let result = check(model)
        XCTAssertEqual(result.outcome, .holds)
        XCTAssertEqual(result.distinctStates, oracle.states.count)
        XCTAssertEqual(result.generatedStates, oracle.generated)
        XCTAssertEqual(result.depth, oracle.depth)
        // Pinned, so that a change to the engine (or to SplitMix64) fails loudly.
        XCTAssertEqual(result.distinctStates, PinnedSizes.hashGraphDistinct)
        XCTAssertEqual(result.generatedStates, 4 * PinnedSizes.hashGraphDistinct + 1)
        XCTAssertEqual(result.depth, PinnedSizes.hashGraphDepth)
    }

    // MARK: Invariant counterexamples are shortest paths

    func testInvariantCounterexampleIsAShortestPathWithItsActions() {
        let target = GridModel.Cell(x: 3, y: 2)
        let model = GridModel(width: 5, height: 4, properties: [.always("AvoidsTarget") { _, cell in cell != target }])
        let result = check(model)
        XCTAssertEqual(result.outcome, .violated)
        XCTAssertEqual(result.violatedProperties, ["AvoidsTarget"])
        let report = result.property("AvoidsTarget")
        XCTAssertEqual(report?.status, .violated)
        XCTAssertEqual(report?.kind, .always)
        let states = replayStates(report?.trace, on: model)
        XCTAssertEqual(states.last, target)
        let distance = StateGraph(GridModel(width: 5, height: 4)).shortestDistance { $0 == target }
        XCTAssertEqual(distance, 5)
        XCTAssertEqual(report?.trace?.steps.count, (distance ?? 0) + 1)
        for step in report?.trace?.steps.dropFirst() ?? [] {
            XCTAssertTrue(step.action == "Right" || step.action == "Down", "a shortest path only goes right and down")
        }
    }

    func testInvariantCounterexampleInAWideGraphIsAShortestPath() {
        let plain = HashGraphModel(nodes: 50_000, degree: 4, seed: 2024)
        let oracle = StateGraph(plain)
        let farthest = oracle.distance.indices.max { oracle.distance[$0] < oracle.distance[$1] }!
        let forbidden = oracle.states[farthest]
        let model = HashGraphModel(nodes: 50_000, degree: 4, seed: 2024,
                                   properties: [.always("NeverFarthest") { _, node in node != forbidden }])
        let result = check(model)
        XCTAssertEqual(result.outcome, .violated)
        let trace = result.property("NeverFarthest")?.trace
        XCTAssertEqual(trace?.steps.count, oracle.distance[farthest] + 1)
        XCTAssertEqual(replayStates(trace, on: model).last, forbidden)
        XCTAssertEqual(result.depth, oracle.depth, "the violation is on the last level")
    }

    func testInvariantViolatedInAnInitialStateGivesAOneStepTrace() {
        let model = GraphModel([[1], [0], [0]], initial: [0, 2], properties: [.always("NotTwo") { _, node in node != 2 }])
        let result = check(model)
        let trace = result.property("NotTwo")?.trace
        XCTAssertEqual(trace?.steps.count, 1)
        XCTAssertEqual(trace?.steps.first?.index, 1, "the index of node 2 in initialStates()")
        XCTAssertNil(trace?.steps.first?.action)
        XCTAssertEqual(trace?.steps.first?.fields, [StateField("node", "2")])
    }

    func testTraceFirstStepHasEveryFieldAndLaterStepsOnlyChangedOnes() {
        let target = GridModel.Cell(x: 2, y: 1)
        let model = GridModel(width: 5, height: 4, properties: [.always("AvoidsTarget") { _, cell in cell != target }])
        guard let trace = check(model).property("AvoidsTarget")?.trace else { return XCTFail("no trace") }
        XCTAssertEqual(trace.steps[0].fields, [StateField("x", "0"), StateField("y", "0")])
        XCTAssertEqual(trace.steps.last?.fields, [StateField("x", "2"), StateField("y", "1")],
                       "every step of the trace carries every field")
        let lines = TextReport.renderTrace(trace)
        XCTAssertEqual(Array(lines.prefix(3)), ["State 1: <initial state 0>", "  x = 0", "  y = 0"])
        // After the initial state, each step is a header and the one coordinate that moved.
        XCTAssertEqual(lines.count, 3 + 2 * (trace.steps.count - 1))
        for (position, step) in trace.steps.enumerated().dropFirst() {
            let header = lines[3 + 2 * (position - 1)]
            XCTAssertEqual(header, "State \(position + 1): \(step.action ?? "?")")
            let change = lines[3 + 2 * (position - 1) + 1]
            let field = step.action == "Right" ? "x" : "y"
            XCTAssertEqual(change, "  \(field) = \(step.fields.first { $0.name == field }!.value)")
        }
    }

    func testCounterTraceRendersExactly() {
        let model = CounterModel(modulus: 10, properties: [.always("BelowThree") { _, value in value < 3 }])
        guard let trace = check(model).property("BelowThree")?.trace else { return XCTFail("no trace") }
        XCTAssertEqual(TextReport.renderTrace(trace), [
            "State 1: <initial state 0>", "  value = 0",
            "State 2: Increment", "  value = 1",
            "State 3: Increment", "  value = 2",
            "State 4: Increment", "  value = 3",
        ])
    }

    func testTextReportNamesTheViolationAndTheCounts() {
        let model = CounterModel(modulus: 10, properties: [.always("BelowThree") { _, value in value < 3 }])
        let report = TextReport.render(check(model))
        XCTAssertTrue(report.hasPrefix("Model test-counter (modulus = 10), 1 worker\n"))
        XCTAssertTrue(report.contains("Error: Invariant BelowThree is violated.\nState 1: <initial state 0>\n"))
        XCTAssertTrue(report.contains("Model checking found a violation.\n"))
        XCTAssertTrue(report.contains("  violated always               BelowThree\n"))
        XCTAssertTrue(report.hasSuffix("\n"))
    }

    func testStopAtFirstViolationOffReportsEveryProperty() {
        let model = CounterModel(modulus: 10, properties: [
            .always("BelowThree") { _, value in value < 3 },
            .always("BelowSix") { _, value in value < 6 },
            .always("BelowTen") { _, value in value < 10 },
        ])
        let first = check(model)
        XCTAssertEqual(first.property("BelowThree")?.status, .violated)
        XCTAssertEqual(first.property("BelowSix")?.status, .unknown, "the search stopped before value 6")
        XCTAssertEqual(first.property("BelowSix")?.note, "the search stopped at the first violation")
        XCTAssertEqual(first.property("BelowTen")?.status, .unknown)
        let every = check(model) { $0.stopAtFirstViolation = false }
        XCTAssertEqual(every.outcome, .violated)
        XCTAssertEqual(every.property("BelowThree")?.trace?.steps.count, 4)
        XCTAssertEqual(every.property("BelowSix")?.trace?.steps.count, 7)
        XCTAssertEqual(every.property("BelowTen")?.status, .holds)
        XCTAssertEqual(every.violatedProperties, ["BelowThree", "BelowSix"])
        XCTAssertEqual(every.distinctStates, 10, "the search went on to the end")
    }

    // MARK: Deadlock (TLC's check, on by default)

    /// 0 → {1, 2}; 1 → 3 → 4 → 5 (a sink at distance 4); 2 → 6 → 7 (a sink at distance 3).
    private static let twoSinks = [[1, 2], [3], [6], [4], [5], [], [7], []]

    func testDeadlockIsReportedWithAShortestTrace() {
        let model = GraphModel(SearchTests.twoSinks)
        let result = check(model)
        XCTAssertEqual(result.outcome, .violated)
        XCTAssertEqual(result.violatedProperties, ["Deadlock"])
        let states = replayStates(result.deadlock, on: model)
        XCTAssertEqual(states, [0, 2, 6, 7], "the nearer sink, though reached by the later edge")
        XCTAssertTrue(TextReport.render(result).contains("Error: Deadlock reached (a state with no successor)."))
    }

    func testDeadlockCheckOffExploresEverything() {
        let result = check(GraphModel(SearchTests.twoSinks)) { $0.checkDeadlock = false }
        XCTAssertEqual(result.outcome, .holds)
        XCTAssertNil(result.deadlock)
        XCTAssertEqual(result.distinctStates, 8)
        XCTAssertEqual(result.depth, 5)
    }

    func testListedButDisabledActionsAreADeadlock() {
        let model = StoppingCounterModel(limit: 4)
        let result = check(model)
        XCTAssertEqual(result.outcome, .violated)
        XCTAssertEqual(replayStates(result.deadlock, on: model), [0, 1, 2, 3, 4])
        XCTAssertEqual(check(model) { $0.checkDeadlock = false }.outcome, .holds)
    }

    func testSuccessorsOutsideTheBoundaryAreNotADeadlock() {
        // As TLC with a CONSTRAINT: a state whose successors all lie outside is not stuck.
        let result = check(GridModel(width: 1, height: 1))
        XCTAssertEqual(result.outcome, .holds)
        XCTAssertNil(result.deadlock)
        XCTAssertEqual(result.distinctStates, 1)
        XCTAssertEqual(result.generatedStates, 1)
    }

    func testProgressReportsAreDeliveredAndGrow() {
        let reports = Mutex<[ProgressReport]>([])
        let result = check(HashGraphModel(nodes: 50_000, degree: 4, seed: 2024)) {
            $0.progressIntervalSeconds = 0
            $0.progress = { report in reports.withLock { $0.append(report) } }
        }
        let delivered = reports.withLock { $0 }
        XCTAssertGreaterThan(delivered.count, 1)
        XCTAssertEqual(delivered.map(\.distinctStates), delivered.map(\.distinctStates).sorted())
        XCTAssertEqual(delivered.map(\.depth), delivered.map(\.depth).sorted())
        XCTAssertLessThanOrEqual(delivered.last?.distinctStates ?? 0, result.distinctStates)
        XCTAssertTrue(delivered.allSatisfy { $0.line.hasPrefix("Progress(\($0.depth)) at ") })
    }

    func testOptionValidationNamesTheOption() {
        var options = CheckOptions()
        XCTAssertNil(options.validationError())
        options.workers = 0
        XCTAssertEqual(options.validationError(), "workers must be between 1 and 64 (got 0)")
        options = CheckOptions()
        options.depthMax = 0
        XCTAssertTrue(options.validationError()?.contains("depth bound") ?? false)
        options = CheckOptions()
        options.secondsMax = 0
        XCTAssertTrue(options.validationError()?.contains("time bound") ?? false)
        options = CheckOptions()
        options.tableLoadPercentMax = 99
        XCTAssertTrue(options.validationError()?.contains("table load") ?? false)
    }
}

/// State-space sizes of the test models, pinned as Stateright pins its examples' sizes.
enum PinnedSizes {
    /// `HashGraphModel(nodes: 50_000, degree: 4, seed: 2024)`.
    static let hashGraphDistinct = 49_061
    static let hashGraphDepth = 14
}
