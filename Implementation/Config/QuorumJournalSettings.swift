/// The Quorum Journal Manager's timeouts and limits on the NameNode side (reference §3.5, §3.6;
/// `DFSConfigKeys`). Plain numbers are milliseconds; upstream reads most with `getInt`, so a
/// unit suffix is an extension here.
public struct QuorumJournalSettings: Equatable, Sendable {
    public static let startSegmentTimeoutDefault: Duration = .milliseconds(20_000)
    public static let prepareRecoveryTimeoutDefault: Duration = .milliseconds(120_000)
    public static let acceptRecoveryTimeoutDefault: Duration = .milliseconds(120_000)
    public static let finalizeSegmentTimeoutDefault: Duration = .milliseconds(120_000)
    public static let selectInputStreamsTimeoutDefault: Duration = .milliseconds(20_000)
    public static let getJournalStateTimeoutDefault: Duration = .milliseconds(120_000)
    public static let newEpochTimeoutDefault: Duration = .milliseconds(120_000)
    public static let writeTransactionsTimeoutDefault: Duration = .milliseconds(20_000)
    public static let operationsTimeoutDefault: Duration = .milliseconds(60_000)
    public static let httpOpenTimeoutDefault: Duration = .milliseconds(60_000)
    public static let httpReadTimeoutDefault: Duration = .milliseconds(60_000)
    public static let queuedEditsLimitMegabytesDefault = 10
    public static let rpcTailingTransactionsMaxDefault = 5_000

    /// `dfs.qjournal.start-segment.timeout.ms`.
    public var startSegmentTimeout: Duration
    /// `dfs.qjournal.prepare-recovery.timeout.ms`.
    public var prepareRecoveryTimeout: Duration
    /// `dfs.qjournal.accept-recovery.timeout.ms`.
    public var acceptRecoveryTimeout: Duration
    /// `dfs.qjournal.finalize-segment.timeout.ms`.
    public var finalizeSegmentTimeout: Duration
    /// `dfs.qjournal.select-input-streams.timeout.ms`.
    public var selectInputStreamsTimeout: Duration
    /// `dfs.qjournal.get-journal-state.timeout.ms`.
    public var getJournalStateTimeout: Duration
    /// `dfs.qjournal.new-epoch.timeout.ms`.
    public var newEpochTimeout: Duration
    /// `dfs.qjournal.write-txns.timeout.ms`: how long a batch waits for a write quorum.
    public var writeTransactionsTimeout: Duration
    /// `dfs.qjm.operations.timeout`: format, upgrade and other all-JournalNode calls.
    public var operationsTimeout: Duration
    /// `dfs.qjournal.http.open.timeout.ms`.
    public var httpOpenTimeout: Duration
    /// `dfs.qjournal.http.read.timeout.ms`.
    public var httpReadTimeout: Duration
    /// `dfs.qjournal.queued-edits.limit.mb`: the per-JournalNode queue limit, in MB.
    public var queuedEditsLimitMegabytes: Int
    /// `dfs.ha.tail-edits.qjm.rpc.max-txns`: transactions per `getJournaledEdits` call.
    public var rpcTailingTransactionsMax: Int

    /// The queue limit in bytes (upstream multiplies by 1 MB = 1,048,576 bytes).
    public var queuedEditsLimitBytes: Int { queuedEditsLimitMegabytes * 1_048_576 }

    /// Reads the keys, each defaulting to upstream's value.
    public init(_ configuration: Configuration) throws {
        typealias Keys = ConfigurationKeys
        typealias Defaults = QuorumJournalSettings
        func milliseconds(_ key: String, _ defaultValue: Duration) throws -> Duration {
            try configuration.duration(key, default: defaultValue, unit: .milliseconds)
        }
        startSegmentTimeout = try milliseconds(Keys.startSegmentTimeout, Defaults.startSegmentTimeoutDefault)
        prepareRecoveryTimeout = try milliseconds(Keys.prepareRecoveryTimeout, Defaults.prepareRecoveryTimeoutDefault)
        acceptRecoveryTimeout = try milliseconds(Keys.acceptRecoveryTimeout, Defaults.acceptRecoveryTimeoutDefault)
        finalizeSegmentTimeout = try milliseconds(Keys.finalizeSegmentTimeout, Defaults.finalizeSegmentTimeoutDefault)
        selectInputStreamsTimeout = try milliseconds(Keys.selectInputStreamsTimeout,
                                                     Defaults.selectInputStreamsTimeoutDefault)
        getJournalStateTimeout = try milliseconds(Keys.getJournalStateTimeout, Defaults.getJournalStateTimeoutDefault)
        newEpochTimeout = try milliseconds(Keys.newEpochTimeout, Defaults.newEpochTimeoutDefault)
        writeTransactionsTimeout = try milliseconds(Keys.writeTransactionsTimeout,
                                                    Defaults.writeTransactionsTimeoutDefault)
        operationsTimeout = try milliseconds(Keys.operationsTimeout, Defaults.operationsTimeoutDefault)
        httpOpenTimeout = try milliseconds(Keys.httpOpenTimeout, Defaults.httpOpenTimeoutDefault)
        httpReadTimeout = try milliseconds(Keys.httpReadTimeout, Defaults.httpReadTimeoutDefault)
        queuedEditsLimitMegabytes = try configuration.int(Keys.queuedEditsLimitMegabytes,
                                                          default: Defaults.queuedEditsLimitMegabytesDefault)
        rpcTailingTransactionsMax = try configuration.int(Keys.rpcTailingTransactionsMax,
                                                          default: Defaults.rpcTailingTransactionsMaxDefault)
        for (key, value) in [(Keys.queuedEditsLimitMegabytes, queuedEditsLimitMegabytes),
                             (Keys.rpcTailingTransactionsMax, rpcTailingTransactionsMax)] where value <= 0 {
            throw ConfigError.badValue(key: key, value: String(value), reason: "is not positive")
        }
    }
}
