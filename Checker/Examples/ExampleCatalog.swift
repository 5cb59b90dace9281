import Model

/// Receives a catalog model with its concrete type, so the caller can run the generic checker on it.
public protocol ExampleModelVisitor {
    associatedtype Result
    func visit<M: CheckableModel>(_ model: M) -> Result
}

/// The example models transcribed from tlaplus/Examples, built by name for the command line and
/// rebuilt from the `name` and `parameters` a counterexample file records.
public enum ExampleCatalog {
    /// One integer parameter of an example, given on the command line as `--<name> N`.
    public struct Parameter: Sendable, Equatable {
        public var name: String
        public var summary: String
        public var defaultValue: Int
        public var range: ClosedRange<Int>
    }

    /// A state-space size TLC reported for an example, for comparing counts.
    public struct TLCFigure: Sendable, Equatable {
        /// The parameters the figure is for (every parameter of the example).
        public var parameters: [String: Int]
        public var distinctStates: Int
        /// TLC's "states generated": initial states plus every successor computed, duplicates included.
        public var generatedStates: Int?
        /// TLC's depth: the initial states are at depth 1.
        public var depth: Int
        /// Where the figure comes from.
        public var source: String
    }

    /// One example: its name, what it is, where it comes from, its parameters and TLC's figures.
    public struct Example: Sendable {
        public var name: String
        public var summary: String
        /// The transcribed module in tlaplus/Examples.
        public var upstream: String
        public var parameters: [Parameter]
        public var tlcFigures: [TLCFigure]
    }

    /// Why a model could not be built.
    public enum CatalogError: Error, Equatable, CustomStringConvertible {
        case unknownModel(name: String)
        case unknownParameter(model: String, parameter: String)
        case parameterOutOfRange(model: String, parameter: String, value: Int, range: ClosedRange<Int>)
        case parameterNotAnInteger(model: String, parameter: String, value: String)
        case unsupportedCombination(model: String, reason: String)

        public var description: String {
            switch self {
            case .unknownModel(let name):
                return "unknown example model '\(name)'; known: \(ExampleCatalog.names.joined(separator: ", "))"
            case .unknownParameter(let model, let parameter):
                let known = ExampleCatalog.example(named: model)?.parameters.map { "--\($0.name)" } ?? []
                return "example '\(model)' has no parameter '\(parameter)'"
                    + (known.isEmpty ? "; it takes none" : "; it takes \(known.joined(separator: ", "))")
            case .parameterOutOfRange(let model, let parameter, let value, let range):
                return "\(model): --\(parameter) must be in \(range.lowerBound)...\(range.upperBound), got \(value)"
            case .parameterNotAnInteger(let model, let parameter, let value):
                return "\(model): --\(parameter) must be an integer, got '\(value)'"
            case .unsupportedCombination(let model, let reason):
                return "\(model): \(reason)"
            }
        }
    }

    public static let examples: [Example] = [
        Example(
            name: "diehard",
            summary: "The Die Hard 3 jug puzzle: measure 4 gallons with a 3 and a 5 gallon jug.",
            upstream: "specifications/DieHard/DieHard.tla",
            parameters: [
                Parameter(name: "not-solved", summary: "1 to check NotSolved (big # 4) as an invariant; its "
                          + "counterexample is the solution", defaultValue: 0, range: 0...1),
            ],
            tlcFigures: [
                TLCFigure(parameters: ["not-solved": 0], distinctStates: 16, generatedStates: nil, depth: 8,
                          source: "TLC on DieHard.tla with TypeOK only (figures given in the project brief)"),
            ]),
        Example(
            name: "twophase",
            summary: "Two-phase commit: a transaction manager and N resource managers.",
            upstream: "specifications/transaction_commit/TwoPhase.tla",
            parameters: [
                Parameter(name: "rm", summary: "the number of resource managers", defaultValue: 3,
                          range: 1...TwoPhase.resourceManagersMax),
            ],
            tlcFigures: [
                TLCFigure(parameters: ["rm": 3], distinctStates: 288, generatedStates: 1_146, depth: 11,
                          source: "tlaplus/Examples specifications/transaction_commit/manifest.json (TwoPhase.cfg)"),
                TLCFigure(parameters: ["rm": 4], distinctStates: 1_568, generatedStates: nil, depth: 14,
                          source: "TLC (figures given in the project brief)"),
                TLCFigure(parameters: ["rm": 8], distinctStates: 1_745_408, generatedStates: 18_507_778, depth: 26,
                          source: "TLC (figures given in the project brief and DESIGN.md)"),
            ]),
        Example(
            name: "paxos",
            summary: "Single-decree Paxos (Lamport's Paxos.tla): acceptors, values, ballots 0..B-1, majority quorums.",
            upstream: "specifications/Paxos/Paxos.tla",
            parameters: [
                Parameter(name: "acceptors", summary: "the number of acceptors", defaultValue: 3,
                          range: 1...Paxos.acceptorsMax),
                Parameter(name: "values", summary: "the number of values", defaultValue: 2,
                          range: 1...Paxos.valuesMax),
                Parameter(name: "ballots", summary: "the number of ballots (0..B-1)", defaultValue: 2,
                          range: 1...Paxos.ballotsMax),
            ],
            tlcFigures: [
                TLCFigure(parameters: ["acceptors": 1, "values": 1, "ballots": 2], distinctStates: 25,
                          generatedStates: 82, depth: 9,
                          source: "tlaplus/Examples specifications/Paxos/manifest.json (MCPaxos.cfg)"),
            ]),
    ]

