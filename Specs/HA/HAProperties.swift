import Model

/// The named properties of the HA protocol. Each says why it matters for HDFS; the mutant
/// catalogue (`Mutation`) shows each one has teeth.
public enum HAProperties {
    public static let all: [Property<HASpec>] = safety + reachability + liveness

    public static let safety: [Property<HASpec>] = [
        .transition("PromisedEpochNeverDecreases", rationale: """
            A JournalNode's promise (last-promised-epoch) is what fences old writers: if it ever went \
            down, across a step or a crash and restart, a deposed writer could write again.
            """) { _, before, _, after in
            // By index: zipping the slots would copy every JournalNode (this runs on every step).
            HAProperties.unchanged(before.journalNodes, after.journalNodes) || before.journalNodes.indices.allSatisfy {
                before.journalNodes[$0].node.promisedEpoch <= after.journalNodes[$0].node.promisedEpoch
            }
        },
        .transition("AcceptedRecoveryNeverForgotten", rationale: """
            A JournalNode's answer to acceptRecovery is its Paxos vote: every later prepareRecovery \
            must hear that value, or one accepted in a later epoch, across steps and crashes, until \
            the segment is finalized or a new segment starts over it. A forgotten vote lets a later \
            recovery pick another value than the one a quorum accepted and perhaps finalized.
            """) { _, before, action, after in
            if HAProperties.unchanged(before.journalNodes, after.journalNodes) { return true }
            let step = HAProperties.journalRequest(of: action)
            return before.journalNodes.indices.allSatisfy { id in
                // A JournalNode whose votes the step left alone keeps them (the common case, checked first).
                after.journalNodes[id].node.hasTheAcceptedValues(of: before.journalNodes[id].node)
                || after.journalNodes[id].node.forgottenAcceptedValue(of: before.journalNodes[id].node.acceptedValues,
                                                                   across: step?.0 == id ? step?.1 : nil) == nil
            }
        },
        .transition("NoStaleEpochAccepted", rationale: """
            A JournalNode changes its log only for a request whose epoch is at least its promise: \
            newEpoch on a quorum is how a new writer shuts every older one out.
            """) { model, before, action, after in
            guard let (id, request) = HAProperties.journalRequest(of: action), let epoch = request.epoch else { return true }
            // The cheap test first: a request at or above the promise may change the log.
            if epoch >= before.journalNodes[id].node.promisedEpoch { return true }
            return before.journalNodes[id].node.durable.segments == after.journalNodes[id].node.durable.segments
                || before.edits(onJournalNode: id) == after.edits(onJournalNode: id)
        },
        .always("EpochsAreUnique", rationale: """
            Two NameNodes never establish the same epoch: one writer per epoch is what makes \
            (txid, epoch) name one edit, and a quorum intersection makes it so.
            """) { _, state in
            // The owners are sorted by epoch: a repeated epoch sits next to itself.
            let owners = state.ghost.epochOwners
            return owners.indices.dropFirst().allSatisfy { owners[$0 - 1].epoch != owners[$0].epoch }
        },
        .always("CommittedEditsAgree", rationale: """
            No two different edits are ever on a majority of JournalNodes with the same txid: the \
            journal is one log, whatever the failures.
            """) { _, state in
            zip(state.ghost.chosen, state.ghost.chosen.dropFirst()).allSatisfy { $0.txid != $1.txid }
        },
        .always("AcknowledgedEditsAreDurable", rationale: """
            A client is told its write succeeded only once a majority of JournalNodes has it on disk.
            """) { _, state in
            state.ghost.acknowledged.allSatisfy { state.ghost.chosen.contains($0) }
        },
        .transition("AcknowledgedEditsSurvive", rationale: """
            An edit acknowledged to a client is in the namespace of every NameNode that becomes \
            active afterwards: failover never loses an acknowledged edit.
            """) { _, before, _, after in
            HAProperties.everyNewActive(before, after) { node in HAProperties.holds(after.ghost.acknowledged, in: node.applied) }
        },
        .transition("ActiveHasCaughtUp", rationale: """
            A NameNode becomes active only after applying every edit that is (or ever was) on a \
            majority of JournalNodes: catch-up during failover is complete.
            """) { _, before, _, after in
            HAProperties.everyNewActive(before, after) { node in HAProperties.holds(after.ghost.chosen, in: node.applied) }
        },
        .always("LogMatching", rationale: """
            If two JournalNodes hold the same txid written in the same epoch in their readable \
            logs, they agree on every earlier txid both hold there: logs never fork silently. A \
            readable log is the finalized segments and the last segment. An in-progress segment \
            with a later one after it is abandoned: a JournalNode that missed a new writer's \
            startLogSegment keeps an old writer's uncommitted tail there (as upstream's do, until \
            purged), and neither a reader (finalized segments only) nor a recovery (the last \
            segment only) reads it.
            """) { _, state in
            // The epoch a JournalNode's readable log holds txid `t` in, read from its segments:
            // this runs on every state, so it builds no arrays.
            func epoch(_ id: JournalNodeID, _ txid: TxID) -> Epoch? {
                let segments = state.journalNodes[id].node.durable.segments
                for position in segments.indices.reversed() where segments[position].contains(txid)
                    && (segments[position].finalized || position == segments.count - 1) {
                    return segments[position].writerEpoch
                }
                return nil
            }
            let journalNodes = state.journalNodes.indices
            for left in journalNodes {
                for right in journalNodes where right > left {
                    // Equal logs agree (the common case; equal arrays compare by storage first).
                    if state.journalNodes[left].node.durable.segments == state.journalNodes[right].node.durable.segments { continue }
                    let last = min(HAProperties.lastTxID(state, left), HAProperties.lastTxID(state, right))
                    guard last > 0 else { continue }
                    var matchedUpTo: TxID = 0
                    for txid in 1...last where epoch(left, txid) != nil && epoch(left, txid) == epoch(right, txid) {
                        matchedUpTo = txid
                    }
                    for txid in stride(from: 1, to: matchedUpTo, by: 1) {
                        if let mine = epoch(left, txid), let theirs = epoch(right, txid), mine != theirs { return false }
                    }
                }
            }
            return true
        },
        .always("FinalizedSegmentsAgree", rationale: """
            A finalized segment is decided: two JournalNodes that finalized the segment starting at \
            the same txid hold the same edits in it.
            """) { _, state in
            // Every pair of finalized segments, in place (this runs on every state).
            let journalNodes = state.journalNodes
            for left in journalNodes.indices {
                let segments = journalNodes[left].node.durable.segments
                for (position, segment) in segments.enumerated() where segment.finalized {
                    func disagrees(_ other: Segment) -> Bool {
                        other.finalized && other.start == segment.start
                            && (other.end != segment.end || other.writerEpoch != segment.writerEpoch)
                    }
                    if segments[(position + 1)...].contains(where: disagrees) { return false }
                    for right in journalNodes.indices where right > left
                        && journalNodes[right].node.durable.segments.contains(where: disagrees) {
                        return false
                    }
                }
            }
            return true
        },
        .transition("RecoveryNeverDropsCommitted", rationale: """
            The value a recovering writer proposes for the last segment keeps every edit that was \
            on a majority: recovery truncates only uncommitted tails.
            """) { _, before, _, after in
            if HAProperties.unchanged(before.nameNodes, after.nameNodes) { return true }
            for id in after.nameNodes.indices {
                guard case .acceptingRecovery(let segment, let writerEpoch)? = after.nameNodes[id].node.writer?.phase,
                      before.nameNodes[id].node.writer?.phase != after.nameNodes[id].node.writer?.phase else { continue }
                for edit in after.ghost.chosen where edit.txid >= segment.start {
                    if edit.txid > segment.end || edit.epoch != writerEpoch { return false }
                }
            }
            return true
        },
        .always("NoStaleReads", rationale: """
            No NameNode that serves clients misses an acknowledged write, so no read can be stale: \
            the old active of a failover is fenced before the new one acknowledges anything.
            """) { _, state in
            // By index and stored fields (`servesClients`): a closure over the slots, or a call on
            // one, copies the NameNode (this runs on every state).
            state.nameNodes.indices.allSatisfy { id in
                state.nameNodes[id].status != .running || state.nameNodes[id].node.state != .active
                    || state.nameNodes[id].node.terminated
                    || HAProperties.holds(state.ghost.acknowledged, in: state.nameNodes[id].node.applied)
            }
        },
        .always("AtMostOneActiveServes", rationale: """
            At most one running NameNode is in the active state. It holds only with effective \
            fencing: with shell(/bin/true), a paused old active resumes as active beside the new one \
            (the split brain the HDFS HA guide warns about).
            """) { _, state in
            state.nameNodes.indices.reduce(0) { count, id in
                count + (state.nameNodes[id].status == .running && state.nameNodes[id].node.state == .active ? 1 : 0)
            } <= 1
        },
        .always("SingleLockOwner", rationale: """
            Automatic failover: a ZKFC connected to ZooKeeper that believes it won the election \
            (elector state ACTIVE) holds the ephemeral lock znode ActiveStandbyElectorLock through its \
            own session, so at most one connected ZKFC acts as the winner.
            """) { _, state in
            guard let server = state.coordination else { return true }
            let owner = server.znodes.first { $0.path == HAProperties.lockPath }?.ephemeralOwner
            return state.controllers.allSatisfy { slot in
                !(slot.up && slot.linked && slot.controller.isActive) || (slot.session != nil && slot.session == owner)
            }
        },
        .always("EphemeralsBelongToLiveSessions", rationale: """
            Automatic failover: every ephemeral znode (the election lock) is owned by a live session: \
            when a session ends, by expiry or close, its lock goes with it and the other ZKFC's watch fires.
            """) { _, state in
            guard let server = state.coordination else { return true }
            return server.znodes.allSatisfy { node in
                !node.isEphemeral || server.sessions.contains { $0.id == node.ephemeralOwner }
            }
        },
    ]

