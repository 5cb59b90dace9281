/// Everything that can happen to the coordination server: a client connects, a session sends a
/// request, the host's session timer fires, a session's connection drops.
///
/// Times are milliseconds since the epoch from the host's clock (the checker passes 0); they end
/// up in ctime/mtime and in the expiry-bucket rounding, never in a decision.
public enum CoordinationInput: Hashable, Sendable, Codable {
    /// A ConnectRequest. `session` 0 asks for a new session; otherwise the client reconnects with
    /// the id and password it was given. `lastZxidSeen` is the highest zxid the client has seen.
    case connect(timeoutMs: Int32, session: Int64 = 0, password: [UInt8] = [], lastZxidSeen: Int64 = 0,
                 time: Int64 = 0)
    /// One request of a connected session, with the client's xid (echoed in the reply).
    case request(session: Int64, xid: Int32, time: Int64 = 0, operation: CoordinationOperation)
    /// The session's expiry timer fired (or the checker's environment chose to expire it).
    case sessionExpired(session: Int64)
    /// The session's TCP connection closed. The session lives on until it expires; only the
    /// watches of that connection are gone (clients re-register them with setWatches).
    case disconnected(session: Int64)
}

/// A request's operation: the ZooKeeper opcodes that HDFS HA and its tools use.
public enum CoordinationOperation: Hashable, Sendable, Codable {
    /// op 11 (xid -2).
    case ping
    /// op 1 / 15 (create2): the reply carries both the path and the Stat.
    case create(path: String, data: [UInt8], mode: ZnodeCreateMode)
    /// op 2; version -1 means any.
    case delete(path: String, version: Int32)
    /// op 3; with `watch` a watch is set even when the node does not exist (it fires NodeCreated).
    case exists(path: String, watch: Bool)
    /// op 4.
    case getData(path: String, watch: Bool)
    /// op 5; version -1 means any.
    case setData(path: String, data: [UInt8], version: Int32)
    /// op 8 / 12 (getChildren2): the reply always carries the Stat; op 8's host drops it.
    case getChildren(path: String, watch: Bool)
    /// op 6: every node's ACL is world:anyone with all permissions.
    case getACL(path: String)
    /// op 7: checks and bumps the aversion; the ACL itself is not kept.
    case setACL(path: String, version: Int32)
    /// op 9: a single server is always in sync.
    case sync(path: String)
    /// op 101: re-register the watches of a previous connection after a reconnect.
    case setWatches(relativeZxid: Int64, dataWatches: [String], existWatches: [String], childWatches: [String])
    /// op 100 (xid -4): `digest` and `ip` are accepted (digest never fails); any other scheme
    /// gets AUTHFAILED and the connection is closed.
    case addAuth(scheme: String)
    /// op -11: ends the session, deleting its ephemerals.
    case closeSession
    /// Any other opcode: UNIMPLEMENTED with zxid -1, then the connection is closed.
    case unimplemented(opcode: Int32)

    /// The payload size a request carries, for the jute.maxbuffer check.
    var dataByteCount: Int {
        switch self {
        case .create(_, let data, _), .setData(_, let data, _): data.count
        default: 0
        }
    }
}

/// ZooKeeper's `CreateMode` flags.
public enum ZnodeCreateMode: Int32, Hashable, Sendable, Codable, CaseIterable {
    case persistent = 0
    case ephemeral = 1
    case persistentSequential = 2
    case ephemeralSequential = 3
    /// Not modelled: answered UNIMPLEMENTED.
    case container = 4
    /// Not modelled: answered UNIMPLEMENTED (as ZooKeeper does without extendedTypesEnabled).
    case persistentWithTTL = 5
    /// Not modelled: answered UNIMPLEMENTED.
    case persistentSequentialWithTTL = 6

    public var isEphemeral: Bool { self == .ephemeral || self == .ephemeralSequential }
    public var isSequential: Bool {
        self == .persistentSequential || self == .ephemeralSequential || self == .persistentSequentialWithTTL
    }
    /// Whether this model implements the mode.
    public var isModelled: Bool { rawValue <= 3 }
}
