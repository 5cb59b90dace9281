@preconcurrency import Glibc
import Foundation

/// Starting and stopping daemon processes, each the leader of its own process group so that a
/// stop takes its children (a fencing script, an ssh) with it.
public enum DaemonProcess {
    public struct SpawnError: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// This executable (`/proc/self/exe`).
    public static func currentExecutable() throws -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, Int(PATH_MAX))
        guard length > 0 else { throw SpawnError(description: "cannot find this executable (/proc/self/exe)") }
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Starts `executable arguments` in a new session (so a new process group), stdin from
    /// /dev/null, stdout and stderr appended to `logPath`. Returns the pid (= the group id).
    public static func spawn(_ executable: String, _ arguments: [String], logPath: String,
                             environment: [String: String]? = nil) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(0x80))  // POSIX_SPAWN_SETSID (glibc 2.26+)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var envp: [UnsafeMutablePointer<CChar>?]? = environment.map { values in
            values.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        }
        defer { envp?.forEach { free($0) } }
        var pid: pid_t = 0
        let result: Int32
        if envp != nil {
            result = envp!.withUnsafeMutableBufferPointer { posix_spawn(&pid, executable, &actions, &attributes, argv, $0.baseAddress) }
        } else {
            result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        }
        guard result == 0 else {
            throw SpawnError(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// Runs `executable arguments` (output appended to `logPath`) and waits for it: its exit
    /// status, or 128 + the signal that ended it.
    public static func runToCompletion(_ executable: String, _ arguments: [String], logPath: String) throws -> Int32 {
        let pid = try spawn(executable, arguments, logPath: logPath)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// Waits until `host:port` accepts connections: true once it does, false after `within` or as
    /// soon as `alive` says the process that should listen is gone.
    public static func awaitConnections(host: String, port: UInt16, within: Duration,
                                        while alive: () -> Bool = { true }) -> Bool {
        let deadline = ContinuousClock.now + within
        while ContinuousClock.now < deadline {
            if acceptsConnections(host: host, port: port) { return true }
            guard alive() else { return false }
            usleep(20_000)
        }
        return false
    }

    /// Whether `pid` is alive: not gone and not a zombie (reaped here if it is our child; an
    /// orphan's zombie lingers until init reaps it, and counts as dead).
    public static func isAlive(_ pid: pid_t) -> Bool {
        var status: Int32 = 0
        let reaped = waitpid(pid, &status, WNOHANG)
        if reaped == pid { return false }
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        // "pid (comm) S ...": the state letter follows the last ')'.
        return stat.split(separator: ")").last?.split(separator: " ").first != "Z"
    }

    /// Sends `signal` to the process group `pid` leads.
    @discardableResult
    public static func signalGroup(_ pid: pid_t, _ signal: Int32) -> Bool { kill(-pid, signal) == 0 }

    /// SIGTERM to the group, then SIGKILL after `graceMilliseconds` if it is still there; reaps it
    /// if it is our child.
    public static func stop(_ pid: pid_t, graceMilliseconds: Int = 3_000) {
        signalGroup(pid, SIGCONT)
        signalGroup(pid, SIGTERM)
        let deadline = ContinuousClock.now + .milliseconds(graceMilliseconds)
        while ContinuousClock.now < deadline {
            if !isAlive(pid) { signalGroup(pid, SIGKILL); return }
            usleep(10_000)
        }
        signalGroup(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
    }
}

extension DaemonProcess {
    /// Whether a TCP connection to `host:port` is accepted within `timeoutMilliseconds` (the
    /// connection is closed at once; nothing is sent).
    public static func acceptsConnections(host: String, port: UInt16, timeoutMilliseconds: Int32 = 1_000) -> Bool {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host == "0.0.0.0" ? "127.0.0.1" : host, &address.sin_addr) == 1 else { return false }
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result == 0 { return true }
        guard errno == EINPROGRESS else { return false }
        var poller = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        guard poll(&poller, 1, timeoutMilliseconds) == 1 else { return false }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
        return error == 0
    }
}
