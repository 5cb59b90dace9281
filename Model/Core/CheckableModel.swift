/// A model that the checker can explore: the generic contract between a protocol and the engine.
///
/// In the spirit of Stateright's `Model`: initial states, the actions enabled in a state in a
/// deterministic order, the state an action leads to, named properties, an optional boundary
/// and an optional symmetry canonicaliser. Counterexamples replay by action index, so
/// `actions(_:into:)` must list the same actions in the same order every time it is called
/// on the same state, in any process.
///
/// (The protocol is spelled `CheckableModel` because the module that owns it is `Model`.)
public protocol CheckableModel: Sendable {
    /// A complete state of the system; its fingerprint identifies it.
    associatedtype State: Fingerprintable & Sendable
    /// One step the system may take; its description is what counterexamples print.
    associatedtype Action: Sendable & CustomStringConvertible

    /// A short name printed in summaries and written into counterexample files.
    var name: String { get }

    /// The parameters that, with `name`, rebuild this model (written into counterexample files).
    var parameters: [ModelParameter] { get }

    /// The initial states, in a deterministic order.
    func initialStates() -> [State]

    /// Appends the actions enabled in `state` to `actions`, in a deterministic order.
    /// The buffer arrives empty; the engine reuses it to avoid allocating per state.
    func actions(_ state: State, into actions: inout [Action])

    /// The state `action` leads to from `state`, or nil when the action turns out disabled.
    func nextState(_ state: State, _ action: Action) -> State?

    /// The properties to check, in the order they are reported.
    var properties: [Property<Self>] { get }

    /// Whether `state` is inside the explored region; states outside are neither counted nor expanded.
    func withinBoundary(_ state: State) -> Bool

    /// Whether `canonicalize` does anything; when false the engine never calls it.
    var hasSymmetry: Bool { get }

    /// A representative of `state`'s symmetry class: two states that differ only by a permutation
    /// of interchangeable components must map to states with the same fingerprint.
    func canonicalize(_ state: State) -> State

    /// The fingerprint of `canonicalize(state)`. The checker asks for one per successor; a model
    /// may compute it without building the representative, as long as the two always agree.
    func canonicalFingerprint(_ state: State) -> UInt64

    /// The named fields of `state`, for printing counterexamples as per-step differences.
    func fields(of state: State) -> [StateField]

    /// Names of the kinds of action, for per-action coverage (e.g. `["RMPrepare", "TMCommit"]`);
    /// empty when the model does not classify its actions. At most 256 kinds.
    var actionKindNames: [String] { get }

    /// The index in `actionKindNames` of `action`'s kind.
    func actionKind(_ action: Action) -> Int

    /// Whether `state`, which has no successor, is a normal end of the model's behaviour (a system
    /// at rest) rather than a deadlock. The deadlock check reports only the others.
    func isQuiescent(_ state: State) -> Bool
}

extension CheckableModel {
    public var parameters: [ModelParameter] { [] }
    @inlinable public func withinBoundary(_ state: State) -> Bool { true }
    public var hasSymmetry: Bool { false }
    @inlinable public func canonicalize(_ state: State) -> State { state }
    @inlinable public func canonicalFingerprint(_ state: State) -> UInt64 {
        FingerprintHasher.fingerprint(hasSymmetry ? canonicalize(state) : state)
    }
    public func fields(of state: State) -> [StateField] { StateField.reflecting(state) }
    public var actionKindNames: [String] { [] }
    @inlinable public func actionKind(_ action: Action) -> Int { 0 }
    public func isQuiescent(_ state: State) -> Bool { false }
}

/// One `name = value` parameter of a model, as given on the command line.
public struct ModelParameter: Sendable, Equatable, Codable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}
