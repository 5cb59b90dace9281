@preconcurrency import Glibc
import Foundation
import Hosts
import Model
import Synchronization
import XCTest

/// `qjm haadmin` against real NameNodes: the HA guide's manual mode, its texts and exit codes,
/// failover with and without fencing, fail-back, and failover under kill -9 and SIGSTOP.
final class HAAdminTests: XCTestCase {
    var cluster: TestCluster!

    override func setUpWithError() throws {
        cluster = try TestCluster(extraProperties: [
            "dfs.ha.fencing.methods": "shell(echo fenced $target_namenodeid $target_port >> ${qjm.local.dir}/fenced.log)",
            "ha.failover-controller.graceful-fence.rpc-timeout.ms": "1000",
        ])
        try cluster.start()
    }

    override func tearDown() {
        cluster?.tearDown()
    }

    private func haadmin(_ arguments: [String], input: String? = nil) throws -> TestCluster.Run {
        try cluster.qjm(["haadmin"] + arguments, input: input)
    }

    private var fencedLog: String { (try? String(contentsOfFile: cluster.runDirectory + "/fenced.log", encoding: .utf8)) ?? "" }

    private func state(_ id: String) throws -> String {
        try haadmin(["-getServiceState", id]).output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// HAAdmin's queries and transitions, with upstream's texts and exit codes (failures exit 255).
    func testStateQueriesAndTransitions() throws {
        XCTAssertEqual(try state("nn1"), "active")
        XCTAssertEqual(try state("nn2"), "standby")
        let all = try haadmin(["-getAllServiceState"])
        XCTAssertEqual(all.status, 0, all.errorOutput)
        let lines = all.output.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, all.output)
        XCTAssertTrue(lines[0].hasPrefix("127.0.0.1:\(cluster.nameNodePorts[0])"), all.output)
        XCTAssertTrue(lines[0].hasSuffix(" active"), all.output)
        XCTAssertEqual(lines[0].count, 50 + 1 + "active".count, "the %-50s column: \(all.output)")
        let health = try haadmin(["-checkHealth", "nn2"])
        XCTAssertEqual(health.status, 0, health.errorOutput)
        XCTAssertEqual(health.output, "")

        let refused = try haadmin(["-transitionToActive", "nn2"])
        XCTAssertEqual(refused.status, 255)
        XCTAssertTrue(refused.errorOutput.contains("transitionToActive: Node nn1 is already active"), refused.errorOutput)
        XCTAssertEqual(try state("nn2"), "standby", "refused without --forceactive")

        XCTAssertEqual(try haadmin(["-transitionToStandby", "nn1"]).status, 0)
        XCTAssertEqual(try state("nn1"), "standby")
        let activated = try haadmin(["-transitionToActive", "nn2"])
        XCTAssertEqual(activated.status, 0, activated.errorOutput)
        XCTAssertEqual(try state("nn2"), "active")

        let unknown = try haadmin(["-getServiceState", "nn9"])
        XCTAssertEqual(unknown.status, 255)
        XCTAssertTrue(unknown.errorOutput.contains("Illegal argument: Unable to determine service address for namenode 'nn9'"), unknown.errorOutput)
        let help = try haadmin(["-help", "transitionToActive"])
        XCTAssertEqual(help.output, "-transitionToActive [[--forceactive] <serviceId>]: Transitions the service into Active state\n")
        let bogus = try haadmin(["-bogus"])
        XCTAssertEqual(bogus.status, 255)
        XCTAssertTrue(bogus.errorOutput.hasPrefix("bogus: Unknown command"), bogus.errorOutput)
        let count = try haadmin(["-transitionToStandby"])
        XCTAssertTrue(count.errorOutput.hasPrefix("transitionToStandby: incorrect number of arguments"), count.errorOutput)
    }

