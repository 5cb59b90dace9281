import Foundation
import HadoopConfig

/// `shell(command)`: runs `bash -e -c command` against a target and says whether it fenced
/// (upstream `ShellCommandFencer`, reference §5.3).
///
/// The command's environment is this process's environment, then every configuration key with
/// each `.` replaced by `_` (upstream `setConfAsEnvVars`), then the target's fencing
/// parameters with the prefix `target_` (`addTargetInfoAsEnvVars`); later entries win. Stdin is
/// an empty pipe already closed at the other end, so a `read` gets end of file at once. Each stdout and stderr line is logged as
/// `[PID n] <command abbreviated to 20>: <line>`. Exit status 0 means fenced; anything else,
/// a failure to start, or running past the time limit (upstream has none) means not fenced.
struct ShellCommandFencer {
    /// Upstream `ABBREV_LENGTH`: the command's length in the prefix of its output lines.
    static let abbreviationLength = 20
    /// Upstream `TARGET_PREFIX`.
    static let targetPrefix = "target_"

    let command: String
    let configuration: Configuration
    let timeout: Duration
    let log: @Sendable (String) -> Void

    /// Runs the command against `target`; true iff it exited 0 within the time limit.
    func tryFence(_ target: FenceTarget) -> Bool {
        let runner = ChildProcessRunner(executable: "bash", arguments: ["-e", "-c", command],
                                        environment: environment(for: target, inheriting: ProcessInfo.processInfo.environment),
                                        searchesPath: true, timeout: timeout)
        let abbreviated = ShellCommandFencer.abbreviate(command, length: ShellCommandFencer.abbreviationLength)
        let prefix = PrefixCell(abbreviated)
        let outcome = runner.run(started: { pid in
            log("Launched fencing command '\(command)' with pid \(pid)")
            prefix.text = "[PID \(pid)] \(abbreviated)"
        }, line: { _, text in
            log("\(prefix.text): \(text)")
        })
        switch outcome {
        case .exited(let code):
            return code == 0
        case .signalled:
            return false
        case .failedToStart(let reason):
            log("Unable to execute \(command): \(reason)")
            return false
        case .timedOut:
            log(NodeFencer.timeoutMessage(command: command, timeout: timeout))
            return false
        }
    }

    /// The command's environment: `inherited`, then the configuration, then the target.
    func environment(for target: FenceTarget, inheriting inherited: [String: String]) -> [String: String] {
        var environment = inherited
        for (key, value) in configuration.allProperties {
            environment[key.replacingOccurrences(of: ".", with: "_")] = value
        }
        for (name, value) in target.fencingParameters {
            environment[(ShellCommandFencer.targetPrefix + name).replacingOccurrences(of: ".", with: "_")] = value
        }
        return environment
    }

    /// Upstream `abbreviate(cmd, len)`: a string longer than `length` (when `length` ≥ 5) keeps
    /// its first `(length - 3) / 2` and last `length - first - 3` characters around `...`.
    static func abbreviate(_ text: String, length: Int) -> String {
        guard text.count > length, length >= 5 else { return text }
        let first = (length - 3) / 2
        let last = length - first - 3
        return String(text.prefix(first)) + "..." + String(text.suffix(last))
    }
}

/// The log prefix, set once the pid is known (both callbacks run on the calling thread).
private final class PrefixCell {
    var text: String

    init(_ text: String) { self.text = text }
}
