import XCTest
@testable import CheckerExamples
import Model

/// DieHard.tla: each test names the action or property of the spec it checks.
final class DieHardTests: XCTestCase {
    let model = DieHard()

    func state(small: Int, big: Int) -> DieHard.State { DieHard.State(small: small, big: big) }

    func testInitIsBothJugsEmpty() {
        XCTAssertEqual(model.initialStates(), [state(small: 0, big: 0)])
    }

    func testEveryActionIsAlwaysEnabledInSpecOrder() {
        var actions: [DieHard.Action] = []
        model.actions(state(small: 3, big: 5), into: &actions)
        XCTAssertEqual(actions, [.fillSmall, .fillBig, .emptySmall, .emptyBig, .smallToBig, .bigToSmall])
        XCTAssertEqual(actions.map(\.description),
                       ["FillSmallJug", "FillBigJug", "EmptySmallJug", "EmptyBigJug", "SmallToBig", "BigToSmall"])
    }

    func testSmallToBigPoursEverythingWhenItFits() {
        // SmallToBig from (small 3, big 0): big' = Min(0 + 3, 5) = 3, small' = 3 - (3 - 0) = 0.
        XCTAssertEqual(model.nextState(state(small: 3, big: 0), .smallToBig), state(small: 0, big: 3))
    }

    func testSmallToBigStopsWhenBigIsFull() {
        // big' = Min(4 + 3, 5) = 5, small' = 3 - (5 - 4) = 2.
        XCTAssertEqual(model.nextState(state(small: 3, big: 4), .smallToBig), state(small: 2, big: 5))
    }

    func testBigToSmallStopsWhenSmallIsFull() {
        // small' = Min(5 + 0, 3) = 3, big' = 5 - (3 - 0) = 2.
        XCTAssertEqual(model.nextState(state(small: 0, big: 5), .bigToSmall), state(small: 3, big: 2))
    }

    func testFillingAFullJugIsAStutteringStep() {
        // TLC generates this successor too; it is why generated = 1 + 6 × distinct.
        XCTAssertEqual(model.nextState(state(small: 3, big: 1), .fillSmall), state(small: 3, big: 1))
    }

    func testFillAndEmptyTouchOnlyTheirJug() {
        let start = state(small: 2, big: 4)
        XCTAssertEqual(model.nextState(start, .fillBig), state(small: 2, big: 5))
        XCTAssertEqual(model.nextState(start, .emptySmall), state(small: 0, big: 4))
        XCTAssertEqual(model.nextState(start, .emptyBig), state(small: 2, big: 0))
    }

    /// TLC on DieHard.tla with TypeOK only: 16 distinct states, depth 8 (figures from the project
    /// brief; DieHard's manifest.json records only "safety failure", for the NotSolved config).
    /// Generated is 1 + 6 × 16 = 97 because all six actions are always enabled.
    func testStateSpaceMatchesTLC() {
        let result = TinyExplorer(model).run()
        XCTAssertEqual(result.distinct, 16)
        XCTAssertEqual(result.generated, 97)
        XCTAssertEqual(result.depth, 8)
        XCTAssertEqual(result.violations, [:], "TypeOK holds")
        XCTAssertEqual(result.witnessed, ["BigJugHoldsFour"])
        XCTAssertEqual(result.refusedListedActions, 0)
    }

    func testNotSolvedIsOffByDefault() {
        XCTAssertEqual(model.properties.map(\.name), ["TypeOK", "BigJugHoldsFour"])
        XCTAssertEqual(DieHard(checkNotSolved: true).properties.map(\.name), ["TypeOK", "BigJugHoldsFour", "NotSolved"])
    }

    /// With NotSolved as an invariant (DieHard.cfg) the shortest solution has 6 steps: depth 7.
    func testNotSolvedFailsAtTheShortestSolution() {
        let result = TinyExplorer(DieHard(checkNotSolved: true)).run()
        XCTAssertEqual(result.violations, ["NotSolved": 7])
    }

    func testTypeOKRejectsAnOverfullJug() throws {
        let typeOK = try XCTUnwrap(model.properties.first { $0.name == "TypeOK" }?.stateCondition)
        XCTAssertTrue(typeOK(model, state(small: 3, big: 5)))
        XCTAssertFalse(typeOK(model, state(small: 4, big: 0)))
        XCTAssertFalse(typeOK(model, state(small: 0, big: -1)))
    }

    func testFingerprintsOfAllJugContentsAreDistinct() {
        var fingerprints = Set<UInt64>()
        for small in 0...DieHard.smallCapacity {
            for big in 0...DieHard.bigCapacity {
                fingerprints.insert(FingerprintHasher.fingerprint(state(small: small, big: big)))
            }
        }
        XCTAssertEqual(fingerprints.count, 24)
        XCTAssertEqual(TinyExplorer(model).reachableStates().count, 16)
    }

    func testFieldsNameTheVariables() {
        XCTAssertEqual(model.fields(of: state(small: 1, big: 4)),
                       [StateField("small", "1"), StateField("big", "4")])
        XCTAssertEqual(model.parameters, [ModelParameter("not-solved", "0")])
    }
}
