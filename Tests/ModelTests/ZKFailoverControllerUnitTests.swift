import Foundation
import XCTest
@testable import Model

/// The ZKFC one input at a time: the ActiveNodeInfo wire format, startup checks, ZooKeeper
/// retries and the node contract (determinism, fingerprints).
final class ZKFailoverControllerUnitTests: XCTestCase {
    typealias Cluster = ZKFCCluster
    private let lock = ZKFCCluster.lock
    private let session: Int64 = 0x200

    // MARK: - ActiveNodeInfo (HAZKInfo.proto)

    /// ns1 / nn1 / host1 / 8020 / 8019, computed by hand: tag (field << 3 | wire type), length or varint.
    private let handEncoded: [UInt8] = [
        0x0A, 0x03, 0x6E, 0x73, 0x31,              // 1: "ns1"
        0x12, 0x03, 0x6E, 0x6E, 0x31,              // 2: "nn1"
        0x1A, 0x05, 0x68, 0x6F, 0x73, 0x74, 0x31,  // 3: "host1"
        0x20, 0xD4, 0x3E,                          // 4: 8020 = 0x1F54 → 0x54|0x80, 0x3E
        0x28, 0xD3, 0x3E,                          // 5: 8019
    ]

    func testActiveNodeInfoEncodesAsProtobufDoes() throws {
        let info = ActiveNodeInfo(nameserviceID: "ns1", nameNodeID: "nn1", hostname: "host1", port: 8020, zkfcPort: 8019)
        XCTAssertEqual(info.serialized(), handEncoded)
        XCTAssertEqual(try ActiveNodeInfo.decode(handEncoded), info)
        XCTAssertEqual(ActiveNodeInfo.hex(handEncoded), "0a036e7331120"
            + "36e6e311a05686f73743120d43e28d33e")
    }

    /// A negative int32 is the ten-byte varint of its sign extension.
    func testActiveNodeInfoNegativeIntegersTakeTenBytes() throws {
        let info = ActiveNodeInfo(nameserviceID: "", nameNodeID: "", hostname: "", port: -1, zkfcPort: 1)
        let bytes = info.serialized()
        XCTAssertEqual(bytes, [0x0A, 0x00, 0x12, 0x00, 0x1A, 0x00,
                               0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01,
                               0x28, 0x01])
        XCTAssertEqual(try ActiveNodeInfo.decode(bytes), info)
    }

    /// A proto2 parser skips unknown fields of every wire type, and the last occurrence of a
    /// field wins whatever the order.
    func testActiveNodeInfoDecodingSkipsUnknownFieldsAndTakesTheLastValue() throws {
        var bytes: [UInt8] = [0x28, 0x01]                        // zkfcPort 1, overwritten below
        bytes += [0x30, 0x05]                                    // 6: varint
        bytes += [0x3D, 1, 2, 3, 4]                              // 7: fixed32
        bytes += [0x42, 0x02, 0xAA, 0xBB]                        // 8: length-delimited
        bytes += [0x49, 1, 2, 3, 4, 5, 6, 7, 8]                  // 9: fixed64
        bytes += [0x22, 0x01, 0x00]                              // 4 with the wrong wire type: unknown
        bytes += handEncoded
        XCTAssertEqual(try ActiveNodeInfo.decode(bytes), try ActiveNodeInfo.decode(handEncoded))
    }

    func testActiveNodeInfoRejectsMalformedData() {
        func failure(_ bytes: [UInt8]) -> ActiveNodeInfoDecodingError? {
            do { _ = try ActiveNodeInfo.decode(bytes); return nil } catch { return error }
        }
        XCTAssertEqual(failure(Array(handEncoded.dropLast(3))), .missingField(5))
        XCTAssertEqual(failure([]), .missingField(1))
        XCTAssertEqual(failure(Array(handEncoded.prefix(8))), .truncated)
        XCTAssertEqual(failure(Array(handEncoded.dropLast())), .truncated)
        XCTAssertEqual(failure([0x20] + Array(repeating: 0xFF, count: 11)), .malformedVarint)
        XCTAssertEqual(failure([0x00, 0x01]), .invalidFieldNumber)
        XCTAssertEqual(failure([0x0B]), .unsupportedWireType(3))
        XCTAssertEqual(failure([0x0A, 0x7F, 0x00]), .truncated, "a length past the end")
    }

