@preconcurrency import Glibc
import Fencing
import Foundation
import HadoopConfig
import Hosts
import Model
import Wire

/// `qjm haadmin`: Hadoop's `hdfs haadmin` for an HA nameservice. The failover procedure is the
/// model's `ManualFailover`; this tool runs its RPCs and fencing methods and feeds back results.
enum HAAdminCommand {
    /// `Tool` returns -1, which the process exits with as 255.
    static let failure: Int32 = 255

    static let commands: [(name: String, arguments: String, help: String)] = [
        ("-checkHealth", "<serviceId>", "Requests that the service perform a health check.\nThe HAAdmin tool will exit with a non-zero exit code\nif the check fails."),
        ("-failover", "[--forcefence] [--forceactive] <serviceId> <serviceId>", "Failover from the first service to the second.\nUnconditionally fence services if the --forcefence option is used.\nTry to failover to the target service even if it is not ready if the --forceactive option is used."),
        ("-getAllServiceState", "", "Returns the state of all the services"),
        ("-getServiceState", "<serviceId>", "Returns the state of the service"),
        ("-help", "<command>", "Displays help on the specified command"),
        ("-transitionToActive", "[--forceactive] <serviceId>", "Transitions the service into Active state"),
        ("-transitionToStandby", "<serviceId>", "Transitions the service into Standby state"),
    ]

    static var usage: String {
        "Usage: haadmin [-ns <nameserviceId>]\n" + commands.map { command in
            command.arguments.isEmpty ? "    [\(command.name)]" : "    [\(command.name) \(command.arguments)]"
        }.joined(separator: "\n") + "\n\nGeneric options supported are:\n--conf <configuration directory>\n-D <property=value>"
    }

    static func run(_ words: [String]) -> Int32 {
        let logger = Logger(name: "haadmin")
        let hadoop: HadoopOptions
        do { hadoop = try HadoopOptions(words) } catch {
            printError("\(error)\n\(usage)")
            return failure
        }
        var rest = hadoop.rest
        var nameserviceID: String?
        if rest.first == "-ns" {
            guard rest.count >= 2 else { printError("Missing nameservice ID\n\(usage)"); return failure }
            nameserviceID = rest[1]
            rest.removeFirst(2)
            guard !rest.isEmpty else { printError("Missing command\n\(usage)"); return failure }
        }
        guard let command = rest.first else { printError(usage); return failure }
        guard command.hasPrefix("-") else {
            printError("Bad command '\(command)': expected command starting with '-'\n\(usage)")
            return failure
        }
        guard commands.contains(where: { $0.name == command }) else {
            printError("\(command.dropFirst()): Unknown command\n\(usage)")
            return failure
        }
        var flags: Set<String> = []
        var operands: [String] = []
        for word in rest.dropFirst() {
            if word.hasPrefix("-") && word.count > 1 { flags.insert(String(word.drop { $0 == "-" })) } else { operands.append(word) }
        }
        if command == "-help" { return help(operands.first) }
        do {
            let tool = try Tool(configuration: try hadoop.load(), nameserviceID: nameserviceID, logger: logger)
            return try tool.run(command, flags: flags, operands: operands)
        } catch let error as ToolError {
            printError(error.text)
            return failure
        } catch {
            printError("Operation failed: \(error)")
            return failure
        }
    }

    static func help(_ name: String?) -> Int32 {
        guard let name else { print(usage); return 0 }
        let wanted = name.hasPrefix("-") ? name : "-" + name
        guard let command = commands.first(where: { $0.name == wanted }) else {
            printError("\(wanted): Unknown command\n\(usage)")
            return failure
        }
        print(command.arguments.isEmpty ? "\(command.name): \(command.help)" : "\(command.name) [\(command.arguments)]: \(command.help)")
        return 0
    }

    struct ToolError: Error { var text: String }

    /// One haadmin invocation against one nameservice.
    struct Tool {
        let configuration: Configuration
        let nameservice: NameserviceConfiguration
        let logger: Logger
        /// `ha.failover-controller.cli-check.rpc-timeout.ms`, `graceful-fence.rpc-timeout.ms`,
        /// `new-active.rpc-timeout.ms`.
        let checkTimeout: Duration
        let gracefulTimeout: Duration
        let activeTimeout: Duration

        init(configuration: Configuration, nameserviceID: String?, logger: Logger) throws {
            self.configuration = configuration
            self.logger = logger
            let ha = try HAConfiguration(configuration)
            if let nameserviceID {
                nameservice = try ha.nameservice(nameserviceID)
            } else if let fallback = ha.defaultNameservice ?? (ha.nameservices.count == 1 ? ha.nameservices.first : nil) {
                nameservice = fallback
            } else {
                throw ToolError(text: "Illegal argument: Unable to determine the nameservice id; use -ns")
            }
            checkTimeout = .milliseconds(try configuration.int("ha.failover-controller.cli-check.rpc-timeout.ms", default: 20_000))
            gracefulTimeout = .milliseconds(try configuration.int("ha.failover-controller.graceful-fence.rpc-timeout.ms", default: 5_000))
            activeTimeout = .milliseconds(try configuration.int("ha.failover-controller.new-active.rpc-timeout.ms", default: 60_000))
        }

