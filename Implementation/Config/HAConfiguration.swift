/// The typed, validated view of a `Configuration` that the daemons and tools use.
///
/// Building it reads and checks every key this module knows, so a bad value fails at start-up
/// with `ConfigError` naming the key, not later in the middle of a failover. Keys a process
/// does not use still must be well-formed. Every key not set gets upstream's default.
public struct HAConfiguration: Sendable {
    /// Upstream `FS_DEFAULT_NAME_DEFAULT`.
    public static let defaultFileSystemDefault = "file:///"

    /// The configuration this view was built from.
    public let configuration: Configuration
    /// `dfs.nameservices`, each resolved, in order (empty for e.g. a JournalNode-only directory).
    public let nameservices: [NameserviceConfiguration]
    /// `fs.defaultFS`, e.g. "hdfs://mycluster" (a bare authority gets "hdfs://", as upstream's
    /// `FileSystem.fixName` does).
    public let defaultFileSystem: String
    /// The JournalNode keys (unsuffixed).
    public let journalNode: JournalNodeSettings
    /// The ZooKeeper keys without nameservice or NameNode suffix (each NameNode has its own
    /// resolved copy in `NameNodeConfiguration.zooKeeper`).
    public let zooKeeper: ZooKeeperSettings
    /// Health monitor and failover-controller timeouts.
    public let failoverController: FailoverControllerSettings
    /// The `sshfence` keys.
    public let sshFence: SshFenceSettings
    /// The client's failover and retry keys.
    public let clientFailover: ClientFailoverSettings
    /// The QJM timeouts and limits.
    public let quorumJournal: QuorumJournalSettings
    /// The standby's tailing keys.
    public let editLogTailing: EditLogTailingSettings

    /// Reads and validates everything.
    public init(_ configuration: Configuration) throws {
        typealias Keys = ConfigurationKeys
        self.configuration = configuration
        let ids = configuration.strings(Keys.nameservices)
        if let repeated = ids.enumerated().first(where: { ids[..<$0.offset].contains($0.element) }) {
            throw ConfigError.badValue(key: Keys.nameservices, value: configuration.string(Keys.nameservices) ?? "",
                                       reason: "lists nameservice \(repeated.element) twice")
        }
        nameservices = try ids.map { try NameserviceConfiguration(configuration, id: $0) }
        defaultFileSystem = try HAConfiguration.parseDefaultFileSystem(configuration)
        journalNode = try JournalNodeSettings(configuration)
        zooKeeper = try ZooKeeperSettings(configuration)
        failoverController = try FailoverControllerSettings(configuration)
        sshFence = try SshFenceSettings(configuration)
        clientFailover = try ClientFailoverSettings(configuration)
        quorumJournal = try QuorumJournalSettings(configuration)
        editLogTailing = try EditLogTailingSettings(configuration)
    }

    /// The nameservice with id `id`, or `ConfigError.invalid` listing the configured ones.
    public func nameservice(_ id: String) throws -> NameserviceConfiguration {
        guard let found = nameservices.first(where: { $0.id == id }) else {
            let known = nameservices.map(\.id).joined(separator: ", ")
            throw ConfigError.invalid(message: "Unknown nameservice '\(id)': \(ConfigurationKeys.nameservices) lists [\(known)]")
        }
        return found
    }

    /// The nameservice `fs.defaultFS` names (hdfs://<ns>), or nil if it names none of them.
    public var defaultNameservice: NameserviceConfiguration? {
        guard defaultFileSystem.lowercased().hasPrefix("hdfs://") else { return nil }
        let authority = defaultFileSystem.dropFirst("hdfs://".count).prefix { $0 != "/" }
        return nameservices.first { $0.id == authority }
    }

    /// `fs.defaultFS`, checked to be a URI with a scheme.
    static func parseDefaultFileSystem(_ configuration: Configuration) throws -> String {
        let key = ConfigurationKeys.defaultFileSystem
        let value = configuration.string(key, default: defaultFileSystemDefault)
        if !value.contains("/"), !value.isEmpty { return "hdfs://" + value }
        guard let schemeEnd = value.range(of: "://"), !value[..<schemeEnd.lowerBound].isEmpty else {
            throw ConfigError.badValue(key: key, value: value, reason: "is not a file system URI (e.g. hdfs://mycluster)")
        }
        if value[..<schemeEnd.lowerBound].lowercased() == "hdfs", value[schemeEnd.upperBound...].hasPrefix("/") {
            throw ConfigError.badValue(key: key, value: value, reason: "is an hdfs:// URI without an authority")
        }
        return value
    }
}
