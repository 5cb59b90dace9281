@preconcurrency import Glibc
import Foundation
import HadoopConfig
import Hosts
import Wire

/// `qjm bench failover`: how long manual failovers take on real processes.
///
/// - graceful: `haadmin -failover <active> <standby>` (the tool's procedure, run in this
///   process so that process start-up is not counted), alternating directions;
/// - after kill -9: the active is killed, then the clock starts: `haadmin -failover <dead>
///   <standby>` (graceful step refused, fencing, new epoch, recovery) and the first write
///   acknowledged by the new active. The killed NameNode is restarted as standby between rounds.
enum FailoverBench {
    static let usage = """
    Usage: qjm bench failover [--rounds N]
      Starts 3 JournalNodes and 2 NameNodes (fencing shell(/bin/true)), then measures N graceful
      failovers and N failovers after kill -9 of the active (default 20 each), printing p50/p99.
    """

    static func run(_ words: [String]) -> Int32 {
        do {
            let arguments = try Arguments(words, valued: ["rounds"], flags: ["help"])
            if arguments.flag("help") { print(usage); return 0 }
            return try bench(rounds: try arguments.integer("rounds", in: 1...1000) ?? 20)
        } catch let error as Arguments.UsageError {
            printError("qjm bench failover: \(error)\n\(usage)")
            return 2
        } catch {
            printError("qjm bench failover: \(error)")
            return 1
        }
    }

    static func bench(rounds: Int) throws -> Int32 {
        let directory = NSTemporaryDirectory() + "qjm-failover-\(UUID().uuidString.prefix(8))"
        let cluster = try JournalBench.LocalProcesses(directory: directory, extra: [
            "dfs.ha.tail-edits.period": "100ms", "dfs.ha.log-roll.period": "2s",
            "ha.failover-controller.graceful-fence.rpc-timeout.ms": "1000",
        ])
        defer { cluster.stop() }
        try cluster.start(nameNodes: 2)
        let configuration = try Configuration.load(directory: cluster.configurationDirectory)
        let tool = try HAAdminCommand.Tool(configuration: configuration, nameserviceID: "bench", logger: Logger(name: "haadmin"))
        print("3 JournalNodes and 2 NameNodes on 127.0.0.1; \(rounds) rounds of each failover")
        fflush(stdout)
        var active = 0
        var graceful: [Double] = []
        for round in 0..<rounds {
            _ = try cluster.call(active, .mkdirs(path: "/graceful/\(round)", createParent: true))
            let started = ContinuousClock.now
            let status = try quietly { try tool.failover(from: "nn\(active + 1)", to: "nn\(2 - active)", forceFence: false, forceActive: false, forceManual: false) }
            graceful.append(milliseconds(since: started))
            guard status == 0 else { throw DaemonProcess.SpawnError(description: "graceful failover \(round) failed; logs in \(directory)/logs") }
            active = 1 - active
        }
        var afterKill: [Double] = []
        for round in 0..<rounds {
            let standby = 1 - active
            try awaitCaughtUp(cluster, standby: standby)
            cluster.kill9("nn\(active + 1)")
            let started = ContinuousClock.now
            let status = try quietly { try tool.failover(from: "nn\(active + 1)", to: "nn\(standby + 1)", forceFence: false, forceActive: false, forceManual: false) }
            guard status == 0 else { throw DaemonProcess.SpawnError(description: "failover after kill -9 (round \(round)) failed; logs in \(directory)/logs") }
            let answer = try cluster.call(standby, .mkdirs(path: "/killed/\(round)", createParent: true))
            afterKill.append(milliseconds(since: started))
            guard answer == .done else { throw DaemonProcess.SpawnError(description: "first write after failover \(round): \(answer)") }
            try cluster.startNameNode(active)
            active = standby
        }
        print("graceful haadmin -failover:              \(summary(graceful))   (target: within 100 ms)")
        print("kill -9, failover, first acknowledged write: \(summary(afterKill))   (target: within 300 ms)")
        return 0
    }

    /// A restarted standby must hold every edit before it can take over quickly: wait until its
    /// namespace equals the active's (it tails finalized segments; the active rolls every 2 s).
    private static func awaitCaughtUp(_ cluster: JournalBench.LocalProcesses, standby: Int) throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if case .nameNodeInfo(let standbyInfo)? = try? cluster.call(standby, .getNameNodeInfo),
               case .nameNodeInfo(let activeInfo)? = try? cluster.call(1 - standby, .getNameNodeInfo),
               standbyInfo.namespaceDigest == activeInfo.namespaceDigest { return }
            usleep(50_000)
        }
        throw DaemonProcess.SpawnError(description: "nn\(standby + 1) did not catch up within 30 s")
    }

    /// Runs `body` with standard output sent to /dev/null (the tool prints its success line).
    private static func quietly(_ body: () throws -> Int32) throws -> Int32 {
        fflush(stdout)
        let saved = dup(1)
        let null = open("/dev/null", O_WRONLY)
        dup2(null, 1)
        close(null)
        defer { fflush(stdout); dup2(saved, 1); close(saved) }
        return try body()
    }

    private static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = start.duration(to: .now)
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }

    private static func summary(_ values: [Double]) -> String {
        let sorted = values.sorted()
        func percentile(_ fraction: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))] }
        return String(format: "p50 %.1f ms  p99 %.1f ms  max %.1f ms  (n=%d)", percentile(0.5), percentile(0.99), sorted.last ?? 0, sorted.count)
    }
}
