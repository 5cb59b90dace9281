@preconcurrency import Glibc
import Foundation
import Hosts
import Synchronization
import Wire

/// `qjm bench journal`: acknowledged namespace operations per second against an active NameNode
/// writing to 3 JournalNodes that fsync, with N clients each keeping K operations outstanding.
/// Every daemon is a separate process of this executable on loopback; figures are printed only.
enum JournalBench {
    static let usage = """
    Usage: qjm bench journal [--clients N] [--outstanding K] [--seconds S] [--warmup S]
      Starts 3 JournalNodes and an active NameNode (each its own process, fsync on), then runs N
      client connections (default 2) each keeping K mkdirs outstanding (default 128) for S seconds
      (default 10, after a warm-up of 2), and prints acknowledged operations per second and the
      latency percentiles of every acknowledged operation.
    """

    /// A 3-node Apache ZooKeeper 3.8 ensemble measured on this machine (100 outstanding writes).
    static let zooKeeperWritesPerSecond = 8_600.0

    static func run(_ words: [String]) -> Int32 {
        do {
            let arguments = try Arguments(words, valued: ["clients", "outstanding", "seconds", "warmup"], flags: ["help"])
            if arguments.flag("help") { print(usage); return 0 }
            let clients = try arguments.integer("clients", in: 1...256) ?? 2
            let outstanding = try arguments.integer("outstanding", in: 1...4096) ?? 128
            let seconds = try arguments.seconds("seconds") ?? 10
            let warmup = try arguments.seconds("warmup") ?? 2
            return try bench(clients: clients, outstanding: outstanding, seconds: seconds, warmup: warmup)
        } catch let error as Arguments.UsageError {
            printError("qjm bench journal: \(error)\n\(usage)")
            return 2
        } catch {
            printError("qjm bench journal: \(error)")
            return 1
        }
    }