    /// The election lock of the model's nameservice.
    static let lockPath = "/hadoop-ha/ns1/ActiveStandbyElectorLock"

    public static let reachability: [Property<HASpec>] = [
        .sometimes("EditAcknowledged") { _, state in !state.ghost.acknowledged.isEmpty },
        .sometimes("FailoverCompleted", rationale: "an active in a later epoch than the first") { _, state in
            state.nameNodes.contains { $0.node.state == .active && ($0.node.writer?.epoch ?? 0) >= 2 }
        },
        .sometimes("AcknowledgedEditSurvivesFailover") { _, state in
            // By index (a closure over the slots copies each one; this runs until it is witnessed).
            state.nameNodes.indices.contains { id in
                guard state.nameNodes[id].node.state == .active, state.nameNodes[id].status == .running else { return false }
                let epoch = state.nameNodes[id].node.writer?.epoch ?? 0
                return state.ghost.acknowledged.contains { $0.epoch < epoch }
            }
        },
        .sometimes("UncommittedTailDiscarded", rationale: """
            A JournalNode loses an edit it held: a recovery or a new writer's startLogSegment \
            discards an uncommitted tail (what makes CommittedEditsAgree non-trivial). Needs a \
            JournalNode outside a majority: holds trivially with fewer than 3.
            """) { model, state in model.configuration.journalNodes < 3 || state.ghost.uncommittedTailDiscarded },
        .sometimes("JournalNodeSkippedUntilNextSegment", rationale: """
            A JournalNode that missed a batch sits out until the next segment while a majority \
            goes on. Needs a JournalNode outside a majority: holds trivially with fewer than 3.
            """) { model, state in
            model.configuration.journalNodes < 3 || state.nameNodes.contains { $0.node.writer?.outOfSync.contains(true) ?? false }
        },
        .sometimes("TwoEpochsEstablished") { _, state in state.ghost.epochOwners.count >= 2 },
        .sometimes("StandbyTailedEdits") { _, state in
            state.nameNodes.contains { $0.node.state == .standby && $0.node.writer.isNil && !$0.node.applied.isEmpty }
        },
        .sometimes("ControllerFencedOldActive", rationale: """
            Automatic failover: a ZKFC that won the lock runs a fencing method against the NameNode \
            named by the breadcrumb (holds trivially without automatic failover).
            """) { model, state in
            !model.configuration.automaticFailover || state.controllers.contains { slot in
                if case .becomingActive(.fencing, _)? = slot.controller.activity { true } else { false }
            }
        },
        .sometimes("ElectionFailedOver", rationale: """
            Automatic failover: both NameNodes were made active by their ZKFCs, one after the other \
            (holds trivially without automatic failover).
            """) { model, state in
            !model.configuration.automaticFailover || Set(state.ghost.epochOwners.map(\.nameNode)).count >= 2
        },
    ]

