/// The HA system's transition relation: which steps are enabled in a state, and what they do.
///
/// Every node decision is the node's own `step`; this type only routes messages and effects
/// between the nodes and plays the environment (faults, operator, clients, timers).
public struct HAProtocol: Sendable {
    public let configuration: HAConfiguration

    public init(configuration: HAConfiguration) {
        precondition(configuration.validationError() == nil, configuration.validationError() ?? "")
        self.configuration = configuration
    }

    public var initialState: HASystem {
        var state = HASystem(configuration: configuration)
        startAutomaticFailover(&state)
        return state
    }

    /// States beyond the configured bounds are not explored.
    public func withinBoundary(_ state: HASystem) -> Bool {
        // Calls of a process that died do not count toward the bound: there are at most a few per
        // crash, and surviving them is exactly what a new writer must do.
        state.highestEpoch <= configuration.epochMax
            && state.network.lazy.filter { !$0.senderDied }.count <= configuration.inFlightMax
            && (state.coordination.map { newSessions(in: $0) <= configuration.newSessionsMax } ?? true)
    }

    // MARK: - Enabled steps

    public func actions(_ state: HASystem, into actions: inout [HAAction]) {
        let faults = configuration.faults
        let crashesLeft = faults.crashes && state.crashes < configuration.crashesMax
        for (index, envelope) in state.network.enumerated() where deliverable(index, in: state) {
            actions.append(.deliver(index, envelope))
            guard case .journalNode(let id) = envelope.to else { continue }
            // A JournalNode that is down refuses the connection (`deliver`), or restarts as this
            // message reaches it. That is its only restart: one at any earlier time is the same
            // behaviour with the restart moved here. Until a message reaches it, only the steps
            // offered here read `up` (no property does), and what a started JournalNode allows
            // before then a stopped one allows too: its crash leaves it as the stopped one is,
            // and losing a message to it is the refused delivery with less loss budget left.
            if !state.journalNodes[id].up { actions.append(.restartJournalNode(index, envelope, losingReply: false)) }
            if crashesLeft && faults.tornSteps {
                var node = state.journalNodes[id].node
                let writes = node.step(.request(from: 0, envelope.request)).filter {
                    if case .persist = $0 { return true } else { return false }
                }.count
                for count in stride(from: 1, through: writes, by: 1) {
                    actions.append(.deliverAndCrash(index, envelope, writes: count))
                }
            }
        }
        if faults.messageLoss && state.losses < configuration.lossesMax {
            // A loss that changes nothing but the budget is not offered: losing a request to a
            // JournalNode that is down fails the call as delivering it does, and losing the reply
            // to an orphaned request loses what nobody reads. The state it leads to is the
            // delivery's with less budget left, from which every step is one the other allows.
            for (index, envelope) in state.network.enumerated() where deliverable(index, in: state) {
                guard case .journalNode(let id) = envelope.to else {
                    actions.append(.drop(index, envelope))
                    continue
                }
                let up = state.journalNodes[id].up
                if up { actions.append(.drop(index, envelope)) }
                if !envelope.hasResponse && !envelope.orphaned {
                    actions.append(up ? .deliverLosingReply(index, envelope) : .restartJournalNode(index, envelope, losingReply: true))
                }
            }
        }
        if faults.duplication {
            for (index, envelope) in state.network.enumerated() where deliverable(index, in: state) {
                actions.append(.duplicate(index, envelope))
            }
        }
        // By index and stored fields here and below: a loop over the slots copies each one (and
        // retains every array it holds), for every state the checker expands.
        for id in state.journalNodes.indices where crashesLeft && state.journalNodes[id].up {
            actions.append(.crashJournalNode(id))
        }
        for id in state.nameNodes.indices {
            let status = state.nameNodes[id].status
            if status != .down && crashesLeft { actions.append(.crashNameNode(id)) }
            // Under manual failover a NameNode restarts for a step that needs it running
            // (`restartNameNodes`, below and in `operatorActions`), or at any time while the
            // operator's failover may still call it (it tells a stopped process from a standby).
            if status == .down && (configuration.automaticFailover || state.failover?.mayCall(id) == true) {
                actions.append(.restartNameNode(id))
            }
            if faults.pauses && status == .running && state.nameNodes[id].node.state == .active
                && state.pauses < configuration.pausesMax {
                actions.append(.pause(id))
            }
            if status == .paused { actions.append(.resume(id)) }
        }
        if configuration.automaticFailover {
            automaticActions(state, into: &actions)
        } else {
            operatorActions(state, into: &actions)
        }
        // Reads are not steps of their own: a read changes nothing, and NoStaleReads asks of every
        // state whether a read served there could be stale.
        for (id, client) in state.clients.enumerated() where client.pending == nil
            && state.editsIssued < configuration.editsMax {
            actions.append(.clientWrite(id))
        }
        for id in state.nameNodes.indices {
            switch state.nameNodes[id].status {
            case .running:
                if canTail(id, in: state) { actions.append(.tailEdits(id)) }
                if canRoll(id, in: state) { actions.append(.rollEditLog(id)) }
            case .down where !configuration.automaticFailover:
                // The slot holds the fresh standby its restart starts.
                if canTail(id, in: state) { actions.append(.restartNameNodes([id], then: .tailEdits(id))) }
            default:
                break
            }
        }
    }

