@preconcurrency import Glibc
import Foundation
import Model
import Checker
import CheckerExamples
import Specs

/// `qjm check`: explore a model exhaustively (or by simulation) and report on its properties.
enum CheckCommand {
    static let usage = """
    Usage: qjm check [--config NAME|FILE] [HA options] [search options]   the HA protocol (default: small)
           qjm check --mutant NAME | --mutants                           seeded bugs and the properties that catch them
           qjm check --example NAME [model options] [search options]     a TLA+ example model
           qjm check --replay FILE
           qjm check --list-configs
      HA protocol (qjm check --list-configs shows the shipped configurations):
        --config small|crash|lossy|deep|three-namenodes|no-fencing|automatic...   a shipped HA configuration
        --namenodes N --journalnodes N --clients N --epochs N --edits N --crashes N --pauses N --in-flight N --losses N
        --loss B --duplication B --reordering B --crash-faults B --torn-steps B --pause-faults B
        --fencing-failures B      (B: true or false)
        --fencing kill|noop       kill: sshfence-like, noop: shell(/bin/true)
        --mutant NAME             check with a seeded bug; --mutants runs them all and prints a table
        --list-properties         the properties with their rationale
      Example models:
        --example diehard                 TLA+ Examples: DieHard
        --example twophase [--rm N]       TLA+ Examples: TwoPhase with N resource managers (default 3)
        --example paxos [--acceptors N] [--values N] [--ballots N]   TLA+ Examples: Paxos (default 3 2 2)
        --example diehard --not-solved 1  DieHard with TLC's NotSolved invariant (finds the 4-gallon trace)
        --config NAME|FILE    a shipped configuration (--list-configs) or a file of 'key = value' lines,
                              keys being these long options; the command line overrides the file
      Search:
        --workers N           threads (default: one per core; the result is the same for any N)
        --depth N             stop expanding after N levels (initial states are level 1)
        --max-states N        stop after N distinct states
        --time SECONDS        stop after SECONDS of wall time
        --no-deadlock         do not report states without successors
        --continue            go on after a violation to find one counterexample per property
        --expected-states N   size the visited set for N states up front
        --progress SECONDS    seconds between progress lines (default 5; 0 for none)
      Simulation (random walks, for bounds too large to exhaust):
        --simulate --seed S --traces N --depth D
      Output:
        --json                print the result as JSON (progress goes to stderr)
        --counterexample FILE where to write the first counterexample (default qjm-counterexample.json)
        --list-properties     print the model's properties and exit
      Exit codes: 0 every property holds, 1 a property is violated, 2 usage or configuration
      error, 3 a bound stopped the search before it was complete.
    """

    /// The model parameters of every example (`--rm`, `--acceptors`, ...).
    static let modelParameterNames: [String] = {
        var names: [String] = []
        for example in ExampleCatalog.examples {
            for parameter in example.parameters where !names.contains(parameter.name) { names.append(parameter.name) }
        }
        return names
    }()
    static let valued: Set<String> = Set(["example", "workers", "depth", "max-states", "time", "expected-states",
                                          "progress", "seed", "traces", "counterexample", "replay", "table-load",
                                          "config", "base"] + modelParameterNames + HAConfigurations.keys.map(\.name))
    static let flags: Set<String> = ["no-deadlock", "continue", "simulate", "json", "list-properties", "help",
                                     "list-configs", "mutants"]

    /// The command line with the configuration's entries in front, so that the command line wins.
    static func expandConfiguration(_ words: [String]) throws -> [String] {
        let first = try Arguments(words, valued: valued, flags: flags)
        guard let reference = first.string("config") else { return words }
        if HAConfigurations.shipped(named: reference) != nil { return ["--base", reference] + words }
        let text: String
        if let shipped = ShippedConfigurations.text(named: reference) {
            text = shipped
        } else if let data = FileManager.default.contents(atPath: reference) {
            text = String(decoding: data, as: UTF8.self)
        } else {
            throw Arguments.UsageError(description: "no shipped configuration and no readable file named '\(reference)' "
                                       + "(shipped: \(ShippedConfigurations.all.map(\.name).joined(separator: ", ")))")
        }
        let allowed = valued.subtracting(["config", "replay"]).union(flags.subtracting(["help", "list-configs"]))
        let configuration: CheckConfiguration
        do {
            configuration = try CheckConfiguration(text: text, allowedKeys: allowed)
        } catch {
            throw Arguments.UsageError(description: "configuration \(reference), \(error)")
        }
        var expanded: [String] = []
        for (key, value) in configuration.entries {
            if flags.contains(key) {
                switch value {
                case "true", "yes", "1": expanded.append("--" + key)
                case "false", "no", "0": continue
                default:
                    throw Arguments.UsageError(description: "configuration \(reference): '\(key)' is a flag; "
                                               + "give it true or false, not '\(value)'")
                }
            } else {
                expanded += ["--" + key, value]
            }
        }
        return expanded + words
    }

