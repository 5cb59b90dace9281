import Model

/// The HA checker configurations we ship, and the `key = value` form of any configuration
/// (command-line options, configuration files, counterexample files all use it).
public enum HAConfigurations {
    /// A configuration key, with what it sets.
    public struct Key: Sendable {
        public var name: String
        public var summary: String
    }

    public static let keys: [Key] = [
        Key(name: "namenodes", summary: "NameNodes (1-5)"),
        Key(name: "journalnodes", summary: "JournalNodes (1-7)"),
        Key(name: "clients", summary: "clients (0-3)"),
        Key(name: "epochs", summary: "highest epoch a writer may propose"),
        Key(name: "edits", summary: "client writes in all"),
        Key(name: "crashes", summary: "crashes (kill -9, torn JournalNode steps) in all"),
        Key(name: "pauses", summary: "NameNode pauses in all"),
        Key(name: "in-flight", summary: "messages in flight at once"),
        Key(name: "loss", summary: "message loss (true/false)"),
        Key(name: "losses", summary: "lost messages in all, with loss on (64: no budget beyond in-flight)"),
        Key(name: "duplication", summary: "message duplication (true/false)"),
        Key(name: "reordering", summary: "messages overtaking each other on a link (true/false)"),
        Key(name: "crash-faults", summary: "crashes and restarts (true/false)"),
        Key(name: "torn-steps", summary: "JournalNode crashes between durable writes (true/false)"),
        Key(name: "pause-faults", summary: "active NameNode pauses (true/false)"),
        Key(name: "fencing-failures", summary: "fencing methods that fail (true/false)"),
        Key(name: "fencing", summary: "kill (sshfence) or noop (shell(/bin/true))"),
        Key(name: "mutant", summary: "a seeded bug (qjm check --mutants lists them)"),
        Key(name: "symmetry", summary: "explore one representative per renaming of JournalNodes and of two NameNodes under manual failover (true/false)"),
        Key(name: "standby-transitions", summary: "haadmin -transitionToStandby on its own, not only in a failover (true/false)"),
        Key(name: "automatic-failover", summary: "a ZKFC per NameNode and a ZooKeeper server elect the active (true/false)"),
        Key(name: "session-faults", summary: "dropped ZooKeeper connections in all (automatic failover)"),
        Key(name: "health-faults", summary: "NameNode health-check failures in all (automatic failover)"),
        Key(name: "graceful-failovers", summary: "haadmin -failover runs through the ZKFCs in all (automatic failover)"),
        Key(name: "new-sessions", summary: "ZooKeeper sessions opened after the ZKFCs' first ones (automatic failover)"),
    ]

    /// Why a configuration value was refused: the key and the problem.
    public struct ValueError: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// The shipped configurations, in the order `--list-configs` prints them.
    public static let shipped: [(name: String, summary: String, configuration: HAConfiguration)] = [
        ("small", "the issue's bounds: 2 NameNodes, 3 JournalNodes, epochs ≤ 3, 2 edits, 1 crash or torn step and "
            + "1 lost message, ≤ 4 messages in flight, operator failovers; what plain `qjm check` runs (5.6M states, "
            + "under a minute with 2 workers)", small),
        ("crash", "small without the lost message: 1 crash or torn step (227K states, a few seconds)", crash),
        ("lossy", "small without the crash: 1 lost request or lost reply (25K states)", lossy),
        ("deep", "small with a third edit: a roll after both faults (27.5M states, about 5 minutes with 2 workers, 6 GB)", deep),
        ("three-namenodes", "crash with 3 NameNodes and no crash (the crash-dependent guards are crash's business)",
         threeNameNodes),
        ("no-fencing", "fencing is shell(/bin/true) and the active may pause: AtMostOneActiveServes must fail",
         noFencing),
        ("automatic", "automatic failover: a ZKFC per NameNode and a ZooKeeper server, 3 JournalNodes, 1 edit, "
            + "one kill -9 of a NameNode, ZKFC or JournalNode", automatic),
        ("automatic-sessions", "automatic failover with one dropped ZooKeeper connection (its session may expire) "
            + "and one NameNode failing its health checks, no crash, ≤ 5 messages in flight", automaticSessions),
        ("automatic-pause", "automatic failover with a paused active (GC pause) and one haadmin -failover "
            + "through the ZKFCs, no crash", automaticPause),
    ]

