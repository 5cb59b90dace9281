// Requests: the checks of ZooKeeper's PrepRequestProcessor (writes) and FinalRequestProcessor
// (reads), in the order the server makes them, so that a request with several faults gets the
// code ZooKeeper gives it.

extension CoordinationServer {
    mutating func request(session id: Int64, xid: Int32, time: Int64, operation: CoordinationOperation,
                          effects: inout [CoordinationEffect]) {
        guard let index = sessionIndex(id) else {
            effects.append(.reply(session: id, xid: xid, zxid: lastZxid, result: .error(.sessionExpired)))
            return
        }
        // An oversized frame is never read: no touch, no reply, the connection closes.
        guard operation.dataByteCount <= configuration.dataBytesMax else {
            effects.append(.log("Len error \(operation.dataByteCount) from session 0x\(CoordinationServer.hex(id))"))
            effects.append(.closeConnection(session: id))
            return
        }
        if case .closeSession = operation {
            close(sessionAt: index, xid: xid, effects: &effects)
            return
        }
        // Every packet touches the session.
        effects.append(.setSessionTimer(session: id, milliseconds: expiryDelayMs(sessions[index].timeoutMs, time: time)))
        switch operation {
        case .ping:
            effects.append(.reply(session: id, xid: xid, zxid: lastZxid, result: .pong))
        case let .create(path, data, mode):
            write(session: id, xid: xid, effects: &effects) { server, zxid, events in
                server.create(path: path, data: data, mode: mode, owner: id, zxid: zxid, time: time, events: &events)
            }
        case let .delete(path, version):
            write(session: id, xid: xid, effects: &effects) { server, zxid, events in
                server.delete(path: path, version: version, zxid: zxid, events: &events)
            }
        case let .setData(path, data, version):
            write(session: id, xid: xid, effects: &effects) { server, zxid, events in
                server.setData(path: path, data: data, version: version, zxid: zxid, time: time, events: &events)
            }
        case let .setACL(path, version):
            write(session: id, xid: xid, effects: &effects) { server, _, _ in
                server.setACL(path: path, version: version)
            }
        case let .exists(path, watch):
            let result = exists(path: path, watch: watch, sessionAt: index)
            effects.append(.reply(session: id, xid: xid, zxid: lastZxid, result: result))
        case let .getData(path, watch):
            let result = getData(path: path, watch: watch, sessionAt: index)
            effects.append(.reply(session: id, xid: xid, zxid: lastZxid, result: result))
        case let .getChildren(path, watch):
            let result = getChildren(path: path, watch: watch, sessionAt: index)
            effects.append(.reply(session: id, xid: xid, zxid: lastZxid, result: result))
        case let .getACL(path):
            let result: CoordinationResult = znode(at: path).map { .acl($0.stat) } ?? .error(.noNode)
            effects.append(.reply(session: id, xid: xid, zxid: lastZxid, result: result))
        case let .sync(path):
            effects.append(.reply(session: id, xid: xid, zxid: lastZxid, result: .synced(path: path)))
        case let .setWatches(relativeZxid, dataWatches, existWatches, childWatches):
            setWatches(relativeZxid: relativeZxid, data: dataWatches, exist: existWatches, child: childWatches,
                       sessionAt: index, effects: &effects)
            effects.append(.reply(session: id, xid: xid, zxid: lastZxid, result: .ok))
        case let .addAuth(scheme):
            if CoordinationServer.authSchemes.contains(scheme) {
                effects.append(.reply(session: id, xid: xid, zxid: lastZxid, result: .ok))
            } else {
                effects.append(.reply(session: id, xid: xid, zxid: lastZxid, result: .error(.authFailed)))
                effects.append(.log("No authentication provider for scheme: \(scheme)"))
                effects.append(.closeConnection(session: id))
            }
        case let .unimplemented(opcode):
            effects.append(.reply(session: id, xid: xid, zxid: -1, result: .error(.unimplemented)))
            effects.append(.log("Received packet with unknown type \(opcode) from session 0x\(CoordinationServer.hex(id))"))
            effects.append(.closeConnection(session: id))
        case .closeSession:
            fatalError("Internal inconsistency: closeSession handled above")
        }
    }

    /// The authentication providers a stock server registers.
    static let authSchemes = ["digest", "ip"]

    /// A write txn: it gets the next zxid; on success (or always, as in 3.8, when failed writes
    /// consume a zxid) that becomes the last zxid. Watch events go out before the reply.
    private mutating func write(session id: Int64, xid: Int32, effects: inout [CoordinationEffect],
                                _ body: (inout CoordinationServer, Int64, inout [CoordinationEffect]) -> CoordinationResult) {
        let zxid = lastZxid + 1
        var events: [CoordinationEffect] = []
        let result = body(&self, zxid, &events)
        if case .error = result {
            assert(events.isEmpty, "a failed write fired watches")
            if configuration.failedWritesConsumeZxid { lastZxid = zxid }
        } else {
            lastZxid = zxid
        }
        effects.append(contentsOf: events)
        effects.append(.reply(session: id, xid: xid, zxid: lastZxid, result: result))
    }

    // MARK: Writes (PrepRequestProcessor order); each mutates only when it succeeds.

