@preconcurrency import Glibc
import Foundation
import HadoopConfig
import Hosts
import Model
import Namespace
import Wire

/// `qjm cluster`: a local HA cluster (the JournalNodes of the shared edits URI and the NameNodes of
/// the nameservice) as separate processes started from one configuration directory, with logs and
/// pids in one folder.
enum ClusterCommand {
    static let usage = """
    Usage: qjm cluster start  [--conf DIR] [--dir RUNDIR] [-D key=value]... [--no-activate] [--trace]
           qjm cluster stop   [--conf DIR] [--dir RUNDIR]
           qjm cluster status [--conf DIR] [--dir RUNDIR]
      RUNDIR (default: qjm.local.dir from the configuration, else /tmp/qjm-local) holds
      jnN/ (JournalNode edits), nnX/ (name directories), logs/*.log, pids/*.pid and traces/.
      start formats the namespace on first use (namenode -format on the first NameNode,
      -bootstrapStandby on the others), starts every daemon in its own process group, and makes
      the first NameNode active (unless --no-activate or automatic failover is enabled).
    """

    static func run(_ words: [String]) -> Int32 {
        do {
            var hadoop = try HadoopOptions(words)
            let arguments = try Arguments(hadoop.rest, valued: ["dir"], flags: ["no-activate", "trace", "help", "h"])
            if arguments.flag("help") || arguments.flag("h") { print(usage); return 0 }
            guard let action = arguments.operands.first, arguments.operands.count == 1 else {
                throw Arguments.UsageError(description: "say start, stop or status")
            }
            if let directory = arguments.string("dir") { hadoop.overrides.insert("qjm.local.dir=\(directory)", at: 0) }
            let configuration = try hadoop.load()
            let layout = try Layout(configuration: configuration, hadoop: hadoop)
            switch action {
            case "start": return try start(layout, activate: !arguments.flag("no-activate"), trace: arguments.flag("trace"))
            case "stop": return stop(layout)
            case "status": return status(layout)
            default: throw Arguments.UsageError(description: "unknown action '\(action)': say start, stop or status")
            }
        } catch let error as Arguments.UsageError {
            printError("qjm cluster: \(error)\n\(usage)")
            return 2
        } catch {
            printError("qjm cluster: \(error)")
            return 1
        }
    }

    /// Where each daemon lives and how it is started.
    struct Layout {
        var runDirectory: String
        var configurationDirectory: String
        var overrides: [String]
        var journals: [SocketAddress]
        var nameservice: NameserviceConfiguration
        var automaticFailover: Bool

        init(configuration: Configuration, hadoop: HadoopOptions) throws {
            runDirectory = configuration.string("qjm.local.dir", default: "/tmp/qjm-local")
            guard let directory = Configuration.directory(explicit: hadoop.configurationDirectory,
                                                          environment: ProcessInfo.processInfo.environment) else {
                throw Arguments.UsageError(description: "no configuration directory: pass --conf DIR or set QJM_CONF_DIR")
            }
            configurationDirectory = directory
            overrides = hadoop.overrides
            let ha = try HAConfiguration(configuration)
            guard let nameservice = ha.defaultNameservice ?? ha.nameservices.first else {
                throw Arguments.UsageError(description: "the configuration names no nameservice (dfs.nameservices)")
            }
            self.nameservice = nameservice
            guard let shared = nameservice.nameNodes.first?.sharedEdits else {
                throw Arguments.UsageError(description: "dfs.namenode.shared.edits.dir is not set")
            }
            journals = shared.journalNodes
            automaticFailover = nameservice.nameNodes.first?.automaticFailoverEnabled ?? false
        }

        var logs: String { runDirectory + "/logs" }
        var pids: String { runDirectory + "/pids" }
        var traces: String { runDirectory + "/traces" }

        func baseArguments() -> [String] {
            ["--conf", configurationDirectory, "-D", "qjm.local.dir=\(runDirectory)"] + overrides.flatMap { ["-D", $0] }
        }

        func journalArguments(_ index: Int) -> [String] {
            ["journalnode"] + baseArguments() + ["-D", "dfs.journalnode.rpc-address=\(journals[index])",
                                                 "-D", "dfs.journalnode.edits.dir=\(runDirectory)/jn\(index + 1)"]
        }

        func nameNodeArguments(_ id: String, _ extra: [String] = []) -> [String] {
            ["namenode"] + baseArguments() + ["-D", "dfs.ha.namenode.id=\(id)"] + extra
        }
    }

