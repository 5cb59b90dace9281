import Model

/// Single-decree Paxos without leaders or learners, transcribed from `specifications/Paxos/Paxos.tla`
/// in tlaplus/Examples (with `chosen` from `Voting.tla` and Consistency from `Consensus.tla`).
///
/// Constants: `Acceptor = {a1, ..., aA}`, `Value = {v1, ..., vV}`, `Ballot = 0..B-1` (as MCPaxos.tla
/// overrides `Ballot <- MCBallot`), and `Quorum` = the minimal majorities of `Acceptor`, as in the
/// alternative MCPaxos.tla spells out for three acceptors: `{{a1, a2}, {a1, a3}, {a2, a3}}`.
///
/// Every way TLC finds of satisfying `Next` is one action here, so the generated-state counts agree
/// with TLC's as well as the distinct ones: Phase1b and Phase2b carry the message they receive,
/// and Phase2a carries its witnesses for `\E Q \in Quorum` and for `\E m \in Q1bv` (TLC enumerates
/// both existentials and generates one, possibly identical, successor per witness).
///
/// TLC (manifest.json of specifications/Paxos, MCPaxos.cfg: one acceptor, one value, ballots 0..1):
/// 25 distinct states, 82 generated, depth 9. No TLC figure for three acceptors is recorded there.
///
/// `msgs` is a bitset over the finite universe of messages the spec can send (see `MessageSet`).
public struct Paxos: CheckableModel, Sendable {
    /// The largest number of acceptors the packed acceptor word holds (12 bits each).
    public static let acceptorsMax = 5
    /// The largest number of values and of ballots a 4-bit acceptor field holds (value + 1 / ballot + 1).
    public static let valuesMax = 14
    public static let ballotsMax = 14

    /// `maxBal`, `maxVBal`, `maxVal` of every acceptor, and `msgs`.
    ///
    /// Acceptor `a` owns 12 bits of `acceptors` at `12 * a`: `maxBal + 1` (bits 0–3),
    /// `maxVBal + 1` (bits 4–7), `maxVal + 1` (bits 8–11, 0 for None). So -1 and None encode as 0
    /// and `Init` is the all-zero state.
    public struct State: Hashable, Sendable, Fingerprintable {
        public var acceptors: UInt64
        public var msgs: MessageSet

        public static let initial = State(acceptors: 0, msgs: MessageSet())

        public init(acceptors: UInt64, msgs: MessageSet) {
            self.acceptors = acceptors
            self.msgs = msgs
        }

        public func fingerprint(into hasher: inout FingerprintHasher) {
            hasher.combine(acceptors)
            hasher.combine(msgs.word0)
            hasher.combine(msgs.word1)
            hasher.combine(msgs.word2)
            hasher.combine(msgs.word3)
        }

        @inlinable func field(_ acceptor: Int, _ shift: Int) -> Int {
            Int((acceptors &>> UInt64(12 * acceptor + shift)) & 0xF) - 1
        }

        /// `maxBal[a]`: -1 or a ballot.
        @inlinable public func maxBal(_ acceptor: Int) -> Int { field(acceptor, 0) }
        /// `maxVBal[a]`: -1 or a ballot.
        @inlinable public func maxVBal(_ acceptor: Int) -> Int { field(acceptor, 4) }
        /// `maxVal[a]`: -1 for None, else a value index.
        @inlinable public func maxVal(_ acceptor: Int) -> Int { field(acceptor, 8) }

        /// Sets acceptor `acceptor`'s three variables (-1 for -1 / None).
        @inlinable
        public mutating func setAcceptor(_ acceptor: Int, maxBal: Int, maxVBal: Int, maxVal: Int) {
            let shift = UInt64(12 * acceptor)
            let packed = UInt64(maxBal + 1) | UInt64(maxVBal + 1) << 4 | UInt64(maxVal + 1) << 8
            acceptors = (acceptors & ~(UInt64(0xFFF) &<< shift)) | (packed &<< shift)
        }
    }

    /// One way of satisfying `Next`. Acceptors, ballots and values are 0-based indices.
    public enum Action: Hashable, Sendable, CustomStringConvertible {
        /// `Phase1a(b)`: always enabled (a stuttering step once `[type |-> "1a", bal |-> b]` is sent).
        case phase1a(ballot: UInt8)
        /// `Phase1b(a)` receiving `[type |-> "1a", bal |-> ballot]`.
        case phase1b(acceptor: UInt8, ballot: UInt8)
        /// `Phase2a(b, v)` with witness `Q` (a bitmask of acceptors) and the witness `m \in Q1bv`
        /// (the acceptor of the highest-ballot 1b vote for `v`), or `noWitness` when `Q1bv = {}`.
        case phase2a(ballot: UInt8, value: UInt8, quorum: UInt8, witness: UInt8)
        /// `Phase2b(a)` receiving `[type |-> "2a", bal |-> ballot, val |-> value]`.
        case phase2b(acceptor: UInt8, ballot: UInt8, value: UInt8)

        /// The Phase2a witness meaning "Q1bv = {}".
        public static let noWitness: UInt8 = 0xFF

