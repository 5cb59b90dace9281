/// Automatic failover in the HA system: a ZooKeeper server (`CoordinationServer`) and one ZKFC
/// (`ZKFailoverController`) per NameNode, composed as their hosts compose them.
///
/// What the hosts do, and the model therefore does:
/// - A ZooKeeper request is one atomic RPC on the ZKFC's session: the server handles it and the
///   reply reaches the ZKFC in the same step, unless events of that session are still on their
///   way (a client sees its session's events in order), in which case the reply queues behind them.
/// - Watch notifications travel separately: each is a step of its own (`deliverZooKeeperEvent`),
///   so a ZKFC may act before it learns that the lock changed hands.
/// - A dropped connection (`disconnectController`) leaves the session alive; the client reconnects
///   within it, or learns on reconnecting that it expired. ZooKeeper may expire any session whose
///   client is disconnected or dead (`expireSession`); a connected client keeps its session.
/// - The health monitor reports the NameNode's real health (healthy, unhealthy, or not responding
///   when it is down or paused) at any moment after it changed.
/// - Transition RPCs run on the NameNode as `REQUEST_BY_ZKFC`; one sent to a paused NameNode waits
///   in its socket until it resumes, and may time out first. Fencing methods report success or
///   failure; a successful `sshfence` kills the process.
/// - Timers fire in any order at any time.
///
/// Inputs a ZKFC receives during a step (replies, transition results) are queued in
/// `controllerInbox` and handled, in order, before the step ends: a ZKFC never handles an input
/// in the middle of performing the effects of another.
extension HAProtocol {
    static let nameserviceID = "ns1"
    static let sessionTimeoutMs: Int32 = 5000

    /// zkfc -formatZK, then every ZKFC started.
    func startAutomaticFailover(_ state: inout HASystem) {
        guard configuration.automaticFailover else { return }
        var server = CoordinationServer(configuration: CoordinationConfiguration(failedWritesConsumeZxid: false))
        // `zkfc -formatZK`: a session creates the parent znodes and closes.
        let formatter = CoordinationConfiguration.sessionIDFirstDefault
        _ = server.step(.connect(timeoutMs: HAProtocol.sessionTimeoutMs))
        var path = ""
        for component in [String(ZKFailoverController.Configuration.parentZnodeDefault.dropFirst()), HAProtocol.nameserviceID] {
            path += "/" + component
            _ = server.step(.request(session: formatter, xid: 1, operation: .create(path: path, data: [], mode: .persistent)))
        }
        _ = server.step(.request(session: formatter, xid: 2, operation: .closeSession))
        state.coordination = server
        state.controllers = state.nameNodes.indices.map { id in
            HASystem.ControllerSlot(controller: ZKFailoverController(configuration: controllerConfiguration(id)), up: true)
        }
        for id in state.controllers.indices { sendController(id, .start, in: &state) }
        drainControllerInbox(&state)
    }

    /// Sessions opened after `zkfc -formatZK`'s and the ZKFCs' first ones.
    func newSessions(in server: CoordinationServer) -> Int {
        Int(server.nextSessionID - CoordinationConfiguration.sessionIDFirstDefault) - 1 - configuration.nameNodes
    }

    func controllerConfiguration(_ id: NameNodeID) -> ZKFailoverController.Configuration {
        let nameNodes = (0..<configuration.nameNodes).map { index in
            ActiveNodeInfo(nameserviceID: HAProtocol.nameserviceID, nameNodeID: "nn\(index + 1)",
                           hostname: "nn\(index + 1).example.com", port: 8020)
        }
        return ZKFailoverController.Configuration(nameNode: id, nameNodes: nameNodes, fencingMethods: 1,
                                                  sessionTimeoutMs: HAProtocol.sessionTimeoutMs,
                                                  zooKeeperQuorum: "zk1.example.com:2181", mutation: configuration.mutation)
    }

    // MARK: - Enabled steps

