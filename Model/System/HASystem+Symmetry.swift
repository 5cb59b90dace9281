/// JournalNodes are interchangeable: renaming them maps behaviours to behaviours, so the checker
/// may explore one representative of each class of renamed states.
///
/// The representative orders JournalNodes by a key blind to their names: their own state, their
/// messages and what the NameNodes record about them. Every reference to a JournalNode (messages,
/// a writer's replies and skipped set, a standby's tail round) is renamed with them. JournalNodes
/// with equal keys are alike in every respect, so their order among themselves does not matter.
/// One caveat, documented in Specs/README.md: where the protocol breaks a tie by JournalNode index
/// (the first of equally good recovery responses, the first manifest listing a segment), renaming
/// can change which of two equally ranked copies is used; the copies are identical unless the log
/// has already forked, which LogMatching and FinalizedSegmentsAgree would report first.
extension HASystem {
    /// The representative of this state's class under renaming of JournalNodes.
    public func canonicalizingJournalNodes() -> HASystem {
        let order = canonicalJournalOrder()
        return order == Array(journalNodes.indices) ? self : renamingJournalNodes(order)
    }

    /// The renaming that makes the representative, as an order: JournalNode `order[i]` becomes `i`.
    func canonicalJournalOrder() -> [JournalNodeID] {
        let prints = journalNodes.indices.map(journalNodeFingerprint)
        let renaming = prints.withUnsafeBufferPointer { canonicalRenaming(swappingNameNodes: false, $0) }
        return journalNodes.indices.map(renaming.oldJournalNode)
    }

    /// The renaming that makes the representative: JournalNodes in the order of their keys (with
    /// `swappingNameNodes`, the keys in this state with nn1 and nn2 swapped, without building the
    /// swapped state), given each JournalNode's own fingerprint. A key is the JournalNode's own
    /// fingerprint, then (only among JournalNodes whose own fingerprints tie) what refers to it:
    /// `surroundingsKey`. JournalNodes with equal keys look alike in themselves and in everything
    /// that refers to them, so every order among them renames the state to the same state: the
    /// index decides. Nothing is allocated (the checker asks for every successor).
    func canonicalRenaming(swappingNameNodes swaps: Bool, _ journalNodePrints: UnsafeBufferPointer<UInt64>) -> NodeRenaming {
        let count = journalNodes.count
        return withUnsafeTemporaryAllocation(of: (print: UInt64, surroundings: UInt64, index: Int).self, capacity: count) { keys in
            // An insertion sort of `range` by (own fingerprint, surroundings, index).
            func sort(_ range: Range<Int>) {
                for position in range.dropFirst() {
                    let entry = keys[position]
                    var target = position
                    while target > range.lowerBound, case let previous = keys[target - 1],
                          (entry.print, entry.surroundings, entry.index) < (previous.print, previous.surroundings, previous.index) {
                        keys[target] = keys[target - 1]
                        target -= 1
                    }
                    keys[target] = entry
                }
            }
            // By own fingerprint first: most states tell their JournalNodes apart by that alone.
            for id in 0..<count { keys.initializeElement(at: id, to: (print: journalNodePrints[id], surroundings: 0, index: id)) }
            sort(0..<count)
            // Then each run of equal fingerprints by surroundings.
            var start = 0
            while start < count {
                var end = start + 1
                while end < count && keys[end].print == keys[start].print { end += 1 }
                if end - start > 1 {
                    for position in start..<end {
                        keys[position].surroundings = surroundingsKey(of: keys[position].index, swappingNameNodes: swaps)
                    }
                    sort(start..<end)
                }
                start = end
            }
            return NodeRenaming(order: keys.lazy.map(\.index), swapsNameNodes: swaps)
        }
    }

    /// What tells a JournalNode from another with the same own state: everything that refers to
    /// it (its messages, link by link in order; the NameNodes' records of it), with JournalNode
    /// ids replaced by "this one" or "another", so that renaming does not change the key.
    /// JournalNodes tie only when they and their surroundings look alike (an acceptRecovery's
    /// source, the one id a message carries, is not part of the state's fingerprint). With
    /// `swappingNameNodes`, the key in the state with nn1 and nn2 swapped.
    func surroundingsKey(of id: JournalNodeID, swappingNameNodes swaps: Bool = false) -> UInt64 {
        var hasher = FingerprintHasher()
        let anonymous = NodeRenaming.anonymous(keeping: id, swapsNameNodes: swaps)
        // Only each link's order matters (the network is kept sorted by link). Envelopes are read
        // through a buffer pointer, in place: a call on an array element copies it.
        network.withUnsafeBufferPointer { network in
            for new in nameNodes.indices {
                let nameNode = Endpoint.nameNode(anonymous.nameNode(new)), journalNode = Endpoint.journalNode(id)
                for direction in 0..<2 {
                    hasher.combine(int: -1)
                    let inbound = direction == 0
                    let from = inbound ? nameNode : journalNode, to = inbound ? journalNode : nameNode
                    for index in network.indices where network[index].from == from && network[index].to == to {
                        network[index].feed(&hasher, renaming: anonymous)
                    }
                }
            }
        }
        // Through a buffer pointer, whose elements are read in place (binding a slot copies it).
        nameNodes.withUnsafeBufferPointer { slots in
            for new in slots.indices {
                let old = anonymous.nameNode(new)
                switch slots[old].node.writer {
                case .some(let writer):
                    hasher.combine(1 as UInt64)
                    if let reply = writer.replies[id] { reply.feed(&hasher) } else { hasher.combine(0 as UInt64) }
                    hasher.combine(flag: writer.outOfSync[id])
                case .none:
                    hasher.combine(0 as UInt64)
                }
                switch slots[old].node.tail {
                case .some(let tail):
                    hasher.combine(1 as UInt64)
                    tail.feedAnswer(of: id, into: &hasher)
                case .none:
                    hasher.combine(0 as UInt64)
                }
            }
        }
        return hasher.finalize()
    }

