/// Hand-written fingerprints of the HA state: the checker computes one for every successor, and
/// walking the `Codable` encoding (the default for `Encodable` states) costs ~40 µs per state
/// here against well under 1 µs for this. Every stored field is fed, in declaration order; a
/// test compares the two encodings' ability to tell states apart on a sample of reachable states.

extension FingerprintHasher {
    @inline(__always) mutating func combine(optional value: UInt64?) {
        if let value { combine(1 as UInt64); combine(value) } else { combine(0 as UInt64) }
    }

    @inline(__always) mutating func combine(flag: Bool) { combine(flag ? 1 as UInt64 : 0) }

    @inline(__always) mutating func combine(int: Int) { combine(UInt64(bitPattern: Int64(int))) }
}

extension HASystem {
    public func fingerprint(into hasher: inout FingerprintHasher) { feed(&hasher, renaming: .identity) }

    /// Feeds the state as it would be with its nodes renamed: what `fingerprint(into:)` feeds for
    /// the renamed copy (`renamingJournalNodes`, `swappingNameNodes`), without building the copy.
    /// Renamed, the network is fed in its renamed link order (each link keeping its own order).
    /// Each JournalNode is fed as `journalNodeFingerprint`, from `journalNodePrints` when the
    /// caller has them already.
    func feed(_ hasher: inout FingerprintHasher, renaming: NodeRenaming,
              journalNodePrints: UnsafeBufferPointer<UInt64>? = nil) {
        hasher.combine(int: journalNodes.count)
        for new in journalNodes.indices {
            let old = renaming.oldJournalNode(new)
            hasher.combine(journalNodePrints?[old] ?? journalNodeFingerprint(old))
        }
        hasher.combine(int: nameNodes.count)
        // Through a buffer pointer, whose elements are read in place (binding a slot copies it).
        nameNodes.withUnsafeBufferPointer { slots in
            for new in slots.indices {
                let old = renaming.nameNode(new)
                hasher.combine(int: slots[old].status == .running ? 0 : slots[old].status == .paused ? 1 : 2)
                slots[old].node.feed(&hasher, renaming: renaming)
            }
        }
        hasher.combine(int: clients.count)
        for client in clients {
            hasher.combine(int: renaming.nameNode(client.target))
            hasher.combine(int: client.pending.map { $0 == .write ? 1 : 2 } ?? 0)
            hasher.combine(int: client.failovers)
        }
        hasher.combine(int: network.count)
        if renaming.isIdentity {
            network.withUnsafeBufferPointer { network in
                for index in network.indices { network[index].feed(&hasher) }
            }
        } else {
            feedNetwork(&hasher, renaming: renaming)
        }
        if !failoverStorage.isEmpty {
            hasher.combine(1 as UInt64)
            failoverStorage[0].feed(&hasher, renaming: renaming)
        } else {
            hasher.combine(0 as UInt64)
        }
        // Losses share the crash count's word (crashes stay far below 2^16), so that states
        // without loss keep the fingerprints, and the exploration order, they always had.
        hasher.combine(int: crashes | losses << 16)
        hasher.combine(int: pauses)
        hasher.combine(int: editsIssued)
        ghost.feed(&hasher, renaming: renaming)
        // Automatic failover only: without it, states keep the fingerprints they always had.
        if let coordination { feedAutomaticFailover(coordination, &hasher) }
    }

    /// One JournalNode's own state, whether it runs and what it holds, blind to its name: what
    /// the state's fingerprint feeds for it, and where its place in the symmetry order starts.
    func journalNodeFingerprint(_ id: JournalNodeID) -> UInt64 {
        var hasher = FingerprintHasher()
        // Through a buffer pointer, in place: a call on an array element copies it.
        journalNodes.withUnsafeBufferPointer { slots in
            hasher.combine(flag: slots[id].up)
            slots[id].node.feed(&hasher)
        }
        return hasher.finalize()
    }

