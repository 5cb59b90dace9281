/// Two NameNodes under manual failover are interchangeable too: nothing in the protocol, the
/// operator's choices, a client's failover order (the other one, with two) or the properties
/// tells nn1 from nn2 but their names. So a state and the same state with the two names swapped
/// behave alike, and the checker may explore one of each pair.
///
/// Left out: three NameNodes (a client fails over round robin, an order a renaming breaks) and
/// automatic failover (ZooKeeper's session ids and znode data carry the order things happened in).
extension HASystem {
    /// Whether renaming the NameNodes maps this state's behaviours to behaviours.
    public var nameNodesInterchangeable: Bool { nameNodes.count == 2 && coordinationStorage.isEmpty }  // not `coordination == nil`: that copies the server

    /// The representative of this state's class under renaming of JournalNodes and, when they
    /// are interchangeable, of the two NameNodes: of the two JournalNode representatives (as it
    /// is, and with nn1 and nn2 swapped), the one with the lesser fingerprint.
    ///
    /// Most states tell the NameNodes apart by what a renaming of JournalNodes leaves alone (one
    /// is active, say): then the one with the lesser such key comes first, and only one
    /// JournalNode representative is built.
    public func canonicalizingNodes() -> HASystem {
        guard nameNodesInterchangeable else { return canonicalizingJournalNodes() }
        switch nameNodeKeyOrder() {
        case ..<0: return canonicalizingJournalNodes()
        case 1...: return swappingNameNodes().canonicalizingJournalNodes()
        default:
            let representative = canonicalizingJournalNodes()
            let swapped = swappingNameNodes().canonicalizingJournalNodes()
            return FingerprintHasher.fingerprint(swapped) < FingerprintHasher.fingerprint(representative) ? swapped : representative
        }
    }

    /// The fingerprint of `canonicalizingNodes()`, computed without building it: the checker
    /// fingerprints every successor's representative, and building a renamed copy of the whole
    /// state for it took a quarter of the checker's time. A test checks that the two agree.
    public var canonicalFingerprint: UInt64 {
        // Each JournalNode's own state is fingerprinted once, for its place in the order and for
        // the state's fingerprint (under both NameNode names when those tie).
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: journalNodes.count) { buffer in
            for id in journalNodes.indices { buffer.initializeElement(at: id, to: journalNodeFingerprint(id)) }
            let journalNodePrints = UnsafeBufferPointer(buffer)
            guard nameNodesInterchangeable else { return canonicalFingerprint(swappingNameNodes: false, journalNodePrints) }
            switch nameNodeKeyOrder() {
            case ..<0: return canonicalFingerprint(swappingNameNodes: false, journalNodePrints)
            case 1...: return canonicalFingerprint(swappingNameNodes: true, journalNodePrints)
            default:
                return min(canonicalFingerprint(swappingNameNodes: false, journalNodePrints),
                           canonicalFingerprint(swappingNameNodes: true, journalNodePrints))
            }
        }
    }

    private func canonicalFingerprint(swappingNameNodes swaps: Bool, _ journalNodePrints: UnsafeBufferPointer<UInt64>) -> UInt64 {
        var hasher = FingerprintHasher()
        feed(&hasher, renaming: canonicalRenaming(swappingNameNodes: swaps, journalNodePrints), journalNodePrints: journalNodePrints)
        return hasher.finalize()
    }

    /// How nn1 and nn2 compare (-1, 0 or 1) by what a NameNode is, blind to JournalNode names:
    /// its process and HA state, its writer's epoch, the edits it applied (their count, then
    /// their epochs), whether it is tailing or has terminated, and how many clients talk to it.
    /// Compared field by field, without building a key: the checker asks for every successor.
    func nameNodeKeyOrder() -> Int {
        // Read in place: a copy of a slot would retain every array its NameNode holds.
        func head(_ id: NameNodeID) -> (UInt64, UInt64, UInt64, UInt64) {
            let status: UInt64 = nameNodes[id].status == .running ? 0 : nameNodes[id].status == .paused ? 1 : 2
            let state: UInt64
            switch nameNodes[id].node.state {
            case .initializing: state = 0
            case .active: state = 1
            case .standby: state = 2
            case .stopping: state = 3
            }
            let writerEpoch = nameNodes[id].node.writer?.epoch
            return (status, state, writerEpoch.map { 1 + $0 } ?? 0, UInt64(nameNodes[id].node.applied.count))
        }
        func tail(_ id: NameNodeID) -> (UInt64, UInt64, Int) {
            (nameNodes[id].node.tail.isNil ? 0 : 1, nameNodes[id].node.terminated ? 1 : 0,
             clients.reduce(0) { $0 + ($1.target == id ? 1 : 0) })
        }
        let first = head(0), second = head(1)
        if first != second { return first < second ? -1 : 1 }
        // Equal heads: the same number of applied edits, compared in order.
        for (mine, theirs) in zip(nameNodes[0].node.applied, nameNodes[1].node.applied) where mine != theirs {
            return mine < theirs ? -1 : 1
        }
        let firstTail = tail(0), secondTail = tail(1)
        if firstTail != secondTail { return firstTail < secondTail ? -1 : 1 }
        return 0
    }

    /// The same state with nn1 and nn2 renamed to each other: the NameNodes themselves, the
    /// messages to and from them, the clients' targets, the operator's failover in progress and
    /// the ghost record of who established which epoch.
    func swappingNameNodes() -> HASystem {
        precondition(nameNodesInterchangeable, "only two NameNodes under manual failover are swapped")
        func other(_ id: NameNodeID) -> NameNodeID { 1 - id }
        func swap(_ endpoint: Endpoint) -> Endpoint {
            if case .nameNode(let id) = endpoint { return .nameNode(other(id)) }
            return endpoint
        }
        var swapped = self
        swapped.nameNodes = [nameNodes[1], nameNodes[0]]
        for index in swapped.nameNodes.indices { swapped.nameNodes[index].node.id = index }
        for index in swapped.network.indices {
            swapped.network[index].from = swap(network[index].from)
            swapped.network[index].to = swap(network[index].to)
        }
        swapped.normalizeNetworkOrder()
        for index in swapped.clients.indices { swapped.clients[index].target = other(clients[index].target) }
        swapped.failover = failover?.swappingNameNodes()
        swapped.ghost.epochOwners = ghost.epochOwners.map { HASystem.EpochOwner(epoch: $0.epoch, nameNode: other($0.nameNode)) }.sorted()
        return swapped
    }
}

extension ManualFailover {
    /// The same run with the two NameNodes' ids exchanged.
    func swappingNameNodes() -> ManualFailover {
        var swapped = self
        swapped.from = 1 - from
        swapped.to = 1 - to
        swapped.failback = failback.map { $0.swappingNameNodes() }
        return swapped
    }
}
