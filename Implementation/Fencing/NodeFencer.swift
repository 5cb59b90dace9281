import HadoopConfig

/// Runs the configured fencing methods against a NameNode (upstream `NodeFencer`, reference §5.2).
///
/// The decision when to fence and what a result means belongs to the model (`ManualFailover`
/// emits `.fence(nameNode, method: i)` and takes `.fenceResult(method: i, success:)`); this class
/// only runs method `i` and reports whether it fenced. It never throws: every failure (cannot
/// spawn, timeout, non-zero exit, ssh refused, a bad `dfs.ha.fencing.ssh.connect-timeout`) is
/// logged through `log` and reported as `false`. Calls block until the method has finished.
public final class NodeFencer: Sendable {
    /// The default time limit of one method run. Upstream has none (its `ShellCommandFencer`
    /// waits for ever, and `sshfence` waits for the remote command for ever); a fencing command
    /// that hangs would hang the failover, so ours is stopped and counts as failure.
    public static let commandTimeoutDefault: Duration = .seconds(60)

    private let methods: [FencingMethod]
    private let configuration: Configuration
    private let log: @Sendable (String) -> Void
    /// The time limit of one method run (`shell`: the command; `sshfence`: all its ssh sessions).
    public let commandTimeout: Duration

    /// A fencer for `methods` (in `dfs.ha.fencing.methods` order). `configuration` is the target
    /// NameNode's (upstream hands the target's configuration to the methods): its keys become
    /// the environment of `shell(...)` commands and `sshfence` reads its ssh keys from it.
    public init(methods: [FencingMethod], configuration: Configuration,
                log: @escaping @Sendable (String) -> Void,
                commandTimeout: Duration = NodeFencer.commandTimeoutDefault) {
        precondition(commandTimeout > .zero, "a fencing time limit must be positive")
        self.methods = methods
        self.configuration = configuration
        self.log = log
        self.commandTimeout = commandTimeout
    }

    /// How many methods are configured.
    public var methodCount: Int { methods.count }

    /// Runs method `index` against `target` and says whether it fenced. Never throws: every
    /// failure (cannot spawn, timeout, non-zero exit, ssh refused) is logged and is `false`.
    /// Logs `Trying method <index+1>/<count>: <method>` first, as upstream's loop does.
    public func fence(method index: Int, target: FenceTarget) -> Bool {
        precondition(methods.indices.contains(index), "fencing method \(index) of \(methods.count) does not exist")
        log("Trying method \(index + 1)/\(methods.count): \(NodeFencer.upstreamName(methods[index]))")
        switch attempt(methods[index], target: target) {
        case .fenced: return true
        case .notFenced, .misconfigured: return false
        }
    }

    /// Upstream's `fence(target)`: every method in order until one succeeds, with its logs.
    public func fenceAll(target: FenceTarget) -> Bool {
        log("====== Beginning Service Fencing Process... ======")
        for (index, method) in methods.enumerated() {
            let name = NodeFencer.upstreamName(method)
            log("Trying method \(index + 1)/\(methods.count): \(name)")
            switch attempt(method, target: target) {
            case .fenced:
                log("====== Fencing successful by method \(name) ======")
                return true
            case .misconfigured:
                continue
            case .notFenced:
                log("Fencing method \(name) was unsuccessful.")
            }
        }
        log("Unable to fence service by any configured method.")
        return false
    }

    /// What one method run came to.
    private enum Attempt {
        case fenced
        case notFenced
        /// Its configuration could not be read (already logged, as upstream's "misconfigured").
        case misconfigured
    }

    private func attempt(_ method: FencingMethod, target: FenceTarget) -> Attempt {
        switch method {
        case .shell(let command):
            let fencer = ShellCommandFencer(command: command, configuration: configuration,
                                            timeout: commandTimeout, log: log)
            return fencer.tryFence(target) ? .fenced : .notFenced
        case .sshFence(let user, let port):
            let settings: SshFenceSettings
            do {
                settings = try SshFenceSettings(configuration)
            } catch {
                log("Fencing method \(NodeFencer.upstreamName(method)) misconfigured: \(error)")
                return .misconfigured
            }
            let fencer = SshFenceByTcpPort(user: user, sshPort: port, settings: settings,
                                           timeout: commandTimeout, log: log)
            return fencer.tryFence(target) ? .fenced : .notFenced
        }
    }

    /// How upstream names a method in its logs: `<class>(<argument>)`, the argument `null`
    /// when none was written, e.g. `org.apache.hadoop.ha.ShellCommandFencer(/bin/true)` or
    /// `org.apache.hadoop.ha.SshFenceByTcpPort(null)`. (The parsed method does not keep the
    /// argument's text, so `sshfence(:22)` is named as `sshfence` is.)
    public static func upstreamName(_ method: FencingMethod) -> String {
        switch method {
        case .shell(let command):
            return "org.apache.hadoop.ha.ShellCommandFencer(\(command))"
        case .sshFence(let user, let port):
            let portText = port == FencingMethod.sshPortDefault ? "" : ":\(port)"
            let argument = (user ?? "") + portText
            return "org.apache.hadoop.ha.SshFenceByTcpPort(\(argument.isEmpty ? "null" : argument))"
        }
    }

    /// Our text for a method run stopped at its time limit (upstream has no time limit).
    static func timeoutMessage(command: String, timeout: Duration) -> String {
        "Fencing command '\(command)' did not finish within \(timeout); its process group was killed"
    }
}
