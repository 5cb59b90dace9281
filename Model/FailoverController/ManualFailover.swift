/// One `haadmin -failover [--forcefence] [--forceactive] <from> <to>` as a state machine
/// (upstream: `FailoverController.failover`), shared with the ZKFC's fencing of an old active.
///
/// 1. pre-failover checks: `<to>` must answer and be standby;
/// 2. graceful fence: `transitionToStandby(<from>)`;
/// 3. if that failed, or with `--forcefence`: the fencing methods in order until one succeeds;
/// 4. `transitionToActive(<to>)`; if it fails and `<from>` was not fenced, fail back.
/// Every RPC result and every fencing result is an input; the host runs the RPCs and methods.
public struct ManualFailover: Hashable, Sendable, Codable {
    public enum Input: Hashable, Sendable {
        /// `getServiceStatus(<to>)` answered (nil: the call failed).
        case serviceState(NameNodeID, HAServiceState?)
        /// A transition RPC finished; nil on success, else the failure text.
        case transitionResult(NameNodeID, failure: String?)
        /// Fencing method `method` (index in `dfs.ha.fencing.methods`) finished.
        case fenceResult(method: Int, success: Bool)
    }

    public enum Effect: Hashable, Sendable {
        case getServiceStatus(NameNodeID)
        case transitionToStandby(NameNodeID)
        case transitionToActive(NameNodeID, forced: Bool)
        case fence(NameNodeID, method: Int)
        case finished(success: Bool, message: String)
        case log(String)
    }

    public enum Phase: Hashable, Sendable, Codable {
        case checkingTarget
        case gracefulFence
        case fencing(method: Int)
        case activating
        case failingBack
        case finished
    }

    public internal(set) var from: NameNodeID
    public internal(set) var to: NameNodeID
    public let forceFence: Bool
    public let forceActive: Bool
    public let fencingMethods: Int
    /// Whether this run is the fail-back of another (which fences with force and does not fail back again).
    public let isFailback: Bool
    /// Only `Mutation.breadcrumbNotFenced` matters here: the old active is never fenced.
    public let mutation: Mutation?
    public private(set) var phase: Phase = .checkingTarget
    public private(set) var fenced = false
    public internal(set) var failback: [ManualFailover] = []
    /// The NameNodes' ids (`nn1`, …) for messages; the checker leaves it empty and messages show indexes.
    public let names: [String]

    /// Starts a failover; the first effect is the pre-failover check of `to`.
    public static func start(from: NameNodeID, to: NameNodeID, forceFence: Bool, forceActive: Bool,
                             fencingMethods: Int, mutation: Mutation? = nil, names: [String] = []) -> (ManualFailover, [Effect]) {
        let run = ManualFailover(from: from, to: to, forceFence: forceFence, forceActive: forceActive,
                                 fencingMethods: fencingMethods, isFailback: false, mutation: mutation, names: names)
        if fencingMethods == 0 {
            var finished = run
            finished.phase = .finished
            return (finished, [.finished(success: false, message: "Illegal argument: failover requires a fencer")])
        }
        if from == to {
            var finished = run
            finished.phase = .finished
            return (finished, [.finished(success: false, message: "Can't failover a service to itself")])
        }
        return (run, [.getServiceStatus(to)])
    }

    private init(from: NameNodeID, to: NameNodeID, forceFence: Bool, forceActive: Bool, fencingMethods: Int,
                 isFailback: Bool, mutation: Mutation?, names: [String]) {
        self.mutation = mutation
        self.names = names
        self.from = from
        self.to = to
        self.forceFence = forceFence
        self.forceActive = forceActive
        self.fencingMethods = fencingMethods
        self.isFailback = isFailback
    }

    /// The NameNode whose answer the run is waiting for, if any.
    public var awaitedNameNode: NameNodeID? {
        if let inner = failback.first { return inner.awaitedNameNode }
        switch phase {
        case .checkingTarget, .activating: return to
        case .gracefulFence: return from
        case .fencing, .failingBack, .finished: return nil
        }
    }

    /// Whether the run may still call `id`, in this phase or a later one: the target until the
    /// run ends, the old active until it is fenced (a graceful fence asks it to stand by, a
    /// fail-back asks it to take over again). Fencing alone reaches a NameNode after that.
    public func mayCall(_ id: NameNodeID) -> Bool {
        if let inner = failback.first { return inner.mayCall(id) }
        switch phase {
        case .checkingTarget, .gracefulFence: return id == to || id == from
        case .fencing: return id == to
        case .activating: return id == to || (id == from && !fenced && !isFailback)
        case .failingBack, .finished: return false
        }
    }

