import Model

/// The Two-Phase Commit protocol, transcribed from `specifications/transaction_commit/TwoPhase.tla`
/// in tlaplus/Examples (with TCConsistent from `TCommit.tla`, the spec it implements).
///
/// RMs spontaneously send Prepared messages, the TM commits once every RM's Prepared message has
/// been received or aborts at any time while in "init", and messages are never removed from
/// `msgs`. Receive actions stay enabled after they have had their effect (an RM receiving Commit
/// twice, the TM receiving one Prepared message twice): those stuttering successors are generated
/// exactly as TLC generates them, so the generated-state counts agree as well.
///
/// TLC (manifest.json of specifications/transaction_commit, TwoPhase.cfg, RM = {r1, r2, r3}):
/// 288 distinct states, 1,146 generated, depth 11. Four RMs: 1,568 distinct, depth 14.
/// Eight RMs: 1,745,408 distinct, 18,507,778 generated, depth 26.
///
/// The state is two machine words and the model never allocates per state: this is the
/// checker's throughput benchmark.
public struct TwoPhase: CheckableModel, Sendable {
    /// The largest number of resource managers the packed state holds.
    public static let resourceManagersMax = 20

    /// `rmState[rm]`, two bits per RM.
    public enum RMState: UInt64, Sendable, CaseIterable, CustomStringConvertible {
        case working = 0, prepared = 1, committed = 2, aborted = 3

        public var description: String {
            switch self {
            case .working: return "working"
            case .prepared: return "prepared"
            case .committed: return "committed"
            case .aborted: return "aborted"
            }
        }
    }

    /// `tmState`, two bits (the fourth encoding is never produced; TPTypeOK rejects it).
    public enum TMState: UInt64, Sendable, CaseIterable, CustomStringConvertible {
        case initial = 0, committed = 1, aborted = 2

        public var description: String {
            switch self {
            case .initial: return "init"
            case .committed: return "committed"
            case .aborted: return "aborted"
            }
        }
    }

    /// All four TLA+ variables packed into two words.
    ///
    /// Each RM owns a nibble: bits 0–1 its `rmState`, bit 2 its membership of `tmPrepared`,
    /// bit 3 the presence of its `[type |-> "Prepared", rm |-> rm]` message in `msgs`.
    /// `low` holds RMs 0..<15 in bits 0..<60, then `tmState` (bits 60–61), the Commit message
    /// (bit 62) and the Abort message (bit 63). `high` holds RMs 15..<20. With at most 15 RMs
    /// `high` is always zero and the fingerprint is a bijection of `low`.
    public struct State: Hashable, Sendable, Fingerprintable {
        public var low: UInt64
        public var high: UInt64

        /// RMs whose nibble lives in `low`.
        public static let rmsInLowWord = 15
        public static let rmStateMask: UInt64 = 0b0011
        public static let tmPreparedBit: UInt64 = 0b0100
        public static let preparedMessageBit: UInt64 = 0b1000
        public static let tmStateShift: UInt64 = 60
        public static let commitMessageBit: UInt64 = 1 << 62
        public static let abortMessageBit: UInt64 = 1 << 63

        /// TPInit: every RM working, the TM in "init", nothing prepared, no messages.
        public static let initial = State(low: 0, high: 0)

        @inlinable
        public init(low: UInt64, high: UInt64) {
            self.low = low
            self.high = high
        }

        @inlinable
        public func fingerprint(into hasher: inout FingerprintHasher) {
            hasher.combine(low)
            if high != 0 { hasher.combine(high) }
        }

        /// The nibble of RM `rm` (0-based).
        @inlinable @inline(__always)
        public func nibble(_ rm: Int) -> UInt64 {
            rm < State.rmsInLowWord
                ? (low &>> UInt64(4 * rm)) & 0xF
                : (high &>> UInt64(4 * (rm - State.rmsInLowWord))) & 0xF
        }

