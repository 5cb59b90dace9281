@preconcurrency import Glibc
import Foundation
import Synchronization

/// Runs one child process to its end for a fencing method: stdin an empty pipe whose write end
/// is closed at once (a read gets end of file, as after upstream's `getOutputStream().close()`,
/// whatever state /dev/null is in), stdout and stderr read line by line, the child the leader
/// of its own process group, and a time limit after which the whole group is stopped
/// (SIGTERM, then SIGKILL).
///
/// Uses `posix_spawn` with `POSIX_SPAWN_SETPGROUP` (never `Foundation.Process`, which has been
/// seen hanging when children outlive it). One helper thread blocks in `waitpid` and reports the
/// exit over a socket pair; this thread `poll`s that socket and both output pipes, so nothing
/// is polled on a timer. Every wait is bounded by a deadline:
/// - the command gets `timeout`; then the group gets SIGTERM, `terminateGrace` later SIGKILL,
///   and after `killWaitMax` more the runner gives up waiting for the leader;
/// - once the leader has exited, output still arriving (from processes it left behind holding
///   the pipes) is read for at most `outputDrainAfterExit`; those processes are left running,
///   as upstream leaves them.
struct ChildProcessRunner {
    /// Which of the child's outputs a line came from.
    enum Output: Sendable, Equatable {
        case standardOutput
        case standardError
    }

    /// How the child ended.
    enum Outcome: Sendable, Equatable {
        /// It exited with this status.
        case exited(code: Int32)
        /// A signal ended it (not sent by us).
        case signalled(signal: Int32)
        /// It ran past the time limit; its process group was stopped.
        case timedOut
        /// It never ran: the reason (`strerror` text of the failing call).
        case failedToStart(reason: String)
    }

    /// After SIGTERM to a group that overran its time limit, how long before SIGKILL.
    static let terminateGrace: Duration = .seconds(2)
    /// After SIGKILL, how long to wait for the leader before giving up on it.
    static let killWaitMax: Duration = .seconds(5)
    /// After the leader exits, how long to keep reading output that is still arriving.
    static let outputDrainAfterExit: Duration = .seconds(1)
    /// Bytes read from a pipe at a time.
    static let readChunkBytes = 65_536
    /// Signals whose disposition the child gets back to the default (an ignored SIGPIPE or
    /// SIGTERM in this process must not carry over into a fencing script).
    static let signalsReset: [Int32] = [SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD, SIGALRM, SIGUSR1, SIGUSR2]

    /// The program: a path, or a bare name looked up in `PATH` when `searchesPath` is set.
    var executable: String
    /// `argv[1...]`.
    var arguments: [String]
    /// The child's whole environment.
    var environment: [String: String]
    /// Whether `executable` is looked up in `PATH` (`posix_spawnp`), as Java's ProcessBuilder does.
    var searchesPath: Bool
    /// How long the command may run before its process group is stopped.
    var timeout: Duration