    private func feedAutomaticFailover(_ coordination: CoordinationServer, _ hasher: inout FingerprintHasher) {
        coordination.fingerprint(into: &hasher)
        for slot in nameNodes { hasher.combine(flag: slot.unhealthy) }
        hasher.combine(int: controllers.count)
        for slot in controllers {
            hasher.combine(flag: slot.up)
            slot.controller.fingerprint(into: &hasher)
            hasher.combine(optional: slot.session.map { UInt64(bitPattern: $0) })
            hasher.combine(flag: slot.linked)
            if let call = slot.queuedCall {
                hasher.combine(int: 1 + call.nameNode)
                hasher.combine(flag: call.toActive)
            } else {
                hasher.combine(0 as UInt64)
            }
            hasher.combine(int: slot.queuedRequests.count)
            for request in slot.queuedRequests {
                hasher.combine(request.xid)
                hasher.combine(String(describing: request.operation))
            }
        }
        hasher.combine(int: zooKeeperQueue.count)
        for delivery in zooKeeperQueue {
            hasher.combine(delivery.session)
            if let watch = delivery.watch {
                hasher.combine(1 as UInt64)
                hasher.combine(watch.type.rawValue)
                hasher.combine(watch.path)
            }
            if let reply = delivery.reply {
                hasher.combine(2 as UInt64)
                hasher.combine(reply.xid)
                ZKFailoverController.combine(reply.result, into: &hasher)
            }
        }
        hasher.combine(int: controllerCalls.count)
        for call in controllerCalls {
            hasher.combine(int: call.caller.map { $0 + 1 } ?? 0)
            hasher.combine(int: call.callee)
            switch call.call {
            case .cedeActive(let millis): hasher.combine(1 as UInt64); hasher.combine(int: millis)
            case .gracefulFailover: hasher.combine(2 as UInt64)
            }
        }
        hasher.combine(int: sessionFaults | healthFaults << 8 | gracefulFailovers << 16)
    }
}

extension HASystem.Ghost {
    func feed(_ hasher: inout FingerprintHasher, renaming: NodeRenaming) {
        hasher.combine(int: acknowledged.count)
        for edit in acknowledged { hasher.combine(edit.txid); hasher.combine(edit.epoch) }
        hasher.combine(int: chosen.count)
        for edit in chosen { hasher.combine(edit.txid); hasher.combine(edit.epoch) }
        hasher.combine(int: epochOwners.count)
        if renaming.swapsNameNodes {
            HASystem.Ghost.feedRenamed(epochOwners, renaming, into: &hasher)
        } else {
            for owner in epochOwners { hasher.combine(owner.epoch); hasher.combine(int: owner.nameNode) }
        }
        hasher.combine(flag: uncommittedTailDiscarded)
    }

    /// Feeds the owners with their NameNodes renamed, in their sorted order again, without building
    /// that array (this runs on every successor): the owners are sorted by epoch, and a renaming
    /// only reorders the (distinct) NameNodes within one epoch.
    static func feedRenamed(_ owners: [HASystem.EpochOwner], _ renaming: NodeRenaming, into hasher: inout FingerprintHasher) {
        var start = 0
        while start < owners.count {
            var end = start + 1
            while end < owners.count && owners[end].epoch == owners[start].epoch { end += 1 }
            // The renamed NameNodes of the run, smallest first (a run is short: one per NameNode).
            var previous = -1
            for _ in start..<end {
                var smallest = Int.max
                for index in start..<end {
                    let renamed = renaming.nameNode(owners[index].nameNode)
                    if renamed > previous && renamed < smallest { smallest = renamed }
                }
                hasher.combine(owners[start].epoch)
                hasher.combine(int: smallest)
                previous = smallest
            }
            start = end
        }
    }
}

extension HASystem.Envelope {
    func feed(_ hasher: inout FingerprintHasher, renaming: NodeRenaming = .identity) {
        from.feed(&hasher, renaming: renaming)
        to.feed(&hasher, renaming: renaming)
        request.feed(&hasher)
        if let response { hasher.combine(1 as UInt64); response.feed(&hasher) } else { hasher.combine(0 as UInt64) }
        hasher.combine(flag: orphaned)
        hasher.combine(flag: senderDied)
    }
}

