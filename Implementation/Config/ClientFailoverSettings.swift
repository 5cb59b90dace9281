/// The client's failover and retry keys (`HdfsClientConfigKeys.Failover`, reference §7.2).
public struct ClientFailoverSettings: Equatable, Sendable {
    public static let maxAttemptsDefault = 15
    public static let sleepBaseDefault: Duration = .milliseconds(500)
    public static let sleepMaxDefault: Duration = .milliseconds(15_000)
    public static let connectionRetriesDefault = 0
    public static let connectionRetriesOnTimeoutsDefault = 0
    public static let randomOrderDefault = false
    public static let retryMaxAttemptsDefault = 10

    /// `dfs.client.failover.max.attempts`: failovers before giving up.
    public var maxAttempts: Int
    /// `dfs.client.failover.sleep.base.millis`: the exponential backoff's base.
    public var sleepBase: Duration
    /// `dfs.client.failover.sleep.max.millis`: the backoff's cap.
    public var sleepMax: Duration
    /// `dfs.client.failover.connection.retries`: IPC connect retries per proxy.
    public var connectionRetries: Int
    /// `dfs.client.failover.connection.retries.on.timeouts`.
    public var connectionRetriesOnTimeouts: Int
    /// `dfs.client.failover.random.order`: shuffle the NameNodes (per nameservice in
    /// `NameserviceConfiguration.randomOrder`).
    public var randomOrder: Bool
    /// `dfs.client.retry.max.attempts`: retries without failover.
    public var retryMaxAttempts: Int

    /// Reads the keys, defaulting as upstream does.
    public init(_ configuration: Configuration) throws {
        typealias Keys = ConfigurationKeys
        typealias Defaults = ClientFailoverSettings
        maxAttempts = try configuration.int(Keys.failoverMaxAttempts, default: Defaults.maxAttemptsDefault)
        sleepBase = try configuration.duration(Keys.failoverSleepBase, default: Defaults.sleepBaseDefault, unit: .milliseconds)
        sleepMax = try configuration.duration(Keys.failoverSleepMax, default: Defaults.sleepMaxDefault, unit: .milliseconds)
        connectionRetries = try configuration.int(Keys.failoverConnectionRetries, default: Defaults.connectionRetriesDefault)
        connectionRetriesOnTimeouts = try configuration.int(Keys.failoverConnectionRetriesOnTimeouts,
                                                            default: Defaults.connectionRetriesOnTimeoutsDefault)
        randomOrder = try configuration.bool(Keys.failoverRandomOrder, default: Defaults.randomOrderDefault)
        retryMaxAttempts = try configuration.int(Keys.clientRetryMaxAttempts, default: Defaults.retryMaxAttemptsDefault)
    }
}