    /// With automatic failover configured, state changes are refused without `--forcemanual`,
    /// which asks for confirmation; a bad fencing method is reported at load naming its line.
    func testForceManualRuleAndFencingConfigurationErrors() throws {
        let automatic = ["-D", "dfs.ha.automatic-failover.enabled=true", "-D", "ha.zookeeper.quorum=127.0.0.1:2181"]
        let refused = try haadmin(automatic + ["-transitionToStandby", "nn1"])
        XCTAssertEqual(refused.status, 255)
        XCTAssertTrue(refused.errorOutput.contains("Automatic failover is enabled for NameNode at 127.0.0.1:\(cluster.nameNodePorts[0])\nRefusing to manually manage HA state"), refused.errorOutput)
        let aborted = try haadmin(automatic + ["-transitionToStandby", "--forcemanual", "nn1"], input: "n\n")
        XCTAssertEqual(aborted.status, 255)
        XCTAssertTrue(aborted.errorOutput.contains("Are you sure you want to continue? (Y or N)"), aborted.errorOutput)
        XCTAssertTrue(aborted.errorOutput.contains("Aborted"), aborted.errorOutput)
        XCTAssertEqual(try state("nn1"), "active")
        let confirmed = try haadmin(automatic + ["-transitionToStandby", "--forcemanual", "nn1"], input: "y\n")
        XCTAssertEqual(confirmed.status, 0, confirmed.errorOutput)
        XCTAssertEqual(try state("nn1"), "standby")
        XCTAssertEqual(try haadmin(automatic + ["-getServiceState", "nn1"]).status, 0, "queries work with automatic failover")

        let badFencer = try haadmin(["-D", "dfs.ha.fencing.methods=shell(/bin/true)\nshell()", "-failover", "nn1", "nn2"])
        XCTAssertEqual(badFencer.status, 255)
        XCTAssertTrue(badFencer.errorOutput.contains("line 2"), badFencer.errorOutput)
    }

    /// A graceful failover runs no fencer; `--forcefence` runs it with the target's environment.
    func testGracefulFailoverAndForceFence() throws {
        let client = cluster.client()
        defer { client.close() }
        XCTAssertEqual(try client.call(.mkdirs(path: "/before", createParent: true)), .done)
        let graceful = try haadmin(["-failover", "nn1", "nn2"])
        XCTAssertEqual(graceful.status, 0, graceful.errorOutput)
        XCTAssertEqual(graceful.output, "Failover from nn1 to nn2 successful\n")
        XCTAssertEqual(fencedLog, "", "a graceful failover fences nothing")
        XCTAssertEqual(try state("nn2"), "active")
        XCTAssertEqual(try state("nn1"), "standby")

        let forced = try haadmin(["-failover", "--forcefence", "nn2", "nn1"])
        XCTAssertEqual(forced.status, 0, forced.errorOutput)
        XCTAssertEqual(fencedLog, "fenced nn2 \(cluster.nameNodePorts[1])\n")
        XCTAssertEqual(try state("nn1"), "active")
        guard case .fileStatus(let status?) = try client.call(.getFileInfo(path: "/before")) else { return XCTFail("/before lost") }
        XCTAssertTrue(status.isDirectory)
    }

    /// The target passes the pre-failover check, then dies becoming active (its journal id names
    /// no formatted journal, so it cannot reach a quorum): haadmin fails back to the old active.
    func testFailoverToADyingTargetFailsBack() throws {
        try cluster.kill9("nn2")
        let bogusQuorum = cluster.journalPorts.map { "127.0.0.1:\($0)" }.joined(separator: ";")
        try cluster.startNameNode("nn2", overrides: ["dfs.namenode.shared.edits.dir=qjournal://\(bogusQuorum)/elsewhere"])
        let failed = try haadmin(["-failover", "nn1", "nn2"])
        XCTAssertEqual(failed.status, 255, failed.output)
        XCTAssertTrue(failed.errorOutput.contains("Failover failed: Unable to failover to nn2"), failed.errorOutput)
        XCTAssertEqual(try state("nn1"), "active", "failed back")
        XCTAssertFalse(cluster.isRunning("nn2"))
        let client = cluster.client()
        defer { client.close() }
        XCTAssertEqual(try client.call(.mkdirs(path: "/after-failback", createParent: true)), .done)
    }

    /// kill -9 of the active while a client writes, then `haadmin -failover`: the graceful step
    /// fails, the fencer runs, the standby takes over, and every acknowledged write is there.
    func testKill9ActiveDuringWritesThenFailover() throws {
        let writer = Writer(client: cluster.client())
        writer.start()
        try cluster.awaitCondition("20 acknowledged writes", seconds: 20) { writer.acknowledged.count >= 20 }
        try cluster.kill9("nn1")
        let failover = try haadmin(["-failover", "nn1", "nn2"])
        XCTAssertEqual(failover.status, 0, failover.errorOutput + cluster.logs())
        XCTAssertTrue(fencedLog.hasPrefix("fenced nn1 "), fencedLog)
        let before = writer.acknowledged.count
        try cluster.awaitCondition("writes on the new active", seconds: 30) { writer.acknowledged.count >= before + 20 }
        writer.stop()
        for path in writer.acknowledged {
            guard case .fileStatus(let status?) = try cluster.call(1, .getFileInfo(path: path)) else {
                return XCTFail("acknowledged \(path) lost after failover")
            }
            XCTAssertTrue(status.isDirectory)
        }
    }

