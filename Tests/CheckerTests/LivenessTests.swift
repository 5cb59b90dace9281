@testable import Checker
import Model
import XCTest

/// `eventuallyReachable`: from every reachable state a goal state is reachable (along the admitted
/// transitions). Verdicts and stuck states are checked against the oracle's reverse reachability.
final class LivenessTests: XCTestCase {
    private static func reachesGoal(_ goal: Int, along: (@Sendable (GraphModel, GraphModel.Edge) -> Bool)? = nil)
        -> Property<GraphModel> {
        .eventuallyReachable("ReachesGoal", along: along) { _, node in node == goal }
    }

    /// Checks a violated liveness report: its trace ends in a stuck state (per the oracle), and it
    /// is a shortest path to any stuck state.
    private func assertEndsStuck(_ result: CheckResult, _ model: GraphModel, goal: Int,
                                 along: (GraphModel.Edge) -> Bool = { _ in true },
                                 file: StaticString = #filePath, line: UInt = #line) -> Int? {
        let report = result.property("ReachesGoal")
        XCTAssertEqual(report?.status, .violated, file: file, line: line)
        XCTAssertEqual(report?.note, "no state satisfying the goal is reachable from the last state", file: file, line: line)
        guard let last = replayStates(report?.trace, on: model, file: file, line: line).last else { return nil }
        let oracle = StateGraph(model)
        let reaches = oracle.canReach({ $0 == goal }, along: along)
        XCTAssertFalse(reaches[oracle.id(of: last)!], "the trace ends in node \(last), which can reach the goal",
                       file: file, line: line)
        let nearestStuck = oracle.states.indices.filter { !reaches[$0] }.map { oracle.distance[$0] }.min()
        XCTAssertEqual(report?.trace?.steps.count, nearestStuck.map { $0 + 1 }, "a shortest path to a stuck state",
                       file: file, line: line)
        return last
    }

    func testHoldsWhenEveryNodeReachesTheGoal() {
        // 0 → 1 → 2 → {0, 3}, 3 → 3.
        let model = GraphModel([[1], [2], [0, 3], [3]], properties: [LivenessTests.reachesGoal(3)])
        let result = check(model)
        XCTAssertEqual(result.outcome, .holds)
        XCTAssertEqual(result.property("ReachesGoal")?.status, .holds)
        XCTAssertNil(result.property("ReachesGoal")?.trace)
        XCTAssertTrue(StateGraph(model).canReach { $0 == 3 }.allSatisfy { $0 })
    }

    func testCycleWithoutExitIsATrap() {
        // 0 → {4, 1}; 1 ⇄ 2 (no exit); 4 → 5 → 5 (the goal).
        let model = GraphModel([[4, 1], [2], [1], [], [5], [5]], properties: [LivenessTests.reachesGoal(5)])
        let result = check(model)
        XCTAssertEqual(result.outcome, .violated)
        XCTAssertEqual(result.violatedProperties, ["ReachesGoal"])
        XCTAssertEqual(assertEndsStuck(result, model, goal: 5), 1)
        XCTAssertTrue(TextReport.render(result).contains("Error: Liveness property ReachesGoal is violated."))
    }

    func testSinkIsATrapWhenDeadlocksAreNotChecked() {
        // 0 → {2, 1}; 1 is a sink; 2 → 2 is the goal.
        let model = GraphModel([[2, 1], [], [2]], properties: [LivenessTests.reachesGoal(2)])
        let result = check(model) { $0.checkDeadlock = false }
        XCTAssertEqual(assertEndsStuck(result, model, goal: 2), 1)
        // With the deadlock check on, the search stops at the sink and liveness cannot be decided.
        let stopped = check(model)
        XCTAssertEqual(stopped.violatedProperties, ["Deadlock"])
        XCTAssertEqual(stopped.property("ReachesGoal")?.status, .unknown)
    }

