import XCTest
@testable import CheckerExamples
import Model

/// TwoPhase.tla (tlaplus/Examples specifications/transaction_commit): each test names the action
/// or property of the spec it checks.
final class TwoPhaseTests: XCTestCase {
    let model = TwoPhase(resourceManagers: 3)

    func listed(_ state: TwoPhase.State, in model: TwoPhase? = nil) -> [TwoPhase.Action] {
        var actions: [TwoPhase.Action] = []
        (model ?? self.model).actions(state, into: &actions)
        return actions
    }

    /// Takes `action`, which must be listed as enabled.
    func step(_ state: TwoPhase.State, _ action: TwoPhase.Action,
              file: StaticString = #filePath, line: UInt = #line) throws -> TwoPhase.State {
        XCTAssertTrue(listed(state).contains(action), "\(action) is listed", file: file, line: line)
        return try XCTUnwrap(model.nextState(state, action), "\(action) is enabled", file: file, line: line)
    }

    /// Every action the spec could name for `resourceManagers` RMs.
    func everyAction(_ resourceManagers: Int) -> [TwoPhase.Action] {
        var actions: [TwoPhase.Action] = [.tmCommit, .tmAbort]
        for rm in 0..<UInt8(resourceManagers) {
            actions += [.tmRcvPrepared(rm), .rmPrepare(rm), .rmChooseToAbort(rm), .rmRcvCommitMsg(rm), .rmRcvAbortMsg(rm)]
        }
        return actions
    }

    func testInitialStateListsTMAbortAndEachRMsPrepareAndChooseToAbort() {
        XCTAssertEqual(listed(.initial), [.tmAbort, .rmPrepare(0), .rmChooseToAbort(0), .rmPrepare(1),
                                          .rmChooseToAbort(1), .rmPrepare(2), .rmChooseToAbort(2)])
    }

    func testRMPrepareSendsPreparedAndTMRcvPreparedRecordsIt() throws {
        let prepared = try step(.initial, .rmPrepare(1))
        XCTAssertEqual(prepared.rmState(1), .prepared)
        XCTAssertTrue(prepared.hasPreparedMessage(1))
        XCTAssertFalse(prepared.isTMPrepared(1))
        let received = try step(prepared, .tmRcvPrepared(1))
        XCTAssertTrue(received.isTMPrepared(1))
        // Receiving the same Prepared message again is enabled and changes nothing (TLC counts it).
        XCTAssertEqual(try step(received, .tmRcvPrepared(1)), received)
    }

    func testTMRcvPreparedNeedsThePreparedMessage() {
        XCTAssertNil(model.nextState(.initial, .tmRcvPrepared(0)))
    }

    func testTMCommitIsEnabledOnlyWhenEveryRMIsInTMPrepared() throws {
        var state = TwoPhase.State.initial
        for rm: UInt8 in 0..<3 {
            XCTAssertFalse(listed(state).contains(.tmCommit), "tmPrepared lacks r\(rm + 1)")
            XCTAssertNil(model.nextState(state, .tmCommit))
            state = try step(step(state, .rmPrepare(rm)), .tmRcvPrepared(rm))
        }
        let committed = try step(state, .tmCommit)
        XCTAssertEqual(committed.tmState, .committed)
        XCTAssertTrue(committed.hasCommitMessage)
        XCTAssertFalse(listed(committed).contains(.tmAbort), "TMAbort needs tmState = init")
    }

    func testRMRcvCommitMsgIsEnabledForEveryRMAndRepeatable() throws {
        var state = TwoPhase.State.initial
        for rm: UInt8 in 0..<3 { state = try step(step(state, .rmPrepare(rm)), .tmRcvPrepared(rm)) }
        state = try step(state, .tmCommit)
        let once = try step(state, .rmRcvCommitMsg(2))
        XCTAssertEqual(once.rmState(2), .committed)
        XCTAssertEqual(try step(once, .rmRcvCommitMsg(2)), once, "receiving Commit again is a stuttering step")
    }

    func testTMAbortLetsEveryRMAbortEvenAPreparedOne() throws {
        let prepared = try step(.initial, .rmPrepare(0))
        let aborted = try step(prepared, .tmAbort)
        XCTAssertEqual(aborted.tmState, .aborted)
        XCTAssertTrue(aborted.hasAbortMessage)
        XCTAssertFalse(listed(aborted).contains(.tmRcvPrepared(0)), "TMRcvPrepared needs tmState = init")
        XCTAssertEqual(try step(aborted, .rmRcvAbortMsg(0)).rmState(0), .aborted)
    }

    func testRMChooseToAbortSendsNothing() throws {
        let aborted = try step(.initial, .rmChooseToAbort(0))
        XCTAssertEqual(aborted.rmState(0), .aborted)
        XCTAssertEqual(aborted.low & ~TwoPhase.State.rmStateMask, 0, "no message, no tmPrepared change")
    }

    /// Over every reachable state with 3 RMs: `actions` lists exactly the actions `nextState` accepts,
    /// and lists them in the same order each time (counterexamples replay by index).
    func testActionsListExactlyTheEnabledActions() {
        let all = everyAction(3)
        for state in TinyExplorer(model).reachableStates() {
            let actions = listed(state)
            XCTAssertEqual(actions, listed(state))
            for action in all {
                XCTAssertEqual(actions.contains(action), model.nextState(state, action) != nil, "\(action)")
            }
        }
    }

