/// Why a name directory could not be formatted, opened or read. Texts follow upstream
/// `Storage`, `NNStorage`, `FSImage` and `InconsistentFSStateException`.
public enum NameStorageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `FSImage.recoverTransitionRead`: `IOException("NameNode is not formatted.")`.
    case notFormatted(directory: String)
    /// `InconsistentFSStateException`: "Directory D is in an inconsistent state: <detail>".
    case inconsistent(directory: String, detail: String)
    /// `Storage.StorageDirectory.lock`: "Cannot lock storage D. The directory is already locked".
    case locked(directory: String)
    /// A format with namespace id 0 (`checkState(nsId != 0, "can't format with uninitialized
    /// namespace info: %s")` as the JournalNode words it).
    case uninitializedNamespace(NamespaceInfoText)
    /// `FSImage.loadFSImage` with no image: `FileNotFoundException("No valid image files found")`.
    case noImage(directory: String)

    /// A `NamespaceInfo` rendered for the message (kept as text so the error stays `Equatable`).
    public typealias NamespaceInfoText = String

    public var description: String {
        switch self {
        case .notFormatted:
            return "NameNode is not formatted."
        case .inconsistent(let directory, let detail):
            return "Directory \(directory) is in an inconsistent state: \(detail)"
        case .locked(let directory):
            return "Cannot lock storage \(directory). The directory is already locked"
        case .uninitializedNamespace(let info):
            return "can't format with uninitialized namespace info: \(info)"
        case .noImage:
            return "No valid image files found"
        }
    }
}
