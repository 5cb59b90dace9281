/// How a standby tails the shared edits and asks the active to roll (reference §8.1;
/// `DFSConfigKeys`, `EditLogTailer`). Plain numbers are seconds except where noted.
public struct EditLogTailingSettings: Equatable, Sendable {
    public static let tailPeriodDefault: Duration = .seconds(60)
    public static let tailPeriodBackoffMaxDefault: Duration = .zero
    public static let logRollPeriodDefault: Duration = .seconds(120)
    public static let rollEditsTimeoutDefault: Duration = .seconds(60)
    public static let nameNodeRetriesDefault = 3
    public static let inProgressDefault = false
    public static let transactionsPerLockMaxDefault = Int.max
    public static let logRollRPCTimeoutDefault: Duration = .milliseconds(20_000)
    public static let standbyCheckpointsDefault = true

    /// `dfs.ha.tail-edits.period`: the sleep between tails; zero (tail continuously) is allowed.
    public var tailPeriod: Duration
    /// `dfs.ha.tail-edits.period.backoff-max`: the cap of the idle backoff; zero disables it
    /// (as upstream, a positive cap below the period also disables it).
    public var tailPeriodBackoffMax: Duration
    /// `dfs.ha.log-roll.period`: how stale the standby may get before asking for a roll;
    /// negative disables rolling.
    public var logRollPeriod: Duration
    /// `dfs.ha.tail-edits.rolledits.timeout`.
    public var rollEditsTimeout: Duration
    /// `dfs.ha.tail-edits.namenode-retries` (a non-positive value falls back to 3, as upstream).
    public var nameNodeRetries: Int
    /// `dfs.ha.tail-edits.in-progress`: also tail the in-progress segment.
    public var inProgress: Bool
    /// `dfs.ha.tail-edits.max-txns-per-lock`.
    public var transactionsPerLockMax: Int
    /// `dfs.ha.log-roll.rpc.timeout` (a plain number is milliseconds).
    public var logRollRPCTimeout: Duration
    /// `dfs.ha.standby.checkpoints`.
    public var standbyCheckpoints: Bool

    /// Reads the keys, each defaulting to upstream's value.
    public init(_ configuration: Configuration) throws {
        typealias Keys = ConfigurationKeys
        typealias Defaults = EditLogTailingSettings
        tailPeriod = try configuration.duration(Keys.tailEditsPeriod, default: Defaults.tailPeriodDefault, unit: .seconds)
        let backoff = try configuration.duration(Keys.tailEditsPeriodBackoffMax,
                                                 default: Defaults.tailPeriodBackoffMaxDefault, unit: .seconds)
        tailPeriodBackoffMax = backoff > .zero && backoff < tailPeriod ? .zero : backoff
        logRollPeriod = try configuration.duration(Keys.logRollPeriod, default: Defaults.logRollPeriodDefault, unit: .seconds)
        rollEditsTimeout = try configuration.duration(Keys.rollEditsTimeout, default: Defaults.rollEditsTimeoutDefault,
                                                      unit: .seconds)
        let retries = try configuration.int(Keys.tailEditsNameNodeRetries, default: Defaults.nameNodeRetriesDefault)
        nameNodeRetries = retries > 0 ? retries : Defaults.nameNodeRetriesDefault
        inProgress = try configuration.bool(Keys.tailEditsInProgress, default: Defaults.inProgressDefault)
        transactionsPerLockMax = try configuration.int(Keys.tailEditsTransactionsPerLockMax,
                                                       default: Defaults.transactionsPerLockMaxDefault)
        logRollRPCTimeout = try configuration.duration(Keys.logRollRPCTimeout, default: Defaults.logRollRPCTimeoutDefault,
                                                       unit: .milliseconds)
        standbyCheckpoints = try configuration.bool(Keys.standbyCheckpoints, default: Defaults.standbyCheckpointsDefault)
        guard tailPeriod >= .zero else {
            throw ConfigError.badValue(key: Keys.tailEditsPeriod, value: configuration.string(Keys.tailEditsPeriod) ?? "",
                                       reason: "is negative")
        }
    }
}