    func automaticActions(_ state: HASystem, into actions: inout [HAAction]) {
        guard configuration.automaticFailover, let server = state.coordination else { return }
        var sessionsSeen: [Int64] = []
        for (index, delivery) in state.zooKeeperQueue.enumerated() where !sessionsSeen.contains(delivery.session) {
            sessionsSeen.append(delivery.session)
            actions.append(.deliverZooKeeperEvent(index, delivery))
        }
        let crashesLeft = configuration.faults.crashes && state.crashes < configuration.crashesMax
        for (id, slot) in state.controllers.enumerated() {
            guard slot.up else {
                actions.append(.restartController(id))
                continue
            }
            let controller = slot.controller
            let health = actualHealth(of: id, in: state)
            if controller.started && controller.health != health { actions.append(.reportHealth(id, health)) }
            if let reported = reportedServiceState(of: id, in: state), controller.started, controller.activity == nil,
               controller.actsOnServiceStatus(reported) {
                actions.append(.reportServiceStatus(id, reported))
            }
            if slot.linked && state.sessionFaults < configuration.sessionFaultsMax { actions.append(.disconnectController(id)) }
            if slot.session != nil && !slot.linked { actions.append(.reconnectController(id)) }
            for timer in controller.timers where timer != .connectionTimeout { actions.append(.controllerTimer(id, timer)) }
            if let awaited = controller.awaitedTransition, state.nameNodes[awaited].status == .paused {
                actions.append(.controllerCallTimeout(id))
            }
            if case .becomingActive(.fencing, _)? = controller.activity {
                actions.append(.controllerFenceResult(id, success: true))
                if configuration.faults.fencingFailures { actions.append(.controllerFenceResult(id, success: false)) }
            }
            if crashesLeft { actions.append(.crashController(id)) }
        }
        for session in server.sessions.map(\.id)
            where !state.controllers.contains(where: { $0.up && $0.linked && $0.session == session }) {
            actions.append(.expireSession(session))
        }
        for (id, slot) in state.nameNodes.enumerated() where slot.status == .running {
            if slot.unhealthy {
                actions.append(.healthChange(id, healthy: true))
            } else if state.healthFaults < configuration.healthFaultsMax {
                actions.append(.healthChange(id, healthy: false))
            }
        }
        if state.gracefulFailovers < configuration.gracefulFailoversMax
            && !state.controllerCalls.contains(where: { $0.caller == nil }) {
            for (id, slot) in state.controllers.enumerated() where slot.up && !slot.controller.isActive {
                actions.append(.gracefulFailover(to: id))
            }
        }
    }

    /// What the health monitor of NameNode `id` would report now.
    func actualHealth(of id: NameNodeID, in state: HASystem) -> ZKFailoverController.HealthState {
        let slot = state.nameNodes[id]
        guard slot.status == .running else { return .serviceNotResponding }
        return slot.unhealthy ? .serviceUnhealthy : .serviceHealthy
    }

    /// The HA state `getServiceStatus` would find, unless the NameNode is down, paused or in the
    /// middle of a transition (the monitor's poll then fails, or waits for the transition's lock).
    func reportedServiceState(of id: NameNodeID, in state: HASystem) -> HAServiceState? {
        let slot = state.nameNodes[id]
        guard slot.status == .running, slot.node.writer.isNil || slot.node.state == .active,
              !(slot.node.writer?.steppingDown ?? false) else { return nil }
        return slot.node.state
    }

    // MARK: - Steps

    /// Performs an automatic-failover step; false if `action` is not one.
    func automaticStep(_ action: HAAction, in state: inout HASystem) -> Bool {
        switch action {
        case .deliverZooKeeperEvent(let index, _):
            let delivery = state.zooKeeperQueue.remove(at: index)
            guard let id = controller(owning: delivery.session, in: state) else { break }
            if let watch = delivery.watch {
                sendController(id, .zooKeeperWatch(session: delivery.session, watch), in: &state)
            } else if let reply = delivery.reply {
                sendController(id, .zooKeeperReply(session: delivery.session, xid: reply.xid, reply.result), in: &state)
            }
        case .reportHealth(let id, let health):
            sendController(id, .health(health), in: &state)
        case .reportServiceStatus(let id, let reported):
            sendController(id, .serviceStatus(reported), in: &state)
        case .healthChange(let id, let healthy):
            state.nameNodes[id].unhealthy = !healthy
            if !healthy { state.healthFaults += 1 }
        case .disconnectController(let id):
            guard let session = state.controllers[id].session else { return true }
            state.sessionFaults += 1
            state.controllers[id].linked = false
            state.zooKeeperQueue.removeAll { $0.session == session }
            _ = stepServer(.disconnected(session: session), in: &state)
            sendController(id, .zooKeeperDisconnected(session: session), in: &state)
        case .reconnectController(let id):
            guard let session = state.controllers[id].session else { return true }
            let effects = stepServer(.connect(timeoutMs: HAProtocol.sessionTimeoutMs, session: session,
                                              password: CoordinationServer.password(for: session)), in: &state)
            let queued = state.controllers[id].queuedRequests
            state.controllers[id].queuedRequests = []
            if effects.contains(where: { if case .reply(session, 0, _, .sessionEstablished) = $0 { true } else { false } }) {
                state.controllers[id].linked = true
                sendController(id, .zooKeeperConnected(session: session), in: &state)
                for request in queued { send(request, on: session, in: &state) }
            } else {
                // The client fails what it queued (the ZKFC does so itself on the expiry).
                state.controllers[id].session = nil
                sendController(id, .zooKeeperSessionExpired(session: session), in: &state)
            }
        case .expireSession(let session):
            route(stepServer(.sessionExpired(session: session), in: &state), in: &state)
        case .controllerTimer(let id, let timer):
            sendController(id, .timerFired(timer), in: &state)
        case .controllerCallTimeout(let id):
            guard let awaited = state.controllers[id].controller.awaitedTransition else { return true }
            // The client closes the connection; Hadoop's IPC server skips calls of closed connections,
            // so the paused NameNode will never run it.
            state.controllers[id].queuedCall = nil
            sendController(id, .transitionResult(awaited, failure: "Call timed out"), in: &state)
        case .controllerFenceResult(let id, let success):
            guard case .becomingActive(.fencing(let target, let method, _), _)? = state.controllers[id].controller.activity
            else { return true }
            if success && configuration.fencing == .kill && state.nameNodes[target].status != .down {
                nameNodeDied(target, in: &state)
            }
            sendController(id, .fenceResult(method: method, success: success), in: &state)
        case .crashController(let id):
            state.crashes += 1
            controllerDied(id, in: &state)
        case .restartController(let id):
            state.controllers[id] = HASystem.ControllerSlot(controller: state.controllers[id].controller, up: true)
            sendController(id, .start, in: &state)
        case .gracefulFailover(let to):
            state.gracefulFailovers += 1
            state.controllerCalls.append(HASystem.ControllerCall(caller: nil, callee: to, call: .gracefulFailover))
            sendController(to, .gracefulFailover, in: &state)
        default:
            return false
        }
        drainControllerInbox(&state)
        return true
    }

