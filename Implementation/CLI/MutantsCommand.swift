import Foundation
import Model
import Specs
import Checker

/// `qjm check --mutants`: every seeded bug, the property that caught it, and how fast.
enum MutantsCommand {
    struct Row {
        var mutation: Mutation
        var configuration: String
        var caughtBy: String?
        var expected: String
        var traceLength: Int
        var seconds: Double
        var distinct: Int
    }

    static func run(base: HAConfiguration, name: String, arguments: Arguments) throws -> Int32 {
        let visitor = try CheckVisitor(arguments: arguments)
        var rows: [Row] = []
        printFlushed("Mutant                          configuration   caught by                       expected                        trace  states      time")
        for entry in HAMutants.catalog {
            var configuration = entry.configuration
            configuration.mutation = entry.mutation
            var options = visitor.options
            options.stopAtFirstViolation = true
            options.progress = nil
            let result = Checker(model: HASpec(configuration: configuration, name: entry.configurationName), options: options).run()
            let violated = result.properties.first { $0.status == .violated }
            let row = Row(mutation: entry.mutation, configuration: entry.configurationName, caughtBy: violated?.name
                              ?? (result.deadlock == nil ? nil : "Deadlock"), expected: entry.expectedProperty,
                          traceLength: violated?.trace?.steps.count ?? result.deadlock?.steps.count ?? 0,
                          seconds: result.elapsedSeconds, distinct: result.distinctStates)
            rows.append(row)
            let caught = row.caughtBy ?? "NOT CAUGHT (\(result.outcome.rawValue))"
            printFlushed(pad(entry.mutation.rawValue, 32) + pad(row.configuration, 16) + pad(caught, 32)
                         + pad(row.expected, 32) + pad(String(row.traceLength), 7) + pad(Format.count(row.distinct), 12)
                         + Format.seconds(row.seconds))
        }
        let missed = rows.filter { $0.caughtBy == nil }
        let unexpected = rows.filter { $0.caughtBy != nil && $0.caughtBy != $0.expected }
        let mutants = Set(rows.map(\.mutation)).count
        let runs = rows.count == mutants ? "" : " (\(mutants) mutants, some checked in two configurations)"
        printFlushed("\(rows.count - missed.count) of \(rows.count) mutant runs caught\(runs)"
                     + (unexpected.isEmpty ? "" : "; \(unexpected.count) by another property than expected"))
        return missed.isEmpty ? 0 : 1
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
