import Model

/// The HA protocol as a checkable model: `HAProtocol`'s transitions with the properties of
/// `HAProperties`, under one `HAConfiguration`.
public struct HASpec: CheckableModel {
    public typealias State = HASystem
    public typealias Action = HAAction

    public let configuration: HAConfiguration
    /// The configuration's name (`small`, `no-fencing`, ...) for reports.
    public let configurationName: String
    let transitions: HAProtocol

    public init(configuration: HAConfiguration, name: String) {
        self.configuration = configuration
        configurationName = name
        transitions = HAProtocol(configuration: configuration)
    }

    public var name: String { "ha" }

    public var parameters: [ModelParameter] {
        HAConfigurations.parameters(of: configuration, name: configurationName)
    }

    public func initialStates() -> [HASystem] { [transitions.initialState] }

    public func actions(_ state: HASystem, into actions: inout [HAAction]) { transitions.actions(state, into: &actions) }

    public func nextState(_ state: HASystem, _ action: HAAction) -> HASystem? { transitions.nextState(state, action) }

    public func withinBoundary(_ state: HASystem) -> Bool { transitions.withinBoundary(state) }

    public var hasSymmetry: Bool { configuration.symmetry }

    public func canonicalize(_ state: HASystem) -> HASystem { state.canonicalizingNodes() }

    public func canonicalFingerprint(_ state: HASystem) -> UInt64 {
        configuration.symmetry ? state.canonicalFingerprint : FingerprintHasher.fingerprint(state)
    }

    public var properties: [Property<HASpec>] { HAProperties.all }

    public var actionKindNames: [String] { HAAction.kindNames }

    public func actionKind(_ action: HAAction) -> Int { action.kind }

    public func fields(of state: HASystem) -> [StateField] { HAStateFields.fields(of: state) }

    /// With automatic failover nobody must act once an active serves, every ZKFC is idle and every
    /// fault is spent: such a state is at rest. Any other state with no successor is a deadlock
    /// (a ZKFC waiting for something that never comes, say).
    public func isQuiescent(_ state: HASystem) -> Bool {
        configuration.automaticFailover && !state.servingNameNodes.isEmpty
            && state.controllers.allSatisfy { !$0.up || $0.controller.activity == nil }
    }
}