    mutating func create(path: String, data: [UInt8], mode: ZnodeCreateMode, owner: Int64, zxid: Int64, time: Int64,
                         events: inout [CoordinationEffect]) -> CoordinationResult {
        guard mode.isModelled else { return .error(.unimplemented) }
        guard let parentPath = ZnodePath.parentForWrite(path) else { return .error(.badArguments) }
        guard let parentIndex = znodeIndex(parentPath) else { return .error(.noNode) }
        let parent = znodes[parentIndex]
        let finalPath = mode.isSequential ? path + ZnodePath.sequenceSuffix(parent.cversion) : path
        guard ZnodePath.isValid(finalPath) else { return .error(.badArguments) }
        let (insertionIndex, exists) = ZnodePath.search(znodes, finalPath) { $0.path }
        guard !exists else { return .error(.nodeExists) }
        guard !parent.isEphemeral else { return .error(.noChildrenForEphemerals) }

        precondition(insertionIndex > parentIndex, "Internal inconsistency: a child sorts before its parent")
        znodes[parentIndex].cversion &+= 1
        znodes[parentIndex].pzxid = zxid
        znodes[parentIndex].numChildren += 1
        let node = Znode(path: finalPath, data: data, ephemeralOwner: mode.isEphemeral ? owner : 0, zxid: zxid, time: time)
        znodes.insert(node, at: insertionIndex)
        triggerDataWatches(finalPath, .nodeCreated, events: &events)
        _ = triggerChildWatches(parentPath, .nodeChildrenChanged, skipping: [], events: &events)
        return .created(path: finalPath, stat: node.stat)
    }

    mutating func delete(path: String, version: Int32, zxid: Int64,
                         events: inout [CoordinationEffect]) -> CoordinationResult {
        guard let parentPath = ZnodePath.parentForWrite(path) else { return .error(.badArguments) }
        guard znodeIndex(parentPath) != nil else { return .error(.noNode) }
        guard let node = znode(at: path) else { return .error(.noNode) }
        guard version == -1 || version == node.version else { return .error(.badVersion) }
        // The root always has ZooKeeper's own /zookeeper child, so deleting it is NOTEMPTY.
        guard node.numChildren == 0, !ZnodePath.isRoot(path) else { return .error(.notEmpty) }
        removeZnode(path, zxid: zxid, effects: &events)
        return .deleted
    }

    mutating func setData(path: String, data: [UInt8], version: Int32, zxid: Int64, time: Int64,
                          events: inout [CoordinationEffect]) -> CoordinationResult {
        guard ZnodePath.isValid(path) else { return .error(.badArguments) }
        guard let index = znodeIndex(path) else { return .error(.noNode) }
        guard version == -1 || version == znodes[index].version else { return .error(.badVersion) }
        znodes[index].data = data
        znodes[index].version &+= 1
        znodes[index].mzxid = zxid
        znodes[index].mtime = time
        triggerDataWatches(path, .nodeDataChanged, events: &events)
        return .stat(znodes[index].stat)
    }

    mutating func setACL(path: String, version: Int32) -> CoordinationResult {
        guard ZnodePath.isValid(path) else { return .error(.badArguments) }
        guard let index = znodeIndex(path) else { return .error(.noNode) }
        guard version == -1 || version == znodes[index].aversion else { return .error(.badVersion) }
        znodes[index].aversion &+= 1
        return .stat(znodes[index].stat)
    }

    /// `DataTree.deleteNode`: the parent's pzxid moves (its cversion does not), then NodeDeleted to
    /// data watchers, NodeDeleted to child watchers not already told, NodeChildrenChanged to the
    /// parent's child watchers.
    mutating func removeZnode(_ path: String, zxid: Int64, effects: inout [CoordinationEffect]) {
        guard let index = znodeIndex(path), let parentPath = ZnodePath.parentForWrite(path),
              let parentIndex = znodeIndex(parentPath) else {
            fatalError("Internal inconsistency: removing \(path), which is not in the tree")
        }
        precondition(znodes[index].numChildren == 0, "Internal inconsistency: removing \(path), which has children")
        znodes.remove(at: index)
        znodes[parentIndex].numChildren -= 1
        znodes[parentIndex].pzxid = zxid
        let told = triggerDataWatches(path, .nodeDeleted, events: &effects)
        _ = triggerChildWatches(path, .nodeDeleted, skipping: told, events: &effects)
        _ = triggerChildWatches(parentPath, .nodeChildrenChanged, skipping: [], events: &effects)
    }

    // MARK: Reads (FinalRequestProcessor); they register watches but change no znode.

    mutating func exists(path: String, watch: Bool, sessionAt index: Int) -> CoordinationResult {
        guard !path.utf8.contains(0) else { return .error(.badArguments) }
        // The watch is set before the lookup: on a missing node it waits for NodeCreated.
        if watch { ZnodePath.insert(path, into: &sessions[index].dataWatches) }
        guard let node = znode(at: path) else { return .error(.noNode) }
        return .stat(node.stat)
    }

    mutating func getData(path: String, watch: Bool, sessionAt index: Int) -> CoordinationResult {
        guard let node = znode(at: path) else { return .error(.noNode) }
        if watch { ZnodePath.insert(path, into: &sessions[index].dataWatches) }
        return .data(node.data, node.stat)
    }

    mutating func getChildren(path: String, watch: Bool, sessionAt index: Int) -> CoordinationResult {
        guard let node = znode(at: path) else { return .error(.noNode) }
        if watch { ZnodePath.insert(path, into: &sessions[index].childWatches) }
        return .children(children(of: path) ?? [], node.stat)
    }
}
