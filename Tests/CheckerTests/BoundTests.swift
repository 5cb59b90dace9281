@testable import Checker
import Model
import XCTest

/// Depth, distinct-state and time bounds: an incomplete search is `.boundReached` with the bound
/// that stopped it, never `.holds`; exit codes 0 / 1 / 3.
final class BoundTests: XCTestCase {
    /// A counter far too big to finish, with an invariant that holds everywhere.
    private static let huge = CounterModel(modulus: 1_000_000_000,
                                           properties: [.always("NonNegative") { _, value in value >= 0 }])

    func testExitCodesOfOutcomes() {
        XCTAssertEqual(CheckOutcome.holds.exitCode, 0)
        XCTAssertEqual(CheckOutcome.violated.exitCode, 1)
        XCTAssertEqual(CheckOutcome.boundReached.exitCode, 3)
    }

    func testDepthBoundThatCutsIsBoundReached() {
        let result = check(BoundTests.huge) { $0.depthMax = 10 }
        XCTAssertEqual(result.outcome, .boundReached)
        XCTAssertEqual(result.bound, .depth)
        XCTAssertEqual(result.outcome.exitCode, 3)
        XCTAssertEqual(result.depth, 10)
        XCTAssertEqual(result.distinctStates, 10)
        XCTAssertEqual(result.generatedStates, 10, "successors of the last level are not generated")
        XCTAssertEqual(result.property("NonNegative")?.status, .unknown)
        XCTAssertTrue(TextReport.render(result).contains("Model checking stopped at the depth bound: the search is "
                                                         + "INCOMPLETE"))
    }

    func testDepthBoundThatCutsNothingIsHolds() {
        let model = CounterModel(modulus: 10, properties: [.always("BelowTen") { _, value in value < 10 }])
        for depthMax in [10, 11, 1_000] {
            let result = check(model) { $0.depthMax = depthMax }
            XCTAssertEqual(result.outcome, .holds, "depth bound \(depthMax)")
            XCTAssertNil(result.bound)
            XCTAssertEqual(result.depth, 10)
            XCTAssertEqual(result.property("BelowTen")?.status, .holds)
        }
        let cut = check(model) { $0.depthMax = 9 }
        XCTAssertEqual(cut.outcome, .boundReached)
        XCTAssertEqual(cut.bound, .depth)
        XCTAssertEqual(cut.property("BelowTen")?.status, .unknown)
    }

    func testDepthBoundOnTheGridsLastLevelIsHolds() {
        // The grid's depth is 8: the bound 8 explores everything, 7 leaves the far corner out.
        XCTAssertEqual(check(GridModel(width: 5, height: 4)) { $0.depthMax = 8 }.outcome, .holds)
        let cut = check(GridModel(width: 5, height: 4)) { $0.depthMax = 7 }
        XCTAssertEqual(cut.outcome, .boundReached)
        XCTAssertEqual(cut.distinctStates, 19)
    }

    func testLastLevelUnderADepthBoundIsStillChecked() {
        let model = CounterModel(modulus: 1_000_000_000, properties: [
            .always("NotNine") { _, value in value != 9 },
        ])
        let result = check(model) { $0.depthMax = 10 }
        XCTAssertEqual(result.outcome, .violated, "value 9 is on level 10, inside the bound")
        XCTAssertEqual(result.property("NotNine")?.trace?.steps.count, 10)
        let deadlock = check(StoppingCounterModel(limit: 4)) { $0.depthMax = 5 }
        XCTAssertEqual(deadlock.outcome, .violated, "the sink on level 5 is a deadlock")
    }

