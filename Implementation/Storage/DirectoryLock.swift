import Glibc
import Support

/// The exclusive lock on a journal directory: `flock(LOCK_EX | LOCK_NB)` on `in_use.lock`, as
/// upstream's `StorageDirectory.lock()` takes a `FileLock` on it.
///
/// `flock` locks belong to an open file description, so a second lock attempt conflicts whether
/// it comes from another process or from this one; the kernel drops the lock when the holder
/// dies. The holder writes `<pid>@<host>` into the file, as upstream writes its JVM name.
struct DirectoryLock {
    let path: String
    private let descriptor: Int32

    /// Takes the lock or throws `StorageError.locked(directory:)`.
    init(directory: String) throws {
        path = directory + "/in_use.lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw StorageError.system(SystemError("open", path: path)) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK { throw StorageError.locked(directory: directory) }
            throw StorageError.system(SystemError("flock", path: path, code: code))
        }
        self.descriptor = descriptor
        // Who holds it: informational only, so a failure to record it is not an error.
        _ = ftruncate(descriptor, 0)
        try? DurableFiles.writeAll(descriptor, Array((Self.holderName() + "\n").utf8), path: path)
    }

    /// Releases the lock (closing the descriptor drops it).
    func release() { close(descriptor) }

    private static func holderName() -> String {
        var host = [CChar](repeating: 0, count: 256)
        let hostName = gethostname(&host, host.count - 1) == 0
            ? String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "localhost"
        return "\(getpid())@\(hostName)"
    }
}
