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
        Entry(mutation: .staleEpochAccepted, configurationName: "small", configuration: HAConfigurations.small,
              expectedProperty: "NoStaleEpochAccepted"),
        Entry(mutation: .promiseNotPersisted, configurationName: "small", configuration: HAConfigurations.small,
              expectedProperty: "PromisedEpochNeverDecreases"),
        Entry(mutation: .finalizeWithoutLengthCheck, configurationName: "small", configuration: HAConfigurations.small,
              expectedProperty: "FinalizedSegmentsAgree"),
        Entry(mutation: .recoverySkipped, configurationName: "small", configuration: HAConfigurations.small,
              expectedProperty: "ActiveHasCaughtUp"),
        Entry(mutation: .minorityQuorum, configurationName: "small", configuration: HAConfigurations.small,
              expectedProperty: "AcknowledgedEditsAreDurable"),
        Entry(mutation: .promotionBeforeCatchUp, configurationName: "small", configuration: HAConfigurations.small,
              expectedProperty: "ActiveHasCaughtUp"),
        Entry(mutation: .acknowledgedBeforeSync, configurationName: "small", configuration: HAConfigurations.small,
              expectedProperty: "AcknowledgedEditsAreDurable"),
        Entry(mutation: .breadcrumbNotFenced, configurationName: "paused-active", configuration: pausedActive,
              expectedProperty: "AtMostOneActiveServes"),
    ]

    /// no-fencing's pauses with a fencing method that works: only a failover that skips fencing breaks it.
    public static var pausedActive: HAConfiguration {
        var configuration = HAConfigurations.noFencing
        configuration.fencing = .kill
        return configuration
    }
}