    /// The ZKFC whose client holds `session`, if it is running.
    func controller(owning session: Int64, in state: HASystem) -> NameNodeID? {
        state.controllers.indices.first { state.controllers[$0].up && state.controllers[$0].session == session }
    }

    /// Queues an input for a ZKFC; `drainControllerInbox` hands it over before the step ends.
    func sendController(_ id: NameNodeID, _ input: ZKFailoverController.Input, in state: inout HASystem) {
        state.controllerInbox.append(HASystem.ControllerInput(controller: id, input: input))
    }

    /// Hands every queued input to its ZKFC, in order, performing the effects of each.
    func drainControllerInbox(_ state: inout HASystem) {
        while !state.controllerInbox.isEmpty {
            let next = state.controllerInbox.removeFirst()
            let id = next.controller
            guard state.controllers[id].up else { continue }
            let effects = state.controllers[id].controller.step(next.input)
            for effect in effects { perform(effect, of: id, in: &state) }
            if state.controllers[id].up && state.controllers[id].controller.failure != nil {
                controllerDied(id, in: &state)  // the process exits
            }
        }
    }

    /// A ZKFC process is gone: its client's session lives on in ZooKeeper until it expires.
    func controllerDied(_ id: NameNodeID, in state: inout HASystem) {
        let session = state.controllers[id].session
        state.controllers[id].up = false
        // As for a NameNode: the dead process keeps nothing, and the slot holds the one a restart starts.
        state.controllers[id].controller = ZKFailoverController(configuration: controllerConfiguration(id))
        state.controllers[id].linked = false
        state.controllers[id].queuedCall = nil
        state.controllers[id].queuedRequests = []
        state.zooKeeperQueue.removeAll { $0.session == session }
        state.controllerInbox.removeAll { $0.controller == id }
        // Calls it made are answered to nobody; calls made to it fail.
        state.controllerCalls.removeAll { $0.caller == id }
        for call in state.controllerCalls where call.callee == id {
            answerControllerCall(from: id, call.call, failure: "Connection refused", in: &state)
        }
    }

