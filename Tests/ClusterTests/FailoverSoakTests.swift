@preconcurrency import Glibc
import Foundation
import Hosts
import Model
import XCTest

/// Randomized faults with a writer running: kill -9 and SIGSTOP of the active followed by
/// `haadmin -failover`, JournalNode restarts, graceful failovers. Afterwards every acknowledged
/// operation is on the active, and the NameNodes' traces show that no two NameNodes acknowledged
/// writes in overlapping epochs (`qjm trace-check`). The seed is printed; QJM_SOAK_SEED and QJM_SOAK_ROUNDS override.
final class FailoverSoakTests: XCTestCase {
    func testRandomizedFaultsLoseNoAcknowledgedWrite() throws {
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["QJM_SOAK_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...1_000_000)
        let rounds = environment["QJM_SOAK_ROUNDS"].flatMap(Int.init) ?? 50
        print("FailoverSoakTests seed \(seed), \(rounds) rounds (QJM_SOAK_SEED=\(seed) reproduces the choices)")
        var random = SeededGenerator(seed: seed)
        let cluster = try TestCluster(extraProperties: [
            "dfs.ha.fencing.methods": "shell(echo fenced $target_namenodeid >> ${qjm.local.dir}/fenced.log)",
            "ha.failover-controller.graceful-fence.rpc-timeout.ms": "500",
        ])
        defer { cluster.tearDown() }
        try cluster.start(trace: true)
        let writer = Writer(client: cluster.client())
        writer.start()
        defer { writer.stop() }
        var active = 0
        var history: [String] = []
        for round in 0..<rounds {
            let before = writer.acknowledged.count
            let standby = 1 - active
            let fault = Int.random(in: 0..<4, using: &random)
            switch fault {
            case 0:  // kill -9 the active, fail over, restart it as standby
                try cluster.kill9(cluster.nameNodeIDs[active])
                try failover(cluster, from: active, to: standby, force: false, round: round)
                try cluster.start(activate: false)
                active = standby
            case 1:  // pause the active, fail over with --forcefence, resume it: its epoch is stale
                try cluster.signal(cluster.nameNodeIDs[active], SIGSTOP)
                try failover(cluster, from: active, to: standby, force: true, round: round)
                try cluster.signal(cluster.nameNodeIDs[active], SIGCONT)
                // It either stops (its next write is refused: a stale epoch) or, if the graceful
                // transitionToStandby queued while it was paused reaches it first with nothing
                // left to finalize, stands by. Either way it acknowledges nothing more.
                let stale = try? cluster.call(active, .mkdirs(path: "/stale/\(round)", createParent: true), timeout: .seconds(5))
                XCTAssertNotEqual(stale, .done, "round \(round): the fenced active acknowledged a write (seed \(seed))")
                try cluster.awaitCondition("the old active to stop or stand by", seconds: 20) {
                    if !cluster.isRunning(cluster.nameNodeIDs[active]) { return true }
                    return try cluster.info(active).state == .standby
                }
                try cluster.start(activate: false)
                active = standby
            case 2:  // restart a JournalNode
                let journal = Int.random(in: 1...3, using: &random)
                try cluster.kill9("jn\(journal)")
                try cluster.start(activate: false)
            default:  // graceful failover
                try failover(cluster, from: active, to: standby, force: false, round: round)
                active = standby
            }
            history.append(["kill -9 + failover", "SIGSTOP + forcefence failover", "JournalNode restart", "graceful failover"][fault])
            active = try recover(cluster, preferring: active, round: round, history: &history)
            try cluster.awaitCondition("writes to go on after round \(round) (\(history.last!))", seconds: 30) {
                writer.acknowledged.count > before
            }
        }
        writer.stop()
        let acknowledged = writer.acknowledged
        print("FailoverSoakTests: \(acknowledged.count) acknowledged writes, \(writer.failures) failed or unknown; rounds: "
              + Dictionary(grouping: history, by: { $0 }).map { "\($0.key) ×\($0.value.count)" }.sorted().joined(separator: ", "))
        XCTAssertGreaterThanOrEqual(acknowledged.count, rounds)
        for path in acknowledged {
            guard case .fileStatus(let status?) = try cluster.call(active, .getFileInfo(path: path)) else {
                return XCTFail("acknowledged \(path) lost (seed \(seed))")
            }
            XCTAssertTrue(status.isDirectory)
        }
        // Every daemon step replays through the model, and across the traces each epoch's
        // acknowledgements come from one NameNode with txids ordered by epoch.
        let check = try cluster.qjm(["trace-check", cluster.runDirectory + "/traces"])
        XCTAssertEqual(check.status, 0, "seed \(seed):\n\(check.output)\(check.errorOutput)")
        XCTAssertTrue(check.output.contains("holds    EpochsHaveOneWriter"), check.output)
    }

    /// As an operator would: restart whatever died, and if no NameNode is active (an active stops
    /// when it loses its quorum, e.g. a JournalNode dies while another is still out of sync until
    /// the next roll, as upstream), make one active. Returns the active one.
    private func recover(_ cluster: TestCluster, preferring preferred: Int, round: Int, history: inout [String]) throws -> Int {
        try cluster.start(activate: false)
        for candidate in [preferred, 1 - preferred] {
            if (try? cluster.info(candidate).state) == .active { return candidate }
        }
        history.append("quorum lost: NameNode restarted and made active")
        for candidate in [preferred, 1 - preferred] {
            let run = try cluster.qjm(["haadmin", "-transitionToActive", cluster.nameNodeIDs[candidate]])
            if run.status == 0 { return candidate }
            try cluster.start(activate: false)
        }
        throw TestCluster.Failure("round \(round): no NameNode could be made active\n\(cluster.logs())")
    }

    private func failover(_ cluster: TestCluster, from: Int, to: Int, force: Bool, round: Int) throws {
        let run = try cluster.qjm(["haadmin", "-failover"] + (force ? ["--forcefence"] : [])
                                  + [cluster.nameNodeIDs[from], cluster.nameNodeIDs[to]])
        guard run.status == 0 else {
            throw TestCluster.Failure("round \(round): haadmin -failover failed: \(run.errorOutput)\n\(cluster.logs())")
        }
    }
}

/// SplitMix64: a seeded generator, so a soak's choices reproduce from its printed seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
