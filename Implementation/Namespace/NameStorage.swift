import Glibc
import Support

/// One `dfs.namenode.name.dir` directory: its identity (`current/VERSION`), its checkpoints
/// (`current/fsimage_%019d`), the last txid it has seen (`current/seen_txid`) and its exclusive
/// `in_use.lock`.
///
/// ```
/// <dir>/in_use.lock                      flock'd while a NameStorage is open; holds "pid@host"
/// <dir>/current/VERSION                  namespaceID, clusterID, cTime, storageType=NAME_NODE, blockpoolID, layoutVersion
/// <dir>/current/fsimage_<%019d txid>     checkpoints, the newest 2 kept
/// <dir>/current/seen_txid                decimal text + "\n", written atomically
/// ```
///
/// An open `NameStorage` holds the lock until `close()` or deinit. Its methods do file I/O and
/// are meant for one thread at a time; the type is `Sendable` so it can be handed over.
public final class NameStorage: Sendable {
    /// The name directory.
    public let directory: String
    /// The namespace identity read from `current/VERSION`.
    public let namespaceInfo: NamespaceInfo
    private let lock: StorageLock

    static let currentName = "current"
    static let versionName = "VERSION"
    static let seenTxIDName = "seen_txid"

    private init(directory: String, namespaceInfo: NamespaceInfo, lock: StorageLock) {
        self.directory = directory
        self.namespaceInfo = namespaceInfo
        self.lock = lock
    }

    /// `<directory>/current`, where VERSION, the images and seen_txid live.
    public var currentDirectory: String { NameStorage.currentDirectory(of: directory) }

    static func currentDirectory(of directory: String) -> String { directory + "/" + currentName }

    /// Whether `directory` has a `current/VERSION` file.
    public static func isFormatted(_ directory: String) -> Bool {
        access(currentDirectory(of: directory) + "/" + versionName, F_OK) == 0
    }

    /// Opens a formatted name directory: takes its lock, then reads and checks VERSION.
    public static func open(_ directory: String) throws -> NameStorage {
        var information = stat()
        guard stat(directory, &information) == 0, information.st_mode & S_IFMT == S_IFDIR else {
            throw NameStorageError.inconsistent(directory: directory,
                                                detail: "storage directory does not exist or is not accessible.")
        }
        let lock = try StorageLock.acquire(directory)
        do {
            let path = currentDirectory(of: directory) + "/" + versionName
            guard let bytes = try DurableFiles.read(path) else { throw NameStorageError.notFormatted(directory: directory) }
            let info = try StorageProperties.namespaceInfo(fromVersionText: String(decoding: bytes, as: UTF8.self),
                                                           directory: directory)
            return NameStorage(directory: directory, namespaceInfo: info, lock: lock)
        } catch {
            lock.release()
            throw error
        }
    }

    /// Writes a checkpoint of `namespace` after `txid` and keeps the newest two.
    public func saveCheckpoint(_ namespace: Namespace, txid: UInt64) throws {
        try FSImage.save(namespace, lastAppliedTxID: txid, to: currentDirectory)
    }

    /// The newest checkpoint and its txid; a directory without one is `NameStorageError.noImage`.
    public func loadCheckpoint() throws -> (namespace: Namespace, txid: UInt64) {
        guard let image = try FSImage.loadLatest(from: currentDirectory) else {
            throw NameStorageError.noImage(directory: currentDirectory)
        }
        return image
    }

    /// The txid in `current/seen_txid` (0 when the file is missing, as upstream `PersistentLongFile`).
    public func readSeenTxID() throws -> UInt64 {
        let path = currentDirectory + "/" + NameStorage.seenTxIDName
        guard let bytes = try DurableFiles.read(path) else { return 0 }
        let text = String(decoding: bytes, as: UTF8.self)
        let trimmed = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == " " }).first.map(String.init) ?? ""
        guard let txid = UInt64(trimmed) else {
            throw NameStorageError.inconsistent(directory: directory,
                                                detail: "file \(NameStorage.seenTxIDName) has invalid content '\(text)'.")
        }
        return txid
    }

    /// Writes `current/seen_txid` atomically (decimal text and a newline).
    public func writeSeenTxID(_ txid: UInt64) throws {
        try NameStorage.writeSeenTxID(txid, in: currentDirectory)
    }

    static func writeSeenTxID(_ txid: UInt64, in current: String) throws {
        try DurableFiles.writeAtomically(Array("\(txid)\n".utf8), to: current + "/" + seenTxIDName)
    }

    /// Releases the directory's lock; the object must not be used afterwards.
    public func close() { lock.release() }
}
