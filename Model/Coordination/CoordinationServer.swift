/// ZooKeeper's semantics for what HDFS HA uses, as a pure state machine: one standalone server
/// with sessions, a znode tree, versions and one-shot watches.
///
/// `step` takes one input and returns the effects in the order the host must perform them. No
/// clock, no randomness, no hash-ordered iteration: the same inputs always give the same effects
/// and an equal state, in any process. The embedded ZooKeeper-protocol server hosts this very
/// type over TCP; the model checker explores it.
public struct CoordinationServer: Hashable, Sendable, Codable, Fingerprintable {
    public let configuration: CoordinationConfiguration
    /// The last zxid handed out (the server's last processed zxid); 0 on a fresh server.
    public internal(set) var lastZxid: Int64
    /// The id the next new session gets.
    public internal(set) var nextSessionID: Int64
    /// Every znode, sorted by path bytes; `znodes[0]` is the root.
    public internal(set) var znodes: [Znode]
    /// Every live session, sorted by id.
    public internal(set) var sessions: [CoordinationSession]

    public init(configuration: CoordinationConfiguration = CoordinationConfiguration()) {
        self.configuration = configuration
        self.lastZxid = 0
        self.nextSessionID = configuration.sessionIDFirst
        self.znodes = [Znode.root]
        self.sessions = []
    }

    /// Performs one input and returns its effects, in order.
    public mutating func step(_ input: CoordinationInput) -> [CoordinationEffect] {
        var effects: [CoordinationEffect] = []
        switch input {
        case let .connect(timeoutMs, session, password, lastZxidSeen, time):
            connect(timeoutMs: timeoutMs, session: session, password: password, lastZxidSeen: lastZxidSeen,
                    time: time, effects: &effects)
        case let .request(session, xid, time, operation):
            request(session: session, xid: xid, time: time, operation: operation, effects: &effects)
        case let .sessionExpired(session):
            expire(session: session, effects: &effects)
        case let .disconnected(session):
            if let index = sessionIndex(session) {
                sessions[index].dataWatches.removeAll()
                sessions[index].childWatches.removeAll()
            }
        }
        assert(consistencyViolation == nil, "Internal inconsistency: \(consistencyViolation ?? "")")
        return effects
    }

    /// The password of a session: derived from its id, as ZooKeeper derives it from a seeded
    /// Random (`generatePasswd`), so that nothing random enters the model. Clients treat it as
    /// opaque; a reconnect must present it.
    public static func password(for session: Int64) -> [UInt8] {
        var state = UInt64(bitPattern: session ^ 0xB341_5C00)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(passwordBytes)
        while bytes.count < passwordBytes {
            state = state &+ 0x9E37_79B9_7F4A_7C15
            var word = state
            word = (word ^ (word &>> 30)) &* 0xBF58_476D_1CE4_E5B9
            word = (word ^ (word &>> 27)) &* 0x94D0_49BB_1331_11EB
            word ^= word &>> 31
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return bytes
    }

    /// ZooKeeper's session password length.
    public static let passwordBytes = 16

    public func fingerprint(into hasher: inout FingerprintHasher) {
        hasher.combine(configuration)
        hasher.combine(lastZxid)
        hasher.combine(nextSessionID)
        hasher.combine(znodes)
        hasher.combine(sessions)
    }
}

// MARK: - Sessions

extension CoordinationServer {
    /// `processConnectRequest`: refuse a client that has seen a newer zxid, then create a session
    /// or resume one whose password matches and which has not expired.
    mutating func connect(timeoutMs requested: Int32, session id: Int64, password: [UInt8], lastZxidSeen: Int64,
                          time: Int64, effects: inout [CoordinationEffect]) {
        if lastZxidSeen > lastZxid {
            effects.append(.log("Refusing session request for client as it has seen zxid 0x\(CoordinationServer.hex(lastZxidSeen))"
                + " our last zxid is 0x\(CoordinationServer.hex(lastZxid)) client must try another server"))
            effects.append(.closeConnection(session: id))
            return
        }
        let timeoutMs = configuration.negotiatedTimeoutMs(requested: requested)
        if id == 0 {
            let zxid = lastZxid + 1 // createSession is a txn
            lastZxid = zxid
            let newID = nextSessionID
            nextSessionID += 1
            sessions.append(CoordinationSession(id: newID, timeoutMs: timeoutMs))
            effects.append(.setSessionTimer(session: newID, milliseconds: expiryDelayMs(timeoutMs, time: time)))
            effects.append(.reply(session: newID, xid: 0, zxid: zxid, result: .sessionEstablished(
                session: newID, timeoutMs: timeoutMs, password: CoordinationServer.password(for: newID))))
            effects.append(.log("Established session 0x\(CoordinationServer.hex(newID)) with negotiated timeout \(timeoutMs)"))
            return
        }
        guard password == CoordinationServer.password(for: id) else {
            effects.append(.log("Incorrect password for session 0x\(CoordinationServer.hex(id))"))
            refuseExpired(id, effects: &effects)
            return
        }
        guard let index = sessionIndex(id) else {
            effects.append(.log("Invalid session 0x\(CoordinationServer.hex(id)), probably expired"))
            refuseExpired(id, effects: &effects)
            return
        }
        // The watches belonged to the previous connection; the client re-registers them.
        sessions[index].timeoutMs = timeoutMs
        sessions[index].dataWatches.removeAll()
        sessions[index].childWatches.removeAll()
        effects.append(.setSessionTimer(session: id, milliseconds: expiryDelayMs(timeoutMs, time: time)))
        effects.append(.reply(session: id, xid: 0, zxid: lastZxid, result: .sessionEstablished(
            session: id, timeoutMs: timeoutMs, password: password)))
        effects.append(.log("Established session 0x\(CoordinationServer.hex(id)) with negotiated timeout \(timeoutMs)"))
    }

