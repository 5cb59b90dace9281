@preconcurrency import Glibc
import Foundation
import Hosts
import Model
import Wire
import XCTest

/// A local HA cluster for one test: its own temporary directory, configuration with free
/// loopback ports, daemons started by `qjm cluster start` (each in its own process group), and a
/// teardown that kills every process group it recorded.
final class TestCluster {
    let directory: String
    let configurationDirectory: String
    let runDirectory: String
    let journalPorts: [UInt16]
    let nameNodePorts: [UInt16]
    let nameNodeIDs = ["nn1", "nn2"]
    /// Set QJM_KEEP_TEST_DIRECTORIES to keep each test's directory (logs, journals) for a post-mortem.
    let keepDirectory = ProcessInfo.processInfo.environment["QJM_KEEP_TEST_DIRECTORIES"] != nil

    init(extraProperties: [String: String] = [:]) throws {
        directory = NSTemporaryDirectory() + "qjm-cluster-\(UUID().uuidString.prefix(8))"
        configurationDirectory = directory + "/conf"
        runDirectory = directory + "/run"
        try FileManager.default.createDirectory(atPath: configurationDirectory, withIntermediateDirectories: true)
        var ports = try LocalConfiguration.freePorts(5)
        journalPorts = Array(ports[0..<3])
        ports.removeFirst(3)
        nameNodePorts = ports
        let quorum = journalPorts.map { "127.0.0.1:\($0)" }.joined(separator: ";")
        var properties: [String: String] = [
            "dfs.nameservices": "testcluster",
            "dfs.ha.namenodes.testcluster": "nn1,nn2",
            "dfs.namenode.rpc-address.testcluster.nn1": "127.0.0.1:\(nameNodePorts[0])",
            "dfs.namenode.rpc-address.testcluster.nn2": "127.0.0.1:\(nameNodePorts[1])",
            "dfs.namenode.http-address.testcluster.nn1": "127.0.0.1:0",
            "dfs.namenode.http-address.testcluster.nn2": "127.0.0.1:0",
            "dfs.namenode.shared.edits.dir": "qjournal://\(quorum)/testcluster",
            "dfs.namenode.name.dir.testcluster.nn1": "${qjm.local.dir}/nn1/name",
            "dfs.namenode.name.dir.testcluster.nn2": "${qjm.local.dir}/nn2/name",
            "dfs.journalnode.edits.dir": "${qjm.local.dir}/journalnode",
            "dfs.journalnode.rpc-address": "127.0.0.1:\(journalPorts[0])",
            "dfs.ha.fencing.methods": "shell(/bin/true)",
            "dfs.client.failover.proxy.provider.testcluster": "org.apache.hadoop.hdfs.server.namenode.ha.ConfiguredFailoverProxyProvider",
            "dfs.client.failover.sleep.base.millis": "20",
            "dfs.client.failover.sleep.max.millis": "100",
            "dfs.ha.tail-edits.period": "100ms",
            "dfs.ha.log-roll.period": "1s",
            "dfs.qjournal.write-txns.timeout.ms": "5000",
        ]
        properties.merge(extraProperties) { $1 }
        try TestCluster.writeConfiguration(["fs.defaultFS": "hdfs://testcluster", "qjm.local.dir": runDirectory],
                                           to: configurationDirectory + "/core-site.xml")
        try TestCluster.writeConfiguration(properties, to: configurationDirectory + "/hdfs-site.xml")
    }