    public static let liveness: [Property<HASpec>] = [
        .eventuallyReachable("ServingActiveReachable", rationale: """
            From every reachable state, once faults stop (no more losses, crashes, pauses or \
            failed fencing), the operator and the nodes can bring the system to a serving active. \
            (The checker counts a state whose future leaves the bounds, e.g. needs a fourth epoch, \
            as able to reach it: the bound, not the protocol, stops it there.)
            """, along: { _, action in !action.isFault }) { _, state in
            // By index and servesClients' stored fields: this runs on every state.
            state.nameNodes.indices.contains { id in
                state.nameNodes[id].status == .running && state.nameNodes[id].node.state == .active
                    && !state.nameNodes[id].node.terminated
            }
        },
    ]

    // MARK: - Helpers

    /// The JournalNode and request an action delivers, if it delivers one to a JournalNode.
    static func journalRequest(of action: HAAction) -> (JournalNodeID, JournalRequest)? {
        switch action {
        case .deliver(_, let envelope), .restartJournalNode(_, let envelope, _), .deliverAndCrash(_, let envelope, _), .deliverLosingReply(_, let envelope):
            guard !envelope.hasResponse, case .journalNode(let id) = envelope.to else { return nil }
            return (id, envelope.request)
        default:
            return nil
        }
    }

