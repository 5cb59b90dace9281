/// The operations' public entry points and the execution of a plan, which cannot fail.
extension Namespace {
    /// The error `apply` would raise for `operation`, or nil if it would succeed (read-only).
    public func validate(_ operation: NamespaceOperation,
                         clientMachine: String = Namespace.defaultClientMachine) -> NamespaceError? {
        do {
            _ = try plan(operation, clientMachine: clientMachine)
            return nil
        } catch {
            return error
        }
    }

    /// Checks `operation` without changing anything and returns the edit to journal: the operation
    /// itself, a rename with its destination resolved (an existing directory as destination
    /// becomes "<directory>/<source name>", as upstream logs it), or nil when the operation is a
    /// valid no-op that must not be logged: mkdirs of an existing directory, or a rename whose
    /// resolved destination is the source itself.
    public func prepare(_ operation: NamespaceOperation,
                        clientMachine: String = Namespace.defaultClientMachine) throws(NamespaceError)
    -> NamespaceOperation? {
        Namespace.edit(for: operation, plan: try plan(operation, clientMachine: clientMachine))
    }

    /// Applies `operation`: deterministic, and for an operation that `validate` accepted on this
    /// same tree it cannot fail. An operation the tree refuses (an edit that diverged) throws the
    /// same error `validate` gives and leaves the tree unchanged.
    public mutating func apply(_ operation: NamespaceOperation,
                               clientMachine: String = Namespace.defaultClientMachine) throws(NamespaceError) {
        execute(try plan(operation, clientMachine: clientMachine))
    }

    /// Checks and applies `operation`, returning the edit to journal (nil for a no-op, see `prepare`).
    @discardableResult
    public mutating func perform(_ operation: NamespaceOperation,
                                 clientMachine: String = Namespace.defaultClientMachine) throws(NamespaceError)
    -> NamespaceOperation? {
        let plan = try plan(operation, clientMachine: clientMachine)
        execute(plan)
        return Namespace.edit(for: operation, plan: plan)
    }

    private static func edit(for operation: NamespaceOperation, plan: Plan) -> NamespaceOperation? {
        switch plan {
        case .unchanged:
            return nil
        case .rename(_, _, _, let destinationPath, let time):
            return .rename(source: operation.path, destination: destinationPath, modificationTime: time)
        case .makeDirectories, .createFile, .delete:
            return operation
        }
    }

    /// Carries out a plan made against the current tree.
    mutating func execute(_ plan: Plan) {
        switch plan {
        case .unchanged:
            return
        case .makeDirectories(let parent, let names, let permission, let owner, let group, let time):
            // FSDirMkdirOp.addImplicitUwx: ancestors created on the way get u+wx.
            let ancestorPermission = permission | 0o300
            var current = parent
            for (index, name) in names.enumerated() {
                let isLast = index == names.count - 1
                let directory = INode.directory(name: name, parent: current, modificationTime: time,
                                                permission: isLast ? permission : ancestorPermission,
                                                owner: owner, group: group)
                current = insert(directory, under: current)
            }
        case .createFile(let parent, let name, let replacing, let file):
            if let replacing { removeSubtree(replacing, time: file.modificationTime) }
            var named = file
            named.name = name
            named.parent = parent
            insert(named, under: parent)
        case .delete(let node, let time):
            removeSubtree(node, time: time)
        case .rename(let id, let destinationParent, let destinationName, _, let time):
            var moved = node(id)
            inodes[moved.parent]?.children[moved.name] = nil
            inodes[moved.parent]?.touch(time)
            moved.name = destinationName
            moved.parent = destinationParent
            inodes[id] = moved
            inodes[destinationParent]?.children[destinationName] = id
            inodes[destinationParent]?.touch(time)
        }
    }

    /// Adds `inode` to `parent` under a fresh id and raises the parent's modification time to the
    /// child's (`INodeDirectory.addChild` with setModTime).
    @discardableResult
    private mutating func insert(_ inode: INode, under parent: UInt64) -> UInt64 {
        let id = nextInodeID
        nextInodeID += 1
        var child = inode
        child.parent = parent
        inodes[id] = child
        inodes[parent]?.children[child.name] = id
        inodes[parent]?.touch(child.modificationTime)
        return id
    }

    /// Unlinks `id` from its parent (raising the parent's modification time to `time`) and drops
    /// every inode of its subtree.
    private mutating func removeSubtree(_ id: UInt64, time: Int64) {
        let removed = node(id)
        inodes[removed.parent]?.children[removed.name] = nil
        inodes[removed.parent]?.touch(time)
        var pending = [id]
        let iterationsMax = inodes.count
        var iterations = 0
        while let next = pending.popLast() {
            iterations += 1
            guard iterations <= iterationsMax else { fatalError("Internal inconsistency: the subtree of \(id) has a cycle") }
            if let inode = inodes.removeValue(forKey: next) {
                pending.append(contentsOf: inode.children.values)
            }
        }
    }
}
