/// The constants of one coordination server: ZooKeeper's zoo.cfg values that change behaviour.
///
/// Fixed for the life of a server (and of a checker run); part of the state only so that two
/// servers built from different configurations never compare equal.
public struct CoordinationConfiguration: Hashable, Sendable, Codable, Fingerprintable {
    /// ZooKeeper's `tickTime`: the session-expiry bucket width and the unit of the timeout bounds.
    public var tickTimeMs: Int32
    /// The smallest negotiated session timeout (`minSessionTimeout`, default 2 × tickTime).
    public var sessionTimeoutMsMin: Int32
    /// The largest negotiated session timeout (`maxSessionTimeout`, default 20 × tickTime).
    public var sessionTimeoutMsMax: Int32
    /// The largest znode payload accepted (`jute.maxbuffer`, default 0xfffff = 1,048,575 bytes).
    /// A request carrying more is treated as ZooKeeper treats an oversized frame: the connection
    /// is closed without a reply.
    public var dataBytesMax: Int
    /// The id given to the first session; later sessions count up from it.
    public var sessionIDFirst: Int64
    /// ZooKeeper 3.8 logs a failed write as an error txn, so it consumes a zxid. The checker may
    /// switch this off so that a rejected write leaves the state unchanged (a smaller state space).
    public var failedWritesConsumeZxid: Bool

    /// ZooKeeper's defaults: tickTime 2000 ms, timeouts within [2, 20] × tickTime.
    public static let tickTimeMsDefault: Int32 = 2000
    /// jute.maxbuffer's default.
    public static let dataBytesMaxDefault = 0xfffff
    /// The first session id: small, so that ids read well in traces.
    public static let sessionIDFirstDefault: Int64 = 0x100

    public init(tickTimeMs: Int32 = CoordinationConfiguration.tickTimeMsDefault,
                sessionTimeoutMsMin: Int32? = nil,
                sessionTimeoutMsMax: Int32? = nil,
                dataBytesMax: Int = CoordinationConfiguration.dataBytesMaxDefault,
                sessionIDFirst: Int64 = CoordinationConfiguration.sessionIDFirstDefault,
                failedWritesConsumeZxid: Bool = true) {
        precondition(tickTimeMs > 0, "tickTime must be positive")
        precondition(tickTimeMs <= Int32.max / 20, "tickTime too large")
        let minimum = sessionTimeoutMsMin ?? 2 * tickTimeMs
        let maximum = sessionTimeoutMsMax ?? 20 * tickTimeMs
        precondition(minimum > 0, "minSessionTimeout must be positive")
        precondition(minimum <= maximum, "minSessionTimeout must not exceed maxSessionTimeout")
        precondition(dataBytesMax >= 0, "jute.maxbuffer must not be negative")
        precondition(sessionIDFirst > 0, "session id 0 means 'no session' on the wire")
        self.tickTimeMs = tickTimeMs
        self.sessionTimeoutMsMin = minimum
        self.sessionTimeoutMsMax = maximum
        self.dataBytesMax = dataBytesMax
        self.sessionIDFirst = sessionIDFirst
        self.failedWritesConsumeZxid = failedWritesConsumeZxid
    }

    /// The timeout ZooKeeper grants for a requested one: clamped to [min, max]
    /// (`ZooKeeperServer.processConnectRequest`).
    public func negotiatedTimeoutMs(requested: Int32) -> Int32 {
        min(max(requested, sessionTimeoutMsMin), sessionTimeoutMsMax)
    }

    public func fingerprint(into hasher: inout FingerprintHasher) {
        hasher.combine(tickTimeMs)
        hasher.combine(sessionTimeoutMsMin)
        hasher.combine(sessionTimeoutMsMax)
        hasher.combine(dataBytesMax)
        hasher.combine(sessionIDFirst)
        hasher.combine(failedWritesConsumeZxid)
    }
}
