import Support

/// One edit: a client operation that changes the namespace, as it is journaled and replayed.
///
/// Times come from the operation, never from a clock, so applying an edit is deterministic: the
/// active NameNode, a standby tailing the journal and a NameNode replaying after its fsimage all
/// reach the same tree. Permissions are final (the client's umask already applied).
public enum NamespaceOperation: Hashable, Sendable, CustomStringConvertible {
    /// Create the directory `path` (and, with `createParent`, its missing ancestors).
    case mkdirs(path: String, createParent: Bool, permission: UInt16, owner: String, group: String,
                modificationTime: Int64)
    /// Create an empty, closed file at `path` (`hdfs dfs -touchz`); `overwrite` replaces a file.
    case create(path: String, overwrite: Bool, replication: UInt16, blockSize: UInt64, permission: UInt16,
                owner: String, group: String, modificationTime: Int64)
    /// Delete `path`; a non-empty directory needs `recursive`.
    case delete(path: String, recursive: Bool, modificationTime: Int64)
    /// HDFS's original `rename(src, dst)`: an existing directory as destination moves the source inside.
    case rename(source: String, destination: String, modificationTime: Int64)

    /// The first byte of an encoded edit, numbered as upstream `FSEditLogOpCodes`.
    public enum OpCode: UInt8, Sendable, CaseIterable {
        /// `OP_ADD`: upstream logs a new file as OP_ADD (then OP_CLOSE); ours is created closed.
        case add = 0
        /// `OP_RENAME_OLD`: the rename without options.
        case renameOld = 1
        /// `OP_DELETE`.
        case delete = 2
        /// `OP_MKDIR`: upstream logs one per directory created; ours creates the missing chain.
        case mkdir = 3
    }

    /// This edit's op code.
    public var opCode: OpCode {
        switch self {
        case .mkdirs: return .mkdir
        case .create: return .add
        case .delete: return .delete
        case .rename: return .renameOld
        }
    }

    /// The path the operation acts on (the source of a rename).
    public var path: String {
        switch self {
        case .mkdirs(let path, _, _, _, _, _), .create(let path, _, _, _, _, _, _, _), .delete(let path, _, _):
            return path
        case .rename(let source, _, _):
            return source
        }
    }

    /// The operation's time in milliseconds since the Unix epoch.
    public var modificationTime: Int64 {
        switch self {
        case .mkdirs(_, _, _, _, _, let time), .create(_, _, _, _, _, _, _, let time), .delete(_, _, let time),
             .rename(_, _, let time):
            return time
        }
    }

    /// The edit's bytes: the op code, then its fields (see README.md for the table).
    public func encode() -> [UInt8] {
        var writer = BinaryWriter(capacity: 64)
        encode(into: &writer)
        return writer.bytes
    }

    /// Appends the edit's bytes to `writer`.
    public func encode(into writer: inout BinaryWriter) {
        writer.write(opCode.rawValue)
        switch self {
        case .mkdirs(let path, let createParent, let permission, let owner, let group, let time):
            writer.write(path)
            writer.write(createParent)
            writer.write(permission)
            writer.write(owner)
            writer.write(group)
            writer.write(time)
        case .create(let path, let overwrite, let replication, let blockSize, let permission, let owner, let group,
                     let time):
            writer.write(path)
            writer.write(overwrite)
            writer.write(replication)
            writer.write(blockSize)
            writer.write(permission)
            writer.write(owner)
            writer.write(group)
            writer.write(time)
        case .delete(let path, let recursive, let time):
            writer.write(path)
            writer.write(recursive)
            writer.write(time)
        case .rename(let source, let destination, let time):
            writer.write(source)
            writer.write(destination)
            writer.write(time)
        }
    }

    /// Decodes exactly one edit from `bytes`; trailing bytes are an error.
    public static func decode(_ bytes: [UInt8]) throws -> NamespaceOperation {
        var reader = BinaryReader(bytes)
        let operation = try decode(from: &reader)
        guard reader.isAtEnd else {
            throw BinaryError.invalid(field: "edit", detail: "\(reader.remaining) bytes after the \(operation.opCode) op")
        }
        return operation
    }

    /// Decodes one edit from `reader`, throwing `BinaryError` naming the field that is malformed.
    public static func decode(from reader: inout BinaryReader) throws -> NamespaceOperation {
        let code = try reader.readUInt8("opCode")
        guard let opCode = OpCode(rawValue: code) else {
            throw BinaryError.invalid(field: "opCode", detail: "unknown op code \(code)")
        }
        switch opCode {
        case .mkdir:
            return .mkdirs(path: try reader.readString("mkdirs.path"),
                           createParent: try reader.readBool("mkdirs.createParent"),
                           permission: try reader.readUInt16("mkdirs.permission"),
                           owner: try reader.readString("mkdirs.owner"),
                           group: try reader.readString("mkdirs.group"),
                           modificationTime: try reader.readInt64("mkdirs.modificationTime"))
        case .add:
            return .create(path: try reader.readString("create.path"),
                           overwrite: try reader.readBool("create.overwrite"),
                           replication: try reader.readUInt16("create.replication"),
                           blockSize: try reader.readUInt64("create.blockSize"),
                           permission: try reader.readUInt16("create.permission"),
                           owner: try reader.readString("create.owner"),
                           group: try reader.readString("create.group"),
                           modificationTime: try reader.readInt64("create.modificationTime"))
        case .delete:
            return .delete(path: try reader.readString("delete.path"),
                           recursive: try reader.readBool("delete.recursive"),
                           modificationTime: try reader.readInt64("delete.modificationTime"))
        case .renameOld:
            return .rename(source: try reader.readString("rename.source"),
                           destination: try reader.readString("rename.destination"),
                           modificationTime: try reader.readInt64("rename.modificationTime"))
        }
    }

    public var description: String {
        switch self {
        case .mkdirs(let path, let createParent, let permission, let owner, let group, let time):
            return "mkdirs \(path) createParent=\(createParent) permission=\(octal(permission)) "
                + "owner=\(owner) group=\(group) mtime=\(time)"
        case .create(let path, let overwrite, let replication, let blockSize, let permission, let owner, let group,
                     let time):
            return "create \(path) overwrite=\(overwrite) replication=\(replication) blockSize=\(blockSize) "
                + "permission=\(octal(permission)) owner=\(owner) group=\(group) mtime=\(time)"
        case .delete(let path, let recursive, let time):
            return "delete \(path) recursive=\(recursive) mtime=\(time)"
        case .rename(let source, let destination, let time):
            return "rename \(source) \(destination) mtime=\(time)"
        }
    }
}

/// `permission` as four octal digits, e.g. "0755".
func octal(_ permission: UInt16) -> String {
    let digits = String(permission, radix: 8)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
