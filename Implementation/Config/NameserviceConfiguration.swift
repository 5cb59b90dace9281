/// One nameservice: its NameNodes in `dfs.ha.namenodes.<ns>` order and its client keys.
public struct NameserviceConfiguration: Equatable, Sendable {
    /// The nameservice id, e.g. "mycluster".
    public var id: String
    /// The NameNodes, in the order `dfs.ha.namenodes.<ns>` lists them (the client's order).
    public var nameNodes: [NameNodeConfiguration]
    /// `dfs.client.failover.proxy.provider.<ns>`, nil if unset.
    public var failoverProxyProvider: FailoverProxyProvider?
    /// `dfs.client.failover.random.order.<ns>`, else the unsuffixed key, else false.
    public var randomOrder: Bool

    /// Reads nameservice `id`. `dfs.ha.namenodes.<id>` must list at least one NameNode, each once.
    public init(_ configuration: Configuration, id: String) throws {
        typealias Keys = ConfigurationKeys
        self.id = id
        let listKey = Keys.suffixed(Keys.nameNodesPrefix, id)
        let ids = configuration.strings(listKey)
        guard !ids.isEmpty else {
            throw ConfigError.missingKey(key: listKey, purpose: "for the NameNodes of nameservice \(id)")
        }
        if let repeated = ids.enumerated().first(where: { ids[..<$0.offset].contains($0.element) }) {
            throw ConfigError.badValue(key: listKey, value: configuration.string(listKey) ?? "",
                                       reason: "lists NameNode \(repeated.element) twice")
        }
        nameNodes = try ids.map { try NameNodeConfiguration(configuration, nameservice: id, id: $0) }
        let providerKey = Keys.suffixed(Keys.failoverProxyProviderPrefix, id)
        failoverProxyProvider = try configuration.string(providerKey).map {
            try FailoverProxyProvider(className: $0, key: providerKey)
        }
        let orderKey = configuration.mostSpecificKey(Keys.failoverRandomOrder, nameservice: id, nameNode: nil)
        randomOrder = try configuration.bool(orderKey, default: ClientFailoverSettings.randomOrderDefault)
    }

    /// The NameNode ids in order.
    public var nameNodeIDs: [String] { nameNodes.map(\.id) }

    /// Whether this is an HA nameservice: more than one NameNode (upstream's `HAUtil.isHAEnabled`).
    public var isHAEnabled: Bool { nameNodes.count > 1 }

    /// The NameNode with id `id`, or nil.
    public func nameNode(_ id: String) -> NameNodeConfiguration? {
        nameNodes.first { $0.id == id }
    }

    /// Every NameNode except `id`, in order (the peers a standby tails from or fences).
    public func nameNodes(except id: String) -> [NameNodeConfiguration] {
        nameNodes.filter { $0.id != id }
    }
}