    /// The configuration derives the znodes of §4.1 and the app data from the local NameNode.
    func testConfigurationDerivesZnodesAndAppData() {
        let configuration = ZKFailoverController.Configuration(
            nameNode: 0, nameNodes: [Cluster.info(0), Cluster.info(1)], fencingMethods: 1, parentZnode: "/hadoop-ha/")
        XCTAssertEqual(configuration.parentZnode, "/hadoop-ha/ns1")
        XCTAssertEqual(configuration.lockPath, "/hadoop-ha/ns1/ActiveStandbyElectorLock")
        XCTAssertEqual(configuration.breadcrumbPath, "/hadoop-ha/ns1/ActiveBreadCrumb")
        XCTAssertEqual(configuration.appData, handEncoded)
        XCTAssertEqual(configuration.sessionTimeoutMs, 10_000)
        XCTAssertEqual(configuration.target(1), "NameNode at host2:8020")
    }

    // MARK: - Startup

    func testStartupRefusesAMissingParentZnode() {
        var cluster = Cluster(formatted: false)
        cluster.deliver(0, .start)
        let text = "Unable to start failover controller. Parent znode does not exist.\nRun with -formatZK flag to initialize ZooKeeper."
        XCTAssertEqual(cluster.zkfcs[0].failure, text)
        XCTAssertEqual(cluster.actions(0).last, .fatal(text))
    }

    func testStartupRefusesAMissingFencer() {
        var cluster = Cluster(fencingMethods: 0)
        cluster.deliver(0, .start)
        XCTAssertEqual(cluster.actions(0).last, .fatal("Fencing is not configured for NameNode at host1:8020.\n"
            + "You must configure a fencing method before using automatic failover."))
    }

    func testStartupGivesUpWhenZooKeeperDoesNotAnswer() {
        var zkfc = makeController()
        XCTAssertEqual(zkfc.step(.start), [.connectZooKeeper(timeoutMs: 10_000), .setTimer(.connectionTimeout, milliseconds: 10_000)])
        let text = "Unable to start failover controller. Unable to connect to ZooKeeper quorum at zk1:2181. "
            + "Please check the configured value for ha.zookeeper.quorum and ensure that ZooKeeper is running."
        XCTAssertEqual(zkfc.step(.timerFired(.connectionTimeout)), [
            .log("Connection timed out: couldn't connect to ZooKeeper in 10000 milliseconds"),
            .closeZooKeeperSession,
            .log(text),
            .fatal(text),
        ])
    }

    /// `reEstablishSession`: three attempts 5 s apart, then fatal.
    func testRejoiningGivesUpAfterThreeConnectionAttempts() {
        var zkfc = started()
        _ = zkfc.step(.health(.serviceNotResponding))
        XCTAssertNil(zkfc.session)
        XCTAssertTrue(zkfc.step(.health(.serviceHealthy)).contains(.connectZooKeeper(timeoutMs: 10_000)))
        for attempt in 1...3 {
            let timedOut = zkfc.step(.timerFired(.connectionTimeout))
            XCTAssertEqual(timedOut.last, .setTimer(.reconnectBackoff, milliseconds: 5000), "attempt \(attempt)")
            let next = zkfc.step(.timerFired(.reconnectBackoff))
            if attempt < 3 { XCTAssertEqual(next.first, .connectZooKeeper(timeoutMs: 10_000)) }
            else { XCTAssertEqual(next.last, .fatal("ZK Failover Controller failed: Failed to reEstablish connection with ZooKeeper")) }
        }
    }

    // MARK: - Retries

    /// CONNECTIONLOSS on the lock create is retried maxRetryNum (3) times, then fatal.
    func testCreateConnectionLossIsRetriedThreeTimesThenFatal() {
        var zkfc = started()
        let create = ZKFailoverController.Effect.zooKeeper(xid: 2, .create(path: lock, data: zkfc.configuration.appData, mode: .ephemeral))
        XCTAssertEqual(zkfc.step(.health(.serviceHealthy)), [.log("Local service NameNode at host1:8020 entered state: SERVICE_HEALTHY"), create])
        for _ in 1...3 {
            XCTAssertEqual(zkfc.step(.zooKeeperReply(session: session, xid: 2, .error(.connectionLoss))), [create])
        }
        let message = "Received create error from Zookeeper. code:CONNECTIONLOSS for path \(lock). "
            + "Not retrying further znode create connection errors."
        XCTAssertEqual(zkfc.step(.zooKeeperReply(session: session, xid: 2, .error(.connectionLoss))), [
            .log(message),
            .closeZooKeeperSession,
            .log("Fatal error occurred:\(message)"),
            .log("Yielding from election"),
            .fatal("ZK Failover Controller failed: \(message)"),
        ])
        XCTAssertEqual(zkfc.failure, message)
    }

