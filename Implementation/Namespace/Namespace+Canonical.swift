import Support

/// The tree in canonical order — pre-order, children by the bytes of their names — which both the
/// fsimage and the digest use, so equal trees give equal bytes whatever the order of the
/// operations that built them. Inode ids are not part of it.
extension Namespace {
    /// The parent index the root's record carries.
    static let rootParentIndex = UInt32.max

    /// A stable 64-bit hash of the whole tree (FNV-1a over the canonical records): names, kinds,
    /// times, permissions, owners, groups, replication and block sizes. Costs one walk of the tree.
    public var digest: UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        forEachCanonical { _, parentIndex, inode in
            var writer = BinaryWriter(capacity: 64)
            Namespace.encodeRecord(inode, parentIndex: parentIndex, into: &writer)
            for byte in writer.bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
        }
        return hash
    }

    /// Visits every inode once in canonical order with its index and its parent's index.
    func forEachCanonical(_ body: (_ index: UInt32, _ parentIndex: UInt32, _ inode: INode) -> Void) {
        var pending: [(id: UInt64, parentIndex: UInt32)] = [(Namespace.rootID, Namespace.rootParentIndex)]
        let iterationsMax = inodes.count
        var index: UInt32 = 0
        while let (id, parentIndex) = pending.popLast() {
            guard Int(index) < iterationsMax else { fatalError("Internal inconsistency: the tree has a cycle") }
            let inode = node(id)
            body(index, parentIndex, inode)
            for name in inode.sortedChildNames.reversed() {
                pending.append((id: inode.children[name]!, parentIndex: index))
            }
            index += 1
        }
    }

    /// One inode's record: parent index, kind, name, times, permission, owner, group, and for a
    /// file its replication and block size.
    static func encodeRecord(_ inode: INode, parentIndex: UInt32, into writer: inout BinaryWriter) {
        writer.write(parentIndex)
        writer.write(inode.isDirectory ? UInt8(0) : UInt8(1))
        writer.writeBytes(inode.name)
        writer.write(inode.modificationTime)
        writer.write(inode.accessTime)
        writer.write(inode.permission)
        writer.write(inode.owner)
        writer.write(inode.group)
        if !inode.isDirectory {
            writer.write(inode.replication)
            writer.write(inode.blockSize)
        }
    }

    /// The smallest record: parent index, kind, name length, two times, permission, two string lengths.
    static let recordBytesMin = 4 + 1 + 4 + 8 + 8 + 2 + 4 + 4

    /// Reads one record written by `encodeRecord`.
    static func decodeRecord(from reader: inout BinaryReader) throws -> (parentIndex: UInt32, inode: INode) {
        let parentIndex = try reader.readUInt32("parent index")
        let kind = try reader.readUInt8("kind")
        guard kind <= 1 else { throw BinaryError.invalid(field: "kind", detail: "\(kind) is neither 0 nor 1") }
        let name = try reader.readBytes("name")
        let modificationTime = try reader.readInt64("modification time")
        let accessTime = try reader.readInt64("access time")
        let permission = try reader.readUInt16("permission")
        guard permission & ~INode.permissionMask == 0 else {
            throw BinaryError.invalid(field: "permission", detail: "0o\(String(permission, radix: 8)) above 0o1777")
        }
        let owner = try reader.readString("owner")
        let group = try reader.readString("group")
        if kind == 0 {
            let directory = INode.directory(name: name, parent: 0, modificationTime: modificationTime,
                                            permission: permission, owner: owner, group: group)
            var withAccess = directory
            withAccess.accessTime = accessTime
            return (parentIndex, withAccess)
        }
        let replication = try reader.readUInt16("replication")
        let blockSize = try reader.readUInt64("block size")
        return (parentIndex, INode.file(name: name, parent: 0, modificationTime: modificationTime,
                                        accessTime: accessTime, permission: permission, owner: owner, group: group,
                                        replication: replication, blockSize: blockSize))
    }

    /// Adds the record at `index` of a canonical sequence (index 0 is the root), or says what is
    /// inconsistent about it.
    mutating func load(_ inode: INode, parentIndex: UInt32, index: Int) -> String? {
        let id = Namespace.rootID + UInt64(index)
        if index == 0 {
            guard parentIndex == Namespace.rootParentIndex, inode.isDirectory, inode.name.isEmpty else {
                return "the first inode is not the root directory"
            }
            var root = inode
            root.parent = Namespace.rootID
            inodes = [Namespace.rootID: root]
            nextInodeID = Namespace.rootID + 1
            return nil
        }
        guard Int(parentIndex) < index else {
            return "parent index \(parentIndex) does not name an earlier inode"
        }
        let parent = Namespace.rootID + UInt64(parentIndex)
        guard node(parent).isDirectory else { return "parent index \(parentIndex) is a file" }
        guard NamespacePath.isValidName(inode.name), String(validating: inode.name, as: UTF8.self) != nil else {
            return "invalid name bytes \(inode.name)"
        }
        if parent == Namespace.rootID && inode.name == NamespacePath.reservedComponent {
            return "the reserved name .reserved under the root"
        }
        guard node(parent).children[inode.name] == nil else {
            return "duplicate name \(String(decoding: inode.name, as: UTF8.self)) in one directory"
        }
        var child = inode
        child.parent = parent
        inodes[id] = child
        inodes[parent]?.children[inode.name] = id
        nextInodeID = id + 1
        return nil
    }
}