        public var description: String {
            switch self {
            case .phase1a(let ballot):
                return "Phase1a(\(ballot))"
            case .phase1b(let acceptor, let ballot):
                return "Phase1b(\(Paxos.acceptorName(Int(acceptor)))) receiving [type: 1a, bal: \(ballot)]"
            case .phase2a(let ballot, let value, let quorum, let witness):
                let members = (0..<8).filter { quorum & (1 << $0) != 0 }.map(Paxos.acceptorName)
                let safeBy = witness == Action.noWitness
                    ? "no 1b votes" : "highest 1b vote from \(Paxos.acceptorName(Int(witness)))"
                return "Phase2a(\(ballot), \(Paxos.valueName(Int(value)))) with Q = {\(members.joined(separator: ", "))}, "
                    + safeBy
            case .phase2b(let acceptor, let ballot, let value):
                return "Phase2b(\(Paxos.acceptorName(Int(acceptor)))) receiving "
                    + "[type: 2a, bal: \(ballot), val: \(Paxos.valueName(Int(value)))]"
            }
        }
    }

    public let acceptorCount: Int
    public let valueCount: Int
    public let ballotCount: Int
    /// The size of every minimal quorum: a strict majority.
    public let quorumSize: Int
    /// `Quorum`: every set of `quorumSize` acceptors, as bitmasks, in increasing order.
    public let quorums: [UInt8]
    /// Message universe layout (see `index1b` and friends).
    @usableFromInline let base1b: Int
    @usableFromInline let span1bPerAcceptor: Int
    @usableFromInline let base2a: Int
    @usableFromInline let base2b: Int
    /// The number of messages in the universe.
    public let universe: Int

    /// The universe size for these constants, so a caller can validate them before building the model.
    public static func universeSize(acceptors: Int, values: Int, ballots: Int) -> Int {
        ballots + acceptors * span1b(values: values, ballots: ballots) + ballots * values
            + acceptors * ballots * values
    }

    /// The 1b messages one acceptor can send: for ballot b, one with `mbal = -1, mval = None` and one
    /// per `mbal \in 0..b-1` and value.
    static func span1b(values: Int, ballots: Int) -> Int { ballots + values * ballots * (ballots - 1) / 2 }

    public init(acceptors: Int, values: Int, ballots: Int) {
        precondition((1...Paxos.acceptorsMax).contains(acceptors), "Paxos needs 1...\(Paxos.acceptorsMax) acceptors")
        precondition((1...Paxos.valuesMax).contains(values), "Paxos needs 1...\(Paxos.valuesMax) values")
        precondition((1...Paxos.ballotsMax).contains(ballots), "Paxos needs 1...\(Paxos.ballotsMax) ballots")
        let universe = Paxos.universeSize(acceptors: acceptors, values: values, ballots: ballots)
        precondition(universe <= MessageSet.capacity,
                     "Paxos message universe \(universe) exceeds \(MessageSet.capacity) messages")
        acceptorCount = acceptors
        valueCount = values
        ballotCount = ballots
        quorumSize = acceptors / 2 + 1
        let size = acceptors / 2 + 1
        quorums = (0..<(1 << acceptors)).filter { $0.nonzeroBitCount == size }.map { UInt8($0) }
        base1b = ballots
        span1bPerAcceptor = Paxos.span1b(values: values, ballots: ballots)
        base2a = base1b + acceptors * span1bPerAcceptor
        base2b = base2a + ballots * values
        self.universe = universe
        assert(base2b + acceptors * ballots * values == universe, "universe layout adds up")
    }

    public static func acceptorName(_ acceptor: Int) -> String { "a\(acceptor + 1)" }
    public static func valueName(_ value: Int) -> String { value < 0 ? "None" : "v\(value + 1)" }

    // MARK: CheckableModel

    public var name: String { "paxos" }

    public var actionKindNames: [String] { ["Phase1a", "Phase1b", "Phase2a", "Phase2b"] }

    public func actionKind(_ action: Action) -> Int {
        switch action {
        case .phase1a: return 0
        case .phase1b: return 1
        case .phase2a: return 2
        case .phase2b: return 3
        }
    }

    public var parameters: [ModelParameter] {
        [ModelParameter("acceptors", String(acceptorCount)), ModelParameter("values", String(valueCount)),
         ModelParameter("ballots", String(ballotCount))]
    }

    public func initialStates() -> [State] { [State.initial] }

