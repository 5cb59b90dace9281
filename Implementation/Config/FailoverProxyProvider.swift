/// The client's failover proxy provider for a nameservice,
/// `dfs.client.failover.proxy.provider.<ns>`, recognised by upstream's class names (reference §7.1).
public enum FailoverProxyProvider: String, CaseIterable, Sendable {
    /// Try NameNodes in configuration order, moving round-robin on failover.
    case configured = "org.apache.hadoop.hdfs.server.namenode.ha.ConfiguredFailoverProxyProvider"
    /// Send the first call to every NameNode at once and keep the first that succeeds.
    case requestHedging = "org.apache.hadoop.hdfs.server.namenode.ha.RequestHedgingProxyProvider"

    /// The upstream class name.
    public var className: String { rawValue }

    /// The provider `className` names; `key` names the property in the error. Other upstream
    /// providers (e.g. ObserverReadProxyProvider) are not built here and are rejected.
    public init(className: String, key: String) throws {
        guard let provider = FailoverProxyProvider(rawValue: className) else {
            let known = FailoverProxyProvider.allCases.map(\.className).joined(separator: ", ")
            throw ConfigError.badValue(key: key, value: className,
                                       reason: "is not a supported failover proxy provider (one of \(known))")
        }
        self = provider
    }
}