    /// SIGSTOP the active, `-failover --forcefence` (the fencer records that it ran), SIGCONT: the
    /// old active's first write is refused by the JournalNodes (its epoch is stale), it stops,
    /// and it serves nothing afterwards; the new active has every acknowledged write.
    func testPausedOldActiveIsFencedByItsEpoch() throws {
        for index in 0..<5 { XCTAssertEqual(try cluster.call(0, .mkdirs(path: "/p/\(index)", createParent: true)), .done) }
        try cluster.signal("nn1", SIGSTOP)
        let failover = try haadmin(["-failover", "--forcefence", "nn1", "nn2"])
        XCTAssertEqual(failover.status, 0, failover.errorOutput + cluster.logs())
        XCTAssertTrue(fencedLog.hasPrefix("fenced nn1 "), fencedLog)
        XCTAssertEqual(try cluster.call(1, .mkdirs(path: "/p/new", createParent: true)), .done)
        try cluster.signal("nn1", SIGCONT)
        let stale = try? cluster.call(0, .mkdirs(path: "/p/stale", createParent: true), timeout: .seconds(20))
        XCTAssertNotEqual(stale, .done, "the old active acknowledged a write after it was fenced")
        // It stops on its refused epoch, or, when the graceful transitionToStandby queued while it
        // was paused reaches it first with nothing left to finalize, it stands by.
        try cluster.awaitCondition("the old active to stop or stand by", seconds: 20) {
            if !self.cluster.isRunning("nn1") { return true }
            return try self.cluster.info(0).state == .standby
        }
        if cluster.isRunning("nn1") {
            let read = try cluster.call(0, .getFileInfo(path: "/p/0"), timeout: .seconds(2))
            guard case .failure(let className, _) = read, className.hasSuffix("StandbyException") else {
                return XCTFail("the old active still serves reads: \(read)")
            }
        } else {
            XCTAssertTrue(cluster.log("nn1").contains("too many exceptions"), cluster.log("nn1"))
            XCTAssertThrowsError(try cluster.call(0, .getFileInfo(path: "/p/0"), timeout: .seconds(2)))
        }
        guard case .fileStatus(nil) = try cluster.call(1, .getFileInfo(path: "/p/stale")) else {
            return XCTFail("the stale write reached the new active's namespace")
        }
        for index in 0..<5 {
            guard case .fileStatus(_?) = try cluster.call(1, .getFileInfo(path: "/p/\(index)")) else { return XCTFail("/p/\(index) lost") }
        }
    }
}

/// A client writing `mkdirs` in a loop, recording which were acknowledged.
final class Writer: @unchecked Sendable {
    // @unchecked: `client` is used only by the writing thread; the rest is behind `state`.
    private let client: FailoverClient
    private let state = Mutex<(acknowledged: [String], failed: Int, stopping: Bool)>(([], 0, false))
    private let done = DispatchSemaphore(value: 0)

    init(client: FailoverClient) { self.client = client }

    var acknowledged: [String] { state.withLock { $0.acknowledged } }
    var failures: Int { state.withLock { $0.failed } }

    func start() {
        Thread.detachNewThread { [self] in
            var index = 0
            while !state.withLock({ $0.stopping }) && index < 100_000 {
                let path = "/w/\(index)"
                index += 1
                let answer = try? client.call(.mkdirs(path: path, createParent: true))
                state.withLock { if answer == .done { $0.acknowledged.append(path) } else { $0.failed += 1 } }
            }
            done.signal()
        }
    }

    /// Stops the loop and waits for it (idempotent).
    func stop() {
        let first = state.withLock { state -> Bool in
            defer { state.stopping = true }
            return !state.stopping
        }
        guard first else { return }
        _ = done.wait(timeout: .now() + 60)
        client.close()
    }
}