    /// The bounds: both faults, a crash (or torn step) and a lost message, in one run.
    public static var small: HAConfiguration {
        var configuration = crash
        configuration.faults.messageLoss = true
        configuration.lossesMax = 1
        return configuration
    }

    /// `small` with its crash only: the quick exhaustive run the tests and the mutants use.
    public static var crash: HAConfiguration {
        var configuration = HAConfiguration()
        configuration.nameNodes = 2
        configuration.journalNodes = 3
        configuration.clients = 1
        configuration.epochMax = 3
        configuration.editsMax = 2
        configuration.crashesMax = 1
        configuration.inFlightMax = 4
        configuration.standbyTransitions = false
        configuration.faults.messageLoss = false
        configuration.faults.crashes = true
        configuration.faults.tornSteps = true
        return configuration
    }

    /// `small` with its lost message only.
    public static var lossy: HAConfiguration {
        var configuration = crash
        configuration.crashesMax = 0
        configuration.faults.messageLoss = true
        configuration.lossesMax = 1
        return configuration
    }

    /// Larger than `small`: a third client write.
    public static var deep: HAConfiguration {
        var configuration = small
        configuration.editsMax = 3
        return configuration
    }

    public static var threeNameNodes: HAConfiguration {
        var configuration = crash
        configuration.nameNodes = 3
        configuration.crashesMax = 0
        return configuration
    }

    public static var noFencing: HAConfiguration {
        var configuration = crash
        configuration.fencing = .noop
        configuration.faults.pauses = true
        configuration.pausesMax = 1
        configuration.crashesMax = 0
        return configuration
    }

    /// `automatic` runs the ZKFCs over the quorum journal of `crash` (3 JournalNodes, 1 edit, one
    /// kill -9 of any node). The session and pause configurations drop the crash for their own
    /// faults; `automatic-sessions` allows 5 messages in flight, which a ZKFC needs before it
    /// fences the old active there (the old active's calls and the new writer's are in flight
    /// at once); with 4 it never runs a fencing method.
    public static var automatic: HAConfiguration {
        var configuration = crash
        configuration.automaticFailover = true
        configuration.editsMax = 1
        configuration.faults.tornSteps = false
        configuration.crashesMax = 1
        configuration.sessionFaultsMax = 0
        configuration.healthFaultsMax = 0
        configuration.gracefulFailoversMax = 0
        configuration.newSessionsMax = 1
        return configuration
    }

    /// `automatic` without the crash: where the session and pause configurations start, each
    /// adding its own faults.
    private static var automaticNoCrash: HAConfiguration {
        var configuration = automatic
        configuration.crashesMax = 0
        return configuration
    }

    public static var automaticSessions: HAConfiguration {
        var configuration = automaticNoCrash
        configuration.sessionFaultsMax = 1
        configuration.healthFaultsMax = 1
        configuration.inFlightMax = 5
        return configuration
    }

    public static var automaticPause: HAConfiguration {
        var configuration = automaticNoCrash
        configuration.faults.pauses = true
        configuration.pausesMax = 1
        configuration.gracefulFailoversMax = 1
        configuration.newSessionsMax = 2
        return configuration
    }

    public static func shipped(named name: String) -> HAConfiguration? { shipped.first { $0.name == name }?.configuration }