    /// tlaplus/Examples specifications/transaction_commit/manifest.json, TwoPhase.cfg (RM = {r1, r2, r3}):
    /// distinctStates 288, totalStates 1146, stateDepth 11.
    func testThreeRMsMatchTLC() {
        let result = TinyExplorer(model).run()
        XCTAssertEqual(result.distinct, 288)
        XCTAssertEqual(result.generated, 1_146)
        XCTAssertEqual(result.depth, 11)
        XCTAssertEqual(result.violations, [:], "TPTypeOK and TCConsistent hold")
        XCTAssertEqual(result.witnessed, ["SomeRMCommitted", "SomeRMAborted", "TMPreparedAll"])
        XCTAssertEqual(result.refusedListedActions, 0)
    }

    /// TLC with four RMs: 1,568 distinct states, depth 14 (figures from the project brief). The
    /// generated count, 8,258, is this model's; no TLC figure was at hand for it.
    func testFourRMsMatchTLC() {
        let result = TinyExplorer(TwoPhase(resourceManagers: 4)).run()
        XCTAssertEqual(result.distinct, 1_568)
        XCTAssertEqual(result.generated, 8_258)
        XCTAssertEqual(result.depth, 14)
        XCTAssertEqual(result.violations, [:])
    }

    func testFingerprintsOfReachableStatesAreDistinct() {
        for resourceManagers in [3, 4] {
            let states = TinyExplorer(TwoPhase(resourceManagers: resourceManagers)).reachableStates()
            XCTAssertEqual(Set(states.map { FingerprintHasher.fingerprint($0) }).count, states.count)
            XCTAssertTrue(states.allSatisfy { $0.high == 0 }, "up to 15 RMs the state is one word")
        }
    }

    func testTheSixteenthRMLivesInTheHighWord() throws {
        let wide = TwoPhase(resourceManagers: 16)
        var state = try XCTUnwrap(wide.nextState(.initial, .rmPrepare(15)))
        state = try XCTUnwrap(wide.nextState(state, .tmRcvPrepared(15)))
        XCTAssertEqual(state.low, 0)
        XCTAssertEqual(state.rmState(15), .prepared)
        XCTAssertTrue(state.isTMPrepared(15))
        XCTAssertNotEqual(FingerprintHasher.fingerprint(state), FingerprintHasher.fingerprint(TwoPhase.State.initial))
        XCTAssertTrue(listed(state, in: wide).contains(.tmRcvPrepared(15)))
    }

    func testTCConsistentCatchesACommittedAndAnAbortedRM() throws {
        let consistent = try XCTUnwrap(model.properties.first { $0.name == "TCConsistent" }?.stateCondition)
        var state = TwoPhase.State.initial
        state.setRMState(0, .committed)
        XCTAssertTrue(consistent(model, state))
        state.setRMState(2, .aborted)
        XCTAssertFalse(consistent(model, state))
    }

    /// The word-parallel test behind TCConsistent and its twins agrees with `\E rm \in RM : rmState[rm] = s`.
    func testSomeRMAgreesWithAPerRMLoop() {
        for resourceManagers in [1, 4] {
            let model = TwoPhase(resourceManagers: resourceManagers)
            for state in TinyExplorer(model).reachableStates() {
                for value in TwoPhase.RMState.allCases {
                    XCTAssertEqual(model.someRM(state, is: value),
                                   (0..<resourceManagers).contains { state.rmState($0) == value })
                }
            }
        }
        let wide = TwoPhase(resourceManagers: 17)
        var state = TwoPhase.State.initial
        state.setRMState(16, .aborted)
        XCTAssertTrue(wide.someRM(state, is: .aborted))
        XCTAssertFalse(wide.someRM(state, is: .committed))
        XCTAssertTrue(wide.someRM(state, is: .working))
    }

    func testTPTypeOKRejectsAnRMOutsideRM() throws {
        let typeOK = try XCTUnwrap(model.properties.first { $0.name == "TPTypeOK" }?.stateCondition)
        XCTAssertTrue(typeOK(model, .initial))
        var stray = TwoPhase.State.initial
        stray.setNibbleBits(3, TwoPhase.State.preparedMessageBit)
        XCTAssertFalse(typeOK(model, stray), "a Prepared message from r4 when RM = {r1, r2, r3}")
        var badTM = TwoPhase.State.initial
        badTM.low |= 0b11 << TwoPhase.State.tmStateShift
        XCTAssertFalse(typeOK(model, badTM))
    }

    func testFieldsRenderTheTLAVariables() throws {
        var state = try step(.initial, .rmPrepare(0))
        state = try step(state, .tmRcvPrepared(0))
        state = try step(state, .tmAbort)
        XCTAssertEqual(model.fields(of: state), [
            StateField("rmState", "[r1: prepared, r2: working, r3: working]"),
            StateField("tmState", "aborted"),
            StateField("tmPrepared", "{r1}"),
            StateField("msgs", "{[type: Prepared, rm: r1], [type: Abort]}"),
        ])
        XCTAssertEqual(TwoPhase.Action.rmRcvAbortMsg(2).description, "RMRcvAbortMsg(r3)")
        XCTAssertEqual(model.parameters, [ModelParameter("rm", "3")])
    }
}
