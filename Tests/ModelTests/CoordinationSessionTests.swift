import XCTest
@testable import Model

/// Sessions of the coordination server, checked against ZooKeeper 3.8's session semantics
/// (ZooKeeperServer.processConnectRequest, ExpiryQueue, the closeSession txn).
final class CoordinationSessionTests: XCTestCase {
    private typealias Script = CoordinationScript

    /// Timeout negotiation clamps to [2, 20] × tickTime; the reference's example with tickTime
    /// 200: 30000 ms is negotiated to 4000 ms and 100 ms to 400 ms. Ids count up from 0x100 and
    /// the password is the 16 bytes derived from the id.
    func testConnectNegotiatesTheTimeoutAndCountsSessionIDs() {
        var server = CoordinationServer(configuration: CoordinationConfiguration(tickTimeMs: 200))
        let first = server.step(.connect(timeoutMs: 30_000))
        XCTAssertEqual(first, [
            .setSessionTimer(session: 0x100, milliseconds: 4_200),
            .reply(session: 0x100, xid: 0, zxid: 1, result: .sessionEstablished(
                session: 0x100, timeoutMs: 4_000, password: CoordinationServer.password(for: 0x100))),
            .log("Established session 0x100 with negotiated timeout 4000"),
        ])
        let second = server.step(.connect(timeoutMs: 100))
        XCTAssertEqual(Script.results(second), [.sessionEstablished(
            session: 0x101, timeoutMs: 400, password: CoordinationServer.password(for: 0x101))])
        XCTAssertEqual(server.sessions.map(\.id), [0x100, 0x101])
        XCTAssertEqual(server.sessions.map(\.timeoutMs), [4_000, 400])

        let defaults = CoordinationConfiguration()
        XCTAssertEqual(defaults.tickTimeMs, 2_000)
        XCTAssertEqual(defaults.negotiatedTimeoutMs(requested: 10_000), 10_000)
        XCTAssertEqual(defaults.negotiatedTimeoutMs(requested: 1_000), 4_000)
        XCTAssertEqual(defaults.negotiatedTimeoutMs(requested: 100_000), 40_000)
        XCTAssertEqual(CoordinationServer.password(for: 0x100).count, 16)
        XCTAssertNotEqual(CoordinationServer.password(for: 0x100), CoordinationServer.password(for: 0x101))
    }

    /// Every packet touches the session: the timer is set to the tick bucket after time +
    /// timeout (ExpiryQueue.roundToNextInterval), so expiry comes between timeout and
    /// timeout + tickTime after the last packet.
    func testEveryRequestRefreshesTheSessionTimerToItsTickBucket() {
        var script = Script()
        let session = script.connect(timeoutMs: 4_000)
        for (time, delay) in [(Int64(0), Int64(6_000)), (1_000, 5_000), (1_999, 4_001), (2_000, 6_000)] {
            let effects = script.send(session, .ping, time: time)
            XCTAssertEqual(effects.first, .setSessionTimer(session: session, milliseconds: delay), "at \(time)")
            XCTAssertGreaterThan(delay, 4_000)
            XCTAssertLessThanOrEqual(delay, 6_000)
        }
        let failing = script.send(session, .getData(path: "/none", watch: false), time: 0)
        XCTAssertEqual(failing.first, .setSessionTimer(session: session, milliseconds: 6_000), "errors touch too")
    }

    /// A reconnect with the session's id and password before it expires keeps the session and
    /// its ephemerals (Disconnected is not Expired), renegotiates the timeout, and starts with no
    /// watches: they belonged to the old connection.
    func testReconnectWithinTheTimeoutKeepsTheSession() {
        var script = Script()
        let session = script.connect(timeoutMs: 4_000)
        script.call(session, .create(path: "/lock", data: [], mode: .ephemeral))
        script.call(session, .exists(path: "/lock", watch: true))
        script.step(.disconnected(session: session))
        XCTAssertTrue(script.server.isLive(session))
        XCTAssertEqual(script.server.session(session)?.dataWatches, [])
        let zxidBefore = script.server.lastZxid
        let effects = script.step(.connect(timeoutMs: 8_000, session: session,
                                           password: CoordinationServer.password(for: session), lastZxidSeen: zxidBefore))
        XCTAssertEqual(Script.results(effects), [.sessionEstablished(
            session: session, timeoutMs: 8_000, password: CoordinationServer.password(for: session))])
        XCTAssertEqual(effects.first, .setSessionTimer(session: session, milliseconds: 10_000))
        XCTAssertEqual(script.server.lastZxid, zxidBefore, "resuming a session is not a txn")
        XCTAssertEqual(script.server.znode(at: "/lock")?.ephemeralOwner, session)
        XCTAssertEqual(script.server.session(session)?.timeoutMs, 8_000)
        XCTAssertEqual(script.call(session, .exists(path: "/lock", watch: false)).map { _ in true }, true)
    }