    static func run(_ words: [String]) -> Int32 {
        do {
            let arguments = try Arguments(try expandConfiguration(words), valued: valued, flags: flags)
            if arguments.flag("help") {
                print(usage)
                return 0
            }
            if arguments.flag("list-configs") {
                for (name, summary, configuration) in HAConfigurations.shipped {
                    print("[\(name)] \(summary)")
                    let keys = HAConfigurations.parameters(of: configuration, name: name).dropFirst()
                    print(keys.map { "\($0.name) = \($0.value)" }.joined(separator: "\n") + "\n")
                }
                for (name, text) in ShippedConfigurations.all { print("[\(name)]\n\(text)\n") }
                return 0
            }
            guard arguments.operands.isEmpty else {
                throw Arguments.UsageError(description: "unexpected argument '\(arguments.operands[0])'")
            }
            if let path = arguments.string("replay") { return try replay(path: path, arguments: arguments) }
            guard let name = arguments.string("example") else {
                let (configuration, name) = try haConfiguration(arguments)
                if arguments.flag("mutants") { return try MutantsCommand.run(base: configuration, name: name, arguments: arguments) }
                return try CheckVisitor(arguments: arguments).visit(HASpec(configuration: configuration, name: name))
            }
            for key in HAConfigurations.keys.map(\.name) + ["base"] where arguments.string(key) != nil {
                throw Arguments.UsageError(description: "option --\(key) is for the HA model, not --example")
            }
            let parameters = try modelParameters(arguments)
            let visitor = try CheckVisitor(arguments: arguments)
            return try ExampleCatalog.withModel(named: name, parameters: parameters, visitor: visitor)
        } catch let error as Arguments.UsageError {
            printError("qjm check: \(error.description)\n\(usage)")
            return 2
        } catch {
            printError("qjm check: \(error)")
            return 2
        }
    }

    /// The HA configuration the arguments describe: a shipped one (`--base`, default small) with
    /// every HA option applied on top.
    static func haConfiguration(_ arguments: Arguments) throws -> (HAConfiguration, String) {
        let base = arguments.string("base") ?? "small"
        guard var configuration = HAConfigurations.shipped(named: base) else {
            throw Arguments.UsageError(description: "no shipped HA configuration named '\(base)' "
                                       + "(shipped: \(HAConfigurations.shipped.map(\.name).joined(separator: ", ")))")
        }
        var customised = false
        for key in HAConfigurations.keys.map(\.name) {
            guard let value = arguments.string(key) else { continue }
            do {
                try HAConfigurations.apply(key, value, to: &configuration)
            } catch {
                throw Arguments.UsageError(description: "--\(key): \(error)")
            }
            if key != "mutant" { customised = true }
        }
        if let problem = configuration.validationError() { throw Arguments.UsageError(description: problem) }
        return (configuration, customised ? base + "+options" : base)
    }

    static func modelParameters(_ arguments: Arguments) throws -> [String: Int] {
        var parameters: [String: Int] = [:]
        for name in modelParameterNames {
            if let value = try arguments.integer(name, in: Int.min...Int.max) { parameters[name] = value }
        }
        return parameters
    }

    static func replay(path: String, arguments: Arguments) throws -> Int32 {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReplayError(description: "cannot read counterexample file '\(path)'")
        }
        let file = try CounterexampleFile.decode(data)
        if file.model == "ha" {
            let (configuration, name) = try HAConfigurations.configuration(from: file.parameters)
            return ReplayVisitor(file: file, path: path).visit(HASpec(configuration: configuration, name: name))
        }
        return try ExampleCatalog.withModel(named: file.model, recorded: file.parameters,
                                            visitor: ReplayVisitor(file: file, path: path))
    }
}

/// Replays a counterexample file against the model it names.
struct ReplayVisitor: ExampleModelVisitor {
    let file: CounterexampleFile
    let path: String

    func visit<M: CheckableModel>(_ model: M) -> Int32 {
        do {
            let result = try file.replay(on: model)
            let parameters = file.parameters.map { "\($0.name) = \($0.value)" }.joined(separator: ", ")
            print("Replaying \(path): model \(file.model) (\(parameters)), \(file.kind) \(file.property), "
                  + "\(file.indices.count) states")
            for line in TextReport.renderTrace(result.trace) { print(line) }
            if !result.sameLastState {
                print("Warning: the last state differs from the one recorded; the model has changed since.")
            }
            print(result.reproduced ? "Reproduced: \(result.explanation)." : "NOT reproduced: \(result.explanation).")
            return result.reproduced ? 1 : 0
        } catch {
            printError("qjm check: cannot replay \(path): \(error)")
            return 2
        }
    }
}

/// Runs the check (or simulation) the command line asks for on one model.
struct CheckVisitor: ExampleModelVisitor {
    let arguments: Arguments
    let json: Bool
    let options: CheckOptions
    let simulation: SimulationOptions?

