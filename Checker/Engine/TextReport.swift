import Model

/// The human-readable report of a run: TLC-like summary, properties, coverage, counterexamples.
public enum TextReport {
    /// The whole report, ending with a newline.
    public static func render(_ result: CheckResult) -> String {
        var lines: [String] = []
        let parameters = result.parameters.map { "\($0.name) = \($0.value)" }.joined(separator: ", ")
        lines.append("Model \(result.model)" + (parameters.isEmpty ? "" : " (\(parameters))")
                     + ", \(result.workers) worker\(result.workers == 1 ? "" : "s")")
        for report in result.properties where report.status == .violated {
            lines.append("")
            lines.append("Error: \(describe(report.kind)) \(report.name) is violated."
                         + (report.note.map { " (\($0))" } ?? ""))
            if let trace = report.trace { lines.append(contentsOf: renderTrace(trace)) }
        }
        if let deadlock = result.deadlock {
            lines.append("")
            lines.append("Error: Deadlock reached (a state with no successor).")
            lines.append(contentsOf: renderTrace(deadlock))
        }
        lines.append("")
        switch result.outcome {
        case .holds: lines.append("Model checking completed. No error has been found.")
        case .violated: lines.append("Model checking found a violation.")
        case .boundReached:
            lines.append("Model checking stopped at the \(result.bound?.rawValue ?? "") bound: the search is "
                         + "INCOMPLETE, nothing is proven beyond the states explored.")
        }
        let rate = Format.count(Int(result.statesPerSecond.rounded()))
        lines.append("  \(Format.count(result.distinctStates)) distinct states, \(Format.count(result.generatedStates)) "
                     + "generated, depth \(result.depth), \(Format.seconds(result.elapsedSeconds)) "
                     + "(\(rate) distinct states/s)")
        lines.append("  Fingerprint collision probability (optimistic, n·(g−n)/2^64): "
                     + Format.scientific(result.collisionProbability))
        let perState = result.distinctStates > 0 ? Double(result.checkerBytes) / Double(result.distinctStates) : 0
        lines.append("  Checker memory: \(Format.bytes(result.checkerBytes)) "
                     + "(\(Format.fixed(perState, decimals: 1)) bytes per distinct state)")
        lines.append("Properties:")
        for report in result.properties {
            var line = "  " + pad(report.status.rawValue, 9) + pad(report.kind.rawValue, 21) + report.name
            if report.kind == .sometimes, report.status == .holds, let trace = report.trace {
                line += "  (first reached at depth \(trace.steps.count))"
            } else if report.status != .violated, let note = report.note {
                line += "  (\(note))"
            }
            lines.append(line)
        }
        if !result.coverage.isEmpty {
            lines.append("Coverage (transitions fired, distinct states first reached):")
            let width = (result.coverage.map(\.kind.count).max() ?? 0) + 2
            for entry in result.coverage {
                lines.append("  " + pad(entry.kind, width) + pad(Format.count(entry.fired), 14)
                             + pad(Format.count(entry.distinct), 12) + (entry.fired == 0 ? "never fired" : ""))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func describe(_ kind: PropertyKind) -> String {
        switch kind {
        case .always: return "Invariant"
        case .transition: return "Action property"
        case .sometimes: return "Reachability property"
        case .eventuallyReachable: return "Liveness property"
        }
    }

    /// A trace step by step: every field of the first state, then only the fields that changed.
    public static func renderTrace(_ trace: Trace) -> [String] {
        var lines: [String] = []
        var previous: [String: String] = [:]
        for (position, step) in trace.steps.enumerated() {
            lines.append("State \(position + 1): " + (step.action ?? "<initial state \(step.index)>"))
            var changed = 0
            for field in step.fields where previous[field.name] != field.value {
                lines.append("  \(field.name) = \(field.value)")
                changed += 1
            }
            if position > 0 && changed == 0 { lines.append("  (no field changed)") }
            previous = Dictionary(step.fields.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
        }
        return lines
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
