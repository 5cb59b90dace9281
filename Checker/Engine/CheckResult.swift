import Model

/// The outcome of a whole run, and the process exit code that goes with it.
public enum CheckOutcome: String, Sendable, Codable {
    /// Every property holds on the whole (bounded) state space.
    case holds
    /// Some property failed; a counterexample is attached to it.
    case violated
    /// A bound (depth, states, time) stopped the search before it was complete and nothing failed.
    case boundReached = "bound-reached"

    /// 0 holds, 1 violated, 3 a bound stopped the search (2 is for usage errors, decided by the CLI).
    public var exitCode: Int32 {
        switch self {
        case .holds: return 0
        case .violated: return 1
        case .boundReached: return 3
        }
    }
}

/// Which bound stopped a search.
public enum SearchBound: String, Sendable, Codable {
    case depth, distinctStates = "distinct-states", time
}

/// What the run found for one property.
public enum PropertyStatus: String, Sendable, Codable {
    /// Holds on everything explored (for `sometimes`: a witness was found).
    case holds
    /// Broken; see the counterexample.
    case violated
    /// The search was cut short by a bound, so the property could not be decided.
    case unknown
}

/// A path through the model: the initial state, then one action per step.
public struct Trace: Sendable, Codable, Equatable {
    public struct Step: Sendable, Codable, Equatable {
        /// The action taken to reach this step's state; nil for the initial state.
        public var action: String?
        /// The action's position in `actions(_:into:)` (for the first step: in `initialStates()`).
        public var index: Int
        /// Every field of the state after the step.
        public var fields: [StateField]
    }

    public var steps: [Step]

    /// The action indices that replay this trace (the first is the initial state's index).
    public var indices: [Int] { steps.map(\.index) }
}

/// The report on one property.
public struct PropertyReport: Sendable, Codable {
    public var name: String
    public var kind: PropertyKind
    public var status: PropertyStatus
    /// For a violation: the counterexample. For a `sometimes` that holds: a shortest witness.
    public var trace: Trace?
    /// A sentence about the result (e.g. why a property is unknown).
    public var note: String?
}

/// Coverage of one kind of action.
public struct ActionCoverage: Sendable, Codable {
    public var kind: String
    /// Transitions of this kind that produced a state (TLC's "generated").
    public var fired: Int
    /// Distinct states first reached by this kind of action.
    public var distinct: Int
}

/// Everything a run found.
public struct CheckResult: Sendable, Codable {
    public var model: String
    public var parameters: [ModelParameter]
    public var outcome: CheckOutcome
    public var bound: SearchBound?
    public var distinctStates: Int
    public var generatedStates: Int
    /// Number of BFS levels explored, counting the initial states as level 1 (as TLC does).
    public var depth: Int
    public var elapsedSeconds: Double
    public var workers: Int
    public var properties: [PropertyReport]
    /// A state with no successor, when the deadlock check is on.
    public var deadlock: Trace?
    /// Per kind of action; empty when the model names no action kinds.
    public var coverage: [ActionCoverage]
    /// Bytes held by the checker's own structures at the end (visited set, parent records, queues).
    public var checkerBytes: Int

    public var statesPerSecond: Double { elapsedSeconds > 0 ? Double(distinctStates) / elapsedSeconds : 0 }

    /// TLC's optimistic estimate of the probability that two distinct states shared a
    /// fingerprint: n·(g − n) / 2^64 for n distinct and g generated states.
    public var collisionProbability: Double {
        let distinct = Double(distinctStates)
        return distinct * max(0, Double(generatedStates) - distinct) / 18_446_744_073_709_551_616.0
    }

    /// The report of the property named `name`.
    public func property(_ name: String) -> PropertyReport? { properties.first { $0.name == name } }

    /// Names of properties that failed (including a deadlock, reported as `Deadlock`).
    public var violatedProperties: [String] {
        properties.filter { $0.status == .violated }.map(\.name) + (deadlock == nil ? [] : ["Deadlock"])
    }
}