    private func operatorActions(_ state: HASystem, into actions: inout [HAAction]) {
        if let failover = state.failover {
            if let awaited = failover.awaitedNameNode, state.nameNodes[awaited].status == .paused {
                actions.append(.failoverTimeout)
            }
            if let method = failover.awaitedFenceMethod {
                actions.append(.fenceResult(success: true))
                if configuration.faults.fencingFailures && method >= 0 {
                    // A method can fail (sshfence finds no route to the host); the failover goes on.
                    actions.append(.fenceResult(success: false))
                }
            }
            return
        }
        // By index and stored fields: a loop over the slots copies each one, for every state.
        let nameNodes = state.nameNodes
        func idleStandby(_ id: NameNodeID) -> Bool {
            nameNodes[id].status == .running && nameNodes[id].node.state == .standby && nameNodes[id].node.writer.isNil
        }
        // A NameNode that is down restarts only here (and to tail): a restart at any earlier time
        // is the same behaviour with the restart moved later. Until the operator asks it, or it
        // tails, a fresh standby does what a stopped process does: a client's call to it fails
        // over as a refused one does, fencing kills it into the stopped state, and its crash
        // leaves it there. `down` lists those that a step asking them restarts first.
        let down = nameNodes.indices.filter { nameNodes[$0].status == .down }
        func idleOrDown(_ id: NameNodeID) -> Bool { idleStandby(id) || nameNodes[id].status == .down }
        func restarting(_ ids: [NameNodeID], _ action: HAAction) -> HAAction {
            ids.isEmpty ? action : .restartNameNodes(ids, then: action)
        }
        for id in nameNodes.indices where idleOrDown(id) {
            // haadmin checks that every other NameNode answers and is not active (no --forceactive).
            if nameNodes.indices.allSatisfy(idleOrDown) { actions.append(restarting(down, .transitionToActive(id))) }
        }
        for id in nameNodes.indices where configuration.standbyTransitions && nameNodes[id].status == .running
            && nameNodes[id].node.state == .active && !(nameNodes[id].node.writer?.steppingDown ?? false) {
            actions.append(.transitionToStandby(id))
        }
        // The operator fails over from the active, or from a dead NameNode when none is active: with
        // three NameNodes, `-failover <dead standby> <x>` while another is active would leave two
        // actives (haadmin's pre-failover checks look only at the target), an operator error.
        let someActive = nameNodes.indices.contains { id in
            nameNodes[id].status != .down && (nameNodes[id].node.state == .active || !nameNodes[id].node.writer.isNil)
        }
        for from in nameNodes.indices where (nameNodes[from].status != .down && nameNodes[from].node.state == .active)
            || (nameNodes[from].status == .down && !someActive) {
            for to in nameNodes.indices where to != from && idleOrDown(to) {
                actions.append(restarting(nameNodes[to].status == .down ? [to] : [], .failover(from: from, to: to)))
            }
        }
    }

    /// FIFO per link unless reordering is on; nothing is delivered to a paused NameNode.
    private func deliverable(_ index: Int, in state: HASystem) -> Bool {
        // The ends only (a copy of the envelope would retain what it carries).
        let from = state.network[index].from, to = state.network[index].to
        if case .nameNode(let id) = to, state.nameNodes[id].status == .paused { return false }
        if configuration.faults.reordering { return true }
        for earlier in 0..<index where state.network[earlier].from == from && state.network[earlier].to == to {
            return false
        }
        return true
    }

