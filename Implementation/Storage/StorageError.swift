import Model
import Support

/// Why the JournalNode storage refused to open, load, write or read; every case names the file or
/// directory concerned, and the byte offset where one is relevant.
public enum StorageError: Error, Equatable, CustomStringConvertible {
    /// Another `JournalDirectory`, in this process or another, holds `in_use.lock`.
    case locked(directory: String)
    /// The storage root is relative (upstream requires an absolute `dfs.journalnode.edits.dir`).
    case notAbsolute(root: String)
    /// A journal id that cannot name a directory (empty, `.`, `..`, or containing `/`).
    case invalidJournalID(String)
    /// An operating-system call failed.
    case system(SystemError)
    /// A segment file's header or records are damaged somewhere other than a torn tail.
    case corruptSegment(file: String, offset: Int, reason: String)
    /// A metadata file (`VERSION`, an epoch or txid file, a paxos record) does not parse.
    case badMetadata(file: String, reason: String)
    /// A batch of records (from a request or a download) fails validation.
    case invalidRecords(offset: Int, reason: String)
    /// The directory has no `current/VERSION`.
    case notFormatted(directory: String)
    /// The requester's namespace id differs from the stored one.
    case incompatibleNamespaceID(directory: String, requested: Int32, stored: Int32)
    /// The requester's cluster id differs from the stored one.
    case incompatibleClusterID(directory: String, requested: String, stored: String)
    /// `format` with namespace id 0.
    case uninitializedNamespace(NamespaceInfo)
    /// `format(force: false)` on a `current/` directory that holds files.
    case formatNotEmpty(directory: String)
    /// `readEdits` of a segment this journal does not have.
    case noSegment(directory: String, start: TxID)
    /// `readEdits` from a txid outside what the segment holds.
    case txidOutOfRange(file: String, requested: TxID, first: TxID, last: TxID)
    /// A read of a negative number of records.
    case invalidCount(file: String, count: Int)
    /// A write that does not fit what is on disk (the caller and the storage disagree).
    case inconsistentWrite(directory: String, write: String, reason: String)
    /// An earlier write failed half-way; the directory must be reopened to reload the truth.
    case failedEarlier(directory: String, cause: String)
    /// The directory was closed.
    case closed(directory: String)

    public var description: String {
        switch self {
        case .locked(let directory):
            return "Cannot lock storage \(directory). The directory is already locked"
        case .notAbsolute(let root):
            return "Journal dir '\(root)' should be an absolute path"
        case .invalidJournalID(let journalID):
            return "Invalid journal id '\(journalID)': it must be a non-empty directory name without '/'"
        case .system(let error):
            return error.description
        case .corruptSegment(let file, let offset, let reason):
            return "Corrupt edit log \(file) at offset \(offset): \(reason)"
        case .badMetadata(let file, let reason):
            return "Bad metadata file \(file): \(reason)"
        case .invalidRecords(let offset, let reason):
            return "Invalid edit records at offset \(offset): \(reason)"
        case .notFormatted(let directory):
            return "Journal Storage Directory \(directory) not formatted"
        case .incompatibleNamespaceID(let directory, let requested, let stored):
            return "Incompatible namespaceID for journal Storage Directory \(directory): NameNode has nsId \(requested) but storage has nsId \(stored)"
        case .incompatibleClusterID(let directory, let requested, let stored):
            return "Incompatible clusterID for journal Storage Directory \(directory): NameNode has clusterId '\(requested)' but storage has clusterId '\(stored)'"
        case .uninitializedNamespace(let info):
            return "can't format with uninitialized namespace info: \(info)"
        case .formatNotEmpty(let directory):
            return "Directory \(directory) is in an inconsistent state: Can't format the storage directory because the current directory is not empty."
        case .noSegment(let directory, let start):
            return "No edit log found starting at txid \(start) in \(directory)"
        case .txidOutOfRange(let file, let requested, let first, let last):
            return "Cannot read from txid \(requested) of \(file): it holds txids \(first)-\(last)"
        case .invalidCount(let file, let count):
            return "Cannot read \(count) records of \(file): the count must not be negative"
        case .inconsistentWrite(let directory, let write, let reason):
            return "Cannot perform \(write) in \(directory): \(reason)"
        case .failedEarlier(let directory, let cause):
            return "Storage \(directory) failed during an earlier write and must be reopened: \(cause)"
        case .closed(let directory):
            return "Storage \(directory) is closed"
        }
    }

    /// Runs `body`, turning a `SystemError` from `Support` into `.system`.
    static func wrapping<Result>(_ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch let error as SystemError {
            throw StorageError.system(error)
        }
    }
}
