@preconcurrency import Glibc
import Foundation

/// A finished child process: what it printed, how it ended, and what it used.
struct ChildRun {
    var output: Data
    var exitCode: Int32
    var peakResidentBytes: Int
    var wallSeconds: Double
}

/// Runs this executable again with `arguments`, capturing stdout and the child's own peak
/// resident memory (from `wait4`'s rusage, so each run is measured alone).
func runSelf(_ arguments: [String]) throws -> ChildRun {
    var pathBuffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let length = readlink("/proc/self/exe", &pathBuffer, Int(PATH_MAX))
    guard length > 0 else { throw ReplayErrorText("cannot find this executable (/proc/self/exe)") }
    let executable = String(decoding: pathBuffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    var pipeEnds: [Int32] = [0, 0]
    guard pipe(&pipeEnds) == 0 else { throw ReplayErrorText("pipe failed: errno \(errno)") }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
    posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    let clock = ContinuousClock()
    let start = clock.now
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
    close(pipeEnds[1])
    guard spawned == 0 else {
        close(pipeEnds[0])
        throw ReplayErrorText("cannot start \(executable): error \(spawned)")
    }
    var output = Data()
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = read(pipeEnds[0], &buffer, buffer.count)
        if count > 0 { output.append(contentsOf: buffer[0..<count]); continue }
        if count < 0 && errno == EINTR { continue }
        break
    }
    close(pipeEnds[0])
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    let elapsed = start.duration(to: clock.now)
    let exited = status & 0x7f == 0
    return ChildRun(output: output, exitCode: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f),
                    peakResidentBytes: Int(usage.ru_maxrss) * 1024,
                    wallSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}

struct ReplayErrorText: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
