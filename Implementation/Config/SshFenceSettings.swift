/// The keys `sshfence` reads (upstream `SshFenceByTcpPort`, reference §5.4).
public struct SshFenceSettings: Equatable, Sendable {
    /// Upstream `CONF_CONNECT_TIMEOUT_DEFAULT` (30 s).
    public static let connectTimeoutDefault: Duration = .milliseconds(30_000)

    /// `dfs.ha.fencing.ssh.private-key-files`: comma-separated key files.
    public var privateKeyFiles: [String]
    /// `dfs.ha.fencing.ssh.connect-timeout` (a plain number is milliseconds).
    public var connectTimeout: Duration

    /// Reads the keys, defaulting as upstream does.
    public init(_ configuration: Configuration) throws {
        privateKeyFiles = configuration.strings(ConfigurationKeys.sshFencePrivateKeyFiles)
        connectTimeout = try configuration.duration(ConfigurationKeys.sshFenceConnectTimeout,
                                                    default: SshFenceSettings.connectTimeoutDefault, unit: .milliseconds)
    }
}
