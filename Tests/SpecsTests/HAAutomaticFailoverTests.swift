import XCTest
@testable import Model
import Checker
@testable import Specs

/// Automatic failover under the checker: ZKFCs and a ZooKeeper server inside the HA system.
/// Each shipped configuration holds every property and reaches every guard, with its size
/// pinned; without real fencing the GC-pause split brain appears, and the ZKFC that skips
/// fencing is caught.
final class HAAutomaticFailoverTests: XCTestCase {
    func check(_ configuration: HAConfiguration, name: String) -> CheckResult {
        var options = CheckOptions()
        options.workers = 2
        return Checker(model: HASpec(configuration: configuration, name: name), options: options).run()
    }

    /// Checks `configuration` exhaustively: every property holds but the `unreached` guards, which
    /// need a fault the configuration does not have and are reported unreached, no deadlock, the
    /// size is as pinned, and each of `kinds` fired.
    func assertHoldsEverything(_ configuration: HAConfiguration, _ name: String, pinned: [Int], fired kinds: [String],
                               unreached: [String] = [], file: StaticString = #filePath, line: UInt = #line) {
        let result = check(configuration, name: name)
        XCTAssertEqual(result.outcome, unreached.isEmpty ? .holds : .violated, name, file: file, line: line)
        XCTAssertNil(result.deadlock, name, file: file, line: line)
        for report in result.properties {
            XCTAssertEqual(report.status, unreached.contains(report.name) ? .violated : .holds,
                           "\(name): \(report.kind) \(report.name)", file: file, line: line)
        }
        XCTAssertEqual([result.distinctStates, result.generatedStates, result.depth], pinned, name, file: file, line: line)
        let fired = Set(result.coverage.filter { $0.fired > 0 }.map(\.kind))
        for kind in kinds {
            XCTAssertTrue(fired.contains(kind), "\(name): \(kind) never fired", file: file, line: line)
        }
    }

    /// Over 3 JournalNodes, a kill -9 of a NameNode, a ZKFC or a JournalNode: the survivors' election and fencing
    /// keep one active, and SingleLockOwner / EphemeralsBelongToLiveSessions hold throughout.
    func testAutomaticHoldsEveryPropertyAndPinsItsSize() {
        assertHoldsEverything(HAConfigurations.automatic, "automatic", pinned: [131_446, 523_920, 52],
                              fired: ["crashController", "restartController", "expireSession", "controllerFenceResult",
                                      "deliverZooKeeperEvent", "reportServiceStatus"])
    }

    /// A dropped ZooKeeper connection (the session may expire meanwhile) and a NameNode failing
    /// its health checks, over 3 JournalNodes; without a crash or a loss no JournalNode loses an
    /// edit or misses a batch.
    func testAutomaticSessionsHoldsEveryPropertyAndPinsItsSize() {
        assertHoldsEverything(HAConfigurations.automaticSessions, "automatic-sessions", pinned: [569_579, 2_418_760, 68],
                              fired: ["disconnectController", "reconnectController", "expireSession", "healthChange",
                                      "controllerFenceResult"],
                              unreached: ["UncommittedTailDiscarded", "JournalNodeSkippedUntilNextSegment"])
    }

    /// A paused active and a graceful failover through the ZKFCs (cedeActive and its release),
    /// over 3 JournalNodes; the deposed active's uncommitted tail is discarded, but without a
    /// crash or a loss no JournalNode misses a batch.
    func testAutomaticPauseHoldsEveryPropertyAndPinsItsSize() {
        assertHoldsEverything(HAConfigurations.automaticPause, "automatic-pause", pinned: [509_699, 2_106_850, 76],
                              fired: ["pause", "resume", "controllerCallTimeout", "gracefulFailover"],
                              unreached: ["JournalNodeSkippedUntilNextSegment"])
    }

    /// The HDFS guide's warning under automatic failover: with shell(/bin/true) the ZKFC that won
    /// the lock "fences" the paused old active for nothing, and it resumes beside the new one.
    func testNoopFencingUnderAutomaticFailoverShowsTheSplitBrain() throws {
        var configuration = HAConfigurations.automaticPause
        configuration.fencing = .noop
        let result = check(configuration, name: "automatic-pause+noop")
        XCTAssertEqual(result.outcome, .violated)
        let trace = try XCTUnwrap(result.property("AtMostOneActiveServes")?.trace)
        let actions = trace.steps.compactMap(\.action)
        let pause = try XCTUnwrap(actions.firstIndex { $0.hasPrefix("pause ") }, "\(actions)")
        let paused = actions[pause].split(separator: " ")[1]
        let timeout = try XCTUnwrap(actions.firstIndex { $0.hasSuffix("transition RPC times out") }, "\(actions)")
        let fenced = try XCTUnwrap(actions.firstIndex { $0.hasSuffix("fencing method succeeds") }, "\(actions)")
        let resumed = try XCTUnwrap(actions.firstIndex(of: "resume \(paused) (SIGCONT)"), "\(actions)")
        XCTAssertLessThan(pause, timeout)
        XCTAssertLessThan(timeout, fenced, "the graceful fence fails before the fencing method runs")
        XCTAssertLessThan(fenced, resumed)
        // The same run with sshfence-like fencing holds (testAutomaticPauseHolds...).
    }

