import Model

/// Which configuration each seeded bug is checked in, and the property expected to catch it.
public enum HAMutants {
    public struct Entry: Sendable {
        public var mutation: Mutation
        public var configurationName: String
        public var configuration: HAConfiguration
        public var expectedProperty: String
    }

    public static let catalog: [Entry] = [
        Entry(mutation: .staleEpochAccepted, configurationName: "crash", configuration: HAConfigurations.crash,
              expectedProperty: "NoStaleEpochAccepted"),
        Entry(mutation: .promiseNotPersisted, configurationName: "crash", configuration: HAConfigurations.crash,
              expectedProperty: "PromisedEpochNeverDecreases"),
        Entry(mutation: .acceptNotPersisted, configurationName: "crash", configuration: HAConfigurations.crash,
              expectedProperty: "AcceptedRecoveryNeverForgotten"),
        Entry(mutation: .finalizeWithoutLengthCheck, configurationName: "crash", configuration: HAConfigurations.crash,
              expectedProperty: "FinalizedSegmentsAgree"),
        // The new active starts its segment over the acknowledged edit the skipped recovery
        // would have finalized: the edit is lost (ActiveHasCaughtUp fails on the same step; a
        // stopped search reports the property declared first).
        Entry(mutation: .recoverySkipped, configurationName: "crash", configuration: HAConfigurations.crash,
              expectedProperty: "AcknowledgedEditsSurvive"),
        Entry(mutation: .minorityQuorum, configurationName: "crash", configuration: HAConfigurations.crash,
              expectedProperty: "AcknowledgedEditsAreDurable"),
        Entry(mutation: .promotionBeforeCatchUp, configurationName: "crash", configuration: HAConfigurations.crash,
              expectedProperty: "ActiveHasCaughtUp"),
        Entry(mutation: .acknowledgedBeforeSync, configurationName: "crash", configuration: HAConfigurations.crash,
              expectedProperty: "AcknowledgedEditsAreDurable"),
        // The ZKFC that won the lock makes its NameNode active without fencing the one the
        // breadcrumb names (the paused old active resumes beside it).
        Entry(mutation: .breadcrumbNotFenced, configurationName: "automatic-pause",
              configuration: HAConfigurations.automaticPause, expectedProperty: "AtMostOneActiveServes"),
        // The same seeded bug on haadmin's path: a manual failover that skips fencing.
        Entry(mutation: .breadcrumbNotFenced, configurationName: "paused-active", configuration: pausedActive,
              expectedProperty: "AtMostOneActiveServes"),
        Entry(mutation: .recoveryPicksLongest, configurationName: "paused-twice", configuration: pausedTwice,
              expectedProperty: "RecoveryNeverDropsCommitted"),
    ]

    /// no-fencing's pauses with a fencing method that works: only a failover that skips fencing breaks it.
    public static var pausedActive: HAConfiguration {
        var configuration = HAConfigurations.noFencing
        configuration.fencing = .kill
        return configuration
    }

    /// `crash` with two pauses instead of the crash. Recovery choosing between logs needs two
    /// different values for one txid: an uncommitted tail that a deposed epoch-1 active left on
    /// one JournalNode, and the edit an epoch-2 active then wrote and had acknowledged on the
    /// others (one edit each). Both actives must be deposed without finishing their segment,
    /// which a paused active failed over and fenced does; in `crash` only its one crash deposes
    /// an active mid-segment (a failover first has a running active finish its segment). The
    /// third epoch's recovery then sees both values with equal lengths.
    public static var pausedTwice: HAConfiguration {
        var configuration = HAConfigurations.crash
        configuration.crashesMax = 0
        configuration.faults.pauses = true
        configuration.pausesMax = 2
        return configuration
    }
}
