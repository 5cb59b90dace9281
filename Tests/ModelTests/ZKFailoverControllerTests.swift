import XCTest
@testable import Model

/// A host for several ZKFCs in one test: a real `CoordinationServer` answers their ZooKeeper
/// effects (replies and watch events go back as inputs), fake NameNodes answer transitions, fake
/// fencing methods answer with scripted outcomes, and ZKFC-to-ZKFC calls are delivered directly.
/// Inputs wait in one FIFO queue, so every run is deterministic.
struct ZKFCCluster {
    typealias Effect = ZKFailoverController.Effect
    typealias Input = ZKFailoverController.Input

    static let sessionTimeoutMs: Int32 = 5000
    /// The xid the harness uses for closeSession (its reply is dropped: the client is gone).
    static let closeXid: Int32 = 1000

    var server = CoordinationServer()
    var zkfcs: [ZKFailoverController]
    /// The session each ZKFC's client holds, as its host knows it.
    var sessions: [Int64?]
    /// A disconnected client holds its requests here until it reconnects.
    var outbox: [[(Int32, CoordinationOperation)]]
    var disconnected: [Bool]
    /// The HA state of each fake NameNode.
    var nameNodeStates: [HAServiceState]
    /// Failure texts of transitionToStandby / transitionToActive, per NameNode (absent: success).
    var standbyFailures: [NameNodeID: String] = [:]
    var activeFailures: [NameNodeID: String] = [:]
    /// NameNodes whose transitions are not answered until `answerTransition`.
    var heldNameNodes: Set<NameNodeID> = []
    var heldTransitions: [(zkfc: Int, nameNode: NameNodeID, active: Bool)] = []
    /// The outcome of each fencing method in order; a method past the end is held (no answer).
    var fenceOutcomes: [Bool] = [true]
    /// Every effect, with the ZKFC that produced it, in order.
    var trace: [(zkfc: Int, effect: Effect)] = []
    /// Every input delivered, with its ZKFC, in order.
    var delivered: [(zkfc: Int, input: Input)] = []
    /// Each ZKFC's fingerprint after each of its steps.
    var fingerprints: [UInt64] = []
    /// Answers of ZKFCProtocol calls made by the test itself (not by another ZKFC).
    var replies: [(zkfc: Int, call: ZKFCCall, failure: String?)] = []
    private var queue: [(Int, Input)] = []
    private var cedeCallers: [[Int]]

    init(count: Int = 2, fencingMethods: Int = 2, mutation: Mutation? = nil, formatted: Bool = true) {
        let nameNodes = (0..<count).map { ZKFCCluster.info($0) }
        zkfcs = (0..<count).map {
            ZKFailoverController(configuration: .init(nameNode: $0, nameNodes: nameNodes, fencingMethods: fencingMethods,
                                                      sessionTimeoutMs: ZKFCCluster.sessionTimeoutMs,
                                                      zooKeeperQuorum: "zk1:2181", mutation: mutation))
        }
        sessions = Array(repeating: nil, count: count)
        outbox = Array(repeating: [], count: count)
        disconnected = Array(repeating: false, count: count)
        nameNodeStates = Array(repeating: .standby, count: count)
        cedeCallers = Array(repeating: [], count: count)
        if formatted { format() }
    }

    /// NameNode `index` is `nn<index+1>` on `host<index+1>:8020`.
    static func info(_ index: Int) -> ActiveNodeInfo {
        ActiveNodeInfo(nameserviceID: "ns1", nameNodeID: "nn\(index + 1)", hostname: "host\(index + 1)", port: 8020)
    }

    static let parent = "/hadoop-ha/ns1"
    static let lock = "/hadoop-ha/ns1/ActiveStandbyElectorLock"
    static let breadcrumb = "/hadoop-ha/ns1/ActiveBreadCrumb"

    /// `hdfs zkfc -formatZK`: the parent znodes, from a session that then closes.
    mutating func format() {
        let session = newSession()
        for path in ["/hadoop-ha", ZKFCCluster.parent] {
            _ = server.step(.request(session: session, xid: 1, operation: .create(path: path, data: [], mode: .persistent)))
        }
        _ = server.step(.request(session: session, xid: 2, operation: .closeSession))
    }

