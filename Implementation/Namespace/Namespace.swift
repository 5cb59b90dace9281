/// The NameNode's namespace: a tree of directories and empty files, changed only by
/// `NamespaceOperation`s, read by `status` and `list`.
///
/// Upstream `FSNamesystem` checks an operation, logs it, then applies it; a standby and a restarting
/// NameNode apply the same edits. Here `validate`/`prepare` are the read-only check (the exact
/// outcome `apply` will have, by construction: both run the same `plan`), `apply` changes the tree
/// and is deterministic (times come from the operation), and `perform` does both.
///
/// Thread safety: `Namespace` is a value type without internal locking. The host owns one instance
/// and calls it from one thread (copies are independent and may be read anywhere).
public struct Namespace: Sendable {
    /// Upstream `INodeId.ROOT_INODE_ID`.
    static let rootID: UInt64 = 16_385
    /// The most entries one directory may hold (`dfs.namenode.fs-limits.max-directory-items`).
    public static let directoryItemsMax = 1_048_576
    /// The lowest replication a file may ask for (`dfs.namenode.replication.min`).
    public static let replicationMin: UInt16 = 1
    /// The highest replication a file may ask for (`dfs.replication.max`).
    public static let replicationMax: UInt16 = 512
    /// The smallest block size a file may ask for (`dfs.namenode.fs-limits.min-block-size`).
    public static let blockSizeMin: UInt64 = 1_048_576
    /// The client machine named in create's texts when the caller gives none.
    public static let defaultClientMachine = "127.0.0.1"

    var inodes: [UInt64: INode]
    var nextInodeID: UInt64

    /// An empty namespace: only the root directory, as `namenode -format` creates it (owner the
    /// formatting user, group "supergroup", 0o755, modification time 0).
    public init(rootOwner: String = "hdfs", rootGroup: String = "supergroup", rootPermission: UInt16 = 0o755,
                rootModificationTime: Int64 = 0) {
        let root = INode.directory(name: [], parent: Namespace.rootID, modificationTime: rootModificationTime,
                                   permission: rootPermission, owner: rootOwner, group: rootGroup)
        inodes = [Namespace.rootID: root]
        nextInodeID = Namespace.rootID + 1
    }

    /// The number of inodes, the root included (upstream's "FilesTotal").
    public var count: Int { inodes.count }

    /// The inode with `id`, which the tree's structure guarantees exists.
    func node(_ id: UInt64) -> INode {
        guard let node = inodes[id] else { fatalError("Internal inconsistency: inode \(id) is missing") }
        return node
    }

    /// The status of `path`.
    public func status(_ path: String) throws(NamespaceError) -> FileStatus {
        guard let components = NamespacePath.components(of: path) else { throw .invalidFileName(path) }
        let resolved = resolve(components)
        guard let id = resolved.last else { throw .statusMissing(path) }
        return status(of: node(id), path: path)
    }

    /// The entries of the directory `path` in byte order of their names; a file lists itself.
    public func list(_ path: String) throws(NamespaceError) -> [FileStatus] {
        guard let components = NamespacePath.components(of: path) else { throw .invalidFileName(path) }
        let resolved = resolve(components)
        if let prefix = resolved.fileAncestorPath {
            throw .ancestorIsFile(prefix, path: path, creating: false)
        }
        guard let id = resolved.last else { throw .listMissing(path) }
        let directory = node(id)
        guard directory.isDirectory else { return [status(of: directory, path: path)] }
        return directory.sortedChildNames.map { name in
            status(of: node(directory.children[name]!), path: NamespacePath.child(of: path, named: name))
        }
    }

    func status(of inode: INode, path: String) -> FileStatus {
        FileStatus(path: path, isDirectory: inode.isDirectory, replication: inode.replication,
                   blockSize: inode.blockSize, modificationTime: inode.modificationTime,
                   accessTime: inode.accessTime, permission: inode.permission, owner: inode.owner,
                   group: inode.group, childrenCount: inode.children.count)
    }

    /// Walks `components` from the root as far as they exist.
    func resolve(_ components: [[UInt8]]) -> ResolvedPath {
        var existing: [UInt64] = [Namespace.rootID]
        existing.reserveCapacity(components.count + 1)
        for component in components {
            let current = node(existing[existing.count - 1])
            guard current.isDirectory, let child = current.children[component] else { break }
            existing.append(child)
        }
        let lastNode = node(existing[existing.count - 1])
        let blocked = existing.count <= components.count && !lastNode.isDirectory
        return ResolvedPath(components: components, existing: existing, blockedByFile: blocked)
    }
}

/// How far a path resolves: the ids of its existing prefix, root first.
struct ResolvedPath {
    let components: [[UInt8]]
    /// `existing[0]` is the root, `existing[i]` the inode of `components[i - 1]`.
    let existing: [UInt64]
    /// Whether the walk stopped at a file with components still to go.
    let blockedByFile: Bool

    /// The inode of the whole path, if it exists.
    var last: UInt64? { existing.count == components.count + 1 ? existing[existing.count - 1] : nil }

    /// The parent's inode, if the parent exists (nil for the root).
    var parent: UInt64? {
        guard !components.isEmpty, existing.count >= components.count else { return nil }
        return existing[components.count - 1]
    }

    /// The path of the file that blocks the walk, e.g. "/f" for "/f/x/y" (upstream's
    /// `checkSimpleTraverse` reports the first non-directory ancestor).
    var fileAncestorPath: String? {
        blockedByFile ? NamespacePath.join(components[0..<(existing.count - 1)]) : nil
    }

    /// The path of the parent of the whole path.
    var parentPath: String { NamespacePath.join(components.dropLast()) }
}