extension HASystem.Endpoint {
    func feed(_ hasher: inout FingerprintHasher, renaming: NodeRenaming) {
        switch self {
        case .journalNode(let id): hasher.combine(int: renaming.journalNode(id))
        case .nameNode(let id): hasher.combine(int: 1000 + renaming.nameNode(id))
        }
    }
}

extension Segment {
    func feed(_ hasher: inout FingerprintHasher) {
        hasher.combine(start)
        hasher.combine(end)
        hasher.combine(writerEpoch)
        hasher.combine(flag: finalized)
    }
}

extension SegmentState {
    func feed(_ hasher: inout FingerprintHasher) {
        hasher.combine(start)
        hasher.combine(end)
        hasher.combine(flag: inProgress)
    }
}

extension PaxosRecord {
    func feed(_ hasher: inout FingerprintHasher) {
        segment.feed(&hasher)
        hasher.combine(acceptedInEpoch)
        hasher.combine(writerEpoch)
    }
}

extension JournalDurableState {
    func feed(_ hasher: inout FingerprintHasher) {
        hasher.combine(flag: formatted)
        hasher.combine(promisedEpoch)
        hasher.combine(writerEpoch)
        hasher.combine(optional: committedTxID)
        hasher.combine(int: segments.count)
        for segment in segments { segment.feed(&hasher) }
        hasher.combine(int: paxos.count)
        for record in paxos { record.feed(&hasher) }
        hasher.combine(int: temporary.count)
        for temporary in temporary {
            hasher.combine(temporary.start)
            hasher.combine(temporary.end)
            hasher.combine(temporary.acceptedInEpoch)
            hasher.combine(temporary.writerEpoch)
        }
    }

    /// A digest of everything a JournalNode keeps on disk: daemons write it into their traces and
    /// the trace checker compares it with the model's state after the same step.
    public var digest: UInt64 {
        var hasher = FingerprintHasher()
        feed(&hasher)
        return hasher.finalize()
    }
}

extension JournalNode {
    func feed(_ hasher: inout FingerprintHasher) {
        durable.feed(&hasher)
        hasher.combine(optional: volatile.currentSegment)
        hasher.combine(volatile.nextTxID)
        hasher.combine(optional: volatile.unpersistedPromise)
        // Only under accept-not-persisted: other states keep the fingerprints they always had.
        if !volatile.unpersistedPaxos.isEmpty {
            hasher.combine(int: volatile.unpersistedPaxos.count)
            for record in volatile.unpersistedPaxos { record.feed(&hasher) }
        }
    }
}

extension NameNode {
    /// Everything kept per JournalNode is fed in the renamed JournalNodes' order.
    func feed(_ hasher: inout FingerprintHasher, renaming: NodeRenaming = .identity) {
        switch state {
        case .initializing: hasher.combine(0 as UInt64)
        case .active: hasher.combine(1 as UInt64)
        case .standby: hasher.combine(2 as UInt64)
        case .stopping: hasher.combine(3 as UInt64)
        }
        hasher.combine(int: applied.count)
        for epoch in applied { hasher.combine(epoch) }
        if let writer { hasher.combine(1 as UInt64); writer.feed(&hasher, renaming: renaming) } else { hasher.combine(0 as UInt64) }
        if let tail {
            hasher.combine(1 as UInt64)
            hasher.combine(tail.call)
            for new in tail.manifests.indices { tail.feedAnswer(of: renaming.oldJournalNode(new), into: &hasher) }
        } else {
            hasher.combine(0 as UInt64)
        }
        hasher.combine(readCalls)
        hasher.combine(flag: terminated)
    }
}

extension ReadRound {
    /// What the round holds from one JournalNode: whether its read failed, and its manifest.
    /// Fed for the state's fingerprint and for the JournalNode's symmetry key.
    func feedAnswer(of journalNode: JournalNodeID, into hasher: inout FingerprintHasher) {
        hasher.combine(flag: failures[journalNode])
        if let manifest = manifests[journalNode] {
            hasher.combine(int: manifest.count + 1)
            for segment in manifest { segment.feed(&hasher) }
        } else {
            hasher.combine(0 as UInt64)
        }
    }
}

