/// A named property of a model, checked by the engine.
///
/// The four kinds follow Stateright and TLC:
/// - `always`: an invariant, true in every reachable state.
/// - `transition`: an action property, true of every (state, action, next state) step.
/// - `sometimes`: true in at least one reachable state; guards an `always` against vacuous
///   success. An exhaustive run that never reaches such a state reports it as failing.
/// - `eventuallyReachable`: liveness on the explored graph: from every reachable state some
///   state satisfying the goal is reachable, following only the transitions that `along`
///   admits (e.g. "once faults stop": no fault actions). Its counterexample is a path to a
///   state from which no goal state can be reached.
public struct Property<M: CheckableModel>: Sendable {
    public typealias Kind = PropertyKind

    public let name: String
    public let kind: Kind
    /// Why the property matters, in a sentence or two (printed by `--list-properties`).
    public let rationale: String
    public let stateCondition: (@Sendable (M, M.State) -> Bool)?
    public let transitionCondition: (@Sendable (M, M.State, M.Action, M.State) -> Bool)?
    public let edgeFilter: (@Sendable (M, M.Action) -> Bool)?

    private init(name: String, kind: Kind, rationale: String,
                 state: (@Sendable (M, M.State) -> Bool)? = nil,
                 transition: (@Sendable (M, M.State, M.Action, M.State) -> Bool)? = nil,
                 edgeFilter: (@Sendable (M, M.Action) -> Bool)? = nil) {
        precondition(!name.isEmpty, "a property needs a name")
        self.name = name
        self.kind = kind
        self.rationale = rationale
        self.stateCondition = state
        self.transitionCondition = transition
        self.edgeFilter = edgeFilter
    }

    /// An invariant: `condition` holds in every reachable state.
    public static func always(_ name: String, rationale: String = "",
                              _ condition: @escaping @Sendable (M, M.State) -> Bool) -> Property {
        Property(name: name, kind: .always, rationale: rationale, state: condition)
    }

    /// A reachability guard: `condition` holds in at least one reachable state.
    public static func sometimes(_ name: String, rationale: String = "",
                                 _ condition: @escaping @Sendable (M, M.State) -> Bool) -> Property {
        Property(name: name, kind: .sometimes, rationale: rationale, state: condition)
    }

    /// An action property: `condition(state, action, next)` holds for every transition.
    public static func transition(_ name: String, rationale: String = "",
                                  _ condition: @escaping @Sendable (M, M.State, M.Action, M.State) -> Bool)
        -> Property {
        Property(name: name, kind: .transition, rationale: rationale, transition: condition)
    }

    /// Liveness: from every reachable state, a state satisfying `goal` is reachable using only
    /// transitions whose action `along` admits (all of them by default).
    public static func eventuallyReachable(_ name: String, rationale: String = "",
                                           along: (@Sendable (M, M.Action) -> Bool)? = nil,
                                           _ goal: @escaping @Sendable (M, M.State) -> Bool) -> Property {
        Property(name: name, kind: .eventuallyReachable, rationale: rationale, state: goal, edgeFilter: along)
    }
}

/// The kind of a property (see `Property`).
public enum PropertyKind: String, Sendable, Codable {
    case always, transition, sometimes, eventuallyReachable = "eventually-reachable"
}