    /// The example names, in catalog order.
    public static let names: [String] = examples.map(\.name)

    public static func example(named name: String) -> Example? {
        examples.first { $0.name == name }
    }

    /// Builds example `name` with `parameters` (missing ones take their defaults) and hands it to `visitor`.
    public static func withModel<V: ExampleModelVisitor>(named name: String, parameters: [String: Int],
                                                         visitor: V) throws -> V.Result {
        guard let example = example(named: name) else { throw CatalogError.unknownModel(name: name) }
        let values = try resolve(example, parameters)
        switch example.name {
        case "diehard":
            return visitor.visit(DieHard(checkNotSolved: values["not-solved"] == 1))
        case "twophase":
            return visitor.visit(TwoPhase(resourceManagers: values["rm"]!))
        case "paxos":
            let acceptors = values["acceptors"]!
            let valueCount = values["values"]!
            let ballots = values["ballots"]!
            let universe = Paxos.universeSize(acceptors: acceptors, values: valueCount, ballots: ballots)
            guard universe <= Paxos.MessageSet.capacity else {
                throw CatalogError.unsupportedCombination(
                    model: name, reason: "\(acceptors) acceptors, \(valueCount) values and \(ballots) ballots make "
                        + "\(universe) possible messages; at most \(Paxos.MessageSet.capacity) fit the message bitset")
            }
            return visitor.visit(Paxos(acceptors: acceptors, values: valueCount, ballots: ballots))
        default:
            fatalError("Internal inconsistency: catalog entry '\(example.name)' has no builder")
        }
    }

    /// Rebuilds a model from the name and parameters a counterexample file records.
    public static func withModel<V: ExampleModelVisitor>(named name: String, recorded: [ModelParameter],
                                                         visitor: V) throws -> V.Result {
        var parameters: [String: Int] = [:]
        for parameter in recorded {
            guard let value = Int(parameter.value) else {
                throw CatalogError.parameterNotAnInteger(model: name, parameter: parameter.name, value: parameter.value)
            }
            parameters[parameter.name] = value
        }
        return try withModel(named: name, parameters: parameters, visitor: visitor)
    }

    /// Every parameter of `example`: the given value, range-checked, or the default.
    static func resolve(_ example: Example, _ given: [String: Int]) throws -> [String: Int] {
        for name in given.keys.sorted() where !example.parameters.contains(where: { $0.name == name }) {
            throw CatalogError.unknownParameter(model: example.name, parameter: name)
        }
        var values: [String: Int] = [:]
        for parameter in example.parameters {
            let value = given[parameter.name] ?? parameter.defaultValue
            guard parameter.range.contains(value) else {
                throw CatalogError.parameterOutOfRange(model: example.name, parameter: parameter.name,
                                                       value: value, range: parameter.range)
            }
            values[parameter.name] = value
        }
        return values
    }

    /// Usage text: one line per example, then its parameters with defaults and ranges.
    public static var usage: String {
        var lines: [String] = []
        for example in examples {
            lines.append("  \(example.name): \(example.summary) (\(example.upstream))")
            for parameter in example.parameters {
                lines.append("      --\(parameter.name) N   \(parameter.summary); default \(parameter.defaultValue), "
                             + "range \(parameter.range.lowerBound)...\(parameter.range.upperBound)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
