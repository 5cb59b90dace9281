import Support

/// Binary forms of the namespace's results, for a NameNode to answer a client over the wire.
extension NamespaceError {
    /// Appends the class name, message, kind, path and optional target path.
    public func encode(into writer: inout BinaryWriter) {
        writer.write(exceptionClass.rawValue)
        writer.write(message)
        writer.write(kind.rawValue)
        writer.write(path)
        writer.write(targetPath != nil)
        if let targetPath { writer.write(targetPath) }
    }

    /// Reads what `encode(into:)` wrote, throwing `BinaryError` naming a malformed field.
    public static func decode(from reader: inout BinaryReader) throws -> NamespaceError {
        let className = try reader.readString("error.class")
        guard let exceptionClass = ExceptionClass(rawValue: className) else {
            throw BinaryError.invalid(field: "error.class", detail: "unknown class \(className)")
        }
        let message = try reader.readString("error.message")
        let kindName = try reader.readString("error.kind")
        guard let kind = Kind(rawValue: kindName) else {
            throw BinaryError.invalid(field: "error.kind", detail: "unknown kind \(kindName)")
        }
        let path = try reader.readString("error.path")
        let targetPath = try reader.readBool("error.hasTargetPath") ? try reader.readString("error.targetPath") : nil
        return NamespaceError(exceptionClass, message, kind: kind, path: path, targetPath: targetPath)
    }
}

extension FileStatus {
    /// Appends every field (length included, for a future with data).
    public func encode(into writer: inout BinaryWriter) {
        writer.write(path)
        writer.write(isDirectory)
        writer.write(length)
        writer.write(replication)
        writer.write(blockSize)
        writer.write(modificationTime)
        writer.write(accessTime)
        writer.write(permission)
        writer.write(owner)
        writer.write(group)
        writer.write(UInt32(clamping: childrenCount))
    }

    /// Reads what `encode(into:)` wrote, throwing `BinaryError` naming a malformed field.
    public static func decode(from reader: inout BinaryReader) throws -> FileStatus {
        FileStatus(path: try reader.readString("status.path"),
                   isDirectory: try reader.readBool("status.isDirectory"),
                   length: try reader.readUInt64("status.length"),
                   replication: try reader.readUInt16("status.replication"),
                   blockSize: try reader.readUInt64("status.blockSize"),
                   modificationTime: try reader.readInt64("status.modificationTime"),
                   accessTime: try reader.readInt64("status.accessTime"),
                   permission: try reader.readUInt16("status.permission"),
                   owner: try reader.readString("status.owner"),
                   group: try reader.readString("status.group"),
                   childrenCount: Int(try reader.readUInt32("status.childrenCount")))
    }
}