    /// Level 2 of the star holds 20,000 states: more than one batch. With the bound at level 2,
    /// the engine checks that level without expanding it; every one of its states is inside the
    /// bound and counted as distinct, so an invariant broken by any of them must be found.
    func testLastLevelBeyondOneBatchIsCheckedEntirely() {
        let fanout = 20_000
        XCTAssertGreaterThan(fanout, CheckOptions.batchStatesMax)
        // The order the engine queues level 2 in: by visited-set group, then by frontier order.
        // (Node 0's actions list the children in increasing order.)
        let group = { (node: Int) in FingerprintSet.group(of: FingerprintSet.normalized(FingerprintHasher.fingerprint(node))) }
        let levelTwo = (1...fanout).sorted { group($0) != group($1) ? group($0) < group($1) : $0 < $1 }
        let secondBatch = Set(levelTwo[CheckOptions.batchStatesMax...])
        let model = StarModel(fanout: fanout, properties: [
            .always("InFirstBatch") { _, node in !secondBatch.contains(node) },
        ])
        // Expanding level 2 (bound 3) finds the first state of the second batch: the order is right.
        let expanded = check(model) { $0.depthMax = 3 }
        XCTAssertEqual(expanded.outcome, .violated)
        XCTAssertEqual(replayStates(expanded.property("InFirstBatch")?.trace, on: model),
                       [0, levelTwo[CheckOptions.batchStatesMax]])
        // With the bound at level 2 the same state is inside the bound.
        let bounded = check(model) { $0.depthMax = 2 }
        XCTAssertEqual(bounded.distinctStates, 1 + fanout, "all of level 2 is counted")
        XCTAssertEqual(bounded.outcome, .violated, "a state on level 2 breaks the invariant")
        XCTAssertEqual(bounded.property("InFirstBatch")?.status, .violated)
    }

    func testDistinctStateBoundIsBoundReached() {
        let result = check(BoundTests.huge) { $0.distinctStatesMax = 1_000 }
        XCTAssertEqual(result.outcome, .boundReached)
        XCTAssertEqual(result.bound, .distinctStates)
        XCTAssertEqual(result.outcome.exitCode, 3)
        XCTAssertEqual(result.distinctStates, 1_000, "one new state per batch: the bound is met exactly")
        XCTAssertEqual(result.property("NonNegative")?.status, .unknown)
        XCTAssertEqual(result.property("NonNegative")?.note,
                       "the distinct-states bound stopped the search before it was complete")
    }

    func testDistinctStateBoundAboveTheStateCountIsHolds() {
        let result = check(GridModel(width: 5, height: 4)) { $0.distinctStatesMax = 21 }
        XCTAssertEqual(result.outcome, .holds)
        XCTAssertNil(result.bound)
    }

    func testTimeBoundIsBoundReached() {
        let result = check(BoundTests.huge) { $0.secondsMax = 0.2 }
        XCTAssertEqual(result.outcome, .boundReached)
        XCTAssertEqual(result.bound, .time)
        XCTAssertEqual(result.outcome.exitCode, 3)
        XCTAssertEqual(result.property("NonNegative")?.status, .unknown)
        XCTAssertTrue(TextReport.render(result).contains("Model checking stopped at the time bound"))
    }

    func testViolationBeforeABoundIsViolated() {
        let model = CounterModel(modulus: 1_000_000_000, properties: [.always("BelowFive") { _, value in value < 5 }])
        for configure: (inout CheckOptions) -> Void in [{ $0.depthMax = 100 }, { $0.distinctStatesMax = 100 },
                                                      { $0.secondsMax = 60 }] {
            let result = check(model, configure)
            XCTAssertEqual(result.outcome, .violated)
            XCTAssertNil(result.bound)
            XCTAssertEqual(result.outcome.exitCode, 1)
        }
    }

    func testBoundsWithSeveralWorkers() {
        for workers in [2, 3] {
            XCTAssertEqual(check(BoundTests.huge) { $0.depthMax = 10; $0.workers = workers }.bound, .depth)
            XCTAssertEqual(check(BoundTests.huge) { $0.distinctStatesMax = 100; $0.workers = workers }.bound,
                           .distinctStates)
        }
    }
}