    func testAlongFilterChangesTheVerdict() {
        // 0 → {1, 3}; 1 → 2 only by a fault; 3 → 2; 2 → 2 is the goal.
        let edges = [[1, 3], [2], [2], [2]]
        let everyEdge = GraphModel(edges, faults: [[1, 2]], properties: [LivenessTests.reachesGoal(2)])
        XCTAssertEqual(check(everyEdge).property("ReachesGoal")?.status, .holds)
        let withoutFaults = GraphModel(edges, faults: [[1, 2]],
                                       properties: [LivenessTests.reachesGoal(2, along: GraphModel.withoutFaults)])
        let result = check(withoutFaults)
        XCTAssertEqual(result.outcome, .violated)
        XCTAssertEqual(assertEndsStuck(result, withoutFaults, goal: 2, along: { !$0.isFault }), 1,
                       "node 1 reaches the goal only through a fault")
        XCTAssertEqual(result.distinctStates, 4, "the filter does not change what is explored")
    }

    func testUnknownWhenABoundStopsTheSearch() {
        let model = CounterModel(modulus: 1_000_000_000,
                                 properties: [.eventuallyReachable("ReturnsToZero") { _, value in value == 0 }])
        let result = check(model) { $0.depthMax = 5 }
        XCTAssertEqual(result.outcome, .boundReached)
        let report = result.property("ReturnsToZero")
        XCTAssertEqual(report?.status, .unknown)
        XCTAssertEqual(report?.note, "liveness needs the whole state graph; the depth bound stopped the search "
                       + "before it was complete")
        // The same property on a counter the search can finish holds.
        let small = CounterModel(modulus: 50, properties: model.properties)
        XCTAssertEqual(check(small).property("ReturnsToZero")?.status, .holds)
    }

    func testUnknownWhenTheSearchStoppedAtAnotherViolation() {
        let model = CounterModel(modulus: 50, properties: [
            .always("BelowTen") { _, value in value < 10 },
            .eventuallyReachable("ReturnsToZero") { _, value in value == 0 },
        ])
        let result = check(model)
        XCTAssertEqual(result.property("ReturnsToZero")?.status, .unknown)
        let everything = check(model) { $0.stopAtFirstViolation = false }
        XCTAssertEqual(everything.property("ReturnsToZero")?.status, .holds)
    }

    func testSeveralLivenessPropertiesAreDecidedIndependently() {
        // 0 → {1, 2}; 1 → 1; 2 → 2. From 1 only 1 is reachable, from 2 only 2.
        let model = GraphModel([[1, 2], [1], [2]], properties: [
            .eventuallyReachable("ReachesOne") { _, node in node == 1 },
            .eventuallyReachable("ReachesOneOrTwo") { _, node in node >= 1 },
            .eventuallyReachable("ReachesTwo") { _, node in node == 2 },
        ])
        let result = check(model) { $0.stopAtFirstViolation = false }
        XCTAssertEqual(result.property("ReachesOne")?.status, .violated)
        XCTAssertEqual(replayStates(result.property("ReachesOne")?.trace, on: model), [0, 2])
        XCTAssertEqual(result.property("ReachesOneOrTwo")?.status, .holds)
        XCTAssertEqual(result.property("ReachesTwo")?.status, .violated)
        XCTAssertEqual(replayStates(result.property("ReachesTwo")?.trace, on: model), [0, 1])
    }

