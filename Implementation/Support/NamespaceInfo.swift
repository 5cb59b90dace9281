/// `NamespaceInfo`: what identifies one HDFS namespace, written by `namenode -format` and checked
/// by every JournalNode and NameNode storage directory that joins it.
public struct NamespaceInfo: Hashable, Sendable, CustomStringConvertible {
    public var namespaceID: Int32
    public var clusterID: String
    public var blockPoolID: String
    public var cTime: Int64
    /// HDFS's layout version (negative, e.g. -66); ours is fixed per release.
    public var layoutVersion: Int32

    /// The layout version this release writes.
    public static let currentLayoutVersion: Int32 = -66

    public init(namespaceID: Int32, clusterID: String, blockPoolID: String, cTime: Int64 = 0,
                layoutVersion: Int32 = NamespaceInfo.currentLayoutVersion) {
        self.namespaceID = namespaceID
        self.clusterID = clusterID
        self.blockPoolID = blockPoolID
        self.cTime = cTime
        self.layoutVersion = layoutVersion
    }

    public var description: String {
        "lv=\(layoutVersion);cid=\(clusterID);nsid=\(namespaceID);c=\(cTime);bpid=\(blockPoolID)"
    }

    public func encode(into writer: inout BinaryWriter) {
        writer.write(UInt32(bitPattern: namespaceID))
        writer.write(clusterID)
        writer.write(blockPoolID)
        writer.write(cTime)
        writer.write(UInt32(bitPattern: layoutVersion))
    }

    public static func decode(from reader: inout BinaryReader) throws -> NamespaceInfo {
        NamespaceInfo(namespaceID: Int32(bitPattern: try reader.readUInt32("namespaceID")),
                      clusterID: try reader.readString("clusterID"),
                      blockPoolID: try reader.readString("blockPoolID"),
                      cTime: try reader.readInt64("cTime"),
                      layoutVersion: Int32(bitPattern: try reader.readUInt32("layoutVersion")))
    }
}
