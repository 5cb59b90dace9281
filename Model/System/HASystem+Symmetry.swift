/// JournalNodes are interchangeable: renaming them maps behaviours to behaviours, so the checker
/// may explore one representative of each class of renamed states.
///
/// The representative orders JournalNodes by their own state (among JournalNodes in equal states,
/// the renaming with the least whole-state fingerprint); every
/// reference to a JournalNode (messages, a writer's replies and skipped set, a standby's tail
/// round, an acceptRecovery's source) is renamed with them. One caveat, documented in
/// Specs/README.md: where the protocol breaks a tie by JournalNode index (the first of equally
/// good recovery responses, the first manifest listing a segment), renaming can change which of
/// two equally ranked copies is used; the copies are identical unless the log has already forked,
/// which LogMatching and FinalizedSegmentsAgree would report first.
extension HASystem {
    /// The representative of this state's class under renaming of JournalNodes.
    public func canonicalizingJournalNodes() -> HASystem {
        var keys: [(key: UInt64, index: Int)] = []
        for index in journalNodes.indices { keys.append((symmetryKey(of: index), index)) }
        keys.sort { ($0.key, $0.index) < ($1.key, $1.index) }
        let order = keys.map(\.index)
        // JournalNodes in equal states tie: any order among them names the same class, so take
        // the renaming whose whole state has the least fingerprint (at most 3! = 6 candidates
        // for the shipped configurations), making the representative unique per class.
        var candidates: [[JournalNodeID]] = [order]
        var start = 0
        while start < keys.count {
            var end = start + 1
            while end < keys.count && keys[end].key == keys[start].key { end += 1 }
            if end - start > 1 {
                candidates = candidates.flatMap { candidate in
                    HASystem.permutations(Array(candidate[start..<end])).map { group in
                        Array(candidate[..<start]) + group + Array(candidate[end...])
                    }
                }
            }
            start = end
        }
        if candidates.count == 1 {
            return order == Array(journalNodes.indices) ? self : renamingJournalNodes(order)
        }
        // Tied JournalNodes are in equal states, so the candidates differ only where JournalNodes
        // are referred to by index (messages and the NameNodes' per-JournalNode records): comparing
        // the fingerprints of those parts orders the candidates as whole states would be ordered.
        var best: (fingerprint: UInt64, order: [JournalNodeID])?
        for candidate in candidates {
            let fingerprint = referencesFingerprint(renaming: candidate)
            if best == nil || fingerprint < best!.fingerprint { best = (fingerprint, candidate) }
        }
        return best!.order == Array(journalNodes.indices) ? self : renamingJournalNodes(best!.order)
    }

    /// A JournalNode's place in the canonical order: its own state and everything that refers to
    /// it (its messages, link by link in order; the NameNodes' records of it), with JournalNode
    /// ids replaced by "this one" or "another", so that renaming does not change the key.
    /// JournalNodes tie only when they and their surroundings look alike.
    func symmetryKey(of id: JournalNodeID) -> UInt64 {
        var hasher = FingerprintHasher()
        hasher.combine(flag: journalNodes[id].up)
        journalNodes[id].node.feed(&hasher)
        let anonymous = journalNodes.indices.map { $0 == id ? 0 : 1 }
        // Only each link's order matters (the network is kept sorted by link).
        for nameNode in nameNodes.indices {
            for (from, to) in [(Endpoint.nameNode(nameNode), Endpoint.journalNode(id)),
                               (Endpoint.journalNode(id), Endpoint.nameNode(nameNode))] {
                hasher.combine(int: -1)
                for envelope in network where envelope.from == from && envelope.to == to {
                    envelope.renamingJournalNodes(anonymous).feed(&hasher)
                }
            }
        }
        for slot in nameNodes {
            if let writer = slot.node.writer {
                hasher.combine(1 as UInt64)
                if let reply = writer.replies[id] { reply.feed(&hasher) } else { hasher.combine(0 as UInt64) }
                hasher.combine(flag: writer.outOfSync[id])
            } else {
                hasher.combine(0 as UInt64)
            }
            if let tail = slot.node.tail {
                hasher.combine(1 as UInt64)
                hasher.combine(flag: tail.failures[id])
                if let manifest = tail.manifests[id] {
                    hasher.combine(int: manifest.count + 1)
                    for segment in manifest { segment.feed(&hasher) }
                } else {
                    hasher.combine(0 as UInt64)
                }
            } else {
                hasher.combine(0 as UInt64)
            }
        }
        return hasher.finalize()
    }

