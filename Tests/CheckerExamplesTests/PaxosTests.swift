import XCTest
@testable import CheckerExamples
import Model

/// Paxos.tla (tlaplus/Examples specifications/Paxos): each test names the action or property of the
/// spec it checks. Acceptors a1..a3 are indices 0..2, values v1, v2 are 0, 1.
final class PaxosTests: XCTestCase {
    let model = Paxos(acceptors: 3, values: 2, ballots: 2)
    let a1: UInt8 = 0, a2: UInt8 = 1, a3: UInt8 = 2
    let v1: UInt8 = 0, v2: UInt8 = 1
    let quorum12: UInt8 = 0b011, quorum13: UInt8 = 0b101, quorum23: UInt8 = 0b110

    func listed(_ state: Paxos.State) -> [Paxos.Action] {
        var actions: [Paxos.Action] = []
        model.actions(state, into: &actions)
        return actions
    }

    /// Takes `action`, which must be listed as enabled.
    func step(_ state: Paxos.State, _ action: Paxos.Action,
              file: StaticString = #filePath, line: UInt = #line) throws -> Paxos.State {
        XCTAssertTrue(listed(state).contains(action), "\(action) is listed", file: file, line: line)
        return try XCTUnwrap(model.nextState(state, action), "\(action) is enabled", file: file, line: line)
    }

    func phase2a(in state: Paxos.State, ballot: UInt8) -> [Paxos.Action] {
        listed(state).filter {
            if case .phase2a(ballot, _, _, _) = $0 { return true }
            return false
        }
    }

    /// Ballot 0 started and answered by every acceptor (none has voted yet).
    func ballotZeroPromised() throws -> Paxos.State {
        var state = try step(.initial, .phase1a(ballot: 0))
        for acceptor in [a1, a2, a3] { state = try step(state, .phase1b(acceptor: acceptor, ballot: 0)) }
        return state
    }

    func testMajorityQuorumsAreThePairs() {
        XCTAssertEqual(model.quorums, [quorum12, quorum13, quorum23])
        XCTAssertEqual(Paxos(acceptors: 1, values: 1, ballots: 2).quorums, [0b1])
    }

    func testPhase1aIsAlwaysEnabledEvenWhenItChangesNothing() throws {
        XCTAssertEqual(listed(.initial), [.phase1a(ballot: 0), .phase1a(ballot: 1)])
        let sent = try step(.initial, .phase1a(ballot: 1))
        XCTAssertEqual(try step(sent, .phase1a(ballot: 1)), sent)
    }

    func testPhase1bAnswersA1aWithItsLastVoteAndRaisesMaxBal() throws {
        let sent = try step(.initial, .phase1a(ballot: 0))
        let promised = try step(sent, .phase1b(acceptor: a2, ballot: 0))
        XCTAssertEqual(promised.maxBal(1), 0)
        XCTAssertTrue(promised.msgs.contains(model.index1b(1, 0, mbal: -1, mval: -1)))
        XCTAssertNil(model.nextState(promised, .phase1b(acceptor: a2, ballot: 0)), "needs m.bal > maxBal[a]")
        XCTAssertNil(model.nextState(promised, .phase1b(acceptor: a1, ballot: 1)), "needs the 1a message")
    }

    func testPhase2aNeedsAQuorumOf1bMessages() throws {
        let sent = try step(.initial, .phase1a(ballot: 0))
        let one = try step(sent, .phase1b(acceptor: a1, ballot: 0))
        XCTAssertEqual(phase2a(in: one, ballot: 0), [], "a1 alone is not a quorum")
        let two = try step(one, .phase1b(acceptor: a2, ballot: 0))
        // Q = {a1, a2} has answered with no votes (Q1bv = {}), so any value is safe.
        XCTAssertEqual(phase2a(in: two, ballot: 0), [
            .phase2a(ballot: 0, value: v1, quorum: quorum12, witness: Paxos.Action.noWitness),
            .phase2a(ballot: 0, value: v2, quorum: quorum12, witness: Paxos.Action.noWitness),
        ])
    }

    func testPhase2aIsEnumeratedOncePerSatisfyingQuorumAsTLCDoes() throws {
        let state = try ballotZeroPromised()
        // \E Q \in Quorum: every pair qualifies, and TLC generates one successor per witness Q.
        XCTAssertEqual(phase2a(in: state, ballot: 0).count, 2 * 3)
    }