    /// After expiry, a reconnect is told the session expired: ConnectResponse timeOut 0, which
    /// the client turns into an Expired event; then the server closes the connection.
    func testReconnectAfterExpiryIsToldSessionExpired() {
        var script = Script()
        let session = script.connect()
        script.step(.sessionExpired(session: session))
        let effects = script.step(.connect(timeoutMs: 4_000, session: session,
                                           password: CoordinationServer.password(for: session)))
        XCTAssertEqual(effects, [
            .log("Invalid session 0x100, probably expired"),
            .reply(session: session, xid: 0, zxid: 2, result: .error(.sessionExpired)),
            .closeConnection(session: session),
        ])
        XCTAssertFalse(script.server.isLive(session))
    }

    /// A wrong password gets the same answer as an expired session (checkPasswd fails).
    func testReconnectWithAWrongPasswordIsRefused() {
        var script = Script()
        let session = script.connect()
        let before = script.server
        let effects = script.step(.connect(timeoutMs: 4_000, session: session, password: [UInt8](repeating: 0, count: 16)))
        XCTAssertEqual(Script.results(effects), [.error(.sessionExpired)])
        XCTAssertEqual(effects.last, .closeConnection(session: session))
        XCTAssertEqual(script.server, before, "the live session is untouched")
    }

    /// A client that has seen a zxid newer than the server's is closed without a reply, so it
    /// tries another server.
    func testAClientFromTheFutureIsClosedWithoutAReply() {
        var script = Script()
        let session = script.connect()
        let before = script.server
        let effects = script.step(.connect(timeoutMs: 4_000, session: session,
                                           password: CoordinationServer.password(for: session), lastZxidSeen: 99))
        XCTAssertEqual(Script.results(effects), [])
        XCTAssertEqual(effects.last, .closeConnection(session: session))
        XCTAssertEqual(script.server, before)
    }

    /// Requests from an expired or unknown session are answered SESSIONEXPIRED (-112), do not
    /// touch any timer and change nothing.
    func testRequestsFromAnExpiredSessionGetSessionExpired() {
        var script = Script()
        let gone = script.connect()
        let alive = script.connect()
        script.call(alive, .create(path: "/n", data: [], mode: .persistent))
        script.step(.sessionExpired(session: gone))
        let before = script.server
        let operations: [CoordinationOperation] = [
            .ping, .create(path: "/x", data: [], mode: .ephemeral), .delete(path: "/n", version: -1),
            .exists(path: "/n", watch: true), .getData(path: "/n", watch: true), .setData(path: "/n", data: [], version: -1),
            .getChildren(path: "/", watch: true), .getACL(path: "/n"), .setACL(path: "/n", version: -1), .sync(path: "/"),
            .setWatches(relativeZxid: 0, dataWatches: ["/n"], existWatches: [], childWatches: []),
            .addAuth(scheme: "digest"), .closeSession,
        ]
        for (offset, operation) in operations.enumerated() {
            let xid = Int32(offset + 1)
            for session in [gone, 0x999] {
                let effects = script.step(.request(session: session, xid: xid, operation: operation))
                XCTAssertEqual(effects, [.reply(session: session, xid: xid, zxid: before.lastZxid, result: .error(.sessionExpired))],
                               "\(operation)")
            }
        }
        XCTAssertEqual(script.server, before)
    }

    /// Expiry runs a closeSession txn: the session's ephemerals are deleted (persistent nodes
    /// stay), watches fire to the other sessions (NodeDeleted, NodeChildrenChanged once: child
    /// watches are one-shot), the expired session hears nothing, and its timer and connection go.
    func testExpiryDeletesEphemeralsAndFiresWatchesToOtherSessions() {
        var script = Script()
        let owner = script.connect()                                                     // zxid 1
        let watcher = script.connect()                                                   // 2
        script.call(owner, .create(path: "/e1", data: [], mode: .ephemeral))             // 3
        script.call(owner, .create(path: "/e2", data: [], mode: .ephemeral))             // 4
        script.call(owner, .create(path: "/p", data: [], mode: .persistent))             // 5
        script.call(owner, .exists(path: "/e1", watch: true))
        script.call(watcher, .exists(path: "/e1", watch: true))
        script.call(watcher, .getData(path: "/e2", watch: true))
        script.call(watcher, .getChildren(path: "/", watch: true))

        let effects = script.step(.sessionExpired(session: owner))                       // 6
        XCTAssertEqual(effects, [
            .log("Expiring session 0x100, timeout of 4000ms exceeded"),
            .watchEvent(session: watcher, event: CoordinationWatchEvent(.nodeDeleted, "/e1")),
            .watchEvent(session: watcher, event: CoordinationWatchEvent(.nodeChildrenChanged, "/")),
            .watchEvent(session: watcher, event: CoordinationWatchEvent(.nodeDeleted, "/e2")),
            .cancelSessionTimer(session: owner),
            .closeConnection(session: owner),
        ])
        XCTAssertEqual(script.server.znodes.map(\.path), ["/", "/p"])
        XCTAssertEqual(script.server.lastZxid, 6, "the whole closeSession is one txn")
        XCTAssertEqual(script.server.znode(at: "/")?.pzxid, 6)
        XCTAssertEqual(script.server.znode(at: "/")?.numChildren, 1)
        XCTAssertFalse(script.server.isLive(owner))
        XCTAssertEqual(script.server.session(watcher)?.dataWatches, [])
        XCTAssertEqual(script.server.session(watcher)?.childWatches, [])
    }

