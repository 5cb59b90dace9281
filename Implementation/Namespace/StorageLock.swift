import Glibc
import Support
import Synchronization

/// The exclusive `in_use.lock` of a storage directory: an `flock` held for the life of the
/// object, so a second NameNode (or a format) on the same directory is refused. The file holds
/// "pid@hostname" as upstream's JVM name does; it is left in place on release.
final class StorageLock: Sendable {
    static let fileName = "in_use.lock"
    /// The locked descriptor, or -1 once released.
    private let descriptor: Mutex<Int32>

    private init(descriptor: Int32) {
        self.descriptor = Mutex(descriptor)
    }

    /// Locks `directory` or throws `NameStorageError.locked`.
    static func acquire(_ directory: String) throws -> StorageLock {
        let path = directory + "/" + fileName
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw SystemError("open", path: path) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK { throw NameStorageError.locked(directory: directory) }
            throw SystemError("flock", path: path, code: code)
        }
        let holder = "\(getpid())@\(hostName())\n"
        if ftruncate(descriptor, 0) == 0 {
            try? DurableFiles.writeAll(descriptor, Array(holder.utf8), path: path)
        }
        return StorageLock(descriptor: descriptor)
    }

    /// Releases the lock; later calls do nothing.
    func release() {
        descriptor.withLock { descriptor in
            if descriptor >= 0 {
                close(descriptor)
                descriptor = -1
            }
        }
    }

    deinit { release() }

    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