    func testPhase2aSendsOnlyOne2aPerBallot() throws {
        let state = try ballotZeroPromised()
        let proposed = try step(state, .phase2a(ballot: 0, value: v2, quorum: quorum13, witness: Paxos.Action.noWitness))
        XCTAssertTrue(proposed.msgs.contains(model.index2a(0, 1)))
        XCTAssertEqual(phase2a(in: proposed, ballot: 0), [], "\\E m \\in msgs : m.type = \"2a\" /\\ m.bal = b")
    }

    func testPhase2aInALaterBallotMustProposeTheHighestVote() throws {
        var state = try ballotZeroPromised()
        state = try step(state, .phase2a(ballot: 0, value: v2, quorum: quorum12, witness: Paxos.Action.noWitness))
        state = try step(state, .phase2b(acceptor: a1, ballot: 0, value: v2))
        state = try step(state, .phase2b(acceptor: a2, ballot: 0, value: v2))
        XCTAssertEqual(model.chosen(state), 0b10, "v2 is chosen in ballot 0")
        state = try step(state, .phase1a(ballot: 1))
        state = try step(state, .phase1b(acceptor: a1, ballot: 1))
        state = try step(state, .phase1b(acceptor: a2, ballot: 1))
        XCTAssertTrue(state.msgs.contains(model.index1b(0, 1, mbal: 0, mval: 1)), "a1 reports its vote (0, v2)")
        // Both a1 and a2 report (0, v2): TLC's \E m \in Q1bv has two witnesses, hence two successors.
        XCTAssertEqual(phase2a(in: state, ballot: 1), [
            .phase2a(ballot: 1, value: v2, quorum: quorum12, witness: a1),
            .phase2a(ballot: 1, value: v2, quorum: quorum12, witness: a2),
        ])
        XCTAssertNil(model.nextState(state, .phase2a(ballot: 1, value: v1, quorum: quorum12, witness: a1)))
        // a3 never voted; Q = {a1, a3} still carries a1's vote, so v1 stays unsafe.
        state = try step(state, .phase1b(acceptor: a3, ballot: 1))
        XCTAssertFalse(phase2a(in: state, ballot: 1).contains { if case .phase2a(_, v1, _, _) = $0 { true } else { false } })
        XCTAssertEqual(phase2a(in: state, ballot: 1).count, 4, "{a1,a2} twice, {a1,a3} and {a2,a3} once")
    }

    func testPhase2bVotesAndRepeatingItIsAStutteringStep() throws {
        var state = try ballotZeroPromised()
        state = try step(state, .phase2a(ballot: 0, value: v1, quorum: quorum23, witness: Paxos.Action.noWitness))
        let voted = try step(state, .phase2b(acceptor: a3, ballot: 0, value: v1))
        XCTAssertEqual([voted.maxBal(2), voted.maxVBal(2), voted.maxVal(2)], [0, 0, 0])
        XCTAssertTrue(model.votedFor(voted, 2, 0, 0))
        XCTAssertEqual(try step(voted, .phase2b(acceptor: a3, ballot: 0, value: v1)), voted)
    }

    func testPhase2bIsRefusedBelowMaxBal() throws {
        var state = try ballotZeroPromised()
        state = try step(state, .phase2a(ballot: 0, value: v1, quorum: quorum12, witness: Paxos.Action.noWitness))
        state = try step(state, .phase1a(ballot: 1))
        state = try step(state, .phase1b(acceptor: a1, ballot: 1))
        XCTAssertNil(model.nextState(state, .phase2b(acceptor: a1, ballot: 0, value: v1)), "needs m.bal >= maxBal[a]")
        XCTAssertNotNil(model.nextState(state, .phase2b(acceptor: a2, ballot: 0, value: v1)))
    }

    /// Every action the spec could name for these constants.
    func everyAction() -> [Paxos.Action] {
        var actions: [Paxos.Action] = []
        for ballot in 0..<UInt8(2) {
            actions.append(.phase1a(ballot: ballot))
            for acceptor in 0..<UInt8(3) { actions.append(.phase1b(acceptor: acceptor, ballot: ballot)) }
            for value in 0..<UInt8(2) {
                for acceptor in 0..<UInt8(3) { actions.append(.phase2b(acceptor: acceptor, ballot: ballot, value: value)) }
                for quorum in model.quorums {
                    for witness in [Paxos.Action.noWitness, 0, 1, 2] {
                        actions.append(.phase2a(ballot: ballot, value: value, quorum: quorum, witness: witness))
                    }
                }
                actions.append(.phase2a(ballot: ballot, value: value, quorum: 0b111, witness: Paxos.Action.noWitness))
            }
        }
        return actions
    }