    /// A standby tails when some JournalNode has a finalized edit it has not applied.
    private func canTail(_ id: NameNodeID, in state: HASystem) -> Bool {
        guard state.nameNodes[id].node.state == .standby, state.nameNodes[id].node.writer.isNil,
              state.nameNodes[id].node.tail.isNil else { return false }
        let applied = TxID(state.nameNodes[id].node.applied.count)
        return state.journalNodes.indices.contains { journalNode in
            state.journalNodes[journalNode].node.durable.segments.contains { $0.finalized && $0.end > applied }
        }
    }

    private func canRoll(_ id: NameNodeID, in state: HASystem) -> Bool {
        guard state.nameNodes[id].node.state == .active, let writer = state.nameNodes[id].node.writer,
              writer.phase == .writing, !writer.steppingDown, writer.inFlight.isNil, writer.waiting.isEmpty else { return false }
        return TxID(state.nameNodes[id].node.applied.count) >= writer.segmentStart
    }

    // MARK: - Steps

    public func nextState(_ state: HASystem, _ action: HAAction) -> HASystem? {
        var next = state
        guard perform(action, in: &next) else { return nil }
        drainControllerInbox(&next)
        // Only a JournalNode's disk can put an edit on a majority. By index: zipping the slots
        // would copy every JournalNode.
        for id in state.journalNodes.indices where state.journalNodes[id].node.durable != next.journalNodes[id].node.durable {
            updateChosen(&next)
            break
        }
        normalizeCallIDs(&next)
        discardIgnoredResponses(&next)
        discardDeadRequests(&next)
        forgetIdleReadCalls(&next)
        next.normalizeNetworkOrder()
        return consume next  // moved out: a plain `return next` copied the whole state
    }

    /// Runs one step on `next`; false when the step is not possible there.
    private func perform(_ action: HAAction, in next: inout HASystem) -> Bool {
        switch action {
        case .deliver(let index, _):
            let envelope = next.network.remove(at: index)
            deliver(envelope, in: &next)
        case .deliverAndCrash(let index, _, let writes):
            let envelope = next.network.remove(at: index)
            guard case .journalNode(let id) = envelope.to else { return false }
            var node = next.journalNodes[id].node
            var durable = node.durable
            var applied = 0
            for effect in node.step(.request(from: 0, envelope.request)) {
                guard case .persist(let write) = effect, applied < writes else { continue }
                durable.apply(write)
                applied += 1
            }
            noteJournalChange(from: next.journalNodes[id].node.durable, to: durable, in: &next)
            next.journalNodes[id] = HASystem.JournalSlot(
                node: JournalNode(id: id, durable: durable, mutation: configuration.mutation), up: false)
            next.crashes += 1
            connectionLost(envelope, in: &next)
        case .drop(let index, _):
            let envelope = next.network.remove(at: index)
            next.losses += 1
            connectionLost(envelope, in: &next)
        case .deliverLosingReply(let index, _):
            let envelope = next.network.remove(at: index)
            next.losses += 1
            deliver(envelope, in: &next, losingReply: true)
        case .duplicate(let index, let envelope):
            next.network.insert(envelope, at: index + 1)
        case .crashJournalNode(let id):
            let node = next.journalNodes[id].node
            next.journalNodes[id] = HASystem.JournalSlot(
                node: JournalNode(id: id, durable: node.durable, mutation: configuration.mutation), up: false)
            next.crashes += 1
        case .restartJournalNode(let index, _, let losingReply):
            let envelope = next.network.remove(at: index)
            guard case .journalNode(let id) = envelope.to else { return false }
            next.journalNodes[id].up = true
            if losingReply { next.losses += 1 }
            deliver(envelope, in: &next, losingReply: losingReply)
        case .crashNameNode(let id):
            next.crashes += 1
            nameNodeDied(id, in: &next)
        case .restartNameNode(let id):
            restartNameNode(id, in: &next)
        case .pause(let id):
            next.nameNodes[id].status = .paused
            next.pauses += 1
        case .resume(let id):
            next.nameNodes[id].status = .running
            // A call that waited on the stopped process is taken now.
            if let failover = next.failover, failover.awaitedNameNode == id, let call = failover.pendingCall {
                performFailover([call], in: &next)
            }
            takeQueuedCalls(of: id, in: &next)
        case .transitionToActive(let id):
            stepNameNode(id, .transitionToActive(source: .user), in: &next)
        case .transitionToStandby(let id):
            stepNameNode(id, .transitionToStandby(source: .user), in: &next)
        case .failover(let from, let to):
            let (run, effects) = ManualFailover.start(from: from, to: to, forceFence: false, forceActive: false,
                                                      fencingMethods: 1, mutation: configuration.mutation)
            next.failover = run
            performFailover(effects, in: &next)
        case .failoverTimeout:
            guard let awaited = next.failover?.awaitedNameNode else { return false }
            failoverInput(rpcFailure(to: awaited, state: next, reason: "Call timed out"), in: &next)
        case .fenceResult(let success):
            guard let failover = next.failover, let method = failover.awaitedFenceMethod else { return false }
            let target = failover.failback.first?.from ?? failover.from
            if success && configuration.fencing == .kill && next.nameNodes[target].status != .down {
                nameNodeDied(target, in: &next)
            }
            failoverInput(.fenceResult(method: method, success: success), in: &next)
        case .clientWrite(let id):
            next.editsIssued += 1
            stepClient(id, .issue(.write), in: &next)
        case .tailEdits(let id):
            stepNameNode(id, .tailEdits, in: &next)
        case .rollEditLog(let id):
            stepNameNode(id, .rollEditLog, in: &next)
        case .restartNameNodes(let ids, let then):
            for id in ids {
                guard next.nameNodes[id].status == .down else { return false }
                restartNameNode(id, in: &next)
            }
            return perform(then, in: &next)
        default:
            return automaticStep(action, in: &next)
        }
        return true
    }

