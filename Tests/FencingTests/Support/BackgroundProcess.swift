@preconcurrency import Glibc
import Foundation

/// A long-running helper process of a test (sshd, a TCP listener): the leader of its own
/// process group, stdin from /dev/null, stdout and stderr into one pipe this test reads.
final class BackgroundProcess {
    /// How long `waitForLine` and `waitForEndOfOutput` wait at most.
    static let waitMax: Duration = .seconds(10)

    let pid: pid_t
    private var outputDescriptor: Int32
    private var pending: [UInt8] = []
    /// Every complete output line read so far.
    private(set) var lines: [String] = []
    private var reaped = false

    /// Starts `executable arguments` (looked up in `PATH` when it has no `/`).
    init(_ executable: String, _ arguments: [String]) throws {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw TestFailure("pipe: \(String(cString: strerror(errno)))") }
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, ends[1], 1)
        posix_spawn_file_actions_adddup2(&actions, ends[1], 2)
        posix_spawn_file_actions_addclose(&actions, ends[1])
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let result = posix_spawnp(&child, executable, &actions, &attributes, argv, environ)
        close(ends[1])
        guard result == 0 else {
            close(ends[0])
            throw TestFailure("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        pid = child
        outputDescriptor = ends[0]
    }

    deinit { stop() }

    /// Reads output until a line contains `text` (true), or end of output or `waitMax` (false).
    func waitForLine(containing text: String) -> Bool {
        let deadline = ContinuousClock.now + BackgroundProcess.waitMax
        while !lines.contains(where: { $0.contains(text) }) {
            guard readOnce(until: deadline) else { return false }
        }
        return true
    }

    /// Reads until end of output (the process and everything holding its output are gone):
    /// true, or false if `waitMax` passes first.
    func waitForEndOfOutput() -> Bool {
        let deadline = ContinuousClock.now + BackgroundProcess.waitMax
        while outputDescriptor >= 0 {
            guard readOnce(until: deadline) else { return outputDescriptor < 0 }
        }
        return true
    }

    /// Kills the whole process group and reaps the leader.
    func stop() {
        guard !reaped else { return }
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        reaped = true
        if outputDescriptor >= 0 { close(outputDescriptor); outputDescriptor = -1 }
    }

    /// One poll and read; false at end of output or past `deadline`.
    private func readOnce(until deadline: ContinuousClock.Instant) -> Bool {
        guard outputDescriptor >= 0 else { return false }
        let remaining = ContinuousClock.now.duration(to: deadline)
        guard remaining > .zero else { return false }
        var entry = pollfd(fd: outputDescriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(remaining.components.seconds * 1_000) + 1
        let ready = poll(&entry, 1, milliseconds)
        if ready < 0 && errno == EINTR { return true }
        guard ready > 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 4_096)
        let count = read(outputDescriptor, &buffer, buffer.count)
        if count < 0 && errno == EINTR { return true }
        guard count > 0 else {
            close(outputDescriptor)
            outputDescriptor = -1
            return false
        }
        for byte in buffer[0..<count] {
            if byte == UInt8(ascii: "\n") {
                lines.append(String(decoding: pending, as: UTF8.self))
                pending.removeAll()
            } else {
                pending.append(byte)
            }
        }
        return true
    }
}