extension Writer {
    func feed(_ hasher: inout FingerprintHasher, renaming: NodeRenaming) {
        phase.feed(&hasher)
        hasher.combine(epoch)
        hasher.combine(flag: epochEstablished)
        for new in replies.indices {
            if let reply = replies[renaming.oldJournalNode(new)] { reply.feed(&hasher) } else { hasher.combine(0 as UInt64) }
        }
        hasher.combine(segmentStart)
        hasher.combine(sentThrough)
        hasher.combine(optional: committed)
        var skipped: UInt64 = 0
        for new in outOfSync.indices where outOfSync[renaming.oldJournalNode(new)] { skipped |= 1 << UInt64(new) }
        hasher.combine(skipped)
        if let batch = inFlight {
            hasher.combine(batch.first)
            hasher.combine(batch.count)
            hasher.combine(int: batch.clients.count)
            for client in batch.clients { hasher.combine(int: client) }
        } else {
            hasher.combine(0 as UInt64)
        }
        hasher.combine(int: waiting.count)
        for client in waiting { hasher.combine(int: client) }
        hasher.combine(flag: steppingDown)
    }
}

extension Writer.Phase {
    func feed(_ hasher: inout FingerprintHasher) {
        switch self {
        case .gettingJournalState: hasher.combine(1 as UInt64)
        case .proposingEpoch: hasher.combine(2 as UInt64)
        case .preparingRecovery(let start): hasher.combine(3 as UInt64); hasher.combine(start)
        case .acceptingRecovery(let segment, let writerEpoch):
            hasher.combine(4 as UInt64); segment.feed(&hasher); hasher.combine(writerEpoch)
        case .finalizingRecovery(let segment): hasher.combine(5 as UInt64); segment.feed(&hasher)
        case .catchingUp(let call): hasher.combine(6 as UInt64); hasher.combine(call)
        case .startingSegment(let txid): hasher.combine(7 as UInt64); hasher.combine(txid)
        case .writing: hasher.combine(8 as UInt64)
        case .finalizingSegment(let start, let end): hasher.combine(9 as UInt64); hasher.combine(start); hasher.combine(end)
        }
    }
}

extension Writer.Reply {
    func feed(_ hasher: inout FingerprintHasher) {
        switch self {
        case .failed: hasher.combine(1 as UInt64)
        case .done: hasher.combine(2 as UInt64)
        case .journalState(let epoch): hasher.combine(3 as UInt64); hasher.combine(epoch)
        case .newEpoch(let last): hasher.combine(4 as UInt64); hasher.combine(optional: last)
        case .prepared(let response): hasher.combine(5 as UInt64); response.feed(&hasher)
        case .manifest(let segments):
            hasher.combine(6 as UInt64)
            hasher.combine(int: segments.count)
            for segment in segments { segment.feed(&hasher) }
        }
    }
}

extension PrepareRecoveryResponse {
    func feed(_ hasher: inout FingerprintHasher) {
        if let segment { hasher.combine(1 as UInt64); segment.feed(&hasher) } else { hasher.combine(0 as UInt64) }
        hasher.combine(writerEpochOfSegment)
        hasher.combine(optional: acceptedInEpoch)
        hasher.combine(lastWriterEpoch)
        hasher.combine(optional: lastCommittedTxID)
    }
}

extension RequestInfo {
    func feed(_ hasher: inout FingerprintHasher) {
        hasher.combine(epoch)
        hasher.combine(optional: committedTxID)
    }
}

