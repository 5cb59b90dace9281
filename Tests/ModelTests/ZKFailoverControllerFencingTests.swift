import XCTest
@testable import Model

/// Fencing the old active before taking over (hadoop-ha-protocol.md §4.2 `becomeActive`, §4.3
/// `fenceOldActive`, §5.2 `NodeFencer.fence`, §5.6 `tryGracefulFence`).
final class ZKFailoverControllerFencingTests: XCTestCase {
    typealias Cluster = ZKFCCluster
    private let nn1 = "NameNode at host1:8020"
    private let nn2 = "NameNode at host2:8020"
    private let refused = "Call From host2 to host1:8020 failed on connection exception: java.net.ConnectException: Connection refused"

    /// The effects of ZKFC 1 since trace position `start`, logs left out.
    private func actions(_ cluster: Cluster, since start: Int, zkfc: Int = 1) -> [ZKFailoverController.Effect] {
        cluster.trace[start...].filter { $0.zkfc == zkfc }.map(\.effect).filter {
            if case .log = $0 { false } else { true }
        }
    }

    /// The graceful transitionToStandby fails, so the fencing methods run in order until one
    /// succeeds (method 1 fails, method 2 succeeds); only then is the breadcrumb written.
    func testGracefulFenceFailsThenFencingMethodsRunInOrder() {
        var cluster = Cluster()
        cluster.startAll()
        cluster.standbyFailures[0] = refused
        cluster.fenceOutcomes = [false, true]
        let start = cluster.trace.count

        cluster.expire(0)

        XCTAssertEqual(actions(cluster, since: start), [
            .zooKeeper(xid: 2, .create(path: Cluster.lock, data: cluster.data(1), mode: .ephemeral)),
            .zooKeeper(xid: 4, .getData(path: Cluster.breadcrumb, watch: false)),
            .transitionToStandby(0),
            .fence(0, method: 0),
            .fence(0, method: 1),
            .zooKeeper(xid: 5, .setData(path: Cluster.breadcrumb, data: cluster.data(1), version: 0)),
            .transitionToActive(1),
            .zooKeeper(xid: 3, .exists(path: Cluster.lock, watch: true)),
        ])
        XCTAssertTrue(Cluster.isSubsequence([
            "Should fence: \(nn1)",
            "Unable to gracefully make \(nn1) standby (\(refused))",
            "====== Beginning Service Fencing Process... ======",
            "Trying method 1/2",
            "Fencing method 1 was unsuccessful.",
            "Trying method 2/2",
            "====== Fencing successful by method 2 ======",
            "Writing znode \(Cluster.breadcrumb) to indicate that the local node is the most recent active...",
            "Successfully transitioned \(nn2) to active state",
        ], of: cluster.logs(1)), "\(cluster.logs(1))")
        XCTAssertEqual(cluster.zkfcs[1].electorState, .active)
        XCTAssertEqual(cluster.nameNodeStates[1], .active)
        XCTAssertEqual(cluster.breadcrumbNode?.data, cluster.data(1))
    }

    /// Every fencing method fails: `Unable to fence <old>`; the node does not become active, it
    /// closes its session (releasing the lock) and re-joins after 1000 ms.
    func testFencingFailureKeepsTheNodeFromBecomingActive() {
        var cluster = Cluster()
        cluster.startAll()
        cluster.standbyFailures[0] = refused
        cluster.fenceOutcomes = [false, false]
        let start = cluster.trace.count

        cluster.expire(0)

        let taken = actions(cluster, since: start)
        XCTAssertEqual(Array(taken.prefix(7)), [
            .zooKeeper(xid: 2, .create(path: Cluster.lock, data: cluster.data(1), mode: .ephemeral)),
            .zooKeeper(xid: 4, .getData(path: Cluster.breadcrumb, watch: false)),
            .transitionToStandby(0),
            .fence(0, method: 0),
            .fence(0, method: 1),
            .closeZooKeeperSession,
            .setTimer(.rejoinElection, milliseconds: 1000),
        ])
        XCTAssertFalse(taken.contains(.transitionToActive(1)))
        XCTAssertTrue(Cluster.isSubsequence([
            "Fencing method 2 was unsuccessful.",
            "Unable to fence service by any configured method.",
            "Exception handling the winning of election: Unable to fence \(nn1)",
            "Trying to re-establish ZK session",
        ], of: cluster.logs(1)), "\(cluster.logs(1))")
        XCTAssertTrue(cluster.zkfcs[1].isArmed(.rejoinElection))
        XCTAssertNotEqual(cluster.zkfcs[1].electorState, .active)
        XCTAssertEqual(cluster.nameNodeStates[1], .standby)
        XCTAssertEqual(cluster.breadcrumbNode?.data, cluster.data(0), "the breadcrumb still names the old active")
        // The released lock went back to ZKFC 0, which finds its own breadcrumb.
        XCTAssertEqual(cluster.zkfcs[0].electorState, .active)
        cluster.fire(1, .rejoinElection)
        XCTAssertEqual(cluster.zkfcs.map(\.electorState), [.active, .standby])
    }