        func nameNode(_ id: String) throws -> (index: Int, node: NameNodeConfiguration) {
            guard let index = nameservice.nameNodes.firstIndex(where: { $0.id == id }) else {
                throw ToolError(text: "Illegal argument: Unable to determine service address for namenode '\(id)'")
            }
            return (index, nameservice.nameNodes[index])
        }

        func run(_ command: String, flags: Set<String>, operands: [String]) throws -> Int32 {
            let name = String(command.dropFirst())
            func expect(_ count: Int, allowed: Set<String>) throws {
                guard flags.isSubset(of: allowed) else { throw ToolError(text: "\(name): incorrect arguments\n\(commandUsage(command))") }
                guard operands.count == count else {
                    throw ToolError(text: "\(name): incorrect number of arguments\n\(commandUsage(command))")
                }
            }
            switch command {
            case "-getServiceState":
                try expect(1, allowed: [])
                let (_, node) = try nameNode(operands[0])
                guard case .serviceStatus(let state, _, _) = try call(node, .getServiceStatus, timeout: checkTimeout) else {
                    throw ToolError(text: "Operation failed: unexpected answer from \(node.id)")
                }
                print(state.rawValue)
            case "-getAllServiceState":
                try expect(0, allowed: [])
                guard !nameservice.nameNodes.isEmpty else { throw ToolError(text: "Failed to get service IDs") }
                for node in nameservice.nameNodes {
                    let column: String
                    do {
                        if case .serviceStatus(let state, _, _) = try call(node, .getServiceStatus, timeout: checkTimeout) {
                            column = state.rawValue
                        } else { column = "Failed to connect: unexpected answer" }
                    } catch {
                        column = "Failed to connect: \(error)"
                    }
                    print(pad("\(node.rpcAddress.host):\(node.rpcAddress.port)", 50) + " " + column)
                }
            case "-checkHealth":
                try expect(1, allowed: [])
                let (_, node) = try nameNode(operands[0])
                let answer = try call(node, .monitorHealth, timeout: checkTimeout)
                if case .failure(_, let message) = answer { throw ToolError(text: "Health check failed: \(message)") }
            case "-transitionToStandby":
                try expect(1, allowed: ["forcemanual"])
                let (_, node) = try nameNode(operands[0])
                let source = try manualSource(node, forceManual: flags.contains("forcemanual"))
                try transition(node, .transitionToStandby(source: source), timeout: activeTimeout)
            case "-transitionToActive":
                try expect(1, allowed: ["forceactive", "forcemanual"])
                let (_, node) = try nameNode(operands[0])
                let source = try manualSource(node, forceManual: flags.contains("forcemanual"))
                let others = nameservice.nameNodes.filter { $0.id != node.id }.map { other -> (id: String, state: HAServiceState?, error: String?) in
                    do {
                        if case .serviceStatus(let state, _, _) = try call(other, .getServiceStatus, timeout: .seconds(5)) {
                            return (other.id, state, nil)
                        }
                        return (other.id, nil, "unexpected answer from \(other.id)")
                    } catch {
                        return (other.id, nil, "\(error)")
                    }
                }
                if let refusal = HAAdminRules.transitionToActiveRefusal(others: others, forceActive: flags.contains("forceactive")) {
                    throw ToolError(text: "\(refusal)\n\(commandUsage(command))")
                }
                try transition(node, .transitionToActive(source: source), timeout: activeTimeout)
            case "-failover":
                guard flags.isSubset(of: ["forcefence", "forceactive", "forcemanual"]), operands.count == 2 else {
                    throw ToolError(text: "failover: incorrect arguments\n\(commandUsage(command))")
                }
                return try failover(from: operands[0], to: operands[1], forceFence: flags.contains("forcefence"),
                                    forceActive: flags.contains("forceactive"), forceManual: flags.contains("forcemanual"))
            default:
                throw ToolError(text: "\(name): Unknown command\n\(usage)")
            }
            return 0
        }

        private func commandUsage(_ command: String) -> String {
            let arguments = commands.first { $0.name == command }?.arguments ?? ""
            return "Usage: haadmin [-ns <nameserviceId>] [\(command)\(arguments.isEmpty ? "" : " " + arguments)]"
        }

        private func manualSource(_ node: NameNodeConfiguration, forceManual: Bool) throws -> HARequestSource {
            if let refusal = HAAdminRules.manualManagementRefusal(target: "NameNode at \(node.rpcAddress)",
                                                                 automaticFailover: node.automaticFailoverEnabled,
                                                                 forceManual: forceManual) {
                throw ToolError(text: refusal)
            }
            if node.automaticFailoverEnabled {
                guard confirm(Tool.forceManualWarning) else { throw ToolError(text: "Aborted") }
                logger.warn("Proceeding with manual HA state management even though\nautomatic failover is enabled for NameNode at \(node.rpcAddress)")
            }
            return HAAdminRules.requestSource(automaticFailover: node.automaticFailoverEnabled, forceManual: forceManual)
        }