    mutating func newSession() -> Int64 {
        for effect in server.step(.connect(timeoutMs: ZKFCCluster.sessionTimeoutMs)) {
            if case .reply(_, _, _, .sessionEstablished(let session, _, _)) = effect { return session }
        }
        fatalError("the coordination server refused a session")
    }

    // MARK: Driving

    mutating func enqueue(_ zkfc: Int, _ input: Input) { queue.append((zkfc, input)) }

    mutating func deliver(_ zkfc: Int, _ input: Input) {
        enqueue(zkfc, input)
        run()
    }

    /// Starts every ZKFC; `healthy` then reports each one healthy, in index order.
    mutating func startAll(healthy: Bool = true) {
        for index in zkfcs.indices { enqueue(index, .start) }
        run()
        guard healthy else { return }
        for index in zkfcs.indices { enqueue(index, .health(.serviceHealthy)) }
        run()
    }

    /// Delivers queued inputs until none is left.
    mutating func run() {
        var steps = 0
        while !queue.isEmpty {
            steps += 1
            precondition(steps < 10_000, "the cluster does not settle")
            let (index, input) = queue.removeFirst()
            delivered.append((index, input))
            let effects = zkfcs[index].step(input)
            fingerprints.append(FingerprintHasher.fingerprint(zkfcs[index]))
            for effect in effects {
                trace.append((index, effect))
                perform(index, effect)
            }
        }
        XCTAssertNil(server.consistencyViolation)
    }

    private mutating func perform(_ index: Int, _ effect: Effect) {
        switch effect {
        case .connectZooKeeper:
            let session = newSession()
            sessions[index] = session
            disconnected[index] = false
            enqueue(index, .zooKeeperConnected(session: session))
        case .closeZooKeeperSession:
            guard let session = sessions[index] else { return }
            sessions[index] = nil
            outbox[index] = []
            route(server.step(.request(session: session, xid: ZKFCCluster.closeXid, operation: .closeSession)))
        case .zooKeeper(let xid, let operation):
            guard let session = sessions[index] else { return XCTFail("zkfc \(index) sent \(operation) without a session") }
            if disconnected[index] {
                outbox[index].append((xid, operation))
            } else {
                route(server.step(.request(session: session, xid: xid, operation: operation)))
            }
        case .transitionToActive(let nameNode), .transitionToStandby(let nameNode):
            let active = if case .transitionToActive = effect { true } else { false }
            if heldNameNodes.contains(nameNode) {
                heldTransitions.append((index, nameNode, active))
            } else {
                answer(index, nameNode, active: active, failure: (active ? activeFailures : standbyFailures)[nameNode])
            }
        case .fence(let nameNode, let method):
            guard method < fenceOutcomes.count else { return }
            if fenceOutcomes[method] { nameNodeStates[nameNode] = .stopping }
            enqueue(index, .fenceResult(method: method, success: fenceOutcomes[method]))
        case .callFailoverController(let nameNode, let call):
            cedeCallers[nameNode].append(index)
            switch call {
            case .cedeActive(let millis): enqueue(nameNode, .cedeActive(millis: millis))
            case .gracefulFailover: enqueue(nameNode, .gracefulFailover)
            }
        case .reply(let call, let failure):
            if case .cedeActive = call, !cedeCallers[index].isEmpty {
                enqueue(cedeCallers[index].removeFirst(), .cedeResult(from: index, failure: failure))
            } else {
                replies.append((index, call, failure))
            }
        case .setTimer, .cancelTimer, .fatal, .log:
            break  // timers are fired by the test; the rest is in the trace
        }
    }

    private mutating func answer(_ zkfc: Int, _ nameNode: NameNodeID, active: Bool, failure: String?) {
        if failure == nil { nameNodeStates[nameNode] = active ? .active : .standby }
        enqueue(zkfc, .transitionResult(nameNode, failure: failure))
    }

    /// Answers the oldest held transition of `nameNode`.
    mutating func answerTransition(_ nameNode: NameNodeID, failure: String? = nil) {
        guard let index = heldTransitions.firstIndex(where: { $0.nameNode == nameNode }) else {
            return XCTFail("no transition of NameNode \(nameNode) is held")
        }
        let held = heldTransitions.remove(at: index)
        answer(held.zkfc, nameNode, active: held.active, failure: failure)
        run()
    }