    /// Drops responses their NameNode would ignore (an answer to a phase it has left): delivering
    /// one changes nothing, and a phase never comes back, so the states only differ in the network.
    private func discardIgnoredResponses(_ state: inout HASystem) {
        // Responses wait in the network only for a paused NameNode; without one, nothing to copy.
        guard state.network.contains(where: { $0.hasResponse }) else { return }
        state.network.removeAll { envelope in
            guard let response = envelope.response else { return false }
            guard !envelope.orphaned, case .nameNode(let id) = envelope.to, case .journalNode(let journalNode) = envelope.from
            else { return true }
            let slot = state.nameNodes[id]
            guard slot.status != .down else { return true }
            var copy = slot.node
            return copy.step(.journal(from: journalNode, response)).isEmpty && copy == slot.node
        }
    }

    /// Drops requests whose delivery can no longer change anything, the way responses nobody
    /// reads are dropped above. Such a request is delivered at once instead of at any later time:
    /// every behaviour that delivers it later is the same behaviour with that no-op moved earlier,
    /// so the states skipped differ from explored ones only by a message nobody will notice.
    private func discardDeadRequests(_ state: inout HASystem) {
        let journalNodes = state.journalNodes
        func isDead(_ envelope: HASystem.Envelope) -> Bool {
            isDeadRequest(envelope, promises: { journalNodes[$0].node.durable.promisedEpoch })
        }
        // Looked for before removing: a removal copies a network the step left shared.
        guard state.network.contains(where: isDead) else { return }
        state.network.removeAll(where: isDead)
    }

    /// A request is dead when nobody reads its answer (`orphaned`: its caller's attempt is over,
    /// or its process died) and its JournalNode refuses it, or answers it without a change, now
    /// and in every later state: a read (getJournalState, getEditLogManifest), a newEpoch not above
    /// the promise on the JournalNode's disk, or any request with an epoch below that promise —
    /// refused by `checkRequest` before any write, and the promise on disk never decreases (a
    /// crash keeps it; under `promise-not-persisted` it stays 0, so nothing is dead by it).
    /// Its loss would change nothing either but the loss budget, which only takes options away.
    /// `promises`: a JournalNode's promise on disk.
    func isDeadRequest(_ envelope: HASystem.Envelope, promises: (JournalNodeID) -> Epoch) -> Bool {
        guard envelope.orphaned, !envelope.hasResponse, case .journalNode(let id) = envelope.to else { return false }
        let promised = promises(id)
        switch envelope.request {
        case .getJournalState, .getEditLogManifest:
            return true
        case .newEpoch(let epoch):
            return epoch <= promised
        case .startLogSegment, .journal, .finalizeLogSegment, .heartbeat, .prepareRecovery, .acceptRecovery:
            guard configuration.mutation != .staleEpochAccepted, let epoch = envelope.request.epoch else { return false }
            return epoch < promised
        }
    }

