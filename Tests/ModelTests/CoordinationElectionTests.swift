import XCTest
@testable import Model

/// The HA election pattern of Hadoop's ActiveStandbyElector (hadoop-ha-protocol.md §4) run
/// against the coordination server: an ephemeral lock raced for by two failover controllers,
/// an exists watch on the lock, and the persistent breadcrumb updated by version.
final class CoordinationElectionTests: XCTestCase {
    private typealias Script = CoordinationScript
    private let parent = "/hadoop-ha/ns1"
    private let lock = "/hadoop-ha/ns1/ActiveStandbyElectorLock"
    private let breadcrumb = "/hadoop-ha/ns1/ActiveBreadCrumb"
    private let nn1 = CoordinationScript.bytes("ns1/nn1/host1:8020/8019")
    private let nn2 = CoordinationScript.bytes("ns1/nn2/host2:8020/8019")

    /// ensureParentZNode: every component created persistent, NODEEXISTS tolerated.
    private func formatted() -> Script {
        var script = Script()
        let admin = script.connect()
        for path in ["/hadoop-ha", parent] {
            XCTAssertNotEqual(script.call(admin, .create(path: path, data: [], mode: .persistent)), .error(.noNode))
        }
        XCTAssertEqual(script.call(admin, .create(path: "/hadoop-ha", data: [], mode: .persistent)), .error(.nodeExists))
        script.call(admin, .closeSession)
        return script
    }

    /// Two sessions race to create the ephemeral lock: the winner gets it, the loser NODEEXISTS
    /// and an exists watch whose Stat names the winner's session. The winner finds no breadcrumb
    /// ("No old node to fence") and creates it. The winner's session expires: the loser gets
    /// NodeDeleted, creates the lock, reads the breadcrumb (the old active, version 0), fences it
    /// and replaces the breadcrumb with setData(version 0). A stale writer holding version 0 gets
    /// BADVERSION; the old session, reconnecting, is told it expired.
    func testLoserWinsAfterTheWinnersSessionExpires() {
        var script = formatted()
        let zkfc1 = script.connect(timeoutMs: 10_000)
        let zkfc2 = script.connect(timeoutMs: 10_000)

        guard case .created(lock, _)? = script.call(zkfc1, .create(path: lock, data: nn1, mode: .ephemeral)) else {
            return XCTFail("the first create must win")
        }
        XCTAssertEqual(script.call(zkfc2, .create(path: lock, data: nn2, mode: .ephemeral)), .error(.nodeExists))
        guard case let .stat(lockStat)? = script.call(zkfc2, .exists(path: lock, watch: true)) else {
            return XCTFail("the loser monitors the lock")
        }
        XCTAssertEqual(lockStat.ephemeralOwner, zkfc1, "the loser sees it is not the owner: standby")

        // zkfc1 becomes active: nothing to fence, then the breadcrumb.
        script.call(zkfc1, .exists(path: lock, watch: true))
        XCTAssertEqual(script.call(zkfc1, .getData(path: breadcrumb, watch: false)), .error(.noNode))
        guard case .created? = script.call(zkfc1, .create(path: breadcrumb, data: nn1, mode: .persistent)) else {
            return XCTFail("breadcrumb")
        }

        // zkfc1 dies (kill -9): no more pings, the session expires.
        let expiry = script.step(.sessionExpired(session: zkfc1))
        XCTAssertEqual(Script.events(expiry, for: zkfc2), [CoordinationWatchEvent(.nodeDeleted, lock)])
        XCTAssertEqual(Script.events(expiry, for: zkfc1), [], "a dead session hears nothing")
        XCTAssertNil(script.server.znode(at: lock))
        XCTAssertEqual(script.server.znode(at: breadcrumb)?.data, nn1, "the breadcrumb is persistent")

        // zkfc2 joins again and wins.
        guard case .created(lock, _)? = script.call(zkfc2, .create(path: lock, data: nn2, mode: .ephemeral)) else {
            return XCTFail("the loser must win once the lock is gone")
        }
        XCTAssertEqual(script.server.znode(at: lock)?.ephemeralOwner, zkfc2)
        guard case let .data(oldActive, crumbStat)? = script.call(zkfc2, .getData(path: breadcrumb, watch: false)) else {
            return XCTFail("fenceOldActive reads the breadcrumb")
        }
        XCTAssertEqual(oldActive, nn1, "the old active to fence")
        XCTAssertEqual(crumbStat.version, 0)
        guard case let .stat(written)? = script.call(zkfc2, .setData(path: breadcrumb, data: nn2,
                                                                     version: crumbStat.version)) else {
            return XCTFail("writeBreadCrumbNode")
        }
        XCTAssertEqual(written.version, 1)

        // A writer still holding the old Stat loses the compare-and-set.
        let stale = script.connect()
        XCTAssertEqual(script.call(stale, .setData(path: breadcrumb, data: nn1, version: 0)), .error(.badVersion))
        XCTAssertEqual(script.server.znode(at: breadcrumb)?.data, nn2)
        // The old session cannot come back.
        let reconnect = script.step(.connect(timeoutMs: 10_000, session: zkfc1, password: CoordinationServer.password(for: zkfc1)))
        XCTAssertEqual(Script.results(reconnect), [.error(.sessionExpired)])
        XCTAssertEqual(script.server.znodes.filter { ZnodePath.name($0.path) == "ActiveStandbyElectorLock" }.count, 1,
                       "SingleLockOwner")
    }

