/// Which nameservice and NameNode this process is (upstream's `DFSUtil.getNamenodeNameServiceId`
/// and `HAUtil.getNameNodeId`).
extension HAConfiguration {
    /// This process's nameservice: `explicit` (e.g. a command-line flag), else
    /// `dfs.nameservice.id`, else the only nameservice, else the one nameservice with a NameNode
    /// whose RPC host `isLocalHost` accepts.
    public func localNameservice(explicit: String? = nil,
                                 isLocalHost: ((String) -> Bool)? = nil) throws -> NameserviceConfiguration {
        if let named = explicit ?? configuration.string(ConfigurationKeys.nameserviceID) {
            return try nameservice(named)
        }
        guard !nameservices.isEmpty else {
            throw ConfigError.missingKey(key: ConfigurationKeys.nameservices, purpose: "for an HA NameNode")
        }
        if nameservices.count == 1 { return nameservices[0] }
        let matching = nameservices.filter { service in
            service.nameNodes.contains { isLocalHost?($0.rpcAddress.host) ?? false }
        }
        if matching.count > 1 { throw HAConfiguration.ambiguousLocalAddress(matches: matching.count) }
        guard matching.count == 1 else {
            let known = nameservices.map(\.id).joined(separator: ", ")
            throw ConfigError.invalid(message: "Could not determine the nameservice of this node: set "
                + "\(ConfigurationKeys.nameserviceID) (\(ConfigurationKeys.nameservices) lists \(known))")
        }
        return matching[0]
    }

    /// This process's NameNode: `explicitID`, else `dfs.ha.namenode.id`, else the one NameNode
    /// of the local nameservice whose RPC host `isLocalHost` accepts (none is accepted when
    /// `isLocalHost` is nil). The id must be one of `dfs.ha.namenodes.<ns>`.
    public func localNameNode(explicitID: String? = nil, nameservice explicitNameservice: String? = nil,
                              isLocalHost: ((String) -> Bool)? = nil) throws -> NameNodeConfiguration {
        let service = try localNameservice(explicit: explicitNameservice, isLocalHost: isLocalHost)
        let key = ConfigurationKeys.nameNodeID
        if let id = explicitID ?? configuration.string(key) {
            guard let found = service.nameNode(id) else {
                throw ConfigError.badValue(
                    key: key, value: id,
                    reason: "is not one of the NameNodes of nameservice \(service.id) (\(service.nameNodeIDs.joined(separator: ", ")))")
            }
            return found
        }
        let matching = service.nameNodes.filter { isLocalHost?($0.rpcAddress.host) ?? false }
        guard matching.count == 1 else { throw HAConfiguration.ambiguousLocalAddress(matches: matching.count) }
        return matching[0]
    }

    /// The id of `localNameNode(...)`.
    public func localNameNodeID(explicitID: String? = nil, nameservice: String? = nil,
                                isLocalHost: ((String) -> Bool)? = nil) throws -> String {
        try localNameNode(explicitID: explicitID, nameservice: nameservice, isLocalHost: isLocalHost).id
    }

    /// Upstream's texts when local-address matching finds no NameNode or several.
    static func ambiguousLocalAddress(matches: Int) -> ConfigError {
        if matches > 1 {
            return .invalid(message: "Configuration has multiple addresses that match local node's address. "
                + "Please configure the system with \(ConfigurationKeys.nameserviceID) and \(ConfigurationKeys.nameNodeID)")
        }
        return .invalid(message: "Configuration \(ConfigurationKeys.nameNodeRPCAddress) must be suffixed with nameservice "
            + "and namenode ID for HA configuration. Set \(ConfigurationKeys.nameNodeID) (e.g. -D \(ConfigurationKeys.nameNodeID)=nn1) "
            + "to say which NameNode this process is.")
    }
}