    /// A request is one atomic RPC: the JournalNode handles it and its caller receives the answer
    /// in the same step (or, if the caller is paused, the answer waits in the network). A reply
    /// lost on the way is the separate step `deliverLosingReply`.
    private func deliver(_ envelope: HASystem.Envelope, in state: inout HASystem, losingReply: Bool = false) {
        switch envelope.to {
        case .journalNode(let id):
            guard state.journalNodes[id].up else {
                connectionLost(envelope, in: &state)
                return
            }
            guard case .nameNode(let sender) = envelope.from else { return }
            let before = state.journalNodes[id].node.durable
            let effects = state.journalNodes[id].node.step(.request(from: sender, envelope.request))
            noteJournalChange(from: before, to: state.journalNodes[id].node.durable, in: &state)
            for case .reply(_, let response) in effects where !envelope.orphaned {
                if losingReply {
                    connectionLost(envelope, in: &state)
                } else if state.nameNodes[sender].status == .running {
                    stepNameNode(sender, .journal(from: id, response), in: &state)
                } else if state.nameNodes[sender].status == .paused {
                    state.network.append(HASystem.Envelope(from: envelope.to, to: envelope.from, request: envelope.request,
                                                           response: response))
                }
            }
        case .nameNode(let id):
            guard !envelope.orphaned, state.nameNodes[id].status == .running, let response = envelope.response,
                  case .journalNode(let journalNode) = envelope.from else { return }
            stepNameNode(id, .journal(from: journalNode, response), in: &state)
        }
    }

    /// The connection carrying `envelope` broke: the NameNode that made the call learns it failed.
    private func connectionLost(_ envelope: HASystem.Envelope, in state: inout HASystem) {
        guard !envelope.orphaned else { return }
        let caller: HASystem.Endpoint = !envelope.hasResponse ? envelope.from : envelope.to
        guard case .nameNode(let id) = caller, state.nameNodes[id].status == .running,
              case .journalNode(let journalNode) = (!envelope.hasResponse ? envelope.to : envelope.from) else { return }
        stepNameNode(id, .journalUnreachable(journalNode, envelope.request), in: &state)
    }

    /// The ghost notes of a JournalNode's durable change: an edit it held is gone or replaced
    /// (an uncommitted tail discarded by a recovery or by a new writer's startLogSegment).
    private func noteJournalChange(from before: JournalDurableState, to after: JournalDurableState, in state: inout HASystem) {
        guard !state.ghost.uncommittedTailDiscarded else { return }
        for segment in before.segments where !segment.isEmpty {
            for txid in segment.start...segment.end where after.writerEpoch(of: txid) != segment.writerEpoch {
                state.ghost.uncommittedTailDiscarded = true
                return
            }
        }
    }

    // MARK: - NameNodes

