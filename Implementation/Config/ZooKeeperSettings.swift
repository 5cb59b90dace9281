/// The ZooKeeper keys of a failover controller (`ZKFailoverController.ZKFC_CONF_KEYS`), each
/// possibly suffixed with `.<nameservice>` or `.<nameservice>.<namenode>` (reference §4.1, §4.3).
public struct ZooKeeperSettings: Equatable, Sendable {
    /// Upstream `ZK_SESSION_TIMEOUT_DEFAULT` (10 s).
    public static let sessionTimeoutDefault: Duration = .milliseconds(10_000)
    /// Upstream `ZK_PARENT_ZNODE_DEFAULT`.
    public static let parentZnodeDefault = "/hadoop-ha"
    /// Upstream `ZK_ACL_DEFAULT`.
    public static let aclDefault = "world:anyone:rwcda"
    /// The port of a quorum server listed without one.
    public static let clientPortDefault = 2181

    /// `ha.zookeeper.quorum` as written, e.g. "zk1:2181,zk2:2181/chroot"; nil if unset.
    public var quorum: String?
    /// The quorum's servers in order (empty if unset).
    public var servers: [SocketAddress]
    /// The chroot path after the server list, if any.
    public var chroot: String?
    /// `ha.zookeeper.session-timeout.ms`; positive.
    public var sessionTimeout: Duration
    /// `ha.zookeeper.parent-znode`.
    public var parentZnode: String
    /// `ha.zookeeper.acl`.
    public var acl: String
    /// `ha.zookeeper.auth`, e.g. "digest:user:password"; nil if unset.
    public var auth: String?

    /// Reads the keys for the NameNode `nameNode` of `nameservice` (either may be nil).
    public init(_ configuration: Configuration, nameservice: String? = nil, nameNode: String? = nil) throws {
        func key(_ name: String) -> String {
            configuration.mostSpecificKey(name, nameservice: nameservice, nameNode: nameNode)
        }
        let quorumKey = key(ConfigurationKeys.zooKeeperQuorum)
        quorum = configuration.string(quorumKey).flatMap { $0.isEmpty ? nil : $0 }
        (servers, chroot) = try ZooKeeperSettings.parseQuorum(quorum, key: quorumKey)
        let timeoutKey = key(ConfigurationKeys.zooKeeperSessionTimeout)
        sessionTimeout = try configuration.duration(timeoutKey, default: ZooKeeperSettings.sessionTimeoutDefault,
                                                    unit: .milliseconds)
        guard sessionTimeout > .zero else {
            throw ConfigError.badValue(key: timeoutKey, value: configuration.string(timeoutKey) ?? "",
                                       reason: "is not positive (Invalid ZK session timeout \(configuration.string(timeoutKey) ?? ""))")
        }
        parentZnode = configuration.string(key(ConfigurationKeys.zooKeeperParentZnode),
                                           default: ZooKeeperSettings.parentZnodeDefault)
        acl = configuration.string(key(ConfigurationKeys.zooKeeperACL), default: ZooKeeperSettings.aclDefault)
        auth = configuration.string(key(ConfigurationKeys.zooKeeperAuth)).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The servers, or upstream's error "Missing required configuration 'ha.zookeeper.quorum'
    /// for ZooKeeper quorum" when none is configured.
    public func requireServers() throws -> [SocketAddress] {
        guard !servers.isEmpty else {
            throw ConfigError.missingKey(key: ConfigurationKeys.zooKeeperQuorum, purpose: "for ZooKeeper quorum")
        }
        return servers
    }

    /// The znode under which `scope` (the nameservice) elects: the parent with a `/` appended
    /// if missing, then the scope (upstream's `getParentZnode`), e.g. "/hadoop-ha/mycluster".
    public func electionZnode(scope: String) -> String {
        (parentZnode.hasSuffix("/") ? parentZnode : parentZnode + "/") + scope
    }

    /// "h1:p1,h2:p2[/chroot]" into servers (default port 2181) and the chroot.
    static func parseQuorum(_ quorum: String?, key: String) throws -> ([SocketAddress], String?) {
        guard let quorum else { return ([], nil) }
        var list = Substring(quorum)
        var chroot: String?
        if let slash = quorum.firstIndex(of: "/") {
            list = quorum[..<slash]
            chroot = String(quorum[slash...])
        }
        var servers: [SocketAddress] = []
        for piece in list.split(separator: ",") {
            guard let server = SocketAddress.parse(String(piece), defaultPort: clientPortDefault) else {
                throw ConfigError.badValue(key: key, value: quorum,
                                           reason: "is not a ZooKeeper quorum (host:port,host:port[/chroot]): bad server '\(piece)'")
            }
            servers.append(server)
        }
        guard !servers.isEmpty else {
            throw ConfigError.badValue(key: key, value: quorum, reason: "is not a ZooKeeper quorum: it names no server")
        }
        return (servers, chroot)
    }
}
