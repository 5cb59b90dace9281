/// The ZKFC's health monitor and failover timeouts (reference §4.3 and §4.4;
/// `CommonConfigurationKeys`). Plain numbers are milliseconds.
public struct FailoverControllerSettings: Equatable, Sendable {
    public static let healthMonitorConnectRetryIntervalDefault: Duration = .milliseconds(1_000)
    public static let healthMonitorCheckIntervalDefault: Duration = .milliseconds(1_000)
    public static let healthMonitorSleepAfterDisconnectDefault: Duration = .milliseconds(1_000)
    public static let healthMonitorRPCTimeoutDefault: Duration = .milliseconds(45_000)
    public static let newActiveRPCTimeoutDefault: Duration = .milliseconds(60_000)
    public static let gracefulFenceRPCTimeoutDefault: Duration = .milliseconds(5_000)
    public static let gracefulFenceConnectionRetriesDefault = 1
    public static let electorZooKeeperOperationRetriesDefault = 3
    public static let cliCheckRPCTimeoutDefault: Duration = .milliseconds(20_000)

    /// `ha.health-monitor.connect-retry-interval.ms`.
    public var healthMonitorConnectRetryInterval: Duration
    /// `ha.health-monitor.check-interval.ms`.
    public var healthMonitorCheckInterval: Duration
    /// `ha.health-monitor.sleep-after-disconnect.ms`.
    public var healthMonitorSleepAfterDisconnect: Duration
    /// `ha.health-monitor.rpc-timeout.ms`.
    public var healthMonitorRPCTimeout: Duration
    /// `ha.failover-controller.new-active.rpc-timeout.ms`.
    public var newActiveRPCTimeout: Duration
    /// `ha.failover-controller.graceful-fence.rpc-timeout.ms`.
    public var gracefulFenceRPCTimeout: Duration
    /// `ha.failover-controller.graceful-fence.connection.retries`.
    public var gracefulFenceConnectionRetries: Int
    /// `ha.failover-controller.active-standby-elector.zk.op.retries`.
    public var electorZooKeeperOperationRetries: Int
    /// `ha.failover-controller.cli-check.rpc-timeout.ms`.
    public var cliCheckRPCTimeout: Duration

    /// Reads the keys, each defaulting to upstream's value.
    public init(_ configuration: Configuration) throws {
        typealias Keys = ConfigurationKeys
        typealias Defaults = FailoverControllerSettings
        func milliseconds(_ key: String, _ defaultValue: Duration) throws -> Duration {
            try configuration.duration(key, default: defaultValue, unit: .milliseconds)
        }
        healthMonitorConnectRetryInterval = try milliseconds(Keys.healthMonitorConnectRetryInterval,
                                                             Defaults.healthMonitorConnectRetryIntervalDefault)
        healthMonitorCheckInterval = try milliseconds(Keys.healthMonitorCheckInterval,
                                                      Defaults.healthMonitorCheckIntervalDefault)
        healthMonitorSleepAfterDisconnect = try milliseconds(Keys.healthMonitorSleepAfterDisconnect,
                                                             Defaults.healthMonitorSleepAfterDisconnectDefault)
        healthMonitorRPCTimeout = try milliseconds(Keys.healthMonitorRPCTimeout, Defaults.healthMonitorRPCTimeoutDefault)
        newActiveRPCTimeout = try milliseconds(Keys.newActiveRPCTimeout, Defaults.newActiveRPCTimeoutDefault)
        gracefulFenceRPCTimeout = try milliseconds(Keys.gracefulFenceRPCTimeout, Defaults.gracefulFenceRPCTimeoutDefault)
        gracefulFenceConnectionRetries = try configuration.int(Keys.gracefulFenceConnectionRetries,
                                                               default: Defaults.gracefulFenceConnectionRetriesDefault)
        electorZooKeeperOperationRetries = try configuration.int(Keys.electorZooKeeperOperationRetries,
                                                                 default: Defaults.electorZooKeeperOperationRetriesDefault)
        cliCheckRPCTimeout = try milliseconds(Keys.cliCheckRPCTimeout, Defaults.cliCheckRPCTimeoutDefault)
    }
}