    init(arguments: Arguments) throws {
        self.arguments = arguments
        json = arguments.flag("json")
        var options = CheckOptions()
        options.workers = try arguments.integer("workers", in: 1...64) ?? min(64, max(1, ProcessInfo.processInfo.activeProcessorCount))
        options.depthMax = try arguments.integer("depth", in: 1...Int(Int32.max))
        options.distinctStatesMax = try arguments.integer("max-states", in: 1...Int(UInt32.max - 1))
        options.secondsMax = try arguments.seconds("time")
        options.checkDeadlock = !arguments.flag("no-deadlock")
        options.stopAtFirstViolation = !arguments.flag("continue")
        options.expectedStates = try arguments.integer("expected-states", in: 1...Int(UInt32.max - 1)) ?? options.expectedStates
        options.tableLoadPercentMax = try arguments.integer("table-load", in: 50...95) ?? options.tableLoadPercentMax
        let interval = try arguments.seconds("progress") ?? 5
        if interval > 0 {
            options.progressIntervalSeconds = interval
            let toStandardError = json
            options.progress = { report in
                if toStandardError { printError(report.line) } else { printFlushed(report.line) }
            }
        }
        if let error = options.validationError() { throw Arguments.UsageError(description: error) }
        self.options = options
        if arguments.flag("simulate") {
            var simulation = SimulationOptions()
            simulation.seed = UInt64(try arguments.integer("seed", in: 0...Int.max) ?? 1)
            simulation.traces = try arguments.integer("traces", in: 1...100_000_000) ?? simulation.traces
            simulation.depth = options.depthMax ?? simulation.depth
            simulation.workers = options.workers
            simulation.checkDeadlock = options.checkDeadlock
            self.simulation = simulation
        } else {
            for name in ["seed", "traces"] where arguments.string(name) != nil {
                throw Arguments.UsageError(description: "option --\(name) needs --simulate")
            }
            simulation = nil
        }
    }

    func visit<M: CheckableModel>(_ model: M) -> Int32 {
        if arguments.flag("list-properties") {
            for property in model.properties {
                print("\(property.kind.rawValue) \(property.name)" + (property.rationale.isEmpty ? "" : ": \(property.rationale)"))
            }
            return 0
        }
        if let simulation { return simulate(model, simulation) }
        let result = Checker(model: model, options: options).run()
        if json {
            printJSON(result)
        } else {
            print(TextReport.render(result), terminator: "")
        }
        writeCounterexample(result: result, model: model)
        return result.outcome.exitCode
    }

    private func simulate<M: CheckableModel>(_ model: M, _ simulation: SimulationOptions) -> Int32 {
        let result = Simulator(model: model, options: simulation).run()
        if json {
            printJSON(result)
        } else {
            print("Model \(model.name): simulation with seed \(simulation.seed), \(Format.count(simulation.traces)) traces "
                  + "of at most \(simulation.depth) steps, \(simulation.workers) worker(s)")
            for report in result.properties where report.status == .violated {
                print("Error: \(report.kind.rawValue) \(report.name) is violated (\(report.note ?? "")).")
                if let trace = report.trace { TextReport.renderTrace(trace).forEach { print($0) } }
            }
            if let deadlock = result.deadlock {
                print("Error: Deadlock reached (trace \(result.violatingTrace ?? 0)).")
                TextReport.renderTrace(deadlock).forEach { print($0) }
            }
            print("\(Format.count(result.steps)) steps in \(Format.seconds(result.elapsedSeconds)). "
                  + (result.exitCode == 0 ? "No violation found (simulation is not exhaustive: nothing is proven)."
                                          : "Rerun with --seed \(simulation.seed) to reproduce."))
            for report in result.properties where report.kind == .sometimes {
                print("  \(report.status == .holds ? "reached    " : "not reached") sometimes \(report.name)")
            }
        }
        return result.exitCode
    }

    private func writeCounterexample<M: CheckableModel>(result: CheckResult, model: M) {
        guard let first = CounterexampleFile.all(from: result, model: model).first else { return }
        let path = arguments.string("counterexample") ?? "qjm-counterexample.json"
        // Written in place (open, truncate, write), never by replacing the path: `--counterexample
        // /dev/null` must not turn the device into a file (FileManager.createFile renames over it).
        let written = writeInPlace(Array(first.encoded()), to: path)
        let message = written ? "Counterexample to \(first.property) written to \(path); replay it with: qjm check --replay \(path)"
                              : "Warning: could not write the counterexample to \(path)"
        if json { printError(message) } else { print(message) }
    }
}

/// Writes `bytes` to `path` through an open file (created if missing, truncated otherwise).
func writeInPlace(_ bytes: [UInt8], to path: String) -> Bool {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var offset = 0
    while offset < bytes.count {
        let count = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if count < 0 { if errno == EINTR { continue }; return false }
        offset += count
    }
    return true
}

func printJSON<Value: Encodable>(_ value: Value) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    if let data = try? encoder.encode(value), let text = String(data: data, encoding: .utf8) { print(text) }
}

/// Writes a line to stdout and flushes, so progress shows up even when stdout is a pipe.
func printFlushed(_ line: String) {
    print(line)
    fflush(stdout)
}

func printError(_ line: String) {
    fputs(line + "\n", stderr)
}