extension JournalRequest {
    func feed(_ hasher: inout FingerprintHasher) {
        switch self {
        case .getJournalState: hasher.combine(1 as UInt64)
        case .newEpoch(let epoch): hasher.combine(2 as UInt64); hasher.combine(epoch)
        case .startLogSegment(let info, let txid): hasher.combine(3 as UInt64); info.feed(&hasher); hasher.combine(txid)
        case .journal(let info, let segment, let first, let count):
            hasher.combine(4 as UInt64); info.feed(&hasher); hasher.combine(segment); hasher.combine(first); hasher.combine(count)
        case .finalizeLogSegment(let info, let start, let end):
            hasher.combine(5 as UInt64); info.feed(&hasher); hasher.combine(start); hasher.combine(end)
        case .heartbeat(let info): hasher.combine(6 as UInt64); info.feed(&hasher)
        case .prepareRecovery(let info, let start): hasher.combine(7 as UInt64); info.feed(&hasher); hasher.combine(start)
        case .acceptRecovery(let info, let segment, let writerEpoch, _):
            // Not the source: the host downloads from it, but the segment is the one its extent
            // and writer epoch name (one writer writes each txid once in its epoch), wherever it
            // comes from, and the model's download takes it from there. States that differ only
            // in which of equally good copies an acceptRecovery names are one state; fed, the
            // source also made the JournalNode renaming inexact (see Specs/README.md).
            hasher.combine(8 as UInt64); info.feed(&hasher); segment.feed(&hasher); hasher.combine(writerEpoch)
        case .getEditLogManifest(let since, let inProgressOK, let call):
            hasher.combine(9 as UInt64); hasher.combine(since); hasher.combine(flag: inProgressOK); hasher.combine(call)
        }
    }
}

extension JournalResponse {
    func feed(_ hasher: inout FingerprintHasher) {
        switch self {
        case .journalState(let promised): hasher.combine(1 as UInt64); hasher.combine(promised)
        case .newEpochAccepted(let epoch, let last): hasher.combine(2 as UInt64); hasher.combine(epoch); hasher.combine(optional: last)
        case .segmentStarted(let epoch, let txid): hasher.combine(3 as UInt64); hasher.combine(epoch); hasher.combine(txid)
        case .written(let epoch, let first, let count):
            hasher.combine(4 as UInt64); hasher.combine(epoch); hasher.combine(first); hasher.combine(count)
        case .finalized(let epoch, let start, let end):
            hasher.combine(5 as UInt64); hasher.combine(epoch); hasher.combine(start); hasher.combine(end)
        case .heartbeatAccepted(let epoch): hasher.combine(6 as UInt64); hasher.combine(epoch)
        case .recoveryPrepared(let epoch, let start, let response):
            hasher.combine(7 as UInt64); hasher.combine(epoch); hasher.combine(start); response.feed(&hasher)
        case .recoveryAccepted(let epoch, let start): hasher.combine(8 as UInt64); hasher.combine(epoch); hasher.combine(start)
        case .manifest(let call, let segments, let committed):
            hasher.combine(9 as UInt64); hasher.combine(call); hasher.combine(int: segments.count)
            for segment in segments { segment.feed(&hasher) }
            hasher.combine(optional: committed)
        case .failed(let request, let epoch, let subject, let error):
            hasher.combine(10 as UInt64); request.fingerprint(into: &hasher); hasher.combine(optional: epoch)
            hasher.combine(optional: subject)
            error.description.fingerprint(into: &hasher)
        }
    }
}

extension ManualFailover {
    func feed(_ hasher: inout FingerprintHasher, renaming: NodeRenaming) {
        hasher.combine(int: renaming.nameNode(from))
        hasher.combine(int: renaming.nameNode(to))
        hasher.combine(flag: forceFence)
        hasher.combine(flag: forceActive)
        hasher.combine(flag: isFailback)
        switch phase {
        case .checkingTarget: hasher.combine(1 as UInt64)
        case .gracefulFence: hasher.combine(2 as UInt64)
        case .fencing(let method): hasher.combine(3 as UInt64); hasher.combine(int: method)
        case .activating: hasher.combine(4 as UInt64)
        case .failingBack: hasher.combine(5 as UInt64)
        case .finished: hasher.combine(6 as UInt64)
        }
        hasher.combine(flag: fenced)
        hasher.combine(int: failback.count)
        for inner in failback { inner.feed(&hasher, renaming: renaming) }
    }
}
