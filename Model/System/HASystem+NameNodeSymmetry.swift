/// Two NameNodes under manual failover are interchangeable too: nothing in the protocol, the
/// operator's choices, a client's failover order (the other one, with two) or the properties
/// tells nn1 from nn2 but their names. So a state and the same state with the two names swapped
/// behave alike, and the checker may explore one of each pair.
///
/// Left out: three NameNodes (a client fails over round robin, an order a renaming breaks) and
/// automatic failover (ZooKeeper's session ids and znode data carry the order things happened in).
extension HASystem {
    /// Whether renaming the NameNodes maps this state's behaviours to behaviours.
    public var nameNodesInterchangeable: Bool { nameNodes.count == 2 && coordination == nil }

    /// The representative of this state's class under renaming of JournalNodes and, when they
    /// are interchangeable, of the two NameNodes: of the two JournalNode representatives (as it
    /// is, and with nn1 and nn2 swapped), the one with the lesser fingerprint.
    ///
    /// Most states tell the NameNodes apart by what a renaming of JournalNodes leaves alone (one
    /// is active, say): then the one with the lesser such key comes first, and only one
    /// JournalNode representative is built.
    public func canonicalizingNodes() -> HASystem {
        guard nameNodesInterchangeable else { return canonicalizingJournalNodes() }
        let first = nameNodeKey(0), second = nameNodeKey(1)
        if first.lexicographicallyPrecedes(second) { return canonicalizingJournalNodes() }
        if second.lexicographicallyPrecedes(first) { return swappingNameNodes().canonicalizingJournalNodes() }
        let representative = canonicalizingJournalNodes()
        let swapped = swappingNameNodes().canonicalizingJournalNodes()
        return FingerprintHasher.fingerprint(swapped) < FingerprintHasher.fingerprint(representative) ? swapped : representative
    }

    /// What a NameNode is, blind to JournalNode names: its process and HA state, its writer's
    /// epoch, the edits it applied, whether it is tailing or has terminated, and how many
    /// clients talk to it.
    func nameNodeKey(_ id: NameNodeID) -> [UInt64] {
        let slot = nameNodes[id]
        let node = slot.node
        var key: [UInt64] = [slot.status == .running ? 0 : slot.status == .paused ? 1 : 2]
        switch node.state {
        case .initializing: key.append(0)
        case .active: key.append(1)
        case .standby: key.append(2)
        case .stopping: key.append(3)
        }
        key.append(node.writer.map { 1 + $0.epoch } ?? 0)
        key.append(UInt64(node.applied.count))
        for epoch in node.applied { key.append(epoch) }
        key.append(node.tail == nil ? 0 : 1)
        key.append(node.terminated ? 1 : 0)
        key.append(UInt64(clients.filter { $0.target == id }.count))
        return key
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
        swapped.ghost.epochOwners = ghost.epochOwners.map { [$0[0], other($0[1])] }
            .sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }
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