    /// Over every reachable state: `actions` lists exactly the actions `nextState` accepts, each once,
    /// in the same order every time; and distinct states have distinct fingerprints.
    func testActionsListExactlyTheEnabledActionsAndFingerprintsAreDistinct() {
        let all = everyAction()
        let states = TinyExplorer(model).reachableStates()
        XCTAssertEqual(Set(states.map { FingerprintHasher.fingerprint($0) }).count, states.count)
        for state in states {
            let actions = listed(state)
            XCTAssertEqual(actions, listed(state))
            XCTAssertEqual(Set(actions).count, actions.count)
            for action in all {
                XCTAssertEqual(actions.contains(action), model.nextState(state, action) != nil, "\(action)")
            }
        }
    }

    /// tlaplus/Examples specifications/Paxos/manifest.json, MCPaxos.cfg (MCAcceptor = {a1},
    /// MCValue = {v1}, MCBallot = 0..1; its symmetry set is trivial): distinctStates 25,
    /// totalStates 82, stateDepth 9.
    func testOneAcceptorOneValueTwoBallotsMatchesTLC() {
        let result = TinyExplorer(Paxos(acceptors: 1, values: 1, ballots: 2)).run()
        XCTAssertEqual(result.distinct, 25)
        XCTAssertEqual(result.generated, 82)
        XCTAssertEqual(result.depth, 9)
        XCTAssertEqual(result.violations, [:])
    }

    /// Three acceptors, two values, ballots 0..1: tlaplus/Examples records no TLC figure for this
    /// configuration, so these are this model's own counts, pinned so that a change shows up.
    func testThreeAcceptorsTwoValuesTwoBallotsIsPinned() {
        let result = TinyExplorer(model).run()
        XCTAssertEqual(result.distinct, 3_921)
        XCTAssertEqual(result.generated, 23_563)
        XCTAssertEqual(result.depth, 17)
        XCTAssertEqual(result.violations, [:], "TypeOK, MaxVoteCast, OneValuePerBallot and Consistency hold")
        XCTAssertEqual(result.witnessed, ["SomeAcceptorVoted", "SomeValueChosen"])
        XCTAssertEqual(result.refusedListedActions, 0)
    }

    func testConsistencyCatchesTwoChosenValues() throws {
        let consistency = try XCTUnwrap(model.properties.first { $0.name == "Consistency" }?.stateCondition)
        var state = Paxos.State.initial
        for acceptor in 0..<2 { state.msgs.insert(model.index2b(acceptor, 0, 0)) }
        XCTAssertTrue(consistency(model, state))
        for acceptor in 1..<3 { state.msgs.insert(model.index2b(acceptor, 1, 1)) }
        XCTAssertEqual(model.chosen(state), 0b11)
        XCTAssertFalse(consistency(model, state))
    }

    func testTypeOKRejectsAMessageOutsideTheUniverse() throws {
        let typeOK = try XCTUnwrap(model.properties.first { $0.name == "TypeOK" }?.stateCondition)
        var state = Paxos.State.initial
        XCTAssertTrue(typeOK(model, state))
        state.msgs.insert(model.universe)
        XCTAssertFalse(typeOK(model, state))
    }

    func testFieldsRenderTheTLAVariables() throws {
        var state = try step(.initial, .phase1a(ballot: 0))
        state = try step(state, .phase1b(acceptor: a2, ballot: 0))
        XCTAssertEqual(model.fields(of: state), [
            StateField("maxBal", "[a1: -1, a2: 0, a3: -1]"),
            StateField("maxVBal", "[a1: -1, a2: -1, a3: -1]"),
            StateField("maxVal", "[a1: None, a2: None, a3: None]"),
            StateField("msgs", "{[type: 1a, bal: 0], [type: 1b, acc: a2, bal: 0, mbal: -1, mval: None]}"),
        ])
        XCTAssertEqual(Paxos.Action.phase2a(ballot: 1, value: 0, quorum: 0b101, witness: 2).description,
                       "Phase2a(1, v1) with Q = {a1, a3}, highest 1b vote from a3")
        XCTAssertEqual(model.parameters, [ModelParameter("acceptors", "3"), ModelParameter("values", "2"),
                                          ModelParameter("ballots", "2")])
    }
}
