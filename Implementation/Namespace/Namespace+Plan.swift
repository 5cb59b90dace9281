/// What an operation will do, decided against the current tree before anything changes, so that
/// the check (`validate`) and the change (`apply`) cannot disagree.
enum Plan {
    /// Valid, but nothing changes and nothing is logged (mkdirs of an existing directory, a rename
    /// onto itself).
    case unchanged
    /// Create `names` as a chain of directories under `parent`; all but the last get `u+wx` added.
    case makeDirectories(parent: UInt64, names: [[UInt8]], permission: UInt16, owner: String, group: String,
                         modificationTime: Int64)
    /// Add `file` as `name` under `parent`, first removing the file `replacing` if any.
    case createFile(parent: UInt64, name: [UInt8], replacing: UInt64?, file: INode)
    /// Remove `node` and its subtree.
    case delete(node: UInt64, modificationTime: Int64)
    /// Move `node` to `destinationName` under `destinationParent` (path `destinationPath`).
    case rename(node: UInt64, destinationParent: UInt64, destinationName: [UInt8], destinationPath: String,
                modificationTime: Int64)
}

extension Namespace {
    /// The plan for `operation`, or the error upstream would raise, checked in upstream's order.
    func plan(_ operation: NamespaceOperation, clientMachine: String) throws(NamespaceError) -> Plan {
        switch operation {
        case .mkdirs(let path, let createParent, let permission, let owner, let group, let time):
            return try planMakeDirectories(path, createParent: createParent, permission: permission, owner: owner,
                                           group: group, time: time)
        case .create(let path, let overwrite, let replication, let blockSize, let permission, let owner, let group,
                     let time):
            let file = INode.file(name: [], parent: 0, modificationTime: time, accessTime: time,
                                  permission: permission, owner: owner, group: group, replication: replication,
                                  blockSize: blockSize)
            return try planCreate(path, overwrite: overwrite, file: file, clientMachine: clientMachine)
        case .delete(let path, let recursive, let time):
            return try planDelete(path, recursive: recursive, time: time)
        case .rename(let source, let destination, let time):
            return try planRename(source, destination, time: time)
        }
    }

    /// `FSDirMkdirOp.mkdirs`: an existing directory is success without change.
    private func planMakeDirectories(_ path: String, createParent: Bool, permission: UInt16, owner: String,
                                     group: String, time: Int64) throws(NamespaceError) -> Plan {
        if NamespacePath.exceedsLimits(path) { throw .pathTooLong(path, operation: "mkdirs") }
        guard let components = NamespacePath.components(of: path) else { throw .invalidFileName(path) }
        let resolved = resolve(components)
        if let prefix = resolved.fileAncestorPath { throw .ancestorIsFile(prefix, path: path, creating: true) }
        if let id = resolved.last {
            guard node(id).isDirectory else { throw .mkdirOnFile(path) }
            return .unchanged
        }
        let existingCount = resolved.existing.count - 1
        if !createParent && existingCount < components.count - 1 {
            throw .parentMissing(resolved.parentPath, path: path)
        }
        let parent = resolved.existing[existingCount]
        let names = Array(components[existingCount...])
        for (offset, name) in names.enumerated() {
            let parentPath = NamespacePath.join(components[0..<(existingCount + offset)])
            try checkNewEntry(name, parent: offset == 0 ? parent : nil, parentPath: parentPath, path: path)
        }
        return .makeDirectories(parent: parent, names: names, permission: permission, owner: owner, group: group,
                                modificationTime: time)
    }

    /// `FSNamesystem.startFileInt` then `FSDirWriteFileOp.resolvePathForStartFile` and `startFile`.
    private func planCreate(_ path: String, overwrite: Bool, file: INode,
                            clientMachine: String) throws(NamespaceError) -> Plan {
        if NamespacePath.exceedsLimits(path) { throw .pathTooLong(path, operation: "create") }
        guard let components = NamespacePath.components(of: path) else { throw .invalidPathName(path) }
        if file.replication < Namespace.replicationMin || file.replication > Namespace.replicationMax {
            throw .badReplication(file.replication, path: path, clientMachine: clientMachine)
        }
        if file.blockSize < Namespace.blockSizeMin { throw .badBlockSize(file.blockSize, path: path) }
        let resolved = resolve(components)
        if let prefix = resolved.fileAncestorPath { throw .ancestorIsFile(prefix, path: path, creating: true) }
        var named = file
        named.name = components.last ?? []
        if let id = resolved.last {
            if node(id).isDirectory { throw .createOnDirectory(path) }
            if !overwrite { throw .fileExists(path, clientMachine: clientMachine) }
            return .createFile(parent: node(id).parent, name: named.name, replacing: id, file: named)
        }
        guard let parent = resolved.parent else { throw .parentMissing(resolved.parentPath, path: path) }
        try checkNewEntry(named.name, parent: parent, parentPath: resolved.parentPath, path: path)
        return .createFile(parent: parent, name: named.name, replacing: nil, file: named)
    }

