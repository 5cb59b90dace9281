import Glibc
import Support

/// File operations the journal needs beyond `DurableFiles`, each made durable where it says so
/// and failing with `StorageError.system` naming the call and the path.
enum StorageFiles {
    /// The deepest directory nesting `removeContents` descends into.
    static let removalDepthMax = 8

    /// Renames `source` over `destination`, then fsyncs the directory so the rename survives.
    static func renameDurably(_ source: String, to destination: String) throws {
        guard rename(source, destination) == 0 else { throw StorageError.system(SystemError("rename", path: source)) }
        try StorageError.wrapping { try DurableFiles.syncDirectory(containing: destination) }
    }

    /// Deletes `path` if it exists, then fsyncs its directory.
    static func unlinkDurably(_ path: String) throws {
        if unlink(path) != 0 && errno != ENOENT { throw StorageError.system(SystemError("unlink", path: path)) }
        try StorageError.wrapping { try DurableFiles.syncDirectory(containing: path) }
    }

    /// Cuts `path` to `length` bytes and fsyncs it.
    static func truncate(_ path: String, to length: Int) throws {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StorageError.system(SystemError("open", path: path)) }
        defer { close(descriptor) }
        guard ftruncate(descriptor, off_t(length)) == 0 else { throw StorageError.system(SystemError("ftruncate", path: path)) }
        guard fsync(descriptor) == 0 else { throw StorageError.system(SystemError("fsync", path: path)) }
    }

    /// fsyncs a file's content.
    static func sync(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StorageError.system(SystemError("open", path: path)) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw StorageError.system(SystemError("fsync", path: path)) }
    }

    /// Opens `path` for appending.
    static func openForAppend(_ path: String) throws -> Int32 {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else { throw StorageError.system(SystemError("open", path: path)) }
        return descriptor
    }

    /// Whether `path` exists (without following a final symbolic link).
    static func exists(_ path: String) -> Bool {
        var information = stat()
        return lstat(path, &information) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var information = stat()
        return lstat(path, &information) == 0 && (information.st_mode & S_IFMT) == S_IFDIR
    }

    /// The names in `directory`, or none when it does not exist.
    static func list(_ directory: String) throws -> [String] {
        guard exists(directory) else { return [] }
        return try StorageError.wrapping { try DurableFiles.list(directory) }
    }

    /// Deletes everything inside `directory` (not the directory itself), then fsyncs it.
    static func removeContents(of directory: String, depth: Int = 0) throws {
        guard depth < removalDepthMax else {
            throw StorageError.system(SystemError("rmdir", path: directory, code: ELOOP))
        }
        for name in try list(directory) {
            let path = directory + "/" + name
            if isDirectory(path) {
                try removeContents(of: path, depth: depth + 1)
                guard rmdir(path) == 0 else { throw StorageError.system(SystemError("rmdir", path: path)) }
            } else if unlink(path) != 0 && errno != ENOENT {
                throw StorageError.system(SystemError("unlink", path: path))
            }
        }
        try StorageError.wrapping { try DurableFiles.syncDirectory(directory) }
    }

    /// Creates `directory` if missing and fsyncs its parent so the new entry survives.
    static func makeDirectoryDurably(_ directory: String) throws {
        guard !isDirectory(directory) else { return }
        try StorageError.wrapping {
            try DurableFiles.makeDirectories(directory)
            try DurableFiles.syncDirectory(containing: directory)
        }
    }
}