    func testWideGraphVerdictsMatchTheOracle() {
        let home = Property<HashGraphModel>.eventuallyReachable("ReachesLowNode") { _, node in node < 25_000 }
        let firstEdges = Property<HashGraphModel>.eventuallyReachable(
            "ReachesLowNodeByFirstEdges", along: { _, edge in edge.position == 0 }) { _, node in node < 500 }
        let model = HashGraphModel(nodes: 50_000, degree: 4, seed: 2024, properties: [home, firstEdges])
        let oracle = StateGraph(model)
        let everyEdge = oracle.canReach { $0 < 25_000 }
        let firstEdge = oracle.canReach({ $0 < 500 }, along: { $0.position == 0 })
        XCTAssertTrue(everyEdge.allSatisfy { $0 }, "the oracle: every node reaches a low node")
        XCTAssertFalse(firstEdge.allSatisfy { $0 }, "the oracle: some node's first-edge path avoids every node < 500")
        let result = check(model) { $0.stopAtFirstViolation = false }
        XCTAssertEqual(result.distinctStates, PinnedSizes.hashGraphDistinct)
        XCTAssertEqual(result.property("ReachesLowNode")?.status, .holds)
        let report = result.property("ReachesLowNodeByFirstEdges")
        XCTAssertEqual(report?.status, .violated)
        let last = replayStates(report?.trace, on: model).last ?? 0
        XCTAssertFalse(firstEdge[oracle.id(of: last)!], "the trace ends in a stuck node")
        let nearestStuck = oracle.states.indices.filter { !firstEdge[$0] }.map { oracle.distance[$0] }.min()
        XCTAssertEqual(report?.trace?.steps.count, nearestStuck.map { $0 + 1 })
    }

    func testLivenessUnderSymmetry() {
        let model = SymmetricCountersModel(count: 3, modulus: 4, symmetric: true, properties: [
            .eventuallyReachable("AllZeroAgain") { _, counters in counters.allSatisfy { $0 == 0 } },
            .eventuallyReachable("SumTwelve") { _, counters in counters.reduce(0, +) == 12 },
        ])
        let result = check(model) { $0.stopAtFirstViolation = false }
        XCTAssertEqual(result.property("AllZeroAgain")?.status, .holds, "every vector wraps back to zero")
        XCTAssertEqual(result.property("SumTwelve")?.status, .violated, "the sum is at most 9")
        XCTAssertEqual(result.property("SumTwelve")?.trace?.steps.count, 1, "the initial state is already stuck")
        XCTAssertEqual(result.distinctStates, 20, "multisets of 3 values out of 4")
    }

    /// The visited set's ids must stay those of the records when a region grows in the middle of a
    /// batch; liveness maps every edge's child fingerprint to its id through them. With a small
    /// `expectedStates` regions grow inside nearly every batch. (Checked on the search before
    /// `finish()`, because `LivenessAnalysis` traps on an id it cannot index.)
    func testVisitedSetIdsMatchRecordsWhenRegionsGrowMidBatch() throws {
        let model = HashGraphModel(nodes: 50_000, degree: 4, seed: 2024,
                                   properties: [.eventuallyReachable("ReachesLowNode") { _, node in node < 25_000 }])
        var options = CheckOptions()
        options.expectedStates = 1
        let search = Search(model: model, options: options)
        search.explore()
        XCTAssertEqual(search.records.count, PinnedSizes.hashGraphDistinct)
        let oracle = StateGraph(model)
        var seen = Set<UInt32>()
        var wrong = 0
        for state in oracle.states {
            let fingerprint = FingerprintSet.normalized(FingerprintHasher.fingerprint(state))
            guard let id = search.table.id(of: fingerprint), Int(id) < search.records.count,
                  seen.insert(id).inserted else {
                wrong += 1
                continue
            }
        }
        XCTAssertEqual(wrong, 0, "\(wrong) of \(oracle.states.count) states have a missing, out-of-range or "
                       + "duplicate id in the visited set")
        guard wrong == 0 else { return } // finish() would trap in LivenessAnalysis.
        // Spot-check that ids name the right state.
        let replayer = Replayer(model: model)
        for id in stride(from: 0, to: search.records.count, by: 997) {
            let state = try replayer.states(search.records.path(to: id)).states.last!
            XCTAssertEqual(search.table.id(of: FingerprintSet.normalized(FingerprintHasher.fingerprint(state))),
                           UInt32(id))
        }
        XCTAssertEqual(search.finish().property("ReachesLowNode")?.status, .holds)
    }
}