        /// Sets `bits` (within a nibble) of RM `rm`.
        @inlinable @inline(__always)
        mutating func setNibbleBits(_ rm: Int, _ bits: UInt64) {
            if rm < State.rmsInLowWord {
                low |= bits &<< UInt64(4 * rm)
            } else {
                high |= bits &<< UInt64(4 * (rm - State.rmsInLowWord))
            }
        }

        @inlinable
        public func rmState(_ rm: Int) -> RMState {
            RMState(rawValue: nibble(rm) & State.rmStateMask)!
        }

        @inlinable @inline(__always)
        public mutating func setRMState(_ rm: Int, _ value: RMState) {
            if rm < State.rmsInLowWord {
                let shift = UInt64(4 * rm)
                low = (low & ~(State.rmStateMask &<< shift)) | (value.rawValue &<< shift)
            } else {
                let shift = UInt64(4 * (rm - State.rmsInLowWord))
                high = (high & ~(State.rmStateMask &<< shift)) | (value.rawValue &<< shift)
            }
        }

        /// The raw two bits of `tmState`, so that TPTypeOK can see an invalid encoding.
        @inlinable @inline(__always)
        public var tmStateBits: UInt64 { (low &>> State.tmStateShift) & 0b11 }

        /// `tmState`; nil only for the unused fourth encoding.
        @inlinable
        public var tmState: TMState? { TMState(rawValue: tmStateBits) }

        @inlinable @inline(__always)
        public mutating func setTMState(_ value: TMState) {
            low = (low & ~(0b11 &<< State.tmStateShift)) | (value.rawValue &<< State.tmStateShift)
        }

        @inlinable public func isTMPrepared(_ rm: Int) -> Bool { nibble(rm) & State.tmPreparedBit != 0 }
        @inlinable public func hasPreparedMessage(_ rm: Int) -> Bool { nibble(rm) & State.preparedMessageBit != 0 }
        @inlinable public var hasCommitMessage: Bool { low & State.commitMessageBit != 0 }
        @inlinable public var hasAbortMessage: Bool { low & State.abortMessageBit != 0 }
    }

    /// One disjunct of `TPNext`, with its RM (0-based) where the action takes one.
    public enum Action: Hashable, Sendable, CustomStringConvertible {
        case tmCommit
        case tmAbort
        case tmRcvPrepared(UInt8)
        case rmPrepare(UInt8)
        case rmChooseToAbort(UInt8)
        case rmRcvCommitMsg(UInt8)
        case rmRcvAbortMsg(UInt8)

        public var description: String {
            switch self {
            case .tmCommit: return "TMCommit"
            case .tmAbort: return "TMAbort"
            case .tmRcvPrepared(let rm): return "TMRcvPrepared(\(TwoPhase.rmName(Int(rm))))"
            case .rmPrepare(let rm): return "RMPrepare(\(TwoPhase.rmName(Int(rm))))"
            case .rmChooseToAbort(let rm): return "RMChooseToAbort(\(TwoPhase.rmName(Int(rm))))"
            case .rmRcvCommitMsg(let rm): return "RMRcvCommitMsg(\(TwoPhase.rmName(Int(rm))))"
            case .rmRcvAbortMsg(let rm): return "RMRcvAbortMsg(\(TwoPhase.rmName(Int(rm))))"
            }
        }
    }

    /// The number of resource managers: `RM = {r1, ..., rN}`.
    public let resourceManagers: Int
    /// `tmPrepared = RM`, as the tmPrepared bits of `low` and `high`.
    @usableFromInline let allTMPreparedLow: UInt64
    @usableFromInline let allTMPreparedHigh: UInt64
    /// Every nibble bit that belongs to an RM in `RM`; TPTypeOK requires the rest to be zero.
    @usableFromInline let rmBitsLow: UInt64
    @usableFromInline let rmBitsHigh: UInt64
    /// Bit 0 of every RM's nibble, for testing all RM states in one word operation.
    @usableFromInline let rmStateBit0Low: UInt64
    @usableFromInline let rmStateBit0High: UInt64

