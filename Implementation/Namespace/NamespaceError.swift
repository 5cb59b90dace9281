/// Why the namespace refused an operation: the Java exception class upstream HDFS throws, its
/// message text, and a structured kind for callers (and for `shellMessage(command:)`).
///
/// `description` reads like Java's `Throwable.toString()`: "<class>: <message>". The constructors
/// in `NamespaceError+Texts.swift` name the upstream source of every text.
public struct NamespaceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The upstream exception class, with its fully qualified Java name as raw value.
    public enum ExceptionClass: String, Sendable, CaseIterable {
        case fileNotFound = "java.io.FileNotFoundException"
        case fileAlreadyExists = "org.apache.hadoop.fs.FileAlreadyExistsException"
        case parentNotDirectory = "org.apache.hadoop.fs.ParentNotDirectoryException"
        case pathIsNotEmptyDirectory = "org.apache.hadoop.fs.PathIsNotEmptyDirectoryException"
        case invalidPath = "org.apache.hadoop.fs.InvalidPathException"
        case accessControl = "org.apache.hadoop.security.AccessControlException"
        case pathComponentTooLong = "org.apache.hadoop.hdfs.protocol.FSLimitException$PathComponentTooLongException"
        case maxDirectoryItemsExceeded =
            "org.apache.hadoop.hdfs.protocol.FSLimitException$MaxDirectoryItemsExceededException"
        case io = "java.io.IOException"

        /// The class name without its package, e.g. "FileNotFoundException".
        public var simpleName: String {
            let afterPackage = rawValue.split(separator: ".").last.map(String.init) ?? rawValue
            return afterPackage.split(separator: "$").last.map(String.init) ?? afterPackage
        }
    }

    /// What went wrong, independent of the wording (the raw value names it on the wire).
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// The path is relative, not normalised, or uses a reserved or forbidden component.
        case invalidPath
        /// The path is longer than 8000 characters or deeper than 1000 levels.
        case pathTooLong
        /// A new component is longer than 255 bytes.
        case componentTooLong
        /// The directory already holds the most entries allowed.
        case directoryFull
        /// An ancestor of the path is a file.
        case ancestorIsFile
        /// The path (or a rename's source) does not exist.
        case notFound
        /// The parent of a path to create does not exist.
        case parentNotFound
        /// mkdirs found a file at the path.
        case existsAsFile
        /// create found a directory at the path.
        case existsAsDirectory
        /// create found a file and may not overwrite it.
        case alreadyExists
        /// delete without `recursive` found a non-empty directory.
        case notEmpty
        /// The operation would delete or move the root.
        case rootRefused
        /// rename into the source's own subtree.
        case destinationUnderSource
        /// rename onto an existing path.
        case destinationExists
        /// rename to a path whose parent does not exist.
        case destinationParentNotFound
        /// create with a replication outside the allowed range.
        case badReplication
        /// create with a block size below the minimum.
        case badBlockSize
    }

    public var exceptionClass: ExceptionClass
    /// Upstream's message text, exactly.
    public var message: String
    public var kind: Kind
    /// The path the `hdfs dfs` shell names for this failure.
    public var path: String
    /// The second path, for a rename into its own subtree.
    public var targetPath: String?

    public init(_ exceptionClass: ExceptionClass, _ message: String, kind: Kind, path: String,
                targetPath: String? = nil) {
        self.exceptionClass = exceptionClass
        self.message = message
        self.kind = kind
        self.path = path
        self.targetPath = targetPath
    }

    public var description: String { "\(exceptionClass.rawValue): \(message)" }
}