    func stepNameNode(_ id: NameNodeID, _ input: NameNode.Input, in state: inout HASystem) {
        guard state.nameNodes[id].status == .running else { return }
        let hadWriter = !state.nameNodes[id].node.writer.isNil
        let effects = state.nameNodes[id].node.step(input)
        // The node is read in place below: a copy of it would retain every array it holds, on
        // every step of every NameNode. Only its edits are kept, for the acknowledgements.
        let applied = state.nameNodes[id].node.applied
        if hadWriter && state.nameNodes[id].node.writer.isNil {
            // The writer's calls still in flight belong to an attempt that is over: their answers
            // will be matched to calls nobody waits for (the JournalNodes still handle them).
            for index in state.network.indices where state.network[index].from == .nameNode(id) {
                let request = state.network[index].request
                // Writer calls carry an epoch (or are getJournalState); tail reads do not.
                if request.epoch != nil || request == .getJournalState { state.network[index].orphaned = true }
            }
        }
        // A manifest read whose round is decided (or abandoned) is awaited by nobody either: its
        // answer would be ignored, so it is orphaned, and dead (a read changes nothing).
        for index in state.network.indices where state.network[index].from == .nameNode(id) && !state.network[index].orphaned {
            guard case .getEditLogManifest(_, _, let call) = state.network[index].request,
                  case .journalNode(let journalNode) = state.network[index].to else { continue }
            if !state.nameNodes[id].node.awaitsRead(call: call, from: journalNode) { state.network[index].orphaned = true }
        }
        if let epoch = state.nameNodes[id].node.establishedEpoch {
            let owner = HASystem.EpochOwner(epoch: epoch, nameNode: id)
            if !state.ghost.epochOwners.contains(owner) {
                state.ghost.epochOwners.append(owner)
                state.ghost.epochOwners.sort()
            }
        }
        // One growth of the network for all of the step's calls (a writer sends to every JournalNode).
        let sends = effects.reduce(0) { count, effect in
            if case .send = effect { return count + 1 }
            return count
        }
        if sends > 1 { state.network.reserveCapacity(state.network.count + sends) }
        for effect in effects {
            switch effect {
            case .send(let journalNode, let request):
                state.network.append(HASystem.Envelope(from: .nameNode(id), to: .journalNode(journalNode), request: request))
            case .replyClient(let client, let result):
                if case .written(let txid) = result {
                    let edit = HASystem.Edit(txid: txid, epoch: applied[Int(txid) - 1])
                    if !state.ghost.acknowledged.contains(edit) {
                        state.ghost.acknowledged.append(edit)
                        state.ghost.acknowledged.sort()
                    }
                }
                stepClient(client, .result(from: id, result), in: &state)
            case .transitionResult(_, let failure):
                if state.failover?.awaitedNameNode == id { failoverInput(.transitionResult(id, failure: failure), in: &state) }
                transitionAnswered(by: id, failure: failure, in: &state)
            case .terminate:
                nameNodeDied(id, in: &state)
                return
            case .applyEdits, .log:
                break
            }
        }
    }

    /// A stopped NameNode starts again: the process starting is the fresh one its death left in
    /// the slot, passing its health checks.
    private func restartNameNode(_ id: NameNodeID, in state: inout HASystem) {
        state.nameNodes[id] = HASystem.NameNodeSlot(node: state.nameNodes[id].node, status: .running)
    }

    /// A NameNode process is gone (killed, fenced, or exited): its traffic is orphaned, calls to it fail.
    func nameNodeDied(_ id: NameNodeID, in state: inout HASystem) {
        state.nameNodes[id].status = .down
        // A dead process keeps nothing, and nothing reads a down NameNode's state: the slot holds
        // the node its restart will start, so states that differ only in what the dead process
        // knew are one state.
        state.nameNodes[id].node = NameNode(id: id, journalCount: configuration.journalNodes,
                                            automaticFailover: configuration.automaticFailover,
                                            mutation: configuration.mutation)
        state.network.removeAll { $0.to == .nameNode(id) }
        for index in state.network.indices where state.network[index].from == .nameNode(id) {
            state.network[index].orphaned = true
            state.network[index].senderDied = true
        }
        for client in state.clients.indices where state.clients[client].pending != nil && state.clients[client].target == id {
            stepClient(client, .unreachable(id), in: &state)
        }
        if let failover = state.failover, failover.awaitedNameNode == id {
            failoverInput(rpcFailure(to: id, state: state, reason: "Connection refused"), in: &state)
        }
        nameNodeDiedForControllers(id, in: &state)
    }

    // MARK: - Clients and the operator

    private func stepClient(_ id: ClientID, _ input: Client.Input, in state: inout HASystem) {
        for effect in state.clients[id].step(input) {
            guard case .send(let target, let operation) = effect else { continue }
            if state.nameNodes[target].status == .running {
                stepNameNode(target, .client(id, operation), in: &state)
            } else {
                stepClient(id, .unreachable(target), in: &state)
            }
        }
    }

    private func rpcFailure(to id: NameNodeID, state: HASystem, reason: String) -> ManualFailover.Input {
        if state.failover?.phase == .checkingTarget { return .serviceState(id, nil) }
        return .transitionResult(id, failure: reason)
    }

    private func failoverInput(_ input: ManualFailover.Input, in state: inout HASystem) {
        guard var run = state.failover else { return }
        let effects = run.step(input)
        state.failover = run
        performFailover(effects, in: &state)
    }