    public init(resourceManagers: Int) {
        precondition((1...TwoPhase.resourceManagersMax).contains(resourceManagers),
                     "TwoPhase needs 1...\(TwoPhase.resourceManagersMax) resource managers")
        self.resourceManagers = resourceManagers
        var allTMPrepared = State.initial
        var rmBits = State.initial
        var stateBit0 = State.initial
        for rm in 0..<resourceManagers {
            allTMPrepared.setNibbleBits(rm, State.tmPreparedBit)
            rmBits.setNibbleBits(rm, 0xF)
            stateBit0.setNibbleBits(rm, 0b1)
        }
        rmStateBit0Low = stateBit0.low
        rmStateBit0High = stateBit0.high
        allTMPreparedLow = allTMPrepared.low
        allTMPreparedHigh = allTMPrepared.high
        rmBitsLow = rmBits.low & ((1 << State.tmStateShift) - 1)
        rmBitsHigh = rmBits.high
        assert(allTMPreparedLow & ~rmBitsLow == 0, "tmPrepared bits lie inside the RM nibbles")
    }

    /// The TLA+ name of RM `rm` (0-based): `r1`, `r2`, ...
    public static func rmName(_ rm: Int) -> String { "r\(rm + 1)" }

    public var name: String { "twophase" }

    public var actionKindNames: [String] {
        ["TMCommit", "TMAbort", "TMRcvPrepared", "RMPrepare", "RMChooseToAbort", "RMRcvCommitMsg", "RMRcvAbortMsg"]
    }

    @inlinable
    public func actionKind(_ action: Action) -> Int {
        switch action {
        case .tmCommit: return 0
        case .tmAbort: return 1
        case .tmRcvPrepared: return 2
        case .rmPrepare: return 3
        case .rmChooseToAbort: return 4
        case .rmRcvCommitMsg: return 5
        case .rmRcvAbortMsg: return 6
        }
    }

    public var parameters: [ModelParameter] { [ModelParameter("rm", String(resourceManagers))] }

    public func initialStates() -> [State] { [State.initial] }

    /// `tmPrepared = RM`.
    @inlinable @inline(__always)
    func allTMPrepared(_ state: State) -> Bool {
        state.low & allTMPreparedLow == allTMPreparedLow && state.high & allTMPreparedHigh == allTMPreparedHigh
    }

    @inlinable
    public func actions(_ state: State, into actions: inout [Action]) {
        let tmInitial = state.tmStateBits == TMState.initial.rawValue
        if tmInitial && allTMPrepared(state) { actions.append(.tmCommit) }
        if tmInitial { actions.append(.tmAbort) }
        let commitSent = state.hasCommitMessage
        let abortSent = state.hasAbortMessage
        for rm in 0..<resourceManagers {
            let nibble = state.nibble(rm)
            let payload = UInt8(truncatingIfNeeded: rm)
            if tmInitial && nibble & State.preparedMessageBit != 0 { actions.append(.tmRcvPrepared(payload)) }
            if nibble & State.rmStateMask == RMState.working.rawValue {
                actions.append(.rmPrepare(payload))
                actions.append(.rmChooseToAbort(payload))
            }
            if commitSent { actions.append(.rmRcvCommitMsg(payload)) }
            if abortSent { actions.append(.rmRcvAbortMsg(payload)) }
        }
    }