    /// Server effects back to the ZKFC whose session they concern.
    private mutating func route(_ effects: [CoordinationEffect]) {
        for effect in effects {
            switch effect {
            case .reply(let session, let xid, _, let result):
                guard xid != ZKFCCluster.closeXid, let owner = sessions.firstIndex(of: session) else { continue }
                enqueue(owner, .zooKeeperReply(session: session, xid: xid, result))
            case .watchEvent(let session, let event):
                guard let owner = sessions.firstIndex(of: session) else { continue }
                enqueue(owner, .zooKeeperWatch(session: session, event))
            default:
                continue
            }
        }
    }

    // MARK: Faults

    /// ZooKeeper expires the session: its ephemerals go (watchers are told), then the client learns it.
    mutating func expire(_ zkfc: Int) {
        let session = sessions[zkfc]!
        route(server.step(.sessionExpired(session: session)))
        enqueue(zkfc, .zooKeeperSessionExpired(session: session))
        run()
    }

    /// The client's connection drops; the session lives on.
    mutating func disconnect(_ zkfc: Int) {
        let session = sessions[zkfc]!
        _ = server.step(.disconnected(session: session))
        disconnected[zkfc] = true
        deliver(zkfc, .zooKeeperDisconnected(session: session))
    }

    /// The client reconnects within its session and sends what it held.
    mutating func reconnect(_ zkfc: Int) {
        let session = sessions[zkfc]!
        _ = server.step(.connect(timeoutMs: ZKFCCluster.sessionTimeoutMs, session: session,
                                 password: CoordinationServer.password(for: session)))
        disconnected[zkfc] = false
        for (xid, operation) in outbox[zkfc] {
            route(server.step(.request(session: session, xid: xid, operation: operation)))
        }
        outbox[zkfc] = []
        deliver(zkfc, .zooKeeperConnected(session: session))
    }

    /// Fires an armed timer of a ZKFC.
    mutating func fire(_ zkfc: Int, _ timer: ZKFCTimer, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(zkfcs[zkfc].isArmed(timer), "\(timer) is not armed", file: file, line: line)
        deliver(zkfc, .timerFired(timer))
    }

    // MARK: Reading

    func effects(_ zkfc: Int) -> [Effect] { trace.filter { $0.zkfc == zkfc }.map(\.effect) }

    /// The effects other than logs: what the ZKFC did.
    func actions(_ zkfc: Int) -> [Effect] {
        effects(zkfc).filter { if case .log = $0 { false } else { true } }
    }

    func logs(_ zkfc: Int) -> [String] {
        effects(zkfc).compactMap { if case .log(let line) = $0 { line } else { nil } }
    }

    func data(_ zkfc: Int) -> [UInt8] { zkfcs[zkfc].configuration.appData }
    var lockNode: Znode? { server.znode(at: ZKFCCluster.lock) }
    var breadcrumbNode: Znode? { server.znode(at: ZKFCCluster.breadcrumb) }

    /// Whether `needles` occur in `haystack` in this order (not necessarily adjacent).
    static func isSubsequence<Element: Equatable>(_ needles: [Element], of haystack: [Element]) -> Bool {
        var remaining = needles[...]
        for element in haystack where element == remaining.first { remaining = remaining.dropFirst() }
        return remaining.isEmpty
    }
}

/// The election (hadoop-ha-protocol.md §4.2): the ephemeral lock race, the loser's watch, the
/// breadcrumb, session expiry, disconnection and health-driven quits.
final class ZKFailoverControllerTests: XCTestCase {
    typealias Cluster = ZKFCCluster
    private let nn1 = "NameNode at host1:8020"
    private let nn2 = "NameNode at host2:8020"