    /// The fingerprint of the NameNodes and the network once JournalNode `order[i]` is renamed to
    /// `i`: the parts of the state a renaming among equal JournalNodes can change.
    func referencesFingerprint(renaming order: [JournalNodeID]) -> UInt64 {
        var newName = [JournalNodeID](repeating: 0, count: order.count)
        for (new, old) in order.enumerated() { newName[old] = new }
        var hasher = FingerprintHasher()
        for slot in nameNodes {
            var node = slot.node
            node.renameJournalNodes(order)
            node.feed(&hasher)
        }
        var renamed = self.network.map { $0.renamingJournalNodes(newName) }
        HASystem.sortByLink(&renamed)
        for envelope in renamed { envelope.feed(&hasher) }
        return hasher.finalize()
    }

    /// Every ordering of `items` (a tie group: at most a handful of JournalNodes).
    static func permutations(_ items: [JournalNodeID]) -> [[JournalNodeID]] {
        guard items.count > 1 else { return [items] }
        var result: [[JournalNodeID]] = []
        for (index, item) in items.enumerated() {
            var rest = items
            rest.remove(at: index)
            for tail in permutations(rest) { result.append([item] + tail) }
        }
        return result
    }

    /// The same state with JournalNode `order[i]` renamed to `i`.
    func renamingJournalNodes(_ order: [JournalNodeID]) -> HASystem {
        var newName = [JournalNodeID](repeating: 0, count: order.count)
        for (new, old) in order.enumerated() { newName[old] = new }
        var renamed = self
        renamed.journalNodes = order.enumerated().map { new, old in
            JournalSlot(node: journalNodes[old].node.renamed(to: new), up: journalNodes[old].up)
        }
        for index in renamed.network.indices {
            renamed.network[index] = renamed.network[index].renamingJournalNodes(newName)
        }
        renamed.normalizeNetworkOrder()
        for index in renamed.nameNodes.indices {
            renamed.nameNodes[index].node.renameJournalNodes(order)
        }
        return renamed
    }

    /// Orders in-flight messages by link, keeping each link's order: only a link's order matters.
    mutating func normalizeNetworkOrder() { HASystem.sortByLink(&network) }

    /// A stable insertion sort by link: a handful of messages are in flight, often already in order.
    static func sortByLink(_ envelopes: inout [Envelope]) {
        guard envelopes.count > 1 else { return }
        var previous = linkKey(envelopes[0])
        for index in 1..<envelopes.count {
            let key = linkKey(envelopes[index])
            if key >= previous { previous = key; continue }
            var target = index
            while target > 0 && linkKey(envelopes[target - 1]) > key { target -= 1 }
            let envelope = envelopes.remove(at: index)
            envelopes.insert(envelope, at: target)
            previous = linkKey(envelopes[index])
        }
    }

    private static func linkKey(_ envelope: Envelope) -> Int {
        func code(_ endpoint: Endpoint) -> Int {
            switch endpoint {
            case .journalNode(let id): return id
            case .nameNode(let id): return 100 + id
            }
        }
        return code(envelope.from) * 1000 + code(envelope.to)
    }
}

extension HASystem.Envelope {
    func renamingJournalNodes(_ newName: [JournalNodeID]) -> HASystem.Envelope {
        func rename(_ endpoint: HASystem.Endpoint) -> HASystem.Endpoint {
            if case .journalNode(let id) = endpoint { return .journalNode(newName[id]) }
            return endpoint
        }
        var renamed = self
        renamed.from = rename(from)
        renamed.to = rename(to)
        if case .acceptRecovery(let info, let segment, let writerEpoch, let source) = request {
            renamed.request = .acceptRecovery(info, segment: segment, writerEpoch: writerEpoch, source: newName[source])
        }
        return renamed
    }
}

extension JournalNode {
    /// The same JournalNode (durable and volatile state) under another index.
    func renamed(to id: JournalNodeID) -> JournalNode {
        var renamed = JournalNode(id: id, durable: durable, mutation: mutation)
        renamed.volatile = volatile
        return renamed
    }
}

extension NameNode {
    /// Reorders everything kept per JournalNode: entry `i` becomes old entry `order[i]`.
    mutating func renameJournalNodes(_ order: [JournalNodeID]) {
        if var current = writer {
            current.replies = order.map { current.replies[$0] }
            current.outOfSync = order.map { current.outOfSync[$0] }
            writer = current
        }
        if var round = tail {
            round.manifests = order.map { round.manifests[$0] }
            round.failures = order.map { round.failures[$0] }
            tail = round
        }
    }
}