    /// Kills every daemon's process group and removes the directory.
    func tearDown() {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: runDirectory + "/pids")) ?? []
        for file in pids {
            if let text = try? String(contentsOfFile: runDirectory + "/pids/" + file, encoding: .utf8),
               let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                DaemonProcess.signalGroup(pid, SIGCONT)
                DaemonProcess.signalGroup(pid, SIGKILL)
            }
        }
        if !keepDirectory { try? FileManager.default.removeItem(atPath: directory) }
    }

    // MARK: - Commands

    struct Run {
        var status: Int32
        var output: String
        var errorOutput: String
    }

    /// Runs `qjm arguments` with this cluster's configuration and waits for it (at most `secondsMax`;
    /// then its process group is killed). Output goes through files, so a chatty child never blocks.
    @discardableResult
    func qjm(_ arguments: [String], input: String? = nil, secondsMax: Double = 90) throws -> Run {
        let executable = try TestCluster.executable().path
        let stamp = UUID().uuidString.prefix(8)
        let outputPath = "\(directory)/qjm-\(stamp).out"
        let errorPath = "\(directory)/qjm-\(stamp).err"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let inputPath = "\(directory)/qjm-\(stamp).in"
        try (input ?? "").write(toFile: inputPath, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: inputPath) }
        posix_spawn_file_actions_addopen(&actions, 0, inputPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments + ["--conf", configurationDirectory]).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard spawned == 0 else { throw Failure("cannot start \(executable): error \(spawned)") }
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(secondsMax)
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR { throw Failure("waitpid: errno \(errno)") }
            if Date() > deadline {
                kill(-pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                XCTFail("qjm \(arguments.joined(separator: " ")) did not finish within \(secondsMax) s")
                break
            }
            usleep(5_000)
        }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let errors = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: outputPath)
        try? FileManager.default.removeItem(atPath: errorPath)
        let exited = status & 0x7f == 0
        return Run(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), output: output, errorOutput: errors)
    }

    /// `qjm cluster start`: formats on first use, starts what is not running.
    /// Whether daemons write traces (once asked, every later (re)start keeps tracing).
    private(set) var tracing = false

    func start(activate: Bool = true, trace: Bool = false) throws {
        tracing = tracing || trace
        let run = try qjm(["cluster", "start", "--dir", runDirectory] + (activate ? [] : ["--no-activate"]) + (tracing ? ["--trace"] : []))
        guard run.status == 0 else {
            throw Failure("qjm cluster start failed (\(run.status)):\n\(run.output)\n\(run.errorOutput)\n\(logs())")
        }
    }

    /// Starts one NameNode by hand with extra `-D` overrides (recorded like the cluster's own).
    func startNameNode(_ id: String, overrides: [String]) throws {
        let executable = try TestCluster.executable().path
        let arguments = ["namenode", "--conf", configurationDirectory, "-D", "qjm.local.dir=\(runDirectory)",
                         "-D", "dfs.ha.namenode.id=\(id)"] + overrides.flatMap { ["-D", $0] }
        // The port answering is not enough: under parallel tests another process may hold it, and
        // ours then exits on its bind error. Wait for this start's own "RPC up" line while it runs.
        let upLines = log(id).components(separatedBy: "RPC up at").count
        let pid = try DaemonProcess.spawn(executable, arguments, logPath: "\(runDirectory)/logs/\(id).log")
        try "\(pid)\n".write(toFile: "\(runDirectory)/pids/\(id).pid", atomically: true, encoding: .utf8)
        let port = nameNodePorts[nameNodeIDs.firstIndex(of: id)!]
        var exited = false
        try awaitCondition("\(id) to listen", seconds: 20) {
            exited = !DaemonProcess.isAlive(pid)
            return exited || (self.log(id).components(separatedBy: "RPC up at").count > upLines
                              && DaemonProcess.acceptsConnections(host: "127.0.0.1", port: port))
        }
        if exited { throw Failure("\(id) exited while starting\n\(log(id))") }
    }

    func pid(_ name: String) -> pid_t? {
        guard let text = try? String(contentsOfFile: "\(runDirectory)/pids/\(name).pid", encoding: .utf8) else { return nil }
        return pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func isRunning(_ name: String) -> Bool { pid(name).map { DaemonProcess.isAlive($0) } ?? false }

    /// kill -9 of the daemon's process group.
    func kill9(_ name: String) throws {
        guard let pid = pid(name) else { throw Failure("no pid for \(name)") }
        DaemonProcess.signalGroup(pid, SIGKILL)
        try awaitCondition("\(name) to exit", seconds: 10) { !self.isRunning(name) }
    }

    func signal(_ name: String, _ number: Int32) throws {
        guard let pid = pid(name) else { throw Failure("no pid for \(name)") }
        DaemonProcess.signalGroup(pid, number)
    }

    func log(_ name: String) -> String { (try? String(contentsOfFile: "\(runDirectory)/logs/\(name).log", encoding: .utf8)) ?? "" }

    func logs() -> String {
        (["jn1", "jn2", "jn3"] + nameNodeIDs).map { "--- \($0).log ---\n\(log($0).suffix(3000))" }.joined(separator: "\n")
    }

    func journalDirectory(_ index: Int) -> String { "\(runDirectory)/jn\(index)/testcluster/current" }

    // MARK: - RPC

    func client(hedging: Bool = false) -> FailoverClient {
        var policy = FailoverClient.Policy()
        policy.hedging = hedging
        policy.sleepBaseMilliseconds = 20
        policy.sleepMaxMilliseconds = 100
        policy.callTimeoutMilliseconds = 15_000
        policy.connectTimeoutMilliseconds = 2_000
        return FailoverClient(nameNodes: zip(nameNodeIDs, nameNodePorts).map {
            FailoverClient.NameNodeAddress(id: $0.0, host: "127.0.0.1", port: $0.1)
        }, policy: policy)
    }

    /// One call to one NameNode (no failover).
    func call(_ nameNode: Int, _ request: ClientRequest, timeout: Duration = .seconds(30)) throws -> ClientResponse {
        try request.call(host: "127.0.0.1", port: nameNodePorts[nameNode], connectTimeout: .seconds(2), timeout: timeout)
    }

    func info(_ nameNode: Int) throws -> NameNodeInfo {
        guard case .nameNodeInfo(let info) = try call(nameNode, .getNameNodeInfo) else { throw Failure("no NameNode info") }
        return info
    }

    func journalCall(_ index: Int, _ request: JournalCall) throws -> JournalReply {
        let client = RPCClient(host: "127.0.0.1", port: journalPorts[index], connectTimeout: .seconds(2), log: { _ in })
        defer { client.close() }
        return try JournalReply.decode(try client.call(payload: request.encode(), lamport: 0, timeout: .seconds(10)).payload)
    }

    // MARK: - Helpers

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Polls `condition` until it holds, failing after `seconds`.
    func awaitCondition(_ what: String, seconds: Double, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? condition()) == true { return }
            usleep(20_000)
        }
        throw Failure("timed out after \(seconds) s waiting for \(what)\n\(logs())")
    }

    static func executable() throws -> URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("qjm")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        throw XCTSkip("qjm was not found beside \(CommandLine.arguments[0])")
    }

    static func writeConfiguration(_ properties: [String: String], to path: String) throws {
        try LocalConfiguration.xml(properties).write(toFile: path, atomically: true, encoding: .utf8)
    }
}