    static func start(_ layout: Layout, activate: Bool, trace: Bool) throws -> Int32 {
        for directory in [layout.runDirectory, layout.logs, layout.pids] + (trace ? [layout.traces] : []) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let executable = try DaemonProcess.currentExecutable()
        let traceArguments = trace ? ["--trace-dir", layout.traces] : []
        for (index, address) in layout.journals.enumerated() {
            let name = "jn\(index + 1)"
            if let pid = runningPid(layout, name) { print("\(name) already running as process \(pid)"); continue }
            try launch(layout, name, executable, layout.journalArguments(index) + traceArguments)
            try waitForPort(address, name: name, layout: layout)
        }
        for (position, nameNode) in layout.nameservice.nameNodes.enumerated() {
            let name = nameNode.id
            if let pid = runningPid(layout, name) { print("\(name) already running as process \(pid)"); continue }
            if let directory = nameNode.nameDirectories.first, !NameStorage.isFormatted(directory) {
                let mode = position == 0 ? "-format" : "-bootstrapStandby"
                let run = try DaemonProcess.runToCompletion(executable, layout.nameNodeArguments(name, [mode, "-nonInteractive"]),
                                                            logPath: "\(layout.logs)/\(name)-\(mode.dropFirst()).log")
                guard run == 0 else {
                    printError("qjm cluster: namenode \(mode) for \(name) failed (exit \(run)); see \(layout.logs)/\(name)-\(mode.dropFirst()).log")
                    return 1
                }
                print("\(name): namenode \(mode) done")
            }
            try launch(layout, name, executable, layout.nameNodeArguments(name) + traceArguments)
            try waitForPort(nameNode.rpcAddress, name: name, layout: layout)
        }
        if activate && !layout.automaticFailover, let first = layout.nameservice.nameNodes.first {
            let response = try call(first.rpcAddress, .transitionToActive(source: .user), timeout: .seconds(60))
            guard case .done = response else {
                printError("qjm cluster: transitionToActive \(first.id) failed: \(response)")
                return 1
            }
            print("\(first.id) is active")
        }
        return status(layout)
    }

    static func stop(_ layout: Layout) -> Int32 {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: layout.pids))?.filter { $0.hasSuffix(".pid") }.sorted() ?? []
        if names.isEmpty { print("no daemons recorded in \(layout.pids)") }
        for file in names.reversed() {
            let name = String(file.dropLast(4))
            if let pid = recordedPid(layout, name) {
                DaemonProcess.stop(pid)
                print("stopped \(name) (process \(pid))")
            }
            try? FileManager.default.removeItem(atPath: "\(layout.pids)/\(file)")
        }
        return 0
    }

    static func status(_ layout: Layout) -> Int32 {
        var healthy = true
        for (index, address) in layout.journals.enumerated() {
            let name = "jn\(index + 1)"
            let pid = runningPid(layout, name)
            healthy = healthy && pid != nil
            print("\(pad(name, 6)) \(pad(address.description, 22)) \(pid.map { "running (pid \($0))" } ?? "stopped")")
        }
        for nameNode in layout.nameservice.nameNodes {
            let pid = runningPid(layout, nameNode.id)
            var state = "stopped"
            if let pid {
                state = "running (pid \(pid))"
                if case .serviceStatus(let haState, _, _)? = try? call(nameNode.rpcAddress, .getServiceStatus, timeout: .seconds(5)) {
                    state += " \(haState.rawValue)"
                }
            }
            healthy = healthy && pid != nil
            print("\(pad(nameNode.id, 6)) \(pad(nameNode.rpcAddress.description, 22)) \(state)")
        }
        print("logs: \(layout.logs)")
        return healthy ? 0 : 1
    }

    // MARK: - Processes

    private static func launch(_ layout: Layout, _ name: String, _ executable: String, _ arguments: [String]) throws {
        let pid = try DaemonProcess.spawn(executable, arguments, logPath: "\(layout.logs)/\(name).log")
        try "\(pid)\n".write(toFile: "\(layout.pids)/\(name).pid", atomically: true, encoding: .utf8)
        print("started \(name) (process \(pid)), log \(layout.logs)/\(name).log")
    }

    private static func recordedPid(_ layout: Layout, _ name: String) -> pid_t? {
        guard let text = try? String(contentsOfFile: "\(layout.pids)/\(name).pid", encoding: .utf8) else { return nil }
        return pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private static func runningPid(_ layout: Layout, _ name: String) -> pid_t? {
        guard let pid = recordedPid(layout, name), DaemonProcess.isAlive(pid) else { return nil }
        return pid
    }

    /// Waits (at most 20 s) until `address` accepts connections.
    private static func waitForPort(_ address: SocketAddress, name: String, layout: Layout) throws {
        if DaemonProcess.awaitConnections(host: address.host, port: UInt16(address.port), within: .seconds(20),
                                          while: { runningPid(layout, name) != nil }) { return }
        guard runningPid(layout, name) != nil else {
            throw Arguments.UsageError(description: "\(name) exited at start; see \(layout.logs)/\(name).log")
        }
        throw Arguments.UsageError(description: "\(name) does not answer on \(address) after 20 s; see \(layout.logs)/\(name).log")
    }

    static func call(_ address: SocketAddress, _ request: ClientRequest, timeout: Duration) throws -> ClientResponse {
        try request.call(host: address.host, port: UInt16(address.port), timeout: timeout)
    }

    private static func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(1, width - text.count)) }
}