    /// Both ZKFCs race for the lock: the first create wins and makes its NameNode active; the
    /// other gets NODEEXISTS, makes its NameNode standby and watches the lock with exists.
    func testElectionRaceOneCreatesTheLockTheOtherStandsByWithAWatch() {
        var cluster = Cluster()
        cluster.startAll()

        XCTAssertEqual(cluster.zkfcs.map(\.electorState), [.active, .standby])
        XCTAssertEqual(cluster.nameNodeStates, [.active, .standby])
        XCTAssertEqual(cluster.lockNode?.data, cluster.data(0))
        XCTAssertEqual(cluster.lockNode?.ephemeralOwner, cluster.sessions[0])
        XCTAssertEqual(cluster.breadcrumbNode?.data, cluster.data(0))
        XCTAssertEqual(cluster.breadcrumbNode?.version, 0)
        XCTAssertTrue(cluster.server.session(cluster.sessions[1]!)!.dataWatches.contains(Cluster.lock))
        XCTAssertTrue(cluster.server.session(cluster.sessions[0]!)!.dataWatches.contains(Cluster.lock))
        XCTAssertTrue(Cluster.isSubsequence([
            "Local service \(nn1) entered state: SERVICE_HEALTHY",
            "Checking for any old active which needs to be fenced...",
            "No old node to fence",
            "Writing znode \(Cluster.breadcrumb) to indicate that the local node is the most recent active...",
            "Trying to make \(nn1) active...",
            "Successfully transitioned \(nn1) to active state",
        ], of: cluster.logs(0)), "\(cluster.logs(0))")
        XCTAssertTrue(cluster.logs(1).contains("ZK Election indicated that \(nn2) should become standby"))
        XCTAssertTrue(cluster.actions(1).contains(.transitionToStandby(1)))
        XCTAssertFalse(cluster.actions(1).contains(.transitionToActive(1)))
        XCTAssertEqual(cluster.zkfcs.map(\.outstandingRequests), [[], []])
        XCTAssertEqual(cluster.zkfcs.map(\.serviceState), [.active, .standby])
    }

    /// The create reaching ZooKeeper first wins, whichever ZKFC became healthy first.
    func testTheLockGoesToTheFirstCreateZooKeeperOrders() {
        var cluster = Cluster()
        cluster.startAll(healthy: false)
        cluster.enqueue(1, .health(.serviceHealthy))
        cluster.enqueue(0, .health(.serviceHealthy))
        cluster.run()
        XCTAssertEqual(cluster.zkfcs.map(\.electorState), [.standby, .active])
        XCTAssertEqual(cluster.nameNodeStates, [.standby, .active])
    }

    /// The winner's session expires: ZooKeeper deletes the lock, the standby's watch fires
    /// NodeDeleted, it creates the lock, reads the breadcrumb naming the old active, fences it
    /// gracefully, writes the breadcrumb with the version it read, and activates its NameNode.
    func testWinnerSessionExpiresAndTheStandbyFencesGracefullyAndTakesOver() {
        var cluster = Cluster()
        cluster.startAll()
        let before = cluster.trace.count

        cluster.expire(0)

        let taken = cluster.trace[before...].filter { $0.zkfc == 1 }.map(\.effect).filter {
            if case .log = $0 { false } else { true }
        }
        XCTAssertEqual(Array(taken), [
            .zooKeeper(xid: 2, .create(path: Cluster.lock, data: cluster.data(1), mode: .ephemeral)),
            .zooKeeper(xid: 4, .getData(path: Cluster.breadcrumb, watch: false)),
            .transitionToStandby(0),
            .zooKeeper(xid: 5, .setData(path: Cluster.breadcrumb, data: cluster.data(1), version: 0)),
            .transitionToActive(1),
            .zooKeeper(xid: 3, .exists(path: Cluster.lock, watch: true)),
        ])
        XCTAssertTrue(Cluster.isSubsequence([
            "Old node exists: \(ActiveNodeInfo.hex(cluster.data(0)))",
            "Should fence: \(nn1)",
            "Successfully transitioned \(nn1) to standby state without fencing",
            "Successfully transitioned \(nn2) to active state",
        ], of: cluster.logs(1)), "\(cluster.logs(1))")
        XCTAssertTrue(cluster.logs(0).contains("Session expired. Entering neutral mode and rejoining..."))
        XCTAssertEqual(cluster.zkfcs.map(\.electorState), [.standby, .active])
        XCTAssertEqual(cluster.nameNodeStates, [.standby, .active])
        XCTAssertEqual(cluster.breadcrumbNode?.data, cluster.data(1))
        XCTAssertEqual(cluster.breadcrumbNode?.version, 1)
        XCTAssertEqual(cluster.lockNode?.ephemeralOwner, cluster.sessions[1])
        XCTAssertNotNil(cluster.sessions[0], "the expired ZKFC rejoined with a new session")
    }