    private func refuseExpired(_ id: Int64, effects: inout [CoordinationEffect]) {
        effects.append(.reply(session: id, xid: 0, zxid: lastZxid, result: .error(.sessionExpired)))
        effects.append(.closeConnection(session: id))
    }

    /// The session timer fired: a closeSession txn deletes the session's ephemerals.
    mutating func expire(session id: Int64, effects: inout [CoordinationEffect]) {
        guard let index = sessionIndex(id) else {
            effects.append(.log("Ignoring expiry of unknown session 0x\(CoordinationServer.hex(id))"))
            return
        }
        effects.append(.log("Expiring session 0x\(CoordinationServer.hex(id)), timeout of \(sessions[index].timeoutMs)ms exceeded"))
        end(sessionAt: index, effects: &effects)
        effects.append(.cancelSessionTimer(session: id))
        effects.append(.closeConnection(session: id))
    }

    /// A closeSession request: the same txn as an expiry, answered before the connection closes.
    mutating func close(sessionAt index: Int, xid: Int32, effects: inout [CoordinationEffect]) {
        let id = sessions[index].id
        end(sessionAt: index, effects: &effects)
        effects.append(.reply(session: id, xid: xid, zxid: lastZxid, result: .sessionClosed))
        effects.append(.cancelSessionTimer(session: id))
        effects.append(.closeConnection(session: id))
        effects.append(.log("Processed session termination for sessionid: 0x\(CoordinationServer.hex(id))"))
    }

    /// The closeSession txn: one zxid; the session and its watches go first, so the dying session
    /// is not notified of its own ephemerals' deletion; then each ephemeral, in path order.
    private mutating func end(sessionAt index: Int, effects: inout [CoordinationEffect]) {
        let id = sessions[index].id
        let zxid = lastZxid + 1
        lastZxid = zxid
        sessions.remove(at: index)
        let owned = ephemerals(of: id)
        for path in owned {
            removeZnode(path, zxid: zxid, effects: &effects)
        }
    }

    /// The delay until the session's expiry: ZooKeeper's ExpiryQueue puts a session in the tick
    /// bucket after `time + timeout`, so it dies between timeout and timeout + tickTime later.
    func expiryDelayMs(_ timeoutMs: Int32, time: Int64) -> Int64 {
        precondition(time >= 0, "the host's clock gave a negative time")
        let tick = Int64(configuration.tickTimeMs)
        let deadline = ((time + Int64(timeoutMs)) / tick + 1) * tick
        return deadline - time
    }
}

extension CoordinationServer {
    /// A session id or zxid as ZooKeeper prints it (`Long.toHexString`).
    static func hex(_ value: Int64) -> String {
        String(UInt64(bitPattern: value), radix: 16)
    }
}
