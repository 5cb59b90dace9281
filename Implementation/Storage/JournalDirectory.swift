import Glibc
import Model
import Support

/// One journal's storage on a JournalNode: `<root>/<journalID>/` with upstream's layout, holding
/// exactly `JournalDurableState` and changed only by `perform(_:edits:)`, one `JournalWrite` at a
/// time, each durable before it returns.
///
/// Not thread-safe: one owner thread opens, writes, reads and closes it (the daemon's journal
/// thread). The directory lock keeps other instances, in this process or another, away.
public final class JournalDirectory {
    /// `<root>/<journalID>`.
    public let directory: String
    /// The namespace in `current/VERSION`; nil when the journal is not formatted.
    public private(set) var namespaceInfo: NamespaceInfo?
    /// The durable state rebuilt from disk, equal to what the model's `apply` would hold.
    public internal(set) var durableState: JournalDurableState

    let layout: JournalLayout
    let log: @Sendable (String) -> Void
    private var lock: DirectoryLock?
    /// The in-progress segment open for appending: its start and descriptor.
    var appendTarget: (start: TxID, descriptor: Int32)?
    /// The first failure of a write that had begun changing the disk; later calls refuse.
    var failure: StorageError?

    public var isFormatted: Bool { namespaceInfo != nil }

    /// Opens `<root>/<journalID>`, creating it if missing, takes the exclusive lock `in_use.lock`
    /// and loads the state: a torn tail of an in-progress segment or temporary download is cut
    /// (and reported through `log`); corruption anywhere else is refused with a `StorageError`
    /// naming the file and offset. A second instance on the same directory is refused with
    /// "Cannot lock storage <dir>. The directory is already locked".
    public init(root: String, journalID: String, log: @escaping @Sendable (String) -> Void = { _ in }) throws {
        guard root.hasPrefix("/") else { throw StorageError.notAbsolute(root: root) }
        guard !journalID.isEmpty, journalID != ".", journalID != "..", !journalID.contains("/") else {
            throw StorageError.invalidJournalID(journalID)
        }
        let directory = (root.hasSuffix("/") ? String(root.dropLast()) : root) + "/" + journalID
        try StorageError.wrapping { try DurableFiles.makeDirectories(directory) }
        let lock = try DirectoryLock(directory: directory)
        let layout = JournalLayout(directory: directory)
        let loaded: (NamespaceInfo?, JournalDurableState)
        do {
            loaded = try JournalLoader(layout: layout, log: log).load()
        } catch {
            lock.release()
            throw error
        }
        namespaceInfo = loaded.0
        durableState = loaded.1
        self.directory = directory
        self.layout = layout
        self.log = log
        self.lock = lock
    }

    deinit { close() }

    /// Formats the journal for `info`, as upstream `Journal.format` / `JNStorage.format`: clears
    /// `current/` (every segment, epoch, committed txid and paxos record), creates `paxos/` and
    /// writes `VERSION` last, so a crash half-way leaves an unformatted journal. Without `force`,
    /// a non-empty `current/` is refused as in newer upstream versions.
    public func format(_ info: NamespaceInfo, force: Bool = true) throws {
        try checkUsable()
        guard info.namespaceID != 0 else { throw StorageError.uninitializedNamespace(info) }
        if !force, !(try StorageFiles.list(layout.currentDirectory)).isEmpty {
            throw StorageError.formatNotEmpty(directory: directory)
        }
        closeAppendTarget()
        try durably {
            try StorageFiles.makeDirectoryDurably(layout.currentDirectory)
            try StorageFiles.unlinkDurably(layout.versionPath)
            try StorageFiles.removeContents(of: layout.currentDirectory)
            try StorageFiles.makeDirectoryDurably(layout.paxosDirectory)
            try StorageError.wrapping { try DurableFiles.writeAtomically(VersionFile.encode(info), to: layout.versionPath) }
        }
        namespaceInfo = info
        durableState = JournalDurableState(formatted: true)
        log("Formatted journal storage \(directory) with namespace info \(info)")
    }

    /// Upstream's `checkConsistentNamespace` on newEpoch and format: the requester's namespace id
    /// and cluster id must match the stored ones.
    public func checkConsistent(with info: NamespaceInfo) throws {
        guard let stored = namespaceInfo else { throw StorageError.notFormatted(directory: directory) }
        guard info.namespaceID == stored.namespaceID else {
            throw StorageError.incompatibleNamespaceID(directory: directory, requested: info.namespaceID, stored: stored.namespaceID)
        }
        guard info.clusterID == stored.clusterID else {
            throw StorageError.incompatibleClusterID(directory: directory, requested: info.clusterID, stored: stored.clusterID)
        }
    }

    /// Closes the open segment and releases the lock; later calls throw `closed`. Idempotent.
    public func close() {
        closeAppendTarget()
        lock?.release()
        lock = nil
    }

    // MARK: - Shared by the extensions

    /// Refuses work after `close` or after a write failed half-way.
    func checkUsable() throws {
        guard lock != nil else { throw StorageError.closed(directory: directory) }
        if let failure { throw StorageError.failedEarlier(directory: directory, cause: failure.description) }
    }

    /// Runs disk changes; a failure among them leaves the disk unknown, so it is remembered and
    /// every later write is refused until the directory is reopened and reloaded.
    func durably(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            let storageError = (error as? StorageError) ?? (error as? SystemError).map(StorageError.system)
                ?? StorageError.failedEarlier(directory: directory, cause: "\(error)")
            failure = storageError
            closeAppendTarget()
            throw storageError
        }
    }

    func closeAppendTarget() {
        if let target = appendTarget { Glibc.close(target.descriptor) }
        appendTarget = nil
    }

    /// The descriptor to append to segment `start`, opening its file if another (or none) is open.
    func appendDescriptor(for start: TxID) throws -> Int32 {
        if let target = appendTarget, target.start == start { return target.descriptor }
        closeAppendTarget()
        let descriptor = try StorageFiles.openForAppend(layout.inProgressPath(start))
        appendTarget = (start, descriptor)
        return descriptor
    }
}
