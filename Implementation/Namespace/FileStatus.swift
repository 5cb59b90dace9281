/// What `getFileInfo` and `getListing` report for one file or directory (upstream `HdfsFileStatus`).
///
/// Files are empty (like `hdfs dfs -touchz`), so `length` is always 0. Directories report
/// replication 0, block size 0 and access time 0, as HDFS does.
public struct FileStatus: Hashable, Sendable, CustomStringConvertible {
    /// The absolute path.
    public var path: String
    public var isDirectory: Bool
    /// The length in bytes (always 0: files here carry no blocks).
    public var length: UInt64
    public var replication: UInt16
    public var blockSize: UInt64
    /// Milliseconds since the Unix epoch.
    public var modificationTime: Int64
    /// Milliseconds since the Unix epoch (0 for directories).
    public var accessTime: Int64
    /// Permission bits, e.g. 0o755 for a directory, 0o644 for a file; 0o1000 is the sticky bit.
    public var permission: UInt16
    public var owner: String
    public var group: String
    /// The number of entries in a directory (0 for a file), upstream `childrenNum`.
    public var childrenCount: Int

    public init(path: String, isDirectory: Bool, length: UInt64 = 0, replication: UInt16, blockSize: UInt64,
                modificationTime: Int64, accessTime: Int64, permission: UInt16, owner: String, group: String,
                childrenCount: Int) {
        self.path = path
        self.isDirectory = isDirectory
        self.length = length
        self.replication = replication
        self.blockSize = blockSize
        self.modificationTime = modificationTime
        self.accessTime = accessTime
        self.permission = permission
        self.owner = owner
        self.group = group
        self.childrenCount = childrenCount
    }

    /// The permission as `hdfs dfs -ls` prints it: "d" or "-", then `FsPermission.toString()`
    /// ("rwxr-xr-x"; the sticky bit shows as "t", or "T" when others may not execute).
    public var symbolicPermission: String {
        let letters: [Character] = ["r", "w", "x"]
        var text = isDirectory ? "d" : "-"
        for shift in [6, 3, 0] {
            let bits = Int(permission >> UInt16(shift)) & 7
            for (index, letter) in letters.enumerated() {
                text.append(bits & (4 >> index) != 0 ? letter : "-")
            }
        }
        if permission & 0o1000 != 0 {
            let othersExecute = permission & 0o001 != 0
            text.removeLast()
            text.append(othersExecute ? "t" : "T")
        }
        return text
    }

    public var description: String {
        "\(symbolicPermission) \(owner):\(group) r=\(replication) bs=\(blockSize) mtime=\(modificationTime) "
            + "atime=\(accessTime) children=\(childrenCount) \(path)"
    }
}
