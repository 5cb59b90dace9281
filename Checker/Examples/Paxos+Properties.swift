import Model

/// The state functions and invariants checked on Paxos: TypeOK, Paxos.tla's `Inv` (second
/// conjunct), Voting.tla's OneValuePerBallot and `chosen`, and Consensus.tla's Consistency.
extension Paxos {
    /// `VotedFor(a, b, v)`: `[type |-> "2b", acc |-> a, bal |-> b, val |-> v] \in msgs`.
    public func votedFor(_ state: State, _ acceptor: Int, _ ballot: Int, _ value: Int) -> Bool {
        state.msgs.contains(index2b(acceptor, ballot, value))
    }

    /// `chosen` of Voting.tla (under Paxos's refinement mapping), as a bitmask of values: some
    /// quorum voted for the value in one ballot.
    public func chosen(_ state: State) -> UInt32 {
        var chosen: UInt32 = 0
        for ballot in 0..<ballotCount {
            for value in 0..<valueCount {
                var voters = 0
                for acceptor in 0..<acceptorCount where votedFor(state, acceptor, ballot, value) { voters += 1 }
                if voters >= quorumSize { chosen |= 1 << value }
            }
        }
        return chosen
    }

    public var properties: [Property<Paxos>] {
        [
            .always("TypeOK", rationale: "maxBal and maxVBal are -1 or ballots, maxVal None or a value, and "
                    + "msgs holds only messages of Message.") { model, state in
                model.typeOK(state)
            },
            .always("MaxVoteCast", rationale: "Paxos.tla Inv, second conjunct: an acceptor's maxVBal/maxVal is "
                    + "None/-1 or a vote it announced with a 2b message.") { model, state in
                (0..<model.acceptorCount).allSatisfy { acceptor in
                    let maxVBal = state.maxVBal(acceptor)
                    let maxVal = state.maxVal(acceptor)
                    return maxVBal < 0
                        ? maxVal < 0
                        : maxVal >= 0 && model.votedFor(state, acceptor, maxVBal, maxVal)
                }
            },
            .always("OneValuePerBallot", rationale: "Voting.tla: no two acceptors vote for different values in "
                    + "the same ballot (Phase2a sends one 2a message per ballot).") { model, state in
                (0..<model.ballotCount).allSatisfy { ballot in
                    (0..<model.valueCount).filter { value in
                        (0..<model.acceptorCount).contains { model.votedFor(state, $0, ballot, value) }
                    }.count <= 1
                }
            },
            .always("Consistency", rationale: "Consensus.tla: Cardinality(chosen) <= 1, at most one value is "
                    + "ever chosen.") { model, state in
                model.chosen(state).nonzeroBitCount <= 1
            },
            .sometimes("SomeAcceptorVoted", rationale: "MaxVoteCast and OneValuePerBallot are not vacuous: "
                       + "some acceptor casts a vote.") { model, state in
                (0..<model.acceptorCount).contains { state.maxVBal($0) >= 0 }
            },
            .sometimes("SomeValueChosen", rationale: "Consistency is not vacuous: a value gets chosen.") {
                model, state in
                model.chosen(state) != 0
            },
        ]
    }

    func typeOK(_ state: State) -> Bool {
        for acceptor in 0..<acceptorCount {
            guard (-1..<ballotCount).contains(state.maxBal(acceptor)),
                  (-1..<ballotCount).contains(state.maxVBal(acceptor)),
                  (-1..<valueCount).contains(state.maxVal(acceptor)) else { return false }
        }
        let acceptorBits = 12 * acceptorCount
        return (acceptorBits >= 64 || state.acceptors &>> UInt64(acceptorBits) == 0)
            && !state.msgs.hasIndex(atOrAbove: universe)
    }
}