    /// A disconnected ZKFC only enters neutral mode: its NameNode keeps its state. Reconnected in
    /// the same session it re-checks the lock and carries on (upstream re-runs becomeActive, which
    /// finds its own breadcrumb and does not fence).
    func testDisconnectEntersNeutralModeWithoutTouchingTheNameNode() {
        var cluster = Cluster()
        cluster.startAll()
        let before = cluster.trace.count

        cluster.disconnect(0)
        cluster.disconnect(1)

        XCTAssertEqual(cluster.zkfcs.map(\.electorState), [.neutral, .neutral])
        XCTAssertEqual(cluster.nameNodeStates, [.active, .standby])
        XCTAssertEqual(cluster.trace[before...].map(\.effect), [
            .log("Session disconnected. Entering neutral mode..."),
            .log("Session disconnected. Entering neutral mode..."),
        ])

        cluster.reconnect(0)
        cluster.reconnect(1)

        XCTAssertEqual(cluster.zkfcs.map(\.electorState), [.active, .standby])
        XCTAssertEqual(cluster.nameNodeStates, [.active, .standby])
        let afterwards = cluster.trace[before...].map(\.effect)
        XCTAssertFalse(afterwards.contains(.transitionToStandby(0)))
        XCTAssertTrue(afterwards.contains(.log("But old node has our own data, so don't need to fence it.")))
        XCTAssertEqual(cluster.breadcrumbNode?.data, cluster.data(0))
        XCTAssertEqual(cluster.breadcrumbNode?.version, 1, "the active rewrote its own breadcrumb")
    }

    /// An unhealthy active quits with needFence: the breadcrumb stays, so the next active fences it.
    func testUnhealthyActiveQuitsAndKeepsItsBreadcrumbSoItIsFenced() {
        var cluster = Cluster()
        cluster.startAll()
        let before = cluster.trace.count

        cluster.deliver(0, .health(.serviceUnhealthy))

        let quit = cluster.trace[before...].filter { $0.zkfc == 0 }.map(\.effect)
        XCTAssertEqual(Array(quit), [
            .log("Local service \(nn1) entered state: SERVICE_UNHEALTHY"),
            .log("Quitting master election for \(nn1) and marking that fencing is necessary"),
            .log("Yielding from election"),
            .closeZooKeeperSession,
        ])
        XCTAssertEqual(cluster.zkfcs[0].electorState, .initial)
        XCTAssertEqual(cluster.zkfcs[0].serviceState, .initializing)
        XCTAssertTrue(cluster.actions(1).contains(.transitionToStandby(0)), "the new active fenced the old one")
        XCTAssertEqual(cluster.zkfcs[1].electorState, .active)
        XCTAssertEqual(cluster.nameNodeStates, [.standby, .active])
        XCTAssertEqual(cluster.breadcrumbNode?.data, cluster.data(1))
    }

    /// An active whose NameNode restarts (INITIALIZING) quits gracefully: it deletes its own
    /// breadcrumb (checking data and version), so the next active has no one to fence.
    func testInitializingActiveDeletesItsBreadcrumbOnAGracefulQuit() {
        var cluster = Cluster()
        cluster.startAll()
        let before = cluster.trace.count

        cluster.deliver(0, .health(.initializing))

        let quit = cluster.trace[before...].filter { $0.zkfc == 0 }.map(\.effect)
        XCTAssertEqual(Array(quit), [
            .log("Local service \(nn1) entered state: INITIALIZING"),
            .log("Ensuring that \(nn1) does not participate in active master election"),
            .log("Yielding from election"),
            .log("Deleting bread-crumb of active node..."),
            .zooKeeper(xid: 6, .getData(path: Cluster.breadcrumb, watch: false)),
            .zooKeeper(xid: 7, .delete(path: Cluster.breadcrumb, version: 0)),
            .closeZooKeeperSession,
        ])
        XCTAssertTrue(cluster.logs(1).contains("No old node to fence"))
        XCTAssertFalse(cluster.actions(1).contains(.transitionToStandby(0)))
        XCTAssertEqual(cluster.zkfcs[1].electorState, .active)
        XCTAssertEqual(cluster.breadcrumbNode?.data, cluster.data(1))
        XCTAssertEqual(cluster.breadcrumbNode?.version, 0, "created afresh")
    }