    /// Runs the child. `started` gets its pid before any output; `line` gets each output line,
    /// on this thread, in the order read.
    func run(started: (pid_t) -> Void, line: (Output, String) -> Void) -> Outcome {
        var outputPipe: [Int32] = [-1, -1]
        var errorPipe: [Int32] = [-1, -1]
        var exitSockets: [Int32] = [-1, -1]
        guard Self.makePipe(&outputPipe) == 0 else { return .failedToStart(reason: "pipe: \(Self.errorText(errno))") }
        guard Self.makePipe(&errorPipe) == 0 else {
            let code = errno
            closeAll(outputPipe)
            return .failedToStart(reason: "pipe: \(Self.errorText(code))")
        }
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &exitSockets) == 0 else {
            let code = errno
            closeAll(outputPipe + errorPipe)
            return .failedToStart(reason: "socketpair: \(Self.errorText(code))")
        }
        var inputPipe: [Int32] = [-1, -1]
        guard Self.makePipe(&inputPipe) == 0 else {
            let code = errno
            closeAll(outputPipe + errorPipe + exitSockets)
            return .failedToStart(reason: "pipe: \(Self.errorText(code))")
        }
        let spawned = spawn(standardInput: inputPipe[0], standardOutput: outputPipe[1], standardError: errorPipe[1])
        // Closing the write end of stdin at once is upstream's `p.getOutputStream().close()`.
        closeAll(inputPipe + [outputPipe[1], errorPipe[1]])
        let pid: pid_t
        switch spawned {
        case .failure(let failure):
            closeAll([outputPipe[0], errorPipe[0]] + exitSockets)
            return .failedToStart(reason: failure.reason)
        case .success(let childPid):
            pid = childPid
        }
        started(pid)
        let exitStatus = ExitStatusCell()
        Self.startWaiter(pid: pid, cell: exitStatus, notify: exitSockets[1])
        var loop = EventLoop(pid: pid, outputDescriptor: outputPipe[0], errorDescriptor: errorPipe[0],
                             exitDescriptor: exitSockets[0], deadline: ContinuousClock.now + timeout)
        loop.run(line: line)
        if loop.timedOut { return .timedOut }
        guard let status = exitStatus.value else { return .timedOut }
        return Self.outcome(status)
    }

    /// What a `waitpid` status means.
    static func outcome(_ status: Int32) -> Outcome {
        let signal = status & 0x7f
        if signal == 0 { return .exited(code: (status >> 8) & 0xff) }
        return .signalled(signal: signal)
    }

    /// `pipe2(O_CLOEXEC)`, so that no child spawned meanwhile by another thread inherits the
    /// write end (which would hold our end-of-file back). Glibc declares `pipe2` only under
    /// `_GNU_SOURCE`, which the Swift overlay does not set, so it is looked up at run time;
    /// without it, `pipe` then `FD_CLOEXEC` (a small window) is used.
    static func makePipe(_ ends: inout [Int32]) -> Int32 {
        if let pipe2 = pipe2Function {
            return ends.withUnsafeMutableBufferPointer { pipe2($0.baseAddress!, O_CLOEXEC) }
        }
        guard pipe(&ends) == 0 else { return -1 }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return 0
    }

    /// Glibc's `pipe2`, found with `dlsym(RTLD_DEFAULT, "pipe2")`.
    private static let pipe2Function: (@convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pipe2") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32).self)
    }()

    /// `strerror` as a Swift string.
    static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// A detached thread that reaps `pid`, records its status, and says so on `notify`.
    private static func startWaiter(pid: pid_t, cell: ExitStatusCell, notify: Int32) {
        let thread = Thread {
            var status: Int32 = 0
            var reaped = waitpid(pid, &status, 0)
            while reaped < 0 && errno == EINTR { reaped = waitpid(pid, &status, 0) }
            // ECHILD: someone else reaped it; report an unknown end as a failure status.
            cell.set(reaped == pid ? status : 0x7f00)
            var byte: UInt8 = 1
            _ = send(notify, &byte, 1, Int32(MSG_NOSIGNAL))
            close(notify)
        }
        thread.name = "fencing-waitpid-\(pid)"
        thread.start()
    }

    /// Starts the child with the pipes as stdout and stderr: the pid, or why it failed.
    private func spawn(standardInput: Int32, standardOutput: Int32, standardError: Int32) -> Result<pid_t, SpawnFailure> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, standardInput, 0)
        posix_spawn_file_actions_adddup2(&actions, standardOutput, 1)
        posix_spawn_file_actions_adddup2(&actions, standardError, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in Self.signalsReset { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp: [UnsafeMutablePointer<CChar>?] = environment.sorted { $0.key < $1.key }
            .map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let result = searchesPath
            ? posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
            : posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { return .failure(SpawnFailure(reason: Self.errorText(result))) }
        return .success(pid)
    }

    private func closeAll(_ descriptors: [Int32]) {
        for descriptor in descriptors where descriptor >= 0 { close(descriptor) }
    }
}

/// Why `posix_spawn` failed (its `strerror` text).
struct SpawnFailure: Error {
    var reason: String
}

/// The exit status the waiter thread saw, shared with the thread that runs the child.
final class ExitStatusCell: Sendable {
    private let storage = Mutex<Int32?>(nil)

    func set(_ status: Int32) { storage.withLock { $0 = status } }

    var value: Int32? { storage.withLock { $0 } }
}
