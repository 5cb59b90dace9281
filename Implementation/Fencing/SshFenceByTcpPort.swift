@preconcurrency import Glibc
import Foundation
import HadoopConfig

/// `sshfence([[user][:port]])`: ssh to the target's host and kill whatever listens on its RPC
/// port (upstream `SshFenceByTcpPort`, reference §5.4), with the system `ssh` client.
///
/// Steps and logs, as upstream:
/// 1. `Connecting to <host>...`; a first ssh session runs `true` to prove the connection and
///    the login (upstream opens its one JSch session here). Failure: `Unable to connect to
///    <host> as user <user>` (plus ssh's own message) → not fenced.
/// 2. `Connected to <host>`, `Looking for process running on port <p>`, then
///    `PATH=$PATH:/sbin:/usr/sbin fuser -v -k -n tcp <p>` remotely:
///    - 0 → `Successfully killed process that was listening on port <p>` → fenced;
///    - 1 → `Indeterminate response from trying to kill service. Verifying whether it is
///      running using nc...`, then `nc -z <host> <p>` remotely: 0 → `Unable to fence - it is
///      running but we cannot kill it` → not fenced; anything else → `Verified that the service
///      is down.` → fenced;
///    - anything else → `rc: <n>` → not fenced.
/// Remote output lines are logged as `<remote command> via ssh: <line>`. ssh's own failure (exit
/// 255) after step 1 logs `Unable to achieve fencing on remote host` → not fenced. The whole
/// method shares one time limit; running past it stops ssh and is not fenced.
struct SshFenceByTcpPort {
    /// The ssh client used.
    static let sshExecutable = "/usr/bin/ssh"
    /// The status ssh exits with when it, rather than the remote command, failed.
    static let sshFailureStatus: Int32 = 255

    /// The login user; nil means the local user (upstream's `user.name`).
    let user: String?
    let sshPort: Int
    let settings: SshFenceSettings
    let timeout: Duration
    let log: @Sendable (String) -> Void

    /// How one remote command ended, as the steps above need it.
    enum RemoteResult: Equatable {
        case exited(Int32)
        case sshFailed(detail: String)
        case timedOut
    }

    func tryFence(_ target: FenceTarget) -> Bool {
        let deadline = ContinuousClock.now + timeout
        let login = user ?? SshFenceByTcpPort.localUserName()
        log("Connecting to \(target.host)...")
        switch run("true", login: login, host: target.host, deadline: deadline, logsOutput: false) {
        case .exited(0):
            break
        case .exited(let code):
            log("Unable to connect to \(target.host) as user \(login): the remote shell exited with \(code)")
            return false
        case .sshFailed(let detail):
            log("Unable to connect to \(target.host) as user \(login)" + (detail.isEmpty ? "" : ": \(detail)"))
            return false
        case .timedOut:
            log("Unable to connect to \(target.host) as user \(login): timed out")
            return false
        }
        log("Connected to \(target.host)")
        log("Looking for process running on port \(target.port)")
        let kill = run("PATH=$PATH:/sbin:/usr/sbin fuser -v -k -n tcp \(target.port)",
                       login: login, host: target.host, deadline: deadline, logsOutput: true)
        switch kill {
        case .exited(0):
            log("Successfully killed process that was listening on port \(target.port)")
            return true
        case .exited(1):
            // fuser found nothing, or could not see the process (another user's, without root).
            log("Indeterminate response from trying to kill service. Verifying whether it is running using nc...")
            let probe = run("nc -z \(SshFenceByTcpPort.shellWord(target.host)) \(target.port)",
                            login: login, host: target.host, deadline: deadline, logsOutput: true)
            switch probe {
            case .exited(0):
                log("Unable to fence - it is running but we cannot kill it")
                return false
            case .exited:
                log("Verified that the service is down.")
                return true
            case .sshFailed, .timedOut:
                log("Unable to achieve fencing on remote host")
                return false
            }
        case .exited(let code):
            log("rc: \(code)")
            return false
        case .sshFailed, .timedOut:
            log("Unable to achieve fencing on remote host")
            return false
        }
    }

    /// Runs `command` on `host` through ssh; with `logsOutput`, each output line is logged as
    /// `<command> via ssh: <line>`, else stderr is kept for the failure detail.
    func run(_ command: String, login: String, host: String, deadline: ContinuousClock.Instant,
             logsOutput: Bool) -> RemoteResult {
        let remaining = ContinuousClock.now.duration(to: deadline)
        guard remaining > .zero else { return .timedOut }
        let arguments = sshArguments(login: login, host: host, command: command)
        let runner = ChildProcessRunner(executable: SshFenceByTcpPort.sshExecutable, arguments: arguments,
                                        environment: ProcessInfo.processInfo.environment,
                                        searchesPath: false, timeout: remaining)
        let errors = ErrorLines()
        let outcome = runner.run(started: { _ in }, line: { output, text in
            if logsOutput { log("\(command) via ssh: \(text)") }
            if output == .standardError { errors.append(text) }
        })
        switch outcome {
        case .exited(SshFenceByTcpPort.sshFailureStatus):
            return .sshFailed(detail: errors.lines.joined(separator: " "))
        case .exited(let code):
            return .exited(code)
        case .signalled(let signal):
            return .sshFailed(detail: "ssh ended by signal \(signal)")
        case .failedToStart(let reason):
            return .sshFailed(detail: "cannot run \(SshFenceByTcpPort.sshExecutable): \(reason)")
        case .timedOut:
            log(NodeFencer.timeoutMessage(command: "ssh \(login)@\(host) \(command)", timeout: remaining))
            return .timedOut
        }
    }

    /// `ssh`'s arguments: batch mode (never prompt), no host key checks (upstream sets JSch's
    /// `StrictHostKeyChecking=no`), no known-hosts file written, errors only, the connect
    /// timeout in whole seconds, the configured keys (and only them, when there are any), the
    /// port, `--`, `user@host`, and the remote command.
    func sshArguments(login: String, host: String, command: String) -> [String] {
        let connectMilliseconds = settings.connectTimeout.components.seconds * 1_000
            + settings.connectTimeout.components.attoseconds / 1_000_000_000_000_000
        let connectSeconds = max(1, (connectMilliseconds + 999) / 1_000)
        var arguments = ["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                         "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                         "-o", "ConnectTimeout=\(connectSeconds)"]
        if !settings.privateKeyFiles.isEmpty { arguments += ["-o", "IdentitiesOnly=yes"] }
        for keyFile in settings.privateKeyFiles { arguments += ["-i", keyFile] }
        arguments += ["-p", String(sshPort), "--", "\(login)@\(host)", command]
        return arguments
    }

    /// The local user's name (Java's `user.name`): the passwd entry of the effective uid.
    static func localUserName() -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? String(geteuid())
    }

    /// `word` as one word for the remote shell: as is when it holds only characters a host name
    /// may hold, else single-quoted.
    static func shellWord(_ word: String) -> String {
        let plain = !word.isEmpty && word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-._:%[]".contains($0)) }
        if plain { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// The stderr lines of one ssh run, kept for a failure message (bounded).
private final class ErrorLines {
    /// Lines kept; ssh's own errors are one or two lines.
    static let linesMax = 20
    private(set) var lines: [String] = []

    func append(_ line: String) {
        if lines.count < ErrorLines.linesMax { lines.append(line) }
    }
}