    @inlinable
    public func nextState(_ state: State, _ action: Action) -> State? {
        var next = state
        let tmInitial = state.tmStateBits == TMState.initial.rawValue
        switch action {
        case .tmCommit:
            guard tmInitial && allTMPrepared(state) else { return nil }
            next.setTMState(.committed)
            next.low |= State.commitMessageBit
        case .tmAbort:
            guard tmInitial else { return nil }
            next.setTMState(.aborted)
            next.low |= State.abortMessageBit
        case .tmRcvPrepared(let payload):
            let rm = Int(payload)
            guard rm < resourceManagers, tmInitial, state.hasPreparedMessage(rm) else { return nil }
            next.setNibbleBits(rm, State.tmPreparedBit)
        case .rmPrepare(let payload):
            let rm = Int(payload)
            guard rm < resourceManagers, state.rmState(rm) == .working else { return nil }
            next.setRMState(rm, .prepared)
            next.setNibbleBits(rm, State.preparedMessageBit)
        case .rmChooseToAbort(let payload):
            let rm = Int(payload)
            guard rm < resourceManagers, state.rmState(rm) == .working else { return nil }
            next.setRMState(rm, .aborted)
        case .rmRcvCommitMsg(let payload):
            let rm = Int(payload)
            guard rm < resourceManagers, state.hasCommitMessage else { return nil }
            next.setRMState(rm, .committed)
        case .rmRcvAbortMsg(let payload):
            let rm = Int(payload)
            guard rm < resourceManagers, state.hasAbortMessage else { return nil }
            next.setRMState(rm, .aborted)
        }
        return next
    }

    /// Whether some RM is in `value`, testing every RM's two state bits at once.
    @inlinable
    func someRM(_ state: State, is value: RMState) -> Bool {
        @inline(__always) func matches(_ word: UInt64, _ stateBit0: UInt64) -> Bool {
            let bit1 = value.rawValue & 0b10 != 0 ? word &>> 1 : ~(word &>> 1)
            let bit0 = value.rawValue & 0b01 != 0 ? word : ~word
            return bit1 & bit0 & stateBit0 != 0
        }
        return matches(state.low, rmStateBit0Low) || matches(state.high, rmStateBit0High)
    }

    public var properties: [Property<TwoPhase>] {
        [
            .always("TPTypeOK", rationale: "Every variable stays in its type: tmState is init, committed or "
                    + "aborted, and tmPrepared and msgs mention only RMs of RM.") { model, state in
                state.tmState != nil
                    && state.low & ~model.rmBitsLow & ((1 << State.tmStateShift) - 1) == 0
                    && state.high & ~model.rmBitsHigh == 0
            },
            .always("TCConsistent", rationale: "TCommit's safety property: no RM has committed while another "
                    + "has aborted.") { model, state in
                !(model.someRM(state, is: .committed) && model.someRM(state, is: .aborted))
            },
            .sometimes("SomeRMCommitted", rationale: "The commit half of TCConsistent is not vacuous.") {
                model, state in
                model.someRM(state, is: .committed)
            },
            .sometimes("SomeRMAborted", rationale: "The abort half of TCConsistent is not vacuous.") {
                model, state in
                model.someRM(state, is: .aborted)
            },
            .sometimes("TMPreparedAll", rationale: "tmPrepared reaches RM, so TMCommit is exercised.") {
                model, state in
                model.allTMPrepared(state)
            },
        ]
    }

    public func fields(of state: State) -> [StateField] {
        let rms = 0..<resourceManagers
        let rmState = rms.map { "\(TwoPhase.rmName($0)): \(state.rmState($0))" }.joined(separator: ", ")
        let tmPrepared = rms.filter { state.isTMPrepared($0) }.map(TwoPhase.rmName).joined(separator: ", ")
        var messages = rms.filter { state.hasPreparedMessage($0) }
            .map { "[type: Prepared, rm: \(TwoPhase.rmName($0))]" }
        if state.hasCommitMessage { messages.append("[type: Commit]") }
        if state.hasAbortMessage { messages.append("[type: Abort]") }
        return [
            StateField("rmState", "[\(rmState)]"),
            StateField("tmState", state.tmState.map(String.init(describing:)) ?? "invalid(\(state.tmStateBits))"),
            StateField("tmPrepared", "{\(tmPrepared)}"),
            StateField("msgs", "{\(messages.joined(separator: ", "))}"),
        ]
    }
}