    /// The fencing method being run, if any.
    public var awaitedFenceMethod: Int? {
        if let inner = failback.first { return inner.awaitedFenceMethod }
        if case .fencing(let method) = phase { return method }
        return nil
    }

    public var isFinished: Bool { phase == .finished }

    /// The RPC the run waits for, to be (re)issued when its target can take it (after a pause).
    public var pendingCall: Effect? {
        if let inner = failback.first { return inner.pendingCall }
        switch phase {
        case .checkingTarget: return .getServiceStatus(to)
        case .gracefulFence: return .transitionToStandby(from)
        case .activating: return .transitionToActive(to, forced: forceActive)
        case .fencing, .failingBack, .finished: return nil
        }
    }

    public mutating func step(_ input: Input) -> [Effect] {
        if phase == .failingBack { return stepFailback(input) }
        switch (phase, input) {
        case (.checkingTarget, .serviceState(let node, let state)) where node == to:
            guard let state else { return finish(false, "Unable to get service state for \(name(to))") }
            guard state == .standby else { return finish(false, "Can't failover to an \(state.rawValue) service") }
            phase = .gracefulFence
            return [.transitionToStandby(from)]
        case (.gracefulFence, .transitionResult(let node, let failure)) where node == from:
            if failure == nil && !forceFence {
                return activate([.log("Successfully transitioned \(name(from)) to standby state without fencing")])
            }
            if mutation == .breadcrumbNotFenced { return activate([.log("(mutant) not fencing \(name(from))")]) }
            return startFencing([.log(failure.map { "Unable to gracefully make \(name(from)) standby (\($0))" }
                                      ?? "Graceful fence succeeded; fencing anyway (--forcefence)")])
        case (.fencing(let method), .fenceResult(let finishedMethod, let success)) where method == finishedMethod:
            if success {
                fenced = true
                return activate([.log("====== Fencing successful by method \(method + 1) ======")])
            }
            if method + 1 < fencingMethods {
                phase = .fencing(method: method + 1)
                return [.log("Fencing method \(method + 1) was unsuccessful."), .fence(from, method: method + 1)]
            }
            return finish(false, "Unable to fence \(name(from)). Fencing failed.")
        case (.activating, .transitionResult(let node, let failure)) where node == to:
            guard let failure else { return finish(true, "Failover from \(name(from)) to \(name(to)) successful") }
            if fenced || isFailback { return finish(false, "Unable to failover to \(name(to))", cause: failure) }
            // Fail back: the old active was only made standby, so it can take over again.
            let (inner, effects) = ManualFailover.failbackRun(from: to, to: from, fencingMethods: fencingMethods, names: names)
            failback = [inner]
            phase = .failingBack
            return [.log("Unable to failover to \(name(to)): \(failure). Failing back to \(name(from))")] + effects
        default:
            return []
        }
    }

    private static func failbackRun(from: NameNodeID, to: NameNodeID, fencingMethods: Int, names: [String]) -> (ManualFailover, [Effect]) {
        var run = ManualFailover(from: from, to: to, forceFence: true, forceActive: true, fencingMethods: fencingMethods,
                                 isFailback: true, mutation: nil, names: names)
        // The fail-back is a whole failover(to, from, forceFence, forceActive): it checks its
        // target first, and --forceactive only waives readiness.
        run.phase = .checkingTarget
        return (run, [.getServiceStatus(to)])
    }

    private mutating func stepFailback(_ input: Input) -> [Effect] {
        var inner = failback[0]
        var effects = inner.step(input)
        failback = [inner]
        for (index, effect) in effects.enumerated() {
            guard case .finished(let success, let message) = effect else { continue }
            effects.remove(at: index)
            phase = .finished
            let outcome = success ? "" : ". Failback to \(name(from)) failed (\(message))"
            effects.append(.finished(success: false, message: "Unable to failover to \(name(to))\(outcome)"))
            break
        }
        return effects
    }

    /// A NameNode's id for messages.
    private func name(_ id: NameNodeID) -> String { id < names.count ? names[id] : "\(id)" }

    private mutating func startFencing(_ effects: [Effect]) -> [Effect] {
        phase = .fencing(method: 0)
        return effects + [.log("====== Beginning Service Fencing Process... ======"), .fence(from, method: 0)]
    }

    private mutating func activate(_ effects: [Effect]) -> [Effect] {
        phase = .activating
        return effects + [.transitionToActive(to, forced: forceActive)]
    }

    private mutating func finish(_ success: Bool, _ message: String, cause: String? = nil) -> [Effect] {
        phase = .finished
        // Upstream attaches the cause to the exception; the message itself stays as it is.
        let logged: [Effect] = cause.map { [.log("Caused by: \($0)")] } ?? []
        return logged + [.finished(success: success, message: message)]
    }
}
