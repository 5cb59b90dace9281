// Read-only questions about a state, for the server itself, for Specs' properties
// (SingleLockOwner, EphemeralsBelongToLiveSessions) and for tests.

extension CoordinationServer {
    /// The znode at `path`, if any.
    public func znode(at path: String) -> Znode? {
        znodeIndex(path).map { znodes[$0] }
    }

    /// The names of the children of `path` in byte order, or nil when there is no such node.
    public func children(of path: String) -> [String]? {
        guard let index = znodeIndex(path) else { return nil }
        // The paths with the prefix form one contiguous run of the sorted array (for the root,
        // the run starts with the root itself).
        let prefix = ZnodePath.childPrefix(path)
        var names: [String] = []
        var cursor = max(index + 1, ZnodePath.search(znodes, prefix) { $0.path }.index)
        while cursor < znodes.count, ZnodePath.hasPrefix(znodes[cursor].path, prefix) {
            if ZnodePath.isDirectChild(znodes[cursor].path, prefix: prefix) {
                names.append(ZnodePath.name(znodes[cursor].path))
            }
            cursor += 1
        }
        return names
    }

    /// The live session with `id`, if any.
    public func session(_ id: Int64) -> CoordinationSession? {
        sessionIndex(id).map { sessions[$0] }
    }

    /// Whether `id` names a live session.
    public func isLive(_ id: Int64) -> Bool { sessionIndex(id) != nil }

    /// The paths of the ephemerals `session` owns, in byte order.
    public func ephemerals(of session: Int64) -> [String] {
        znodes.filter { $0.ephemeralOwner == session }.map(\.path)
    }

    /// The first broken internal invariant, or nil. Checked (with `assert`) after every step.
    public var consistencyViolation: String? {
        guard let root = znodes.first, ZnodePath.isRoot(root.path) else { return "the root is not the first znode" }
        guard !root.isEphemeral else { return "the root is ephemeral" }
        var childCounts = [Int32](repeating: 0, count: znodes.count)
        for index in znodes.indices {
            let node = znodes[index]
            if index > 0 {
                guard ZnodePath.precedes(znodes[index - 1].path, node.path) else { return "znodes out of order at \(node.path)" }
                guard ZnodePath.isValid(node.path) else { return "invalid path \(node.path)" }
                guard let parentPath = ZnodePath.parentForWrite(node.path), let parent = znodeIndex(parentPath) else {
                    return "\(node.path) has no parent"
                }
                guard !znodes[parent].isEphemeral else { return "\(node.path) is a child of an ephemeral" }
                childCounts[parent] += 1
            }
            guard node.czxid <= node.mzxid, node.mzxid <= lastZxid, node.pzxid <= lastZxid else {
                return "\(node.path) has a zxid beyond the last zxid \(lastZxid)"
            }
            guard node.data.count <= configuration.dataBytesMax else { return "\(node.path) holds too much data" }
            if node.isEphemeral, !isLive(node.ephemeralOwner) {
                return "\(node.path) belongs to session 0x\(CoordinationServer.hex(node.ephemeralOwner)), which is not live"
            }
        }
        for index in znodes.indices where znodes[index].numChildren != childCounts[index] {
            return "\(znodes[index].path) counts \(znodes[index].numChildren) children, has \(childCounts[index])"
        }
        for index in sessions.indices {
            let session = sessions[index]
            if index > 0, sessions[index - 1].id >= session.id { return "sessions out of order at 0x\(CoordinationServer.hex(session.id))" }
            guard session.id >= configuration.sessionIDFirst, session.id < nextSessionID else {
                return "session 0x\(CoordinationServer.hex(session.id)) was never handed out"
            }
            guard session.timeoutMs >= configuration.sessionTimeoutMsMin,
                  session.timeoutMs <= configuration.sessionTimeoutMsMax else { return "session timeout out of bounds" }
            guard ZnodePath.isStrictlySorted(session.dataWatches), ZnodePath.isStrictlySorted(session.childWatches) else {
                return "watches of session 0x\(CoordinationServer.hex(session.id)) out of order"
            }
        }
        return nil
    }

    func znodeIndex(_ path: String) -> Int? {
        let (index, found) = ZnodePath.search(znodes, path) { $0.path }
        return found ? index : nil
    }

    func sessionIndex(_ id: Int64) -> Int? {
        var low = 0
        var high = sessions.count
        while low < high {
            let middle = (low + high) / 2
            if sessions[middle].id < id { low = middle + 1 } else { high = middle }
        }
        return low < sessions.count && sessions[low].id == id ? low : nil
    }
}