    /// A standby that becomes unhealthy leaves the election; healthy again, it rejoins with a new session.
    func testUnhealthyStandbyLeavesAndRejoinsWhenHealthy() {
        var cluster = Cluster()
        cluster.startAll()
        let first = cluster.sessions[1]

        cluster.deliver(1, .health(.serviceNotResponding))
        XCTAssertNil(cluster.sessions[1])
        XCTAssertEqual(cluster.zkfcs[1].electorState, .initial)

        cluster.deliver(1, .health(.serviceHealthy))
        XCTAssertNotNil(cluster.sessions[1])
        XCTAssertNotEqual(cluster.sessions[1], first)
        XCTAssertEqual(cluster.zkfcs.map(\.electorState), [.active, .standby])
    }

    /// A health monitor failure stops the ZKFC; it quits the election on the way out.
    func testHealthMonitorFailureIsFatal() {
        var cluster = Cluster()
        cluster.startAll()
        cluster.deliver(0, .health(.healthMonitorFailed))
        XCTAssertEqual(cluster.zkfcs[0].failure, "Health monitor failed!")
        XCTAssertTrue(cluster.actions(0).contains(.fatal("ZK Failover Controller failed: Health monitor failed!")))
        XCTAssertTrue(cluster.actions(0).contains(.closeZooKeeperSession))
        XCTAssertEqual(cluster.zkfcs[1].electorState, .active, "the other node took over")
        XCTAssertEqual(cluster.zkfcs[0].step(.health(.serviceHealthy)), [], "a stopped ZKFC ignores everything")
    }

    /// While becoming active (the elector lock is held), other inputs wait and run afterwards in order.
    func testInputsWaitWhileTheElectorIsBusy() {
        var cluster = Cluster()
        cluster.heldNameNodes = [0]
        cluster.startAll(healthy: false)
        cluster.deliver(0, .health(.serviceHealthy))
        XCTAssertEqual(cluster.heldTransitions.map(\.nameNode), [0])

        cluster.deliver(0, .cedeActive(millis: 3000))
        XCTAssertEqual(cluster.zkfcs[0].deferred, [.cedeActive(millis: 3000)])
        XCTAssertFalse(cluster.actions(0).contains(.transitionToStandby(0)))

        cluster.heldNameNodes = []
        cluster.answerTransition(0)   // transitionToActive succeeds; then the cede runs
        XCTAssertEqual(cluster.zkfcs[0].deferred, [])
        XCTAssertTrue(Cluster.isSubsequence([.transitionToActive(0), .transitionToStandby(0), .closeZooKeeperSession],
                                            of: cluster.actions(0)))
        XCTAssertEqual(cluster.replies.map(\.call), [.cedeActive(millis: 3000)])
        XCTAssertEqual(cluster.breadcrumbNode, nil, "the graceful cede deleted the breadcrumb")
    }

    /// Replies and watch events of a closed session are ignored (`isStaleClient`).
    func testEventsOfAnOldSessionAreIgnored() {
        var cluster = Cluster()
        cluster.startAll()
        let old = cluster.sessions[1]!
        cluster.deliver(1, .health(.serviceUnhealthy))
        cluster.deliver(1, .health(.serviceHealthy))
        var zkfc = cluster.zkfcs[1]
        let fingerprint = FingerprintHasher.fingerprint(zkfc)
        let stale = "Ignoring stale result from old client with sessionId 0x\(String(old, radix: 16).leftPadded(8))"
        XCTAssertEqual(zkfc.step(.zooKeeperWatch(session: old, CoordinationWatchEvent(.nodeDeleted, Cluster.lock))),
                       [.log(stale)])
        XCTAssertEqual(zkfc.step(.zooKeeperReply(session: old, xid: 2, .error(.nodeExists))), [.log(stale)])
        XCTAssertEqual(zkfc.step(.zooKeeperSessionExpired(session: old)), [.log(stale)])
        XCTAssertEqual(FingerprintHasher.fingerprint(zkfc), fingerprint)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
