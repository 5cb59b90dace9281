/// One file or directory, stored flat in `Namespace.inodes` by inode id.
///
/// A directory maps each child's name (UTF-8 bytes) to the child's id; a file has no children.
struct INode: Sendable, Equatable {
    /// The last component of the path (empty for the root).
    var name: [UInt8]
    /// The parent's id (the root's is its own id).
    var parent: UInt64
    var isDirectory: Bool
    /// Milliseconds since the Unix epoch.
    var modificationTime: Int64
    /// Milliseconds since the Unix epoch; 0 for directories.
    var accessTime: Int64
    var permission: UInt16
    var owner: String
    var group: String
    /// 0 for directories.
    var replication: UInt16
    /// 0 for directories.
    var blockSize: UInt64
    var children: [[UInt8]: UInt64]

    /// The permission bits an inode keeps: rwx for user, group and others plus the sticky bit, as
    /// `FsPermission.fromShort` reads them (setuid and setgid are dropped).
    static let permissionMask: UInt16 = 0o1777

    static func directory(name: [UInt8], parent: UInt64, modificationTime: Int64, permission: UInt16,
                          owner: String, group: String) -> INode {
        INode(name: name, parent: parent, isDirectory: true, modificationTime: modificationTime, accessTime: 0,
              permission: permission & permissionMask, owner: owner, group: group, replication: 0, blockSize: 0,
              children: [:])
    }

    static func file(name: [UInt8], parent: UInt64, modificationTime: Int64, accessTime: Int64, permission: UInt16,
                     owner: String, group: String, replication: UInt16, blockSize: UInt64) -> INode {
        INode(name: name, parent: parent, isDirectory: false, modificationTime: modificationTime,
              accessTime: accessTime, permission: permission & permissionMask, owner: owner, group: group,
              replication: replication, blockSize: blockSize, children: [:])
    }

    /// The children's names in byte order, the order of listings, images and digests.
    var sortedChildNames: [[UInt8]] {
        children.keys.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// Raises the modification time to `time` if that is later (`INode.updateModificationTime`).
    mutating func touch(_ time: Int64) {
        if time > modificationTime { modificationTime = time }
    }
}
