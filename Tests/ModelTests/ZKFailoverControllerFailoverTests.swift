import XCTest
@testable import Model

/// ZKFCProtocol (hadoop-ha-protocol.md §4.3): `cedeActive(millisToCede)` and `gracefulFailover()`.
final class ZKFailoverControllerFailoverTests: XCTestCase {
    typealias Cluster = ZKFCCluster
    private let nn1 = "NameNode at host1:8020"
    private let nn2 = "NameNode at host2:8020"

    /// cedeActive(ms) on the active: its NameNode goes standby, it quits gracefully (deleting its
    /// breadcrumb), answers, and stays out of the election until the delay ends.
    func testCedeActiveMakesTheActiveStepDownAndStayOutForTheDelay() {
        var cluster = Cluster()
        cluster.startAll()
        let start = cluster.trace.count

        cluster.deliver(0, .cedeActive(millis: 10_000))

        let ceded = cluster.trace[start...].filter { $0.zkfc == 0 }.map(\.effect)
        XCTAssertEqual(Array(ceded), [
            .log("Requested to cede active role."),
            .transitionToStandby(0),
            .log("Successfully ensured local node is in standby mode"),
            .setTimer(.cedeDelay, milliseconds: 10_000),
            .log("Yielding from election"),
            .log("Deleting bread-crumb of active node..."),
            .zooKeeper(xid: 6, .getData(path: Cluster.breadcrumb, watch: false)),
            .zooKeeper(xid: 7, .delete(path: Cluster.breadcrumb, version: 0)),
            .closeZooKeeperSession,
            .log("Would have joined master election, but this node is prohibited from doing so for 10000 more ms"),
            .reply(.cedeActive(millis: 10_000), failure: nil),
        ])
        XCTAssertEqual(cluster.zkfcs[1].electorState, .active)
        XCTAssertTrue(cluster.logs(1).contains("No old node to fence"))
        XCTAssertEqual(cluster.nameNodeStates, [.standby, .active])

        cluster.deliver(0, .health(.serviceNotResponding))
        cluster.deliver(0, .health(.serviceHealthy))
        XCTAssertNil(cluster.sessions[0], "health changes do not end the delay")

        cluster.fire(0, .cedeDelay)
        XCTAssertEqual(cluster.zkfcs.map(\.electorState), [.standby, .active])
    }

    /// cedeActive(-1) lifts the delay at once and re-joins.
    func testCedeActiveWithANonPositiveDelayCancelsTheDelay() {
        var cluster = Cluster()
        cluster.startAll()
        cluster.deliver(0, .cedeActive(millis: 10_000))
        XCTAssertTrue(cluster.zkfcs[0].isArmed(.cedeDelay))

        cluster.deliver(0, .cedeActive(millis: -1))

        XCTAssertFalse(cluster.zkfcs[0].isArmed(.cedeDelay))
        XCTAssertTrue(cluster.actions(0).contains(.cancelTimer(.cedeDelay)))
        XCTAssertEqual(cluster.replies.map(\.call), [.cedeActive(millis: 10_000), .cedeActive(millis: -1)])
        XCTAssertEqual(cluster.zkfcs.map(\.electorState), [.standby, .active])
    }

    /// If the NameNode does not go standby, the ZKFC quits with needFence: the breadcrumb stays
    /// and the next active fences it.
    func testCedeActiveWhoseStandbyTransitionFailsLeavesTheBreadcrumbForFencing() {
        var cluster = Cluster()
        cluster.startAll()
        cluster.standbyFailures[0] = "Call timed out"
        cluster.deliver(0, .cedeActive(millis: 10_000))

        XCTAssertTrue(Cluster.isSubsequence([
            "Unable to transition local node to standby: Call timed out",
            "Quitting election but indicating that fencing is necessary",
            "Yielding from election",
        ], of: cluster.logs(0)))
        XCTAssertFalse(cluster.logs(0).contains("Deleting bread-crumb of active node..."))
        XCTAssertTrue(cluster.actions(1).contains(.fence(0, method: 0)), "the graceful fence failed too, so fencing ran")
        XCTAssertEqual(cluster.zkfcs[1].electorState, .active)
        XCTAssertEqual(cluster.replies.map(\.failure), [nil])
    }