    /// Without automatic failover, the automatic-only state stays empty and the fingerprints of
    /// the manual configurations are unchanged by it.
    func testManualConfigurationsHaveNoCoordinationState() {
        let state = HAProtocol(configuration: HAConfigurations.crash).initialState
        XCTAssertNil(state.coordination)
        XCTAssertTrue(state.controllers.isEmpty)
        let automatic = HAProtocol(configuration: HAConfigurations.automatic).initialState
        let server = try? XCTUnwrap(automatic.coordination)
        XCTAssertEqual(server?.znodes.map(\.path), ["/", "/hadoop-ha", "/hadoop-ha/ns1"],
                       "zkfc -formatZK made the parent znodes")
        XCTAssertEqual(automatic.controllers.map(\.up), [true, true])
        XCTAssertEqual(automatic.controllers.map(\.linked), [true, true], "each ZKFC connected at start")
        XCTAssertTrue(automatic.nameNodes.allSatisfy { $0.node.automaticFailover })
    }

    /// A walk through the automatic-failover system, one chosen step at a time, that starts with
    /// zkfc1 seeing nn1 healthy and nn1 made active by it.
    private struct Walk {
        let spec: HASpec
        var state: HASystem

        init(_ configuration: HAConfiguration) throws {
            spec = HASpec(configuration: configuration, name: "automatic")
            state = HAProtocol(configuration: configuration).initialState
            try take({ if case .reportHealth(0, .serviceHealthy) = $0 { true } else { false } }, "zkfc1 healthy")
            while state.nameNodes[0].node.state != .active {
                try take({ if case .deliver = $0 { true } else { false } }, "deliver")
            }
        }

        /// Takes the first enabled step matching `predicate`.
        mutating func take(_ predicate: (HAAction) -> Bool, _ what: String) throws {
            var actions: [HAAction] = []
            spec.actions(state, into: &actions)
            let action = try XCTUnwrap(actions.first(where: predicate), "no step \(what) in \(actions)")
            state = try XCTUnwrap(spec.nextState(state, action))
        }
    }

    /// A dead process keeps nothing: kill -9 leaves in the slot the fresh NameNode or ZKFC that a
    /// restart starts, so states that differ only in what the dead process knew are one state.
    func testADeadProcessLeavesAFreshNodeInItsSlot() throws {
        var configuration = HAConfigurations.automatic
        configuration.crashesMax = 2
        let automatic = HAProtocol(configuration: configuration)
        var walk = try Walk(configuration)
        XCTAssertNotNil(walk.state.nameNodes[0].node.writer)
        XCTAssertTrue(walk.state.controllers[0].controller.isActive)
        let fresh = NameNode(id: 0, journalCount: configuration.journalNodes, automaticFailover: true)
        XCTAssertNotEqual(walk.state.nameNodes[0].node, fresh)

        try walk.take({ $0 == .crashNameNode(0) }, "kill -9 nn1")
        XCTAssertEqual(walk.state.nameNodes[0].status, .down)
        XCTAssertEqual(walk.state.nameNodes[0].node, fresh)
        try walk.take({ $0 == .restartNameNode(0) }, "restart nn1")
        XCTAssertEqual(walk.state.nameNodes[0].status, .running)
        XCTAssertEqual(walk.state.nameNodes[0].node, fresh)

        let session = try XCTUnwrap(walk.state.controllers[0].session)
        try walk.take({ $0 == .crashController(0) }, "kill -9 zkfc1")
        XCTAssertFalse(walk.state.controllers[0].up)
        XCTAssertEqual(walk.state.controllers[0].controller, ZKFailoverController(configuration: automatic.controllerConfiguration(0)))
        XCTAssertEqual(walk.state.controllers[0].session, session, "its ZooKeeper session lives on until it expires")
        try walk.take({ $0 == .restartController(0) }, "restart zkfc1")
        XCTAssertTrue(walk.state.controllers[0].up)
    }

    /// A restart of the active NameNode that its health monitor never saw as down: the
    /// service-state check (two mismatched reports) makes the ZKFC quit, so the lock moves.
    func testAServiceStateMismatchMakesTheZKFCQuit() throws {
        var walk = try Walk(HAConfigurations.automatic)
        XCTAssertTrue(walk.state.controllers[0].controller.isActive)
        try walk.take({ $0 == .crashNameNode(0) }, "kill -9 nn1")
        try walk.take({ $0 == .restartNameNode(0) }, "restart nn1")
        XCTAssertEqual(walk.state.controllers[0].controller.health, .serviceHealthy, "the monitor never saw it down")
        try walk.take({ $0 == .reportServiceStatus(0, .standby) }, "first mismatch")
        XCTAssertTrue(walk.state.controllers[0].controller.isActive, "one mismatch is tolerated")
        try walk.take({ $0 == .reportServiceStatus(0, .standby) }, "second mismatch")
        XCTAssertFalse(walk.state.controllers[0].controller.isActive)
        XCTAssertTrue(walk.state.controllers[0].controller.quitElectionOnBadState)
        XCTAssertNil(walk.state.coordination?.znodes.first { $0.path == HAProperties.lockPath }, "the lock is released")
    }
}