    /// Sets `key` to `value` in `configuration`, or throws naming the key.
    public static func apply(_ key: String, _ value: String, to configuration: inout HAConfiguration) throws {
        func integer(_ range: ClosedRange<Int>) throws -> Int {
            guard let number = Int(value), range.contains(number) else {
                throw ValueError(description: "\(key) must be an integer in \(range.lowerBound)...\(range.upperBound), not '\(value)'")
            }
            return number
        }
        func flag() throws -> Bool {
            switch value {
            case "true", "yes", "on", "1": return true
            case "false", "no", "off", "0": return false
            default: throw ValueError(description: "\(key) must be true or false, not '\(value)'")
            }
        }
        switch key {
        case "namenodes": configuration.nameNodes = try integer(1...5)
        case "journalnodes": configuration.journalNodes = try integer(1...7)
        case "clients": configuration.clients = try integer(0...3)
        case "epochs": configuration.epochMax = Epoch(try integer(1...10))
        case "edits": configuration.editsMax = try integer(0...10)
        case "crashes": configuration.crashesMax = try integer(0...5)
        case "pauses": configuration.pausesMax = try integer(0...5)
        case "in-flight": configuration.inFlightMax = try integer(1...64)
        case "loss": configuration.faults.messageLoss = try flag()
        case "losses": configuration.lossesMax = try integer(0...HAConfiguration.lossesUnbounded)
        case "duplication": configuration.faults.duplication = try flag()
        case "reordering": configuration.faults.reordering = try flag()
        case "crash-faults": configuration.faults.crashes = try flag()
        case "torn-steps": configuration.faults.tornSteps = try flag()
        case "pause-faults": configuration.faults.pauses = try flag()
        case "fencing-failures": configuration.faults.fencingFailures = try flag()
        case "fencing":
            switch value {
            case "kill", "sshfence": configuration.fencing = .kill
            case "noop", "shell(/bin/true)": configuration.fencing = .noop
            default: throw ValueError(description: "fencing must be kill or noop, not '\(value)'")
            }
        case "symmetry": configuration.symmetry = try flag()
        case "standby-transitions": configuration.standbyTransitions = try flag()
        case "automatic-failover": configuration.automaticFailover = try flag()
        case "session-faults": configuration.sessionFaultsMax = try integer(0...5)
        case "health-faults": configuration.healthFaultsMax = try integer(0...5)
        case "graceful-failovers": configuration.gracefulFailoversMax = try integer(0...5)
        case "new-sessions": configuration.newSessionsMax = try integer(0...10)
        case "mutant":
            if value == "none" {
                configuration.mutation = nil
            } else {
                guard let mutation = Mutation(rawValue: value) else {
                    throw ValueError(description: "unknown mutant '\(value)' (known: \(Mutation.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                configuration.mutation = mutation
            }
        default:
            throw ValueError(description: "unknown HA configuration key '\(key)'")
        }
    }

    /// Every key of `configuration`, as `apply` reads them back.
    public static func parameters(of configuration: HAConfiguration, name: String) -> [ModelParameter] {
        let faults = configuration.faults
        return [
            ModelParameter("config", name),
            ModelParameter("namenodes", String(configuration.nameNodes)),
            ModelParameter("journalnodes", String(configuration.journalNodes)),
            ModelParameter("clients", String(configuration.clients)),
            ModelParameter("epochs", String(configuration.epochMax)),
            ModelParameter("edits", String(configuration.editsMax)),
            ModelParameter("crashes", String(configuration.crashesMax)),
            ModelParameter("pauses", String(configuration.pausesMax)),
            ModelParameter("in-flight", String(configuration.inFlightMax)),
            ModelParameter("loss", String(faults.messageLoss)),
            ModelParameter("losses", String(configuration.lossesMax)),
            ModelParameter("duplication", String(faults.duplication)),
            ModelParameter("reordering", String(faults.reordering)),
            ModelParameter("crash-faults", String(faults.crashes)),
            ModelParameter("torn-steps", String(faults.tornSteps)),
            ModelParameter("pause-faults", String(faults.pauses)),
            ModelParameter("fencing-failures", String(faults.fencingFailures)),
            ModelParameter("fencing", configuration.fencing == .kill ? "kill" : "noop"),
            ModelParameter("mutant", configuration.mutation?.rawValue ?? "none"),
            ModelParameter("symmetry", String(configuration.symmetry)),
            ModelParameter("standby-transitions", String(configuration.standbyTransitions)),
            ModelParameter("automatic-failover", String(configuration.automaticFailover)),
            ModelParameter("session-faults", String(configuration.sessionFaultsMax)),
            ModelParameter("health-faults", String(configuration.healthFaultsMax)),
            ModelParameter("graceful-failovers", String(configuration.gracefulFailoversMax)),
            ModelParameter("new-sessions", String(configuration.newSessionsMax)),
        ]
    }

    /// The configuration `parameters` describe (as written by `parameters(of:name:)`).
    public static func configuration(from parameters: [ModelParameter]) throws -> (HAConfiguration, String) {
        var name = "custom"
        var configuration = HAConfiguration()
        for parameter in parameters {
            if parameter.name == "config" {
                name = parameter.value
                if let shipped = shipped(named: parameter.value) { configuration = shipped }
                continue
            }
            try apply(parameter.name, parameter.value, to: &configuration)
        }
        if let problem = configuration.validationError() { throw ValueError(description: problem) }
        return (configuration, name)
    }
}