    /// closeSession does the same as expiry within one request: the notifications to others go
    /// out first, then the reply to the closer, then its timer is cancelled and its connection
    /// closed.
    func testCloseSessionDeletesEphemeralsThenReplies() {
        var script = Script()
        let closer = script.connect()
        let watcher = script.connect()
        script.call(closer, .create(path: "/lock", data: [], mode: .ephemeral))
        script.call(watcher, .exists(path: "/lock", watch: true))
        let effects = script.step(.request(session: closer, xid: 7, operation: .closeSession))
        XCTAssertEqual(effects, [
            .watchEvent(session: watcher, event: CoordinationWatchEvent(.nodeDeleted, "/lock")),
            .reply(session: closer, xid: 7, zxid: 4, result: .sessionClosed),
            .cancelSessionTimer(session: closer),
            .closeConnection(session: closer),
            .log("Processed session termination for sessionid: 0x100"),
        ])
        XCTAssertNil(script.server.znode(at: "/lock"))
        XCTAssertEqual(script.call(closer, .ping), .error(.sessionExpired))
    }

    /// The environment may fire a stale timer: expiring an unknown session changes nothing.
    func testExpiryOfAnUnknownSessionIsIgnored() {
        var script = Script()
        _ = script.connect()
        let before = script.server
        let effects = script.step(.sessionExpired(session: 0x777))
        XCTAssertEqual(effects, [.log("Ignoring expiry of unknown session 0x777")])
        XCTAssertEqual(script.server, before)
    }

    /// Closing the TCP connection does not expire the session: its ephemerals stay, only the
    /// connection's watches go (so later changes notify nobody).
    func testDisconnectKeepsTheSessionAndItsEphemerals() {
        var script = Script()
        let session = script.connect()
        let other = script.connect()
        script.call(session, .create(path: "/mine", data: [], mode: .ephemeral))
        script.call(session, .getData(path: "/mine", watch: true))
        script.call(session, .getChildren(path: "/", watch: true))
        XCTAssertEqual(script.step(.disconnected(session: session)), [])
        XCTAssertEqual(script.server.znode(at: "/mine")?.ephemeralOwner, session)
        let effects = script.send(other, .create(path: "/x", data: [], mode: .persistent))
        XCTAssertEqual(Script.allEvents(effects), [])
    }

    /// setWatches after a reconnect (DataTree.setWatches): a data watch fires NodeDataChanged if
    /// mzxid > relativeZxid and NodeDeleted if the node is gone, else is re-armed; an exist watch
    /// fires NodeCreated if the node now exists, else is re-armed; a child watch fires
    /// NodeChildrenChanged if pzxid > relativeZxid and NodeDeleted if gone, else is re-armed.
    /// The events precede the reply.
    func testSetWatchesCatchesUpOrReArms() {
        var script = Script()
        let client = script.connect()
        let writer = script.connect()
        for path in ["/same", "/changed", "/deleted", "/parent", "/quiet"] {
            script.call(writer, .create(path: path, data: [], mode: .persistent))
        }
        let relativeZxid = script.server.lastZxid
        script.call(writer, .setData(path: "/changed", data: [1], version: -1))
        script.call(writer, .delete(path: "/deleted", version: -1))
        script.call(writer, .create(path: "/born", data: [], mode: .persistent))
        script.call(writer, .create(path: "/parent/kid", data: [], mode: .persistent))
        let effects = script.send(client, .setWatches(relativeZxid: relativeZxid,
                                                      dataWatches: ["/same", "/changed", "/deleted"],
                                                      existWatches: ["/born", "/unborn"],
                                                      childWatches: ["/parent", "/quiet", "/deleted"]))
        XCTAssertEqual(Script.events(effects, for: client), [
            CoordinationWatchEvent(.nodeDataChanged, "/changed"),
            CoordinationWatchEvent(.nodeDeleted, "/deleted"),
            CoordinationWatchEvent(.nodeCreated, "/born"),
            CoordinationWatchEvent(.nodeChildrenChanged, "/parent"),
            CoordinationWatchEvent(.nodeDeleted, "/deleted"),
        ])
        XCTAssertEqual(Script.results(effects), [.ok])
        guard case .reply? = effects.last else { return XCTFail("the reply must come last") }
        XCTAssertEqual(script.server.session(client)?.dataWatches, ["/same", "/unborn"])
        XCTAssertEqual(script.server.session(client)?.childWatches, ["/quiet"])
    }
}