    /// Feeds the network as renamed and put back in link order: a stable sort by renamed link,
    /// which keeps each link's own order (renaming maps links to links one to one).
    func feedNetwork(_ hasher: inout FingerprintHasher, renaming: NodeRenaming) {
        let count = network.count
        guard count > 0 else { return }
        withUnsafeTemporaryAllocation(of: (key: Int, index: Int).self, capacity: count) { order in
            for index in 0..<count {
                let key = HASystem.linkKey(from: network[index].from, to: network[index].to, renaming: renaming)
                var target = index
                while target > 0 && order[target - 1].key > key {
                    order[target] = order[target - 1]
                    target -= 1
                }
                order[target] = (key, index)
            }
            network.withUnsafeBufferPointer { network in
                for position in 0..<count { network[order[position].index].feed(&hasher, renaming: renaming) }
            }
        }
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
        var previous = linkKey(at: 0, in: envelopes)
        for index in 1..<envelopes.count {
            let key = linkKey(at: index, in: envelopes)
            if key >= previous { previous = key; continue }
            var target = index
            while target > 0 && linkKey(at: target - 1, in: envelopes) > key { target -= 1 }
            let envelope = envelopes.remove(at: index)
            envelopes.insert(envelope, at: target)
            previous = linkKey(at: index, in: envelopes)
        }
    }

    private static func linkKey(at index: Int, in envelopes: [Envelope]) -> Int {
        linkKey(from: envelopes[index].from, to: envelopes[index].to, renaming: .identity)
    }

    /// The link's key from its two ends: reading them from the array keeps the envelope in place
    /// (passing one copies it, and retains what it carries).
    private static func linkKey(from: Endpoint, to: Endpoint, renaming: NodeRenaming) -> Int {
        func code(_ endpoint: Endpoint) -> Int {
            switch endpoint {
            case .journalNode(let id): return renaming.journalNode(id)
            case .nameNode(let id): return 100 + renaming.nameNode(id)
            }
        }
        return code(from) * 1000 + code(to)
    }
}

/// A renaming of one state's nodes: JournalNode `i` becomes `journalNode(i)`, and nn1 and nn2
/// are swapped or not. Packed four bits per JournalNode (there are at most 7), so that the
/// checker can fingerprint a renamed state on its hot path without allocating anything.
struct NodeRenaming {
    /// Nibble `i`: the new name of JournalNode `i`.
    private var newNames: UInt64
    /// Nibble `i`: the JournalNode renamed to `i`.
    private var oldNames: UInt64
    let swapsNameNodes: Bool

    private static let unchanged: UInt64 = 0xFEDC_BA98_7654_3210

    static let identity = NodeRenaming(newNames: unchanged, oldNames: unchanged, swapsNameNodes: false)

    private init(newNames: UInt64, oldNames: UInt64, swapsNameNodes: Bool) {
        self.newNames = newNames
        self.oldNames = oldNames
        self.swapsNameNodes = swapsNameNodes
    }

    /// JournalNode `order[i]` becomes `i`; the NameNodes are swapped when `swapsNameNodes`.
    init(order: some Sequence<JournalNodeID>, swapsNameNodes: Bool) {
        var newNames = NodeRenaming.unchanged, oldNames = NodeRenaming.unchanged
        for (new, old) in order.enumerated() {
            newNames = NodeRenaming.setting(nibble: old, to: new, in: newNames)
            oldNames = NodeRenaming.setting(nibble: new, to: old, in: oldNames)
        }
        self.init(newNames: newNames, oldNames: oldNames, swapsNameNodes: swapsNameNodes)
    }

    /// JournalNode `id` becomes 0 and every other one 1 ("this one" and "another"): not a
    /// renaming of the whole state, only of what refers to JournalNodes.
    static func anonymous(keeping id: JournalNodeID, swapsNameNodes: Bool) -> NodeRenaming {
        let others: UInt64 = 0x1111_1111_1111_1111
        return NodeRenaming(newNames: setting(nibble: id, to: 0, in: others), oldNames: unchanged,
                            swapsNameNodes: swapsNameNodes)
    }

    private static func setting(nibble: Int, to value: Int, in packed: UInt64) -> UInt64 {
        let shift = UInt64(4 * nibble)
        return packed & ~(0xF << shift) | UInt64(value) << shift
    }

    @inline(__always) func journalNode(_ id: JournalNodeID) -> JournalNodeID { Int(newNames >> UInt64(4 * id) & 0xF) }

    @inline(__always) func oldJournalNode(_ id: JournalNodeID) -> JournalNodeID { Int(oldNames >> UInt64(4 * id) & 0xF) }

    /// Two NameNodes only are ever swapped: the new name and the old are the same map.
    @inline(__always) func nameNode(_ id: NameNodeID) -> NameNodeID { swapsNameNodes ? 1 - id : id }

    var isIdentity: Bool { newNames == NodeRenaming.unchanged && !swapsNameNodes }
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