    /// `FSDirDeleteOp.delete` and `deleteAllowed`.
    private func planDelete(_ path: String, recursive: Bool, time: Int64) throws(NamespaceError) -> Plan {
        guard let components = NamespacePath.components(of: path) else { throw .invalidPathName(path) }
        let resolved = resolve(components)
        if let prefix = resolved.fileAncestorPath { throw .ancestorIsFile(prefix, path: path, creating: false) }
        if let id = resolved.last, !recursive, !node(id).children.isEmpty { throw .notEmpty(path) }
        guard let id = resolved.last else { throw .deleteMissing(path) }
        if components.isEmpty { throw .deleteRoot() }
        return .delete(node: id, modificationTime: time)
    }

    /// `FSDirRenameOp.renameToInt`, `dstForRenameTo` and `unprotectedRenameTo` (the old rename).
    private func planRename(_ source: String, _ destination: String, time: Int64) throws(NamespaceError) -> Plan {
        if NamespacePath.exceedsLimits(destination) { throw .pathTooLong(destination, operation: "rename") }
        guard let destinationComponents = NamespacePath.components(of: destination) else {
            throw .invalidRenameDestination(destination)
        }
        guard let sourceComponents = NamespacePath.components(of: source) else { throw .invalidPathName(source) }
        let sourceResolved = resolve(sourceComponents)
        if let prefix = sourceResolved.fileAncestorPath {
            throw .ancestorIsFile(prefix, path: source, creating: false)
        }
        let destinationResolved = resolve(destinationComponents)
        if let prefix = destinationResolved.fileAncestorPath {
            throw .ancestorIsFile(prefix, path: destination, creating: true)
        }
        var actualComponents = destinationComponents
        if let id = destinationResolved.last, node(id).isDirectory, let name = sourceComponents.last {
            actualComponents.append(name)
        }
        guard let sourceID = sourceResolved.last else { throw .renameSourceMissing(source) }
        guard let sourceName = sourceComponents.last else { throw .renameRoot() }
        if actualComponents == sourceComponents { return .unchanged }
        let actual = NamespacePath.join(actualComponents)
        if actualComponents.count > sourceComponents.count
            && Array(actualComponents[0..<sourceComponents.count]) == sourceComponents {
            throw .renameUnderSource(source, destination: actual)
        }
        let actualResolved = actualComponents == destinationComponents
            ? destinationResolved : resolve(actualComponents)
        if actualResolved.last != nil { throw .renameDestinationExists(source, destination: actual) }
        guard let parent = actualResolved.parent else { throw .renameParentMissing(source, destination: actual) }
        let name = actualComponents.last ?? sourceName
        let sameParent = parent == node(sourceID).parent
        try checkNewEntry(name, parent: sameParent ? nil : parent, parentPath: actualResolved.parentPath,
                          path: actual)
        return .rename(node: sourceID, destinationParent: parent, destinationName: name, destinationPath: actual,
                       modificationTime: time)
    }

    /// `FSDirectory.addLastINode`'s limits: the name's length, then the parent's item count (a
    /// parent still to be created is empty, so `parent` is nil for it).
    private func checkNewEntry(_ name: [UInt8], parent: UInt64?, parentPath: String,
                               path: String) throws(NamespaceError) {
        if name.count > NamespacePath.componentBytesMax {
            throw .componentTooLong(name, parent: parentPath, path: path)
        }
        if let parent {
            let items = node(parent).children.count
            if items >= Namespace.directoryItemsMax { throw .directoryFull(parentPath, items: items, path: path) }
        }
    }
}