    /// The exists monitor retries OPERATIONTIMEOUT too; any other code is fatal at once.
    func testStatErrors() {
        var zkfc = started()
        _ = zkfc.step(.health(.serviceHealthy))
        _ = zkfc.step(.zooKeeperReply(session: session, xid: 2, .error(.nodeExists)))
        XCTAssertEqual(zkfc.step(.transitionResult(0, failure: nil)).last, .zooKeeper(xid: 3, .exists(path: lock, watch: true)))
        for _ in 1...3 {
            XCTAssertEqual(zkfc.step(.zooKeeperReply(session: session, xid: 3, .error(.operationTimeout))),
                           [.zooKeeper(xid: 3, .exists(path: lock, watch: true))])
        }
        XCTAssertEqual(zkfc.step(.zooKeeperReply(session: session, xid: 3, .error(.operationTimeout))).last,
                       .fatal("ZK Failover Controller failed: Received stat error from Zookeeper. code:OPERATIONTIMEOUT. "
                           + "Not retrying further znode monitoring connection errors."))

        var other = started()
        _ = other.step(.health(.serviceHealthy))
        _ = other.step(.zooKeeperReply(session: session, xid: 2, .error(.noAuth)))
        XCTAssertEqual(other.failure, "Received create error from Zookeeper. code:NOAUTH for path \(lock)")
    }

    /// A connection loss fails the requests in flight (as ZooKeeper's client does): the breadcrumb
    /// read is retried (three attempts in all), then becoming active fails and the node re-joins.
    func testConnectionLossDuringTheBreadcrumbReadIsRetriedThenGivesUp() {
        var zkfc = started()
        _ = zkfc.step(.health(.serviceHealthy))
        let read = ZKFailoverController.Effect.zooKeeper(xid: 4, .getData(path: ZKFCCluster.breadcrumb, watch: false))
        XCTAssertEqual(zkfc.step(.zooKeeperReply(session: session, xid: 2, .created(path: lock, stat: ZKFailoverControllerFailoverTests.stat))).last, read)
        XCTAssertEqual(zkfc.step(.zooKeeperDisconnected(session: session)), [read], "the read in flight failed and is retried")
        XCTAssertEqual(zkfc.deferred, [.zooKeeperDisconnected(session: session)], "the disconnect waits for the elector")
        XCTAssertEqual(zkfc.step(.zooKeeperReply(session: session, xid: 4, .error(.connectionLoss))), [read])
        let gaveUp = zkfc.step(.zooKeeperReply(session: session, xid: 4, .error(.connectionLoss)))
        XCTAssertEqual(gaveUp, [
            .log("Exception handling the winning of election: KeeperErrorCode = ConnectionLoss for \(ZKFCCluster.breadcrumb)"),
            .log("Trying to re-establish ZK session"),
            .closeZooKeeperSession,
            .setTimer(.rejoinElection, milliseconds: 1000),
        ])
        XCTAssertEqual(zkfc.deferred, [.zooKeeperDisconnected(session: session)], "still busy: sleeping before the rejoin")
        XCTAssertEqual(zkfc.step(.timerFired(.rejoinElection)),
                       [.connectZooKeeper(timeoutMs: 10_000), .setTimer(.connectionTimeout, milliseconds: 10_000)])
        let connected = zkfc.step(.zooKeeperConnected(session: 0x201))
        XCTAssertEqual(connected.suffix(2), [
            .zooKeeper(xid: 2, .create(path: lock, data: zkfc.configuration.appData, mode: .ephemeral)),
            .log("Ignoring stale result from old client with sessionId 0x00000200"),
        ])
        XCTAssertEqual(zkfc.deferred, [])
    }

