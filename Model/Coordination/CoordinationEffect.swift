/// What the coordination server asks its host to do, in order.
///
/// Ordering the host must keep per connection: effects are delivered in list order, so a write's
/// watch notifications reach every watcher (the writer included) before the write's reply, and
/// replies to one session follow its request order.
public enum CoordinationEffect: Hashable, Sendable, Codable {
    /// The answer to a request (or, with xid 0, to a connect). `zxid` is the server's last zxid
    /// after the request, as ReplyHeader carries it (-1 for an unimplemented opcode).
    case reply(session: Int64, xid: Int32, zxid: Int64, result: CoordinationResult)
    /// A one-shot watch fired: on the wire xid -1, zxid -1, state 3 (SyncConnected).
    case watchEvent(session: Int64, event: CoordinationWatchEvent)
    /// (Re)arm the session's expiry timer; it fires `sessionExpired` unless set again first.
    /// The delay already includes ZooKeeper's rounding up to the next tick bucket.
    case setSessionTimer(session: Int64, milliseconds: Int64)
    /// The session ended; its timer must not fire.
    case cancelSessionTimer(session: Int64)
    /// Close the session's (or the connecting client's) connection after sending what precedes.
    case closeConnection(session: Int64)
    /// A line for the server's log, in ZooKeeper's wording where it has one.
    case log(String)
}

/// The body of a reply.
public enum CoordinationResult: Hashable, Sendable, Codable {
    /// ConnectResponse for a new or resumed session.
    case sessionEstablished(session: Int64, timeoutMs: Int32, password: [UInt8])
    /// create / create2.
    case created(path: String, stat: ZnodeStat)
    /// delete (header only).
    case deleted
    /// exists on an existing node, setData and setACL.
    case stat(ZnodeStat)
    /// getData.
    case data([UInt8], ZnodeStat)
    /// getChildren / getChildren2, names in byte order.
    case children([String], ZnodeStat)
    /// getACL: the ACL is always `[31, world, anyone]`; the Stat is the node's.
    case acl(ZnodeStat)
    /// sync.
    case synced(path: String)
    /// ping (header only, xid -2).
    case pong
    /// setWatches and auth (header only).
    case ok
    /// closeSession (header only); the connection closes next.
    case sessionClosed
    /// A failure: header only, `err` = the code's raw value. On a connect, SESSIONEXPIRED means
    /// ConnectResponse{timeOut 0, sessionId 0, passwd 16 × 0}.
    case error(CoordinationErrorCode)
}

/// A watch notification's body (`WatcherEvent` minus the constant state).
public struct CoordinationWatchEvent: Hashable, Sendable, Codable {
    public var type: CoordinationEventType
    public var path: String

    public init(_ type: CoordinationEventType, _ path: String) {
        self.type = type
        self.path = path
    }
}

/// ZooKeeper's `Watcher.Event.EventType` values that standard watches produce.
public enum CoordinationEventType: Int32, Hashable, Sendable, Codable {
    case nodeCreated = 1
    case nodeDeleted = 2
    case nodeDataChanged = 3
    case nodeChildrenChanged = 4
}
