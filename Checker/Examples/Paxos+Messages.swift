import Model

/// `msgs`: the enumerated message universe, its bitset, and how states print.
extension Paxos {
    /// A set of messages: one bit per message of the enumerated universe (at most 256).
    public struct MessageSet: Hashable, Sendable {
        public static let capacity = 256
        public var word0: UInt64 = 0
        public var word1: UInt64 = 0
        public var word2: UInt64 = 0
        public var word3: UInt64 = 0

        public init() {}

        @inlinable
        public func contains(_ index: Int) -> Bool {
            let bit = UInt64(1) &<< UInt64(index & 63)
            switch index &>> 6 {
            case 0: return word0 & bit != 0
            case 1: return word1 & bit != 0
            case 2: return word2 & bit != 0
            default: return word3 & bit != 0
            }
        }

        @inlinable
        public mutating func insert(_ index: Int) {
            let bit = UInt64(1) &<< UInt64(index & 63)
            switch index &>> 6 {
            case 0: word0 |= bit
            case 1: word1 |= bit
            case 2: word2 |= bit
            default: word3 |= bit
            }
        }

        /// The number of messages in the set.
        public var count: Int {
            word0.nonzeroBitCount + word1.nonzeroBitCount + word2.nonzeroBitCount + word3.nonzeroBitCount
        }

        /// Whether the set holds a message at or beyond `universe`, i.e. outside `Message`.
        public func hasIndex(atOrAbove universe: Int) -> Bool {
            let words = [word0, word1, word2, word3]
            for (wordIndex, word) in words.enumerated() {
                let first = wordIndex * 64
                if universe <= first {
                    if word != 0 { return true }
                } else if universe < first + 64 {
                    if word & ~((UInt64(1) << UInt64(universe - first)) - 1) != 0 { return true }
                }
            }
            return false
        }
    }

    // MARK: Message universe

    @inlinable func index1a(_ ballot: Int) -> Int { ballot }

    /// The first 1b message of `acceptor` for `ballot` (the one with `mbal = -1`); the next
    /// `ballot * valueCount` indices are `mbal = 0, mval = v1`, ..., `mbal = ballot - 1, mval = vV`.
    @inlinable func first1b(_ acceptor: Int, _ ballot: Int) -> Int {
        base1b + acceptor * span1bPerAcceptor + ballot + valueCount * ballot * (ballot - 1) / 2
    }

    @inlinable func index1b(_ acceptor: Int, _ ballot: Int, mbal: Int, mval: Int) -> Int {
        precondition(mbal < ballot && (mbal < 0) == (mval < 0),
                     "Internal inconsistency: 1b message with mbal \(mbal), mval \(mval) for ballot \(ballot)")
        return first1b(acceptor, ballot) + (mbal < 0 ? 0 : 1 + mbal * valueCount + mval)
    }

    @inlinable func index2a(_ ballot: Int, _ value: Int) -> Int { base2a + ballot * valueCount + value }

    @inlinable func index2b(_ acceptor: Int, _ ballot: Int, _ value: Int) -> Int {
        base2b + (acceptor * ballotCount + ballot) * valueCount + value
    }

    // MARK: Printing

    public func fields(of state: State) -> [StateField] {
        let acceptors = 0..<acceptorCount
        func perAcceptor(_ render: (Int) -> String) -> String {
            "[" + acceptors.map { "\(Paxos.acceptorName($0)): \(render($0))" }.joined(separator: ", ") + "]"
        }
        return [
            StateField("maxBal", perAcceptor { String(state.maxBal($0)) }),
            StateField("maxVBal", perAcceptor { String(state.maxVBal($0)) }),
            StateField("maxVal", perAcceptor { Paxos.valueName(state.maxVal($0)) }),
            StateField("msgs", "{" + messages(in: state).joined(separator: ", ") + "}"),
        ]
    }

    /// The messages of `state.msgs` in universe order, rendered as TLA+ records.
    func messages(in state: State) -> [String] {
        var rendered: [String] = []
        for ballot in 0..<ballotCount where state.msgs.contains(index1a(ballot)) {
            rendered.append("[type: 1a, bal: \(ballot)]")
        }
        for acceptor in 0..<acceptorCount {
            for ballot in 0..<ballotCount {
                var votes: [(mbal: Int, mval: Int)] = [(-1, -1)]
                for mbal in 0..<ballot { for value in 0..<valueCount { votes.append((mbal, value)) } }
                for vote in votes where state.msgs.contains(index1b(acceptor, ballot, mbal: vote.mbal, mval: vote.mval)) {
                    rendered.append("[type: 1b, acc: \(Paxos.acceptorName(acceptor)), bal: \(ballot), "
                                    + "mbal: \(vote.mbal), mval: \(Paxos.valueName(vote.mval))]")
                }
            }
        }
        for ballot in 0..<ballotCount {
            for value in 0..<valueCount where state.msgs.contains(index2a(ballot, value)) {
                rendered.append("[type: 2a, bal: \(ballot), val: \(Paxos.valueName(value))]")
            }
        }
        for acceptor in 0..<acceptorCount {
            for ballot in 0..<ballotCount {
                for value in 0..<valueCount where votedFor(state, acceptor, ballot, value) {
                    rendered.append("[type: 2b, acc: \(Paxos.acceptorName(acceptor)), bal: \(ballot), "
                                    + "val: \(Paxos.valueName(value))]")
                }
            }
        }
        return rendered
    }
}
