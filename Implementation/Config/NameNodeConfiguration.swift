/// One NameNode of a nameservice, with every per-NameNode key resolved: a key may be suffixed
/// with `.<nameservice>.<namenode>` or `.<nameservice>`, the most specific winning (upstream's
/// `NameNode.initializeGenericKeys` / `DFSUtil.setGenericConf`).
public struct NameNodeConfiguration: Equatable, Sendable {
    /// Upstream `DFS_NAMENODE_RPC_PORT_DEFAULT`.
    public static let rpcPortDefault = 8020
    /// Upstream `DFS_NAMENODE_HTTP_ADDRESS_DEFAULT`.
    public static let httpAddressDefault = "0.0.0.0:9870"
    public static let httpPortDefault = 9870
    /// Upstream `DFS_NAMENODE_EDITS_DIR_DEFAULT` (the name directory when none is configured).
    public static let nameDirectoryDefault = "/tmp/hadoop/dfs/name"
    /// Upstream `DFS_HA_ZKFC_PORT_DEFAULT`.
    public static let zkfcPortDefault = 8019

    /// The nameservice this NameNode belongs to.
    public var nameservice: String
    /// The NameNode id, e.g. "nn1".
    public var id: String
    /// `dfs.namenode.rpc-address.<ns>.<nn>` (required).
    public var rpcAddress: SocketAddress
    /// `dfs.namenode.http-address.<ns>.<nn>`, else the unsuffixed key, else 0.0.0.0:9870.
    public var httpAddress: SocketAddress
    /// `dfs.namenode.name.dir`: absolute local directories, `file://` stripped.
    public var nameDirectories: [String]
    /// `dfs.namenode.shared.edits.dir`, nil if unset.
    public var sharedEdits: QuorumJournalURI?
    /// `dfs.ha.automatic-failover.enabled`.
    public var automaticFailoverEnabled: Bool
    /// `dfs.ha.fencing.methods`, nil if unset (upstream's `NodeFencer.create` returns null).
    public var fencingMethods: [FencingMethod]?
    /// The ZooKeeper keys of this NameNode's failover controller.
    public var zooKeeper: ZooKeeperSettings
    /// `dfs.ha.zkfc.port`: the ZKFC's RPC port.
    public var zkfcPort: Int

    /// Resolves NameNode `id` of `nameservice`. With automatic failover enabled,
    /// `ha.zookeeper.quorum` is required ("Missing required configuration ... for ZooKeeper quorum").
    public init(_ configuration: Configuration, nameservice: String, id: String) throws {
        typealias Keys = ConfigurationKeys
        func key(_ name: String) -> String {
            configuration.mostSpecificKey(name, nameservice: nameservice, nameNode: id)
        }
        self.nameservice = nameservice
        self.id = id
        let rpcKey = Keys.suffixed(Keys.nameNodeRPCAddress, nameservice, id)
        guard let rpcText = configuration.string(rpcKey) else {
            throw ConfigError.missingKey(key: rpcKey, purpose: "for the RPC address of NameNode \(id) in nameservice \(nameservice)")
        }
        rpcAddress = try SocketAddress(parsing: rpcText, defaultPort: NameNodeConfiguration.rpcPortDefault, key: rpcKey)
        let httpKey = key(Keys.nameNodeHTTPAddress)
        httpAddress = try SocketAddress(parsing: configuration.string(httpKey, default: NameNodeConfiguration.httpAddressDefault),
                                        defaultPort: NameNodeConfiguration.httpPortDefault, key: httpKey)
        nameDirectories = try NameNodeConfiguration.localDirectories(configuration, key: key(Keys.nameNodeNameDirectories))
        if nameDirectories.isEmpty { nameDirectories = [NameNodeConfiguration.nameDirectoryDefault] }
        let sharedKey = key(Keys.sharedEditsDirectory)
        if let shared = configuration.string(sharedKey), !shared.isEmpty {
            guard !shared.contains(",") else {
                throw ConfigError.badValue(key: sharedKey, value: shared,
                                           reason: "names several directories (Multiple shared edits directories are not yet supported)")
            }
            sharedEdits = try QuorumJournalURI(parsing: shared, key: sharedKey)
        }
        automaticFailoverEnabled = try configuration.bool(key(Keys.automaticFailoverEnabled), default: false)
        let fencingKey = key(Keys.fencingMethods)
        fencingMethods = try configuration.string(fencingKey).map { try FencingMethod.parseMethods($0, key: fencingKey) }
        zooKeeper = try ZooKeeperSettings(configuration, nameservice: nameservice, nameNode: id)
        if automaticFailoverEnabled { _ = try zooKeeper.requireServers() }
        let portKey = key(Keys.zkfcPort)
        zkfcPort = try configuration.int(portKey, default: NameNodeConfiguration.zkfcPortDefault)
        guard (0...SocketAddress.portMax).contains(zkfcPort) else {
            throw ConfigError.badValue(key: portKey, value: String(zkfcPort), reason: "is not a TCP port (0...65535)")
        }
    }

    /// The HTTP address to connect to: a wildcard host replaced by the RPC host.
    public var httpConnectAddress: SocketAddress { httpAddress.replacingWildcard(with: rpcAddress.host) }

    /// The fencing methods, or upstream's "No fencer configured for NameNode at <address>"
    /// (`NNHAServiceTarget.checkFencingConfigured`) when the key is unset.
    public func requireFencer() throws -> [FencingMethod] {
        guard let fencingMethods else {
            throw ConfigError.invalid(message: "No fencer configured for NameNode at \(rpcAddress)")
        }
        return fencingMethods
    }

    /// The comma-separated directories of `key` as absolute paths: `file://` / `file:` prefixes
    /// stripped; another scheme or a relative path is an error.
    static func localDirectories(_ configuration: Configuration, key: String) throws -> [String] {
        try configuration.strings(key).map { entry in
            var path = Substring(entry)
            if path.hasPrefix("file://") {
                path = path.dropFirst("file://".count)
            } else if path.hasPrefix("file:") {
                path = path.dropFirst("file:".count)
            }
            guard path.hasPrefix("/") else {
                throw ConfigError.badValue(key: key, value: entry,
                                           reason: "is not a local directory (an absolute path or a file:// URI)")
            }
            return String(path)
        }
    }
}