    private func perform(_ effect: ZKFailoverController.Effect, of id: NameNodeID, in state: inout HASystem) {
        guard state.controllers[id].up, state.coordination != nil else { return }
        switch effect {
        case .connectZooKeeper(let timeoutMs):
            let effects = stepServer(.connect(timeoutMs: timeoutMs), in: &state)
            for case .reply(let session, 0, _, .sessionEstablished) in effects {
                state.controllers[id].session = session
                state.controllers[id].linked = true
                sendController(id, .zooKeeperConnected(session: session), in: &state)
            }
        case .closeZooKeeperSession:
            guard let session = state.controllers[id].session else { return }
            state.controllers[id].session = nil
            state.controllers[id].queuedRequests = []
            state.zooKeeperQueue.removeAll { $0.session == session }
            if state.controllers[id].linked {
                route(stepServer(.request(session: session, xid: 0, operation: .closeSession), in: &state), in: &state)
            }
            state.controllers[id].linked = false
        case .zooKeeper(let xid, let operation):
            guard let session = state.controllers[id].session else {
                // The client's session expired (or it was closed): ZooKeeper's client fails every
                // later request at once.
                if let believed = state.controllers[id].controller.session {
                    sendController(id, .zooKeeperReply(session: believed, xid: xid, .error(.sessionExpired)), in: &state)
                }
                return
            }
            let request = HASystem.QueuedRequest(xid: xid, operation: operation)
            if state.controllers[id].linked {
                send(request, on: session, in: &state)
            } else {
                state.controllers[id].queuedRequests.append(request)
            }
        case .transitionToActive(let target), .transitionToStandby(let target):
            let toActive: Bool = if case .transitionToActive = effect { true } else { false }
            let call = HASystem.QueuedCall(nameNode: target, toActive: toActive)
            switch state.nameNodes[target].status {
            case .running:
                stepNameNode(target, call.input, in: &state)
            case .down:
                sendController(id, .transitionResult(target, failure: "Connection refused"), in: &state)
            case .paused:
                state.controllers[id].queuedCall = call
            }
        case .fence:
            break  // the environment runs the method and reports
        case .callFailoverController(let callee, let call):
            guard state.controllers[callee].up else {
                sendController(id, .cedeResult(from: callee, failure: "Connection refused"), in: &state)
                return
            }
            state.controllerCalls.append(HASystem.ControllerCall(caller: id, callee: callee, call: call))
            switch call {
            case .cedeActive(let millis): sendController(callee, .cedeActive(millis: millis), in: &state)
            case .gracefulFailover: sendController(callee, .gracefulFailover, in: &state)
            }
        case .reply(let call, let failure):
            answerControllerCall(from: id, call, failure: failure, in: &state)
        case .setTimer, .cancelTimer, .fatal, .log:
            break  // timers are the ZKFC's armed set; a fatal error ends the process (see drain)
        }
    }

    private func send(_ request: HASystem.QueuedRequest, on session: Int64, in state: inout HASystem) {
        route(stepServer(.request(session: session, xid: request.xid, operation: request.operation), in: &state),
              in: &state)
    }

    /// Steps the ZooKeeper server in place (automatic failover only: the server exists).
    private func stepServer(_ input: CoordinationInput, in state: inout HASystem) -> [CoordinationEffect] {
        state.coordination?.step(input) ?? []
    }

    /// The ZKFC `callee` answered a ZKFCProtocol call: its caller (if alive) learns the result.
    private func answerControllerCall(from callee: NameNodeID, _ call: ZKFCCall, failure: String?, in state: inout HASystem) {
        guard let index = state.controllerCalls.firstIndex(where: { $0.callee == callee && $0.call == call }) else { return }
        let record = state.controllerCalls.remove(at: index)
        if let caller = record.caller { sendController(caller, .cedeResult(from: callee, failure: failure), in: &state) }
    }

    /// Routes the server's effects: replies to their requester, watch events into the queue.
    private func route(_ effects: [CoordinationEffect], in state: inout HASystem) {
        for effect in effects {
            switch effect {
            case .reply(let session, let xid, _, let result):
                guard xid != 0, let id = controller(owning: session, in: state) else { continue }
                if state.zooKeeperQueue.contains(where: { $0.session == session }) {
                    state.zooKeeperQueue.append(HASystem.ZooKeeperDelivery(
                        session: session, reply: HASystem.ZooKeeperReply(xid: xid, result: result)))
                } else {
                    sendController(id, .zooKeeperReply(session: session, xid: xid, result), in: &state)
                }
            case .watchEvent(let session, let event):
                guard controller(owning: session, in: state) != nil else { continue }
                state.zooKeeperQueue.append(HASystem.ZooKeeperDelivery(session: session, watch: event))
            case .setSessionTimer, .cancelSessionTimer, .closeConnection, .log:
                break
            }
        }
    }

    // MARK: - NameNode hooks

    /// A NameNode answered a transition: the ZKFC waiting for it learns the result.
    func transitionAnswered(by nameNode: NameNodeID, failure: String?, in state: inout HASystem) {
        for (id, slot) in state.controllers.enumerated() where slot.up && slot.controller.awaitedTransition == nameNode {
            sendController(id, .transitionResult(nameNode, failure: failure), in: &state)
        }
    }

    /// A paused NameNode resumed: transition RPCs queued at its socket are taken now.
    func takeQueuedCalls(of nameNode: NameNodeID, in state: inout HASystem) {
        for id in state.controllers.indices {
            guard let call = state.controllers[id].queuedCall, call.nameNode == nameNode else { continue }
            state.controllers[id].queuedCall = nil
            stepNameNode(nameNode, call.input, in: &state)
        }
    }

    /// A NameNode died: ZKFCs waiting for its transitions learn that the call failed.
    func nameNodeDiedForControllers(_ nameNode: NameNodeID, in state: inout HASystem) {
        for id in state.controllers.indices where state.controllers[id].queuedCall?.nameNode == nameNode {
            state.controllers[id].queuedCall = nil
        }
        transitionAnswered(by: nameNode, failure: "Connection refused", in: &state)
    }
}
