/// The names of the configuration keys this module reads, spelled as Apache Hadoop spells them
/// (DFSConfigKeys, HdfsClientConfigKeys, CommonConfigurationKeys, ZKFailoverController,
/// SshFenceByTcpPort). Defaults live beside the typed settings that read each key.
public enum ConfigurationKeys {
    // MARK: Nameservices and NameNodes (DFSConfigKeys / HdfsClientConfigKeys)
    public static let defaultFileSystem = "fs.defaultFS"
    public static let nameservices = "dfs.nameservices"
    public static let nameserviceID = "dfs.nameservice.id"
    /// Suffixed with `.<nameservice>`.
    public static let nameNodesPrefix = "dfs.ha.namenodes"
    public static let nameNodeID = "dfs.ha.namenode.id"
    /// Suffixed with `.<nameservice>.<namenode>`.
    public static let nameNodeRPCAddress = "dfs.namenode.rpc-address"
    /// Suffixed with `.<nameservice>.<namenode>`.
    public static let nameNodeHTTPAddress = "dfs.namenode.http-address"
    public static let nameNodeNameDirectories = "dfs.namenode.name.dir"
    public static let sharedEditsDirectory = "dfs.namenode.shared.edits.dir"

    // MARK: JournalNode
    public static let journalNodeEditsDirectory = "dfs.journalnode.edits.dir"
    public static let journalNodeRPCAddress = "dfs.journalnode.rpc-address"
    public static let journalNodeHTTPAddress = "dfs.journalnode.http-address"

    // MARK: Quorum Journal Manager (reference §3.5, §3.6)
    public static let startSegmentTimeout = "dfs.qjournal.start-segment.timeout.ms"
    public static let prepareRecoveryTimeout = "dfs.qjournal.prepare-recovery.timeout.ms"
    public static let acceptRecoveryTimeout = "dfs.qjournal.accept-recovery.timeout.ms"
    public static let finalizeSegmentTimeout = "dfs.qjournal.finalize-segment.timeout.ms"
    public static let selectInputStreamsTimeout = "dfs.qjournal.select-input-streams.timeout.ms"
    public static let getJournalStateTimeout = "dfs.qjournal.get-journal-state.timeout.ms"
    public static let newEpochTimeout = "dfs.qjournal.new-epoch.timeout.ms"
    public static let writeTransactionsTimeout = "dfs.qjournal.write-txns.timeout.ms"
    public static let operationsTimeout = "dfs.qjm.operations.timeout"
    public static let httpOpenTimeout = "dfs.qjournal.http.open.timeout.ms"
    public static let httpReadTimeout = "dfs.qjournal.http.read.timeout.ms"
    public static let queuedEditsLimitMegabytes = "dfs.qjournal.queued-edits.limit.mb"
    public static let rpcTailingTransactionsMax = "dfs.ha.tail-edits.qjm.rpc.max-txns"

    // MARK: Standby tailing (reference §8.1)
    public static let tailEditsPeriod = "dfs.ha.tail-edits.period"
    public static let tailEditsPeriodBackoffMax = "dfs.ha.tail-edits.period.backoff-max"
    public static let logRollPeriod = "dfs.ha.log-roll.period"
    public static let rollEditsTimeout = "dfs.ha.tail-edits.rolledits.timeout"
    public static let tailEditsNameNodeRetries = "dfs.ha.tail-edits.namenode-retries"
    public static let tailEditsInProgress = "dfs.ha.tail-edits.in-progress"
    public static let tailEditsTransactionsPerLockMax = "dfs.ha.tail-edits.max-txns-per-lock"
    public static let logRollRPCTimeout = "dfs.ha.log-roll.rpc.timeout"
    public static let standbyCheckpoints = "dfs.ha.standby.checkpoints"

    // MARK: Failover and fencing (reference §4.3, §5)
    /// May be suffixed with `.<nameservice>` (and `.<nameservice>.<namenode>`).
    public static let automaticFailoverEnabled = "dfs.ha.automatic-failover.enabled"
    /// May be suffixed with `.<nameservice>` and `.<nameservice>.<namenode>`.
    public static let fencingMethods = "dfs.ha.fencing.methods"
    public static let sshFencePrivateKeyFiles = "dfs.ha.fencing.ssh.private-key-files"
    public static let sshFenceConnectTimeout = "dfs.ha.fencing.ssh.connect-timeout"
    public static let zkfcPort = "dfs.ha.zkfc.port"
    public static let zooKeeperQuorum = "ha.zookeeper.quorum"
    public static let zooKeeperSessionTimeout = "ha.zookeeper.session-timeout.ms"
    public static let zooKeeperParentZnode = "ha.zookeeper.parent-znode"
    public static let zooKeeperACL = "ha.zookeeper.acl"
    public static let zooKeeperAuth = "ha.zookeeper.auth"
    public static let healthMonitorConnectRetryInterval = "ha.health-monitor.connect-retry-interval.ms"
    public static let healthMonitorCheckInterval = "ha.health-monitor.check-interval.ms"
    public static let healthMonitorSleepAfterDisconnect = "ha.health-monitor.sleep-after-disconnect.ms"
    public static let healthMonitorRPCTimeout = "ha.health-monitor.rpc-timeout.ms"
    public static let newActiveRPCTimeout = "ha.failover-controller.new-active.rpc-timeout.ms"
    public static let gracefulFenceRPCTimeout = "ha.failover-controller.graceful-fence.rpc-timeout.ms"
    public static let gracefulFenceConnectionRetries = "ha.failover-controller.graceful-fence.connection.retries"
    public static let electorZooKeeperOperationRetries = "ha.failover-controller.active-standby-elector.zk.op.retries"
    public static let cliCheckRPCTimeout = "ha.failover-controller.cli-check.rpc-timeout.ms"

    // MARK: Client failover (reference §7, HdfsClientConfigKeys.Failover)
    /// Suffixed with `.<nameservice>`.
    public static let failoverProxyProviderPrefix = "dfs.client.failover.proxy.provider"
    public static let failoverMaxAttempts = "dfs.client.failover.max.attempts"
    public static let failoverSleepBase = "dfs.client.failover.sleep.base.millis"
    public static let failoverSleepMax = "dfs.client.failover.sleep.max.millis"
    public static let failoverConnectionRetries = "dfs.client.failover.connection.retries"
    public static let failoverConnectionRetriesOnTimeouts = "dfs.client.failover.connection.retries.on.timeouts"
    /// May be suffixed with `.<nameservice>`.
    public static let failoverRandomOrder = "dfs.client.failover.random.order"
    public static let clientRetryMaxAttempts = "dfs.client.retry.max.attempts"

    /// `key.suffix1.suffix2...`, skipping nil suffixes (upstream's `DFSUtil.addKeySuffixes`).
    public static func suffixed(_ key: String, _ suffixes: String?...) -> String {
        suffixes.compactMap { $0 }.reduce(key) { $0 + "." + $1 }
    }
}
