import Model

/// The Die Hard 3 water-jug puzzle, transcribed from `specifications/DieHard/DieHard.tla`
/// in tlaplus/Examples.
///
/// Two uncalibrated jugs (3 and 5 gallons) and a faucet; the heroes must measure exactly
/// 4 gallons. Every one of the six actions is enabled in every state, even when it changes
/// nothing (filling a full jug): TLC generates those stuttering successors too, so the
/// generated-state count is `1 + 6 × distinct`.
///
/// TLC, `Init /\ [][Next]_<<big, small>>` with invariant TypeOK only: 16 distinct states,
/// depth 8. With `NotSolved` as an invariant TLC reports its violation (the puzzle's solution).
public struct DieHard: CheckableModel, Sendable {
    /// The capacity of the small jug, in gallons.
    public static let smallCapacity = 3
    /// The capacity of the big jug, in gallons.
    public static let bigCapacity = 5
    /// The amount the puzzle asks for, in the big jug.
    public static let goal = 4

    /// The two jugs' contents, in gallons (`VARIABLES big, small`).
    public struct State: Hashable, Sendable, Fingerprintable {
        public var small: Int
        public var big: Int

        public init(small: Int, big: Int) {
            self.small = small
            self.big = big
        }

        public func fingerprint(into hasher: inout FingerprintHasher) {
            // One word: both amounts are naturals far below 2^32 in every reachable state.
            hasher.combine(UInt64(UInt32(truncatingIfNeeded: small))
                           | UInt64(UInt32(truncatingIfNeeded: big)) << 32)
        }
    }

    /// The six disjuncts of `Next`, in the spec's order.
    public enum Action: UInt8, Sendable, CaseIterable, CustomStringConvertible {
        case fillSmall, fillBig, emptySmall, emptyBig, smallToBig, bigToSmall

        public var description: String {
            switch self {
            case .fillSmall: return "FillSmallJug"
            case .fillBig: return "FillBigJug"
            case .emptySmall: return "EmptySmallJug"
            case .emptyBig: return "EmptyBigJug"
            case .smallToBig: return "SmallToBig"
            case .bigToSmall: return "BigToSmall"
            }
        }
    }

    /// Whether `NotSolved` (`big # 4`) is checked as an invariant, as TLC's DieHard.cfg does to
    /// make the checker print the solution. Off by default, so an exhaustive run holds.
    public let checkNotSolved: Bool

    public init(checkNotSolved: Bool = false) {
        self.checkNotSolved = checkNotSolved
    }

    public var name: String { "diehard" }

    public var actionKindNames: [String] { Action.allCases.map(\.description) }

    public func actionKind(_ action: Action) -> Int { Int(action.rawValue) }

    public var parameters: [ModelParameter] {
        [ModelParameter("not-solved", checkNotSolved ? "1" : "0")]
    }

    public func initialStates() -> [State] { [State(small: 0, big: 0)] }

    public func actions(_ state: State, into actions: inout [Action]) {
        // Every action is always enabled (possibly as a stuttering step).
        actions.append(contentsOf: Action.allCases)
    }

    public func nextState(_ state: State, _ action: Action) -> State? {
        let small = state.small
        let big = state.big
        switch action {
        case .fillSmall:
            return State(small: DieHard.smallCapacity, big: big)
        case .fillBig:
            return State(small: small, big: DieHard.bigCapacity)
        case .emptySmall:
            return State(small: 0, big: big)
        case .emptyBig:
            return State(small: small, big: 0)
        case .smallToBig:
            // big' = Min(big + small, 5); small' = small - (big' - big)
            let bigNext = min(big + small, DieHard.bigCapacity)
            return State(small: small - (bigNext - big), big: bigNext)
        case .bigToSmall:
            // small' = Min(big + small, 3); big' = big - (small' - small)
            let smallNext = min(big + small, DieHard.smallCapacity)
            return State(small: smallNext, big: big - (smallNext - small))
        }
    }

    public var properties: [Property<DieHard>] {
        var properties: [Property<DieHard>] = [
            .always("TypeOK", rationale: "small \\in 0..3 /\\ big \\in 0..5: no pour spills or invents water.") {
                _, state in
                (0...DieHard.smallCapacity).contains(state.small) && (0...DieHard.bigCapacity).contains(state.big)
            },
            .sometimes("BigJugHoldsFour",
                       rationale: "The puzzle is solvable: some reachable state has big = 4 (NotSolved's twin).") {
                _, state in
                state.big == DieHard.goal
            },
        ]
        if checkNotSolved {
            properties.append(.always("NotSolved",
                                      rationale: "big # 4; expected to fail, its counterexample is the solution.") {
                _, state in
                state.big != DieHard.goal
            })
        }
        return properties
    }

    public func fields(of state: State) -> [StateField] {
        [StateField("small", String(state.small)), StateField("big", String(state.big))]
    }
}