    /// Whether a step left these nodes alone: it shares their storage (copy-on-write), so the
    /// transition properties about them hold without a look at each node (most steps touch one
    /// kind of node only; these properties run on every step).
    static func unchanged<Slot>(_ before: [Slot], _ after: [Slot]) -> Bool {
        before.withUnsafeBufferPointer { old in
            after.withUnsafeBufferPointer { new in old.count == new.count && old.baseAddress == new.baseAddress }
        }
    }

    /// Whether every NameNode that became active in the step satisfies `condition`.
    static func everyNewActive(_ before: HASystem, _ after: HASystem, satisfies condition: (NameNode) -> Bool) -> Bool {
        if unchanged(before.nameNodes, after.nameNodes) { return true }
        for id in after.nameNodes.indices where after.nameNodes[id].node.state == .active
            && before.nameNodes[id].node.state != .active && !condition(after.nameNodes[id].node) {
            return false
        }
        return true
    }

    static func holds(_ edits: [HASystem.Edit], in applied: [Epoch]) -> Bool {
        edits.allSatisfy { Int($0.txid) <= applied.count && applied[Int($0.txid) - 1] == $0.epoch }
    }

    /// The highest txid a JournalNode holds (0: none).
    static func lastTxID(_ state: HASystem, _ id: JournalNodeID) -> TxID {
        state.journalNodes[id].node.durable.segments.reduce(0) { $1.isEmpty ? $0 : max($0, $1.end) }
    }
}