    /// The breadcrumb write is a compare-and-set on the version read: if another node wrote it
    /// meanwhile, setData gets BADVERSION and this node gives up and re-joins.
    func testStaleBreadcrumbVersionGetsBadVersionAndTheNodeGivesUp() {
        var cluster = Cluster()
        cluster.startAll()
        cluster.standbyFailures[0] = refused
        cluster.fenceOutcomes = []  // fencing method 1 runs until the test answers it
        let start = cluster.trace.count
        cluster.expire(0)
        XCTAssertEqual(actions(cluster, since: start).last, .fence(0, method: 0))

        // Meanwhile another writer moves the breadcrumb to version 1.
        let writer = cluster.newSession()
        _ = cluster.server.step(.request(session: writer, xid: 1, operation: .setData(
            path: Cluster.breadcrumb, data: cluster.data(0), version: -1)))
        XCTAssertEqual(cluster.breadcrumbNode?.version, 1)

        cluster.deliver(1, .fenceResult(method: 0, success: true))

        let taken = actions(cluster, since: start)
        XCTAssertTrue(taken.contains(.zooKeeper(xid: 5, .setData(path: Cluster.breadcrumb, data: cluster.data(1), version: 0))))
        XCTAssertFalse(taken.contains(.transitionToActive(1)))
        XCTAssertTrue(cluster.logs(1).contains(
            "Exception handling the winning of election: KeeperErrorCode = BadVersion for \(Cluster.breadcrumb)"))
        XCTAssertTrue(cluster.zkfcs[1].isArmed(.rejoinElection))
        XCTAssertNotEqual(cluster.breadcrumbNode?.data, cluster.data(1))

        // Closing the session released the lock: the rejoined ZKFC 0 finds its own data and takes over.
        XCTAssertEqual(cluster.zkfcs[0].electorState, .active)
        XCTAssertEqual(cluster.nameNodeStates[0], .active)
        cluster.fire(1, .rejoinElection)
        XCTAssertEqual(cluster.zkfcs.map(\.electorState), [.active, .standby])
    }

    /// The local NameNode refuses transitionToActive: `Couldn't transition to active`; the ZKFC
    /// releases the lock and the other node takes over.
    func testActivationFailureReleasesTheLock() {
        var cluster = Cluster()
        cluster.activeFailures[0] = "Request from ZK failover controller denied since automatic HA is not enabled"
        cluster.startAll()

        XCTAssertTrue(Cluster.isSubsequence([
            "Couldn't make \(nn1) active: Request from ZK failover controller denied since automatic HA is not enabled",
            "Exception handling the winning of election: Couldn't transition to active",
            "Trying to re-establish ZK session",
        ], of: cluster.logs(0)), "\(cluster.logs(0))")
        XCTAssertEqual(cluster.zkfcs[1].electorState, .active)
        XCTAssertTrue(cluster.zkfcs[0].isArmed(.rejoinElection))
        XCTAssertFalse(cluster.logs(1).contains("But old node has our own data, so don't need to fence it."))
        XCTAssertTrue(cluster.actions(1).contains(.transitionToStandby(0)), "ZKFC 0 wrote its breadcrumb: it is fenced")

        cluster.fire(0, .rejoinElection)
        XCTAssertEqual(cluster.zkfcs.map(\.electorState), [.standby, .active])
    }

    /// `Mutation.breadcrumbNotFenced`: the new active skips fencing the breadcrumb's node entirely.
    func testBreadcrumbNotFencedMutationSkipsFencing() {
        var cluster = Cluster(mutation: .breadcrumbNotFenced)
        cluster.startAll()
        cluster.heldNameNodes = [0]  // so the old active stays active: the split brain
        let start = cluster.trace.count

        cluster.expire(0)

        let taken = actions(cluster, since: start)
        XCTAssertEqual(taken, [
            .zooKeeper(xid: 2, .create(path: Cluster.lock, data: cluster.data(1), mode: .ephemeral)),
            .zooKeeper(xid: 4, .getData(path: Cluster.breadcrumb, watch: false)),
            .zooKeeper(xid: 5, .setData(path: Cluster.breadcrumb, data: cluster.data(1), version: 0)),
            .transitionToActive(1),
            .zooKeeper(xid: 3, .exists(path: Cluster.lock, watch: true)),
        ])
        XCTAssertTrue(cluster.logs(1).contains("(mutant breadcrumb-not-fenced) not fencing \(nn1)"))
        XCTAssertEqual(cluster.nameNodeStates, [.active, .active], "both NameNodes are active")
    }

    /// Data in ZooKeeper that names no configured NameNode is not fenced and not trusted.
    func testUnreadableBreadcrumbKeepsTheNodeFromBecomingActive() {
        var cluster = Cluster()
        cluster.startAll(healthy: false)
        let writer = cluster.newSession()
        _ = cluster.server.step(.request(session: writer, xid: 1, operation: .create(
            path: Cluster.breadcrumb, data: [0xFF, 0x01], mode: .persistent)))
        cluster.deliver(0, .health(.serviceHealthy))
        XCTAssertTrue(cluster.logs(0).contains("Exception handling the winning of election: Invalid data in ZK: ff01"))
        XCTAssertNotEqual(cluster.zkfcs[0].electorState, .active)

        var moved = ZKFCCluster.info(1)
        moved.port = 9000
        _ = cluster.server.step(.request(session: writer, xid: 2, operation: .setData(
            path: Cluster.breadcrumb, data: moved.serialized(), version: -1)))
        cluster.fire(0, .rejoinElection)
        XCTAssertTrue(cluster.logs(0).contains(
            "Exception handling the winning of election: Mismatched address stored in ZK for \(nn2): Stored protobuf was "
                + "nameserviceId: \"ns1\" namenodeId: \"nn2\" hostname: \"host2\" port: 9000 zkfcPort: 8019, "
                + "address from our own configuration for this NameNode was host2:8020"), "\(cluster.logs(0))")
        XCTAssertEqual(cluster.nameNodeStates, [.standby, .standby])
    }
}