        static let forceManualWarning = "You have specified the --forcemanual flag. This flag is dangerous, as it can induce "
            + "a split-brain scenario that WILL CORRUPT your HDFS namespace, possibly irrecoverably.\n\nIt is recommended not "
            + "to use this flag, but instead to shut down the cluster and disable automatic failover if you prefer to "
            + "manually manage your HA state.\n\nYou may abort safely by answering 'n' or hitting ^C now.\n\nAre you sure "
            + "you want to continue?"

        /// `ToolRunner.confirmPrompt`: asks on stderr until the answer on stdin is yes or no; the end
        /// of input is a no.
        private func confirm(_ prompt: String) -> Bool {
            for _ in 0..<10 {
                FileHandle.standardError.write(Data((prompt + " (Y or N) ").utf8))
                guard let line = readLine() else { return false }
                switch line.trimmingCharacters(in: .whitespaces).lowercased() {
                case "y", "yes": return true
                case "n", "no": return false
                default: FileHandle.standardError.write(Data("Invalid input: \(line)\n".utf8))
                }
            }
            return false
        }

        private func transition(_ node: NameNodeConfiguration, _ request: ClientRequest, timeout: Duration) throws {
            switch try call(node, request, timeout: timeout) {
            case .done: return
            case .failure(_, let message): throw ToolError(text: "Operation failed: \(message)")
            case let other: throw ToolError(text: "Operation failed: unexpected answer \(other)")
            }
        }

        func call(_ node: NameNodeConfiguration, _ request: ClientRequest, timeout: Duration) throws -> ClientResponse {
            try request.call(host: node.rpcAddress.host, port: UInt16(node.rpcAddress.port), timeout: timeout)
        }

        // MARK: - Failover

        /// `FailoverController.failover`, run as the model's `ManualFailover`.
        func failover(from fromID: String, to toID: String, forceFence: Bool, forceActive: Bool, forceManual: Bool) throws -> Int32 {
            let (fromIndex, from) = try nameNode(fromID)
            let (toIndex, to) = try nameNode(toID)
            if from.automaticFailoverEnabled || to.automaticFailoverEnabled {
                guard from.automaticFailoverEnabled == to.automaticFailoverEnabled else {
                    throw ToolError(text: "Inconsistent auto-failover configs between \(fromID) and \(toID)!")
                }
                if forceFence || forceActive {
                    throw ToolError(text: "forcefence and forceactive flags not supported with auto-failover enabled.")
                }
                throw ToolError(text: "Failover command is not supported with auto-failover enabled: the failover controller (zkfc) is not built yet")
            }
            let methods = (try? from.requireFencer()) ?? []
            let fencer = NodeFencer(methods: methods, configuration: configuration, log: { [logger] in logger.info($0) })
            let nodes = nameservice.nameNodes
            var (run, pending) = ManualFailover.start(from: fromIndex, to: toIndex, forceFence: forceFence, forceActive: forceActive,
                                                      fencingMethods: methods.count, names: nameservice.nameNodeIDs)
            var stepsLeft = 64  // a failover with fail-back takes about a dozen steps
            while !pending.isEmpty {
                stepsLeft -= 1
                guard stepsLeft > 0 else { throw ToolError(text: "Operation failed: the failover did not finish") }
                let effect = pending.removeFirst()
                var input: ManualFailover.Input?
                switch effect {
                case .getServiceStatus(let index):
                    let state: HAServiceState?
                    if case .serviceStatus(let answer, _, _)? = try? call(nodes[index], .getServiceStatus, timeout: checkTimeout) {
                        state = answer
                    } else { state = nil }
                    input = .serviceState(index, state)
                case .transitionToStandby(let index):
                    input = .transitionResult(index, failure: transitionFailure(nodes[index], .transitionToStandby(source: .user), timeout: gracefulTimeout))
                case .transitionToActive(let index, _):
                    input = .transitionResult(index, failure: transitionFailure(nodes[index], .transitionToActive(source: .user), timeout: activeTimeout))
                case .fence(let index, let method):
                    let node = nodes[index]
                    let target = FenceTarget(nameserviceID: nameservice.id, nameNodeID: node.id, host: node.rpcAddress.host,
                                             port: node.rpcAddress.port)
                    input = .fenceResult(method: method, success: fencer.fence(method: method, target: target))
                case .finished(let success, let message):
                    if success {
                        print(message)
                        return 0
                    }
                    printError("Failover failed: \(message)")
                    return failure
                case .log(let text):
                    logger.info(text)
                }
                if let input { pending += run.step(input) }
            }
            throw ToolError(text: "Operation failed: the failover stopped without an outcome")
        }

        /// nil when the transition succeeded, else why not (a refusal or an unreachable NameNode).
        private func transitionFailure(_ node: NameNodeConfiguration, _ request: ClientRequest, timeout: Duration) -> String? {
            do {
                switch try call(node, request, timeout: timeout) {
                case .done: return nil
                case .failure(let className, let message): return "\(className): \(message)"
                case let other: return "unexpected answer \(other)"
                }
            } catch {
                return "\(error)"
            }
        }

        private func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
    }
}