    public func actions(_ state: State, into actions: inout [Action]) {
        // \E b \in Ballot : Phase1a(b) \/ \E v \in Value : Phase2a(b, v)
        for ballot in 0..<ballotCount {
            actions.append(.phase1a(ballot: UInt8(ballot)))
            guard !hasPhase2a(state, ballot) else { continue }
            for value in 0..<valueCount {
                for quorum in quorums {
                    guard let highest = highestVotes(state, ballot, value, quorum) else { continue }
                    if highest.mbal < 0 {
                        actions.append(.phase2a(ballot: UInt8(ballot), value: UInt8(value), quorum: quorum,
                                                witness: Action.noWitness))
                        continue
                    }
                    for acceptor in 0..<acceptorCount where highest.witnesses & (1 << acceptor) != 0 {
                        actions.append(.phase2a(ballot: UInt8(ballot), value: UInt8(value), quorum: quorum,
                                                witness: UInt8(acceptor)))
                    }
                }
            }
        }
        // \E a \in Acceptor : Phase1b(a) \/ Phase2b(a)
        for acceptor in 0..<acceptorCount {
            let maxBal = state.maxBal(acceptor)
            for ballot in 0..<ballotCount where ballot > maxBal && state.msgs.contains(index1a(ballot)) {
                actions.append(.phase1b(acceptor: UInt8(acceptor), ballot: UInt8(ballot)))
            }
            for ballot in 0..<ballotCount where ballot >= maxBal {
                for value in 0..<valueCount where state.msgs.contains(index2a(ballot, value)) {
                    actions.append(.phase2b(acceptor: UInt8(acceptor), ballot: UInt8(ballot), value: UInt8(value)))
                }
            }
        }
    }

    public func nextState(_ state: State, _ action: Action) -> State? {
        var next = state
        switch action {
        case .phase1a(let ballotIndex):
            let ballot = Int(ballotIndex)
            guard ballot < ballotCount else { return nil }
            next.msgs.insert(index1a(ballot))
        case .phase1b(let acceptorIndex, let ballotIndex):
            let acceptor = Int(acceptorIndex)
            let ballot = Int(ballotIndex)
            guard acceptor < acceptorCount, ballot < ballotCount,
                  state.msgs.contains(index1a(ballot)), ballot > state.maxBal(acceptor) else { return nil }
            let maxVBal = state.maxVBal(acceptor)
            let maxVal = state.maxVal(acceptor)
            next.setAcceptor(acceptor, maxBal: ballot, maxVBal: maxVBal, maxVal: maxVal)
            next.msgs.insert(index1b(acceptor, ballot, mbal: maxVBal, mval: maxVal))
        case .phase2a(let ballotIndex, let valueIndex, let quorum, let witness):
            let ballot = Int(ballotIndex)
            let value = Int(valueIndex)
            guard ballot < ballotCount, value < valueCount, quorums.contains(quorum),
                  !hasPhase2a(state, ballot),
                  let highest = highestVotes(state, ballot, value, quorum) else { return nil }
            if witness == Action.noWitness {
                guard highest.mbal < 0 else { return nil }
            } else {
                guard highest.mbal >= 0, Int(witness) < acceptorCount,
                      highest.witnesses & (1 << witness) != 0 else { return nil }
            }
            next.msgs.insert(index2a(ballot, value))
        case .phase2b(let acceptorIndex, let ballotIndex, let valueIndex):
            let acceptor = Int(acceptorIndex)
            let ballot = Int(ballotIndex)
            let value = Int(valueIndex)
            guard acceptor < acceptorCount, ballot < ballotCount, value < valueCount,
                  state.msgs.contains(index2a(ballot, value)), ballot >= state.maxBal(acceptor) else { return nil }
            next.setAcceptor(acceptor, maxBal: ballot, maxVBal: ballot, maxVal: value)
            next.msgs.insert(index2b(acceptor, ballot, value))
        }
        return next
    }

    // MARK: Enabling conditions

    /// `\E m \in msgs : m.type = "2a" /\ m.bal = b`.
    func hasPhase2a(_ state: State, _ ballot: Int) -> Bool {
        (0..<valueCount).contains { state.msgs.contains(index2a(ballot, $0)) }
    }

    /// What quorum `Q`'s ballot-`b` 1b messages report, for one value `v`.
    struct HighestVotes {
        /// The largest `m.mbal` in `Q1bv`, or -1 when `Q1bv = {}`.
        var mbal: Int
        /// The acceptors (bitmask) of the messages `m \in Q1bv` with `m.mbal = mbal` and `m.mval = v`:
        /// the witnesses of `\E m \in Q1bv : m.mval = v /\ \A mm \in Q1bv : m.mbal >= mm.mbal`.
        var witnesses: UInt8
    }

    /// nil unless `\A a \in Q : \E m \in Q1b : m.acc = a`; otherwise Q1bv's highest ballot and the
    /// acceptors whose message at that ballot is for `value`.
    func highestVotes(_ state: State, _ ballot: Int, _ value: Int, _ quorum: UInt8) -> HighestVotes? {
        var highest = HighestVotes(mbal: -1, witnesses: 0)
        for acceptor in 0..<acceptorCount where quorum & (1 << acceptor) != 0 {
            let first = first1b(acceptor, ballot)
            var sent = state.msgs.contains(first)
            for mbal in 0..<ballot {
                for mval in 0..<valueCount where state.msgs.contains(first + 1 + mbal * valueCount + mval) {
                    sent = true
                    if mbal > highest.mbal {
                        highest.mbal = mbal
                        highest.witnesses = 0
                    }
                    if mbal == highest.mbal && mval == value { highest.witnesses |= 1 << acceptor }
                }
            }
            guard sent else { return nil }
        }
        return highest
    }
}