    private func performFailover(_ effects: [ManualFailover.Effect], in state: inout HASystem) {
        for effect in effects {
            switch effect {
            case .getServiceStatus(let id):
                let slot = state.nameNodes[id]
                let answer: HAServiceState? = slot.status == .running ? (slot.node.writer.isNil ? slot.node.state : .active) : nil
                if slot.status != .paused { failoverInput(.serviceState(id, answer), in: &state) }
            case .transitionToStandby(let id), .transitionToActive(let id, _):
                let input: NameNode.Input
                if case .transitionToStandby = effect { input = .transitionToStandby(source: .user) } else {
                    input = .transitionToActive(source: .user)
                }
                switch state.nameNodes[id].status {
                case .running: stepNameNode(id, input, in: &state)
                case .down: failoverInput(.transitionResult(id, failure: "Connection refused"), in: &state)
                case .paused: break  // the call waits; a timeout may end it
                }
            case .fence:
                break  // the environment runs the method and reports
            case .finished:
                state.failover = nil
            case .log:
                break
            }
        }
    }

    // MARK: - Ghost and normal form

    /// Records every edit a majority of JournalNodes holds on disk. Read in place from the
    /// segments: this runs whenever a JournalNode's disk changed.
    private func updateChosen(_ state: inout HASystem) {
        let journalNodes = state.journalNodes
        func holders(of edit: HASystem.Edit) -> Int {
            journalNodes.reduce(0) { count, slot in
                count + (slot.node.durable.segments.contains { $0.contains(edit.txid) && $0.writerEpoch == edit.epoch } ? 1 : 0)
            }
        }
        var added = false
        for slot in journalNodes {
            for segment in slot.node.durable.segments where !segment.isEmpty {
                for txid in segment.start...segment.end {
                    let edit = HASystem.Edit(txid: txid, epoch: segment.writerEpoch)
                    if !state.ghost.chosen.contains(edit) && holders(of: edit) >= configuration.majority {
                        state.ghost.chosen.append(edit)
                        added = true
                    }
                }
            }
        }
        if added { state.ghost.chosen.sort() }
    }

    /// Manifest call ids matter only as "the current round" or "an older one": renumbering them
    /// to 1 and 0 keeps behaviour identical and the state space finite.
    private func normalizeCallIDs(_ state: inout HASystem) {
        for id in state.nameNodes.indices {
            let current = state.nameNodes[id].node.readCalls
            guard current > 1 else { continue }  // 0: no read yet; 1: already normalized
            state.nameNodes[id].node.renumberReadCalls()
            for index in state.network.indices {
                let envelope = state.network[index]
                let involved = envelope.from == .nameNode(id) || envelope.to == .nameNode(id)
                guard involved, case .getEditLogManifest(let since, let inProgress, let call) = envelope.request else { continue }
                let renumbered: UInt64 = call == current ? 1 : 0
                state.network[index].request = .getEditLogManifest(sinceTxID: since, inProgressOK: inProgress, call: renumbered)
                if case .manifest(_, let segments, let committed)? = envelope.response {
                    state.network[index].response = .manifest(call: renumbered, segments: segments, committedTxID: committed)
                }
            }
        }
    }
}

extension HAProtocol {
    /// A NameNode with no read round open and none of its reads in flight has nothing a call id
    /// could be matched against: its next round is "the current one" whichever number it gets, so
    /// the count goes back to 0, as if it had never read (only whether it read told states apart).
    func forgetIdleReadCalls(_ state: inout HASystem) {
        for id in state.nameNodes.indices where state.nameNodes[id].node.readCalls != 0 {
            // Read in place: this runs on every step, and copying a NameNode is not free.
            if !state.nameNodes[id].node.tail.isNil { continue }
            if case .catchingUp? = state.nameNodes[id].node.writer?.phase { continue }
            let readInFlight = state.network.contains { envelope in
                guard envelope.from == .nameNode(id) || envelope.to == .nameNode(id),
                      case .getEditLogManifest = envelope.request else { return false }
                return true
            }
            if !readInFlight { state.nameNodes[id].node.readCalls = 0 }
        }
    }
}

extension NameNode {
    /// Renumbers the current read round to 1 (see `HAProtocol.normalizeCallIDs`).
    mutating func renumberReadCalls() {
        if readCalls == 0 { return }
        readCalls = 1
        if !tail.isNil { tail!.call = 1 }
        if case .catchingUp? = writer?.phase { writer!.phase = .catchingUp(call: 1) }
    }
}