    /// Inputs before `start`, results nobody waits for and unset timers change nothing.
    func testUnexpectedInputsAreIgnored() {
        var zkfc = makeController()
        XCTAssertEqual(zkfc.step(.health(.serviceHealthy)).count, 1)
        XCTAssertFalse(zkfc.started)
        zkfc = started()
        let fingerprint = FingerprintHasher.fingerprint(zkfc)
        for input: ZKFailoverController.Input in [
            .transitionResult(1, failure: nil), .fenceResult(method: 0, success: true), .timerFired(.cedeDelay),
            .cedeResult(from: 1, failure: nil), .zooKeeperReply(session: session, xid: 5, .deleted),
            .zooKeeperReply(session: session, xid: 99, .deleted),
        ] {
            XCTAssertEqual(zkfc.step(input).count, 1, "\(input)")
        }
        XCTAssertEqual(FingerprintHasher.fingerprint(zkfc), fingerprint)
    }

    // MARK: - The node contract

    /// Same inputs, same effects, equal states and fingerprints, run after run.
    func testTheSameInputsGiveTheSameEffectsAndFingerprints() throws {
        func run() -> ZKFCCluster {
            var cluster = ZKFCCluster(count: 3)
            cluster.startAll()
            cluster.standbyFailures[0] = "refused"
            cluster.fenceOutcomes = [false, true]
            cluster.expire(0)
            cluster.disconnect(2)
            cluster.reconnect(2)
            cluster.deliver(0, .gracefulFailover)
            cluster.deliver(2, .health(.initializing))
            return cluster
        }
        let first = run()
        let second = run()
        XCTAssertEqual(first.zkfcs, second.zkfcs)
        XCTAssertEqual(first.server, second.server)
        XCTAssertEqual(first.trace.map(\.effect), second.trace.map(\.effect))
        XCTAssertEqual(first.delivered.map(\.input), second.delivered.map(\.input))
        XCTAssertEqual(first.fingerprints, second.fingerprints)
        XCTAssertGreaterThan(first.trace.count, 100)
        XCTAssertEqual(first.replies.map(\.failure), [nil])
        XCTAssertEqual(first.zkfcs.map(\.electorState), [.active, .standby, .initial])

        // The state survives a Codable round trip.
        let encoded = try JSONEncoder().encode(first.zkfcs)
        XCTAssertEqual(try JSONDecoder().decode([ZKFailoverController].self, from: encoded), first.zkfcs)
    }

    /// The hand-written fingerprint tells apart states that differ and agrees on equal ones.
    func testTheFingerprintSeparatesStates() {
        var zkfc = started()
        var states = [makeController(), zkfc]
        _ = zkfc.step(.health(.serviceHealthy)); states.append(zkfc)
        _ = zkfc.step(.zooKeeperReply(session: session, xid: 2, .error(.connectionLoss))); states.append(zkfc)
        _ = zkfc.step(.zooKeeperReply(session: session, xid: 2, .error(.nodeExists))); states.append(zkfc)
        _ = zkfc.step(.zooKeeperDisconnected(session: session)); states.append(zkfc)
        _ = zkfc.step(.cedeActive(millis: 100)); states.append(zkfc)
        states.append(ZKFailoverController(configuration: .init(nameNode: 1, nameNodes: [Cluster.info(0), Cluster.info(1)],
                                                                fencingMethods: 2)))
        states.append(ZKFailoverController(configuration: .init(nameNode: 0, nameNodes: [Cluster.info(0), Cluster.info(1)],
                                                                fencingMethods: 2, mutation: .breadcrumbNotFenced)))
        let fingerprints = states.map { FingerprintHasher.fingerprint($0) }
        XCTAssertEqual(Set(fingerprints).count, states.count, "\(states.map(\.activity))")
        XCTAssertEqual(FingerprintHasher.fingerprint(started()), FingerprintHasher.fingerprint(started()))
    }

    // MARK: - Helpers

    private func makeController() -> ZKFailoverController {
        ZKFailoverController(configuration: .init(nameNode: 0, nameNodes: [Cluster.info(0), Cluster.info(1)],
                                                  fencingMethods: 2, zooKeeperQuorum: "zk1:2181"))
    }

    /// Started, connected as session 0x200, parent znode found.
    private func started() -> ZKFailoverController {
        var zkfc = makeController()
        _ = zkfc.step(.start)
        _ = zkfc.step(.zooKeeperConnected(session: session))
        _ = zkfc.step(.zooKeeperReply(session: session, xid: 1, .stat(ZKFailoverControllerFailoverTests.stat)))
        precondition(zkfc.activity == nil && zkfc.session == session)
        return zkfc
    }
}
