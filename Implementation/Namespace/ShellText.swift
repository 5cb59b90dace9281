/// The one-line errors of the `hdfs dfs` shell (`hadoop-common/.../fs/shell/Command.displayError`
/// prints "<command>: <message>"; the `PathIOException` family formats the message as
/// "`<path>': <error>", see `fs/PathIOException.java` and its subclasses).
public enum ShellText {
    /// "<command>: <message>": how the shell prints any exception, e.g. one from the NameNode.
    public static func line(_ command: String, _ message: String) -> String { "\(command): \(message)" }

    /// `PathNotFoundException`: "mkdir: `/a/b': No such file or directory".
    public static func noSuchFile(_ command: String, _ path: String) -> String {
        pathLine(command, path, "No such file or directory")
    }

    /// `PathExistsException`: "mkdir: `/a': File exists" (mkdir without -p on an existing directory,
    /// a check the shell makes itself: the NameNode's mkdirs succeeds there).
    public static func fileExists(_ command: String, _ path: String) -> String {
        pathLine(command, path, "File exists")
    }

    /// `PathIsDirectoryException`: "rm: `/d': Is a directory" (rm without -r on any directory, a
    /// check the shell makes itself; touchz on a directory).
    public static func isDirectory(_ command: String, _ path: String) -> String {
        pathLine(command, path, "Is a directory")
    }

    /// `PathIsNotDirectoryException`: "mkdir: `/f': Is not a directory".
    public static func isNotDirectory(_ command: String, _ path: String) -> String {
        pathLine(command, path, "Is not a directory")
    }

    /// `PathIsNotEmptyDirectoryException`: "rmdir: `/d': Directory is not empty".
    public static func directoryNotEmpty(_ command: String, _ path: String) -> String {
        pathLine(command, path, "Directory is not empty")
    }

    /// `PathIOException` without detail: "rm: `/': Input/output error", printed when
    /// `FileSystem.delete` or `rename` returns false.
    public static func inputOutputError(_ command: String, _ path: String) -> String {
        pathLine(command, path, "Input/output error")
    }

    /// `CommandWithDestination.processPathArgument`: "mv: `/a' to `/a/b/a': is a subdirectory of itself".
    public static func subdirectoryOfItself(_ command: String, source: String, target: String) -> String {
        "\(command): `\(source)' to `\(target)': is a subdirectory of itself"
    }

    private static func pathLine(_ command: String, _ path: String, _ error: String) -> String {
        "\(command): `\(path)': \(error)"
    }
}

extension NamespaceError {
    /// The line `hdfs dfs -<command>` prints for this failure, e.g. "mkdir: `/a/b': No such file or
    /// directory" or "rm: `/d': Is a directory".
    ///
    /// Where the shell checks something itself before calling the NameNode (the parent exists, the
    /// target is a directory, the path exists), this renders the shell's text; otherwise it prints
    /// the NameNode's message as the shell does for a remote exception. Two checks have no
    /// NameNode error at all and are the CLI's to make with `status` first:
    /// `mkdir` without -p on an existing directory (`ShellText.fileExists`) and `rm` without -r on
    /// an empty directory (`ShellText.isDirectory`).
    public func shellMessage(command: String) -> String {
        switch kind {
        case .notFound, .parentNotFound, .destinationParentNotFound:
            return ShellText.noSuchFile(command, path)
        case .ancestorIsFile where exceptionClass == .accessControl:
            // The shell stats first; getFileInfo returns null to a superuser below a file.
            return ShellText.noSuchFile(command, path)
        case .existsAsFile:
            return ShellText.isNotDirectory(command, path)
        case .existsAsDirectory:
            return ShellText.isDirectory(command, path)
        case .alreadyExists, .destinationExists:
            return ShellText.fileExists(command, path)
        case .notEmpty:
            return command == "rmdir" ? ShellText.directoryNotEmpty(command, path) : ShellText.isDirectory(command, path)
        case .rootRefused:
            return ShellText.inputOutputError(command, path)
        case .destinationUnderSource:
            return ShellText.subdirectoryOfItself(command, source: path, target: targetPath ?? path)
        case .invalidPath, .pathTooLong, .componentTooLong, .directoryFull, .ancestorIsFile, .badReplication,
             .badBlockSize:
            return ShellText.line(command, message)
        }
    }
}