    /// gracefulFailover() on the standby's ZKFC: it reads the lock, asks the active's ZKFC to cede,
    /// wins the election, releases the ceded ZKFC with cedeActive(-1) and answers success.
    func testGracefulFailoverToTheStandby() {
        var cluster = Cluster()
        cluster.startAll()
        let start = cluster.trace.count

        cluster.deliver(1, .gracefulFailover)

        XCTAssertEqual(cluster.replies.map(\.zkfc), [1])
        XCTAssertEqual(cluster.replies.first?.call, .gracefulFailover)
        XCTAssertEqual(cluster.replies.first?.failure, .some(nil))
        let target = cluster.trace[start...].filter { $0.zkfc == 1 }.map(\.effect)
        XCTAssertTrue(Cluster.isSubsequence([
            .zooKeeper(xid: 8, .getData(path: Cluster.lock, watch: false)),
            .log("Asking \(nn1) to cede its active state for 10000ms"),
            .callFailoverController(0, .cedeActive(millis: 10_000)),
            .log("No old node to fence"),
            .transitionToActive(1),
            .callFailoverController(0, .cedeActive(millis: -1)),
            .log("Successfully became active. Successfully transitioned \(nn2) to active state"),
            .reply(.gracefulFailover, failure: nil),
        ], of: Array(target)), "\(target)")
        XCTAssertFalse(target.contains(.fence(0, method: 0)), "a graceful failover does not run the fencer")
        XCTAssertEqual(cluster.zkfcs.map(\.electorState), [.standby, .active])
        XCTAssertEqual(cluster.nameNodeStates, [.standby, .active])
        XCTAssertFalse(cluster.zkfcs[0].isArmed(.cedeDelay))
        XCTAssertFalse(cluster.zkfcs[1].isArmed(.gracefulFailoverWait))
    }

    /// With three NameNodes the non-active ZKFCs cede first and the old active last.
    func testGracefulFailoverAsksTheOldActiveLast() {
        var cluster = Cluster(count: 3)
        cluster.startAll()
        XCTAssertEqual(cluster.zkfcs.map(\.electorState), [.active, .standby, .standby])

        cluster.deliver(2, .gracefulFailover)

        let calls = cluster.actions(2).filter { if case .callFailoverController = $0 { true } else { false } }
        XCTAssertEqual(calls, [
            .callFailoverController(1, .cedeActive(millis: 10_000)),
            .callFailoverController(0, .cedeActive(millis: 10_000)),
            .callFailoverController(1, .cedeActive(millis: -1)),
            .callFailoverController(0, .cedeActive(millis: -1)),
        ])
        XCTAssertEqual(cluster.replies.last?.failure, .some(nil))
        XCTAssertEqual(cluster.zkfcs.map(\.electorState), [.standby, .standby, .active])
    }

    /// The local node is already active: success without asking anyone.
    func testGracefulFailoverToTheActiveIsANoOp() {
        var cluster = Cluster()
        cluster.startAll()
        cluster.deliver(0, .gracefulFailover)
        XCTAssertTrue(cluster.logs(0).contains("Local node \(nn1) is already active. No need to failover. Returning success."))
        XCTAssertEqual(cluster.replies.map(\.failure), [nil])
        XCTAssertFalse(cluster.actions(0).contains { if case .callFailoverController = $0 { true } else { false } })
    }

    /// The target must be healthy.
    func testGracefulFailoverToAnUnhealthyNodeIsRefused() {
        var cluster = Cluster()
        cluster.startAll()
        cluster.deliver(1, .health(.serviceUnhealthy))
        cluster.deliver(1, .gracefulFailover)
        XCTAssertEqual(cluster.replies.map(\.failure), ["\(nn2) is not currently healthy. Cannot be failover target"])
    }