    static func bench(clients: Int, outstanding: Int, seconds: Double, warmup: Double) throws -> Int32 {
        let directory = NSTemporaryDirectory() + "qjm-bench-\(UUID().uuidString.prefix(8))"
        let cluster = try LocalProcesses(directory: directory)
        defer { cluster.stop() }
        try cluster.start()
        print("3 JournalNodes (fsync) and an active NameNode on 127.0.0.1, state in \(directory)")
        print("\(clients) clients × \(outstanding) outstanding mkdirs, \(warmup) s warm-up, \(seconds) s measured")
        fflush(stdout)

        let load = Load(clients: clients, host: "127.0.0.1", port: cluster.nameNodePort, outstanding: outstanding)
        load.start()
        usleep(UInt32(warmup * 1_000_000))
        load.beginMeasuring()
        let started = ContinuousClock.now
        usleep(UInt32(seconds * 1_000_000))
        let latencies = load.endMeasuring()
        let elapsed = started.duration(to: .now)
        load.stop()
        let elapsedSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let failures = load.failures
        let sorted = latencies.sorted()
        func percentile(_ fraction: Double) -> Double {
            guard !sorted.isEmpty else { return .nan }
            return Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]) / 1e6
        }
        let throughput = Double(sorted.count) / elapsedSeconds
        let info = try? cluster.nameNodeInfo()
        print("""
        acknowledged operations: \(sorted.count) in \(String(format: "%.2f", elapsedSeconds)) s, failed: \(failures)
        throughput:              \(String(format: "%.0f", throughput)) ops/s (\(String(format: "%.1f", throughput / zooKeeperWritesPerSecond))× ZooKeeper 3.8's \(Int(zooKeeperWritesPerSecond)) writes/s here)
        latency (ms):            p50 \(String(format: "%.2f", percentile(0.5)))  p90 \(String(format: "%.2f", percentile(0.9)))  p99 \(String(format: "%.2f", percentile(0.99)))  p99.9 \(String(format: "%.2f", percentile(0.999)))  max \(String(format: "%.2f", percentile(1.0)))
        NameNode:                last applied txid \(info?.lastAppliedTxID ?? 0), committed \(info?.committedTxID ?? 0), epoch \(info?.writerEpoch ?? 0)
        target:                  ≥ 40,000 ops/s with p99 ≤ 10 ms: \(throughput >= 40_000 && percentile(0.99) <= 10 ? "met" : "not met")
        """)
        return failures == 0 ? 0 : 1
    }

    /// Closed-loop clients: each completion sends the next call on the same connection.
    final class Load: Sendable {
        let clients: [RPCClient]
        let outstanding: Int
        private let state = Mutex<(measuring: Bool, stopping: Bool, latencies: [UInt64], failures: Int, next: [Int], inFlight: Int)>(
            (false, false, [], 0, [], 0))

        init(clients count: Int, host: String, port: UInt16, outstanding: Int) {
            clients = (0..<count).map { _ in RPCClient(host: host, port: port, connectTimeout: .seconds(5), log: { _ in }) }
            self.outstanding = outstanding
            state.withLock { $0.next = Array(repeating: 0, count: count) }
        }

        var failures: Int { state.withLock { $0.failures } }

        func start() {
            for client in clients.indices {
                for _ in 0..<outstanding { issue(client) }
            }
        }

        private func issue(_ client: Int) {
            let sequence: Int? = state.withLock { state in
                guard !state.stopping else { return nil }
                state.next[client] += 1
                state.inFlight += 1
                return state.next[client]
            }
            guard let sequence else { return }
            let request = ClientRequest.mkdirs(path: "/bench/c\(client)/d\(sequence)", createParent: true)
            let sent = DispatchTime.now().uptimeNanoseconds
            clients[client].call(payload: request.encode(), lamport: 0, timeout: .seconds(30)) { [self] result in
                let latency = DispatchTime.now().uptimeNanoseconds - sent
                var ok = false
                if case .success(let frame) = result, case .done? = try? ClientResponse.decode(frame.payload) { ok = true }
                state.withLock { state in
                    state.inFlight -= 1
                    if ok { if state.measuring { state.latencies.append(latency) } } else { state.failures += 1 }
                }
                issue(client)
            }
        }

        func beginMeasuring() { state.withLock { $0.measuring = true; $0.latencies.reserveCapacity(1 << 20) } }

        func endMeasuring() -> [UInt64] {
            state.withLock { state in
                state.measuring = false
                return state.latencies
            }
        }

        /// Stops issuing and waits (at most 30 s) for the calls in flight.
        func stop() {
            state.withLock { $0.stopping = true }
            let deadline = ContinuousClock.now + .seconds(30)
            while state.withLock({ $0.inFlight }) > 0 && ContinuousClock.now < deadline { usleep(1_000) }
            for client in clients { client.close() }
        }
    }

    /// 3 JournalNodes and one or two NameNodes started from this executable in a temporary directory.
    final class LocalProcesses {
        let directory: String
        let journalPorts: [UInt16]
        let nameNodePorts: [UInt16]
        var nameNodePort: UInt16 { nameNodePorts[0] }
        private(set) var pids: [String: pid_t] = [:]
        let executable: String

        init(directory: String, extra: [String: String] = ["dfs.ha.log-roll.period": "120s"]) throws {
            self.directory = directory
            let ports = try LocalConfiguration.freePorts(5)
            journalPorts = Array(ports[0..<3])
            nameNodePorts = [ports[3], ports[4]]
            executable = try DaemonProcess.currentExecutable()
            try LocalConfiguration.write(to: directory + "/conf", nameservice: "bench", journalPorts: journalPorts,
                                         nameNodePorts: nameNodePorts, runDirectory: directory + "/run", extra: extra)
            try FileManager.default.createDirectory(atPath: directory + "/logs", withIntermediateDirectories: true)
        }

        var configurationDirectory: String { directory + "/conf" }
        private var base: [String] { ["--conf", configurationDirectory] }

        /// JournalNodes, `-format` on nn1, nn1 (and nn2 after `-bootstrapStandby`), nn1 made active.
        func start(nameNodes: Int = 1) throws {
            for (index, port) in journalPorts.enumerated() {
                pids["jn\(index + 1)"] = try DaemonProcess.spawn(executable, ["journalnode"] + base + [
                    "-D", "dfs.journalnode.rpc-address=127.0.0.1:\(port)",
                    "-D", "dfs.journalnode.edits.dir=\(directory)/run/jn\(index + 1)"], logPath: "\(directory)/logs/jn\(index + 1).log")
            }
            for port in journalPorts { try waitForPort(port) }
            try runToEnd(["namenode"] + base + ["-D", "dfs.ha.namenode.id=nn1", "-format"], log: "format")
            try startNameNode(0)
            if nameNodes > 1 {
                try runToEnd(["namenode"] + base + ["-D", "dfs.ha.namenode.id=nn2", "-bootstrapStandby"], log: "bootstrap")
                try startNameNode(1)
            }
            let answer = try call(0, .transitionToActive(source: .user), timeout: .seconds(60))
            guard answer == .done else { throw DaemonProcess.SpawnError(description: "transitionToActive failed: \(answer)") }
        }

        func startNameNode(_ index: Int) throws {
            let id = "nn\(index + 1)"
            pids[id] = try DaemonProcess.spawn(executable, ["namenode"] + base + ["-D", "dfs.ha.namenode.id=\(id)"],
                                               logPath: "\(directory)/logs/\(id).log")
            try waitForPort(nameNodePorts[index])
        }

        func kill9(_ name: String) {
            guard let pid = pids.removeValue(forKey: name) else { return }
            DaemonProcess.signalGroup(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }

        private func runToEnd(_ arguments: [String], log: String) throws {
            let status = try DaemonProcess.runToCompletion(executable, arguments, logPath: "\(directory)/logs/\(log).log")
            guard status == 0 else { throw DaemonProcess.SpawnError(description: "qjm \(arguments.first ?? "") failed; see \(directory)/logs/\(log).log") }
        }

        func call(_ index: Int, _ request: ClientRequest, timeout: Duration = .seconds(10)) throws -> ClientResponse {
            try request.call(host: "127.0.0.1", port: nameNodePorts[index], connectTimeout: .seconds(5), timeout: timeout)
        }

        func nameNodeInfo() throws -> NameNodeInfo? {
            guard case .nameNodeInfo(let info) = try call(0, .getNameNodeInfo) else { return nil }
            return info
        }

        private func waitForPort(_ port: UInt16) throws {
            guard DaemonProcess.awaitConnections(host: "127.0.0.1", port: port, within: .seconds(20)) else {
                throw DaemonProcess.SpawnError(description: "nothing listens on 127.0.0.1:\(port) after 20 s; logs in \(directory)/logs")
            }
        }

        func stop() {
            for pid in pids.values { DaemonProcess.stop(pid, graceMilliseconds: 2_000) }
            pids.removeAll()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }
}
