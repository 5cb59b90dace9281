// One-shot watches: ZooKeeper's WatchManager (one table for data and exist watches, one for
// child watches), triggered by DataTree, and re-registration with setWatches.

extension CoordinationServer {
    /// Fires and removes every data watch on `path`, sessions in id order. Returns the sessions told.
    @discardableResult
    mutating func triggerDataWatches(_ path: String, _ type: CoordinationEventType,
                                     events: inout [CoordinationEffect]) -> [Int64] {
        var told: [Int64] = []
        for index in sessions.indices where ZnodePath.remove(path, from: &sessions[index].dataWatches) {
            told.append(sessions[index].id)
            events.append(.watchEvent(session: sessions[index].id, event: CoordinationWatchEvent(type, path)))
        }
        return told
    }

    /// Fires and removes every child watch on `path`, sessions in id order; a session in
    /// `skipping` loses its watch without a second notification (DataTree.deleteNode's
    /// `processed` set). Returns the sessions told.
    mutating func triggerChildWatches(_ path: String, _ type: CoordinationEventType, skipping: [Int64],
                                      events: inout [CoordinationEffect]) -> [Int64] {
        var told: [Int64] = []
        for index in sessions.indices where ZnodePath.remove(path, from: &sessions[index].childWatches) {
            let id = sessions[index].id
            guard !skipping.contains(id) else { continue }
            told.append(id)
            events.append(.watchEvent(session: id, event: CoordinationWatchEvent(type, path)))
        }
        return told
    }

    /// `DataTree.setWatches`: for each watch a client had on its previous connection, fire now
    /// what it missed since `relativeZxid`, else re-arm it. Data watches, then exist, then child.
    mutating func setWatches(relativeZxid: Int64, data: [String], exist: [String], child: [String],
                             sessionAt index: Int, effects: inout [CoordinationEffect]) {
        let id = sessions[index].id
        for path in data {
            if let node = znode(at: path) {
                if node.mzxid > relativeZxid {
                    effects.append(.watchEvent(session: id, event: CoordinationWatchEvent(.nodeDataChanged, path)))
                } else {
                    ZnodePath.insert(path, into: &sessions[index].dataWatches)
                }
            } else {
                effects.append(.watchEvent(session: id, event: CoordinationWatchEvent(.nodeDeleted, path)))
            }
        }
        for path in exist {
            if znode(at: path) != nil {
                effects.append(.watchEvent(session: id, event: CoordinationWatchEvent(.nodeCreated, path)))
            } else {
                ZnodePath.insert(path, into: &sessions[index].dataWatches)
            }
        }
        for path in child {
            if let node = znode(at: path) {
                if node.pzxid > relativeZxid {
                    effects.append(.watchEvent(session: id, event: CoordinationWatchEvent(.nodeChildrenChanged, path)))
                } else {
                    ZnodePath.insert(path, into: &sessions[index].childWatches)
                }
            } else {
                effects.append(.watchEvent(session: id, event: CoordinationWatchEvent(.nodeDeleted, path)))
            }
        }
    }
}