    /// No lock: nobody is active, so there is nobody to fail over from.
    func testGracefulFailoverWithoutAnActive() {
        var zkfc = ZKFailoverController(configuration: .init(nameNode: 1, nameNodes: [ZKFCCluster.info(0), ZKFCCluster.info(1)],
                                                             fencingMethods: 1))
        _ = zkfc.step(.start)
        _ = zkfc.step(.zooKeeperConnected(session: 0x200))
        _ = zkfc.step(.zooKeeperReply(session: 0x200, xid: 1, .stat(Self.stat)))
        _ = zkfc.step(.health(.serviceHealthy))
        XCTAssertEqual(zkfc.step(.gracefulFailover), [.zooKeeper(xid: 8, .getData(path: Cluster.lock, watch: false))])
        XCTAssertEqual(zkfc.step(.zooKeeperReply(session: 0x200, xid: 8, .error(.noNode))),
                       [.reply(.gracefulFailover, failure: "No other node is currently active.")])
    }

    /// The local node never gets the lock in time: the wait times out with upstream's text, and
    /// the ceded ZKFCs are not released (they rejoin when their delay ends).
    func testGracefulFailoverTimesOutWhenTheLocalNodeTakesTooLong() {
        var cluster = Cluster()
        cluster.startAll()
        cluster.heldNameNodes = [1]
        cluster.deliver(1, .gracefulFailover)
        XCTAssertTrue(cluster.zkfcs[1].isArmed(.gracefulFailoverWait))
        XCTAssertTrue(cluster.actions(1).contains(.setTimer(.gracefulFailoverWait, milliseconds: 70_000)))

        cluster.fire(1, .gracefulFailoverWait)

        XCTAssertTrue(cluster.logs(1).contains("70000ms timeout elapsed waiting for an attempt to become active"))
        XCTAssertEqual(cluster.replies.map(\.failure), [
            "Unable to become active. Local node did not get an opportunity to do so from ZooKeeper, "
                + "or the local node took too long to transition to active.",
        ])
        XCTAssertFalse(cluster.actions(1).contains(.callFailoverController(0, .cedeActive(millis: -1))))
        XCTAssertTrue(cluster.zkfcs[0].isArmed(.cedeDelay))
    }

    /// The local NameNode refuses to become active: the failure is reported, the ceded ZKFC is
    /// released so the old active can take over again.
    func testGracefulFailoverReportsAFailedAttempt() {
        var cluster = Cluster()
        cluster.startAll()
        cluster.activeFailures[1] = "The NameNode has no resources available"
        cluster.deliver(1, .gracefulFailover)

        XCTAssertEqual(cluster.replies.map(\.failure), [
            "Failed to become active. Couldn't make \(nn2) active\nThe NameNode has no resources available",
        ])
        XCTAssertTrue(cluster.actions(1).contains(.callFailoverController(0, .cedeActive(millis: -1))))
        XCTAssertEqual(cluster.zkfcs[0].electorState, .active, "the old active took over again")
        XCTAssertEqual(cluster.nameNodeStates[0], .active)
    }

    /// The target becomes unhealthy while waiting: it gives up at once.
    func testGracefulFailoverGivesUpWhenTheTargetBecomesUnhealthy() {
        var cluster = Cluster()
        cluster.startAll()
        cluster.heldNameNodes = [1]
        cluster.deliver(1, .gracefulFailover)
        cluster.deliver(1, .health(.serviceUnhealthy))
        XCTAssertEqual(cluster.replies.map(\.failure), [
            "Unable to become active. Service became unhealthy while trying to failover.",
        ])
        XCTAssertFalse(cluster.zkfcs[1].isArmed(.gracefulFailoverWait))
    }

    static let stat = ZnodeStat(czxid: 1, mzxid: 1, ctime: 0, mtime: 0, version: 0, cversion: 0, aversion: 0,
                                ephemeralOwner: 0, dataLength: 0, numChildren: 0, pzxid: 1)
}