    /// A graceful quitElection(needFence: false): the active deletes its own breadcrumb with a
    /// version check (a stale version is BADVERSION and only warns) and closes its session, so
    /// its lock disappears at once and the standby's watch fires NodeDeleted.
    func testGracefulQuitDeletesTheBreadcrumbAndReleasesTheLock() {
        var script = formatted()
        let active = script.connect(timeoutMs: 10_000)
        let standby = script.connect(timeoutMs: 10_000)
        script.call(active, .create(path: lock, data: nn1, mode: .ephemeral))
        script.call(active, .create(path: breadcrumb, data: nn1, mode: .persistent))
        script.call(active, .setData(path: breadcrumb, data: nn1, version: 0))
        XCTAssertEqual(script.call(standby, .create(path: lock, data: nn2, mode: .ephemeral)), .error(.nodeExists))
        script.call(standby, .exists(path: lock, watch: true))

        XCTAssertEqual(script.call(active, .delete(path: breadcrumb, version: 0)), .error(.badVersion))
        XCTAssertEqual(script.call(active, .delete(path: breadcrumb, version: 1)), .deleted)
        let close = script.send(active, .closeSession)
        XCTAssertEqual(Script.events(close, for: standby), [CoordinationWatchEvent(.nodeDeleted, lock)])
        guard case .created? = script.call(standby, .create(path: lock, data: nn2, mode: .ephemeral)) else {
            return XCTFail("the standby takes the lock")
        }
        XCTAssertEqual(script.call(standby, .getData(path: breadcrumb, watch: false)), .error(.noNode),
                       "no old node to fence")
    }

    /// A lock holder whose connection drops but who reconnects within the timeout keeps the
    /// lock (ZKFC's neutral mode); the standby's watch does not fire.
    func testAHolderThatReconnectsInTimeKeepsTheLock() {
        var script = formatted()
        let active = script.connect(timeoutMs: 10_000)
        let standby = script.connect(timeoutMs: 10_000)
        script.call(active, .create(path: lock, data: nn1, mode: .ephemeral))
        script.call(standby, .exists(path: lock, watch: true))
        script.step(.disconnected(session: active))
        let resumed = script.step(.connect(timeoutMs: 10_000, session: active, password: CoordinationServer.password(for: active),
                                           lastZxidSeen: script.server.lastZxid))
        XCTAssertEqual(Script.allEvents(resumed), [])
        guard case let .stat(stat)? = script.call(active, .exists(path: lock, watch: true)) else {
            return XCTFail("the lock must survive")
        }
        XCTAssertEqual(stat.ephemeralOwner, active)
    }
}
