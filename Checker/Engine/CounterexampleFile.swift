import Foundation
import Model

/// A counterexample written as JSON, so that `qjm check --replay FILE` can re-run it.
///
/// The file holds the model's name and parameters (to rebuild it), the property, the action
/// indices that replay the path, the fingerprint of the last state (to notice a model that has
/// changed since) and, for people, every step's action and fields.
public struct CounterexampleFile: Codable, Sendable, Equatable {
    public static let formatName = "qjm-counterexample-1"

    public var format: String
    public var model: String
    public var parameters: [ModelParameter]
    public var property: String
    /// `always`, `transition`, `sometimes`, `eventually-reachable` or `deadlock`.
    public var kind: String
    public var indices: [Int]
    public var lastStateFingerprint: String
    public var steps: [Trace.Step]

    /// The counterexample of every failed property of `result` (and of a deadlock), in report order.
    public static func all<M: CheckableModel>(from result: CheckResult, model: M) -> [CounterexampleFile] {
        var files: [CounterexampleFile] = []
        for report in result.properties where report.status == .violated {
            guard let trace = report.trace else { continue }
            files.append(make(model: model, property: report.name, kind: report.kind.rawValue, trace: trace))
        }
        if let deadlock = result.deadlock {
            files.append(make(model: model, property: "Deadlock", kind: "deadlock", trace: deadlock))
        }
        return files
    }

    static func make<M: CheckableModel>(model: M, property: String, kind: String, trace: Trace) -> CounterexampleFile {
        let states = (try? Replayer(model: model).states(trace.indices).states) ?? []
        let fingerprint = states.last.map { model.canonicalFingerprint($0) } ?? 0
        return CounterexampleFile(format: formatName, model: model.name, parameters: model.parameters,
                                  property: property, kind: kind, indices: trace.indices,
                                  lastStateFingerprint: hex(fingerprint), steps: trace.steps)
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        // Encoding plain strings, numbers and arrays cannot fail.
        return try! encoder.encode(self)
    }

    /// Reads a counterexample file, or throws an error naming what is wrong with it.
    public static func decode(_ data: Data) throws -> CounterexampleFile {
        let file: CounterexampleFile
        do {
            file = try JSONDecoder().decode(CounterexampleFile.self, from: data)
        } catch {
            throw ReplayError(description: "not a counterexample file: \(error)")
        }
        guard file.format == formatName else {
            throw ReplayError(description: "unknown counterexample format '\(file.format)' "
                                                   + "(expected '\(formatName)')")
        }
        return file
    }
}

/// The result of replaying a counterexample file against a model.
public struct ReplayResult: Sendable {
    public var trace: Trace
    /// Whether the last state still has the fingerprint the file recorded.
    public var sameLastState: Bool
    /// Whether the property is still broken at the end of the replayed path.
    public var reproduced: Bool
    public var explanation: String
}

extension CounterexampleFile {
    /// Re-runs the path through `model` and re-checks the property at its end.
    public func replay<M: CheckableModel>(on model: M) throws -> ReplayResult {
        let replayer = Replayer(model: model)
        let trace = try replayer.traceThrowing(indices)
        let (states, actions) = try replayer.states(indices)
        let last = states[states.count - 1]
        let fingerprint = model.canonicalFingerprint(last)
        let sameLastState = CounterexampleFile.hex(fingerprint) == lastStateFingerprint
        let (reproduced, explanation) = try recheck(model: model, states: states, actions: actions)
        return ReplayResult(trace: trace, sameLastState: sameLastState, reproduced: reproduced, explanation: explanation)
    }

    private func recheck<M: CheckableModel>(model: M, states: [M.State], actions: [M.Action]) throws
        -> (Bool, String) {
        let last = states[states.count - 1]
        if kind == "deadlock" {
            var buffer: [M.Action] = []
            model.actions(last, into: &buffer)
            let stuck = buffer.allSatisfy { model.nextState(last, $0) == nil }
            return (stuck, stuck ? "the last state has no successor" : "the last state has successors")
        }
        guard let property = model.properties.first(where: { $0.name == property }) else {
            throw ReplayError(description: "the model has no property named '\(self.property)'")
        }
        switch property.kind {
        case .always:
            let broken = !property.stateCondition!(model, last)
            return (broken, broken ? "the invariant is false in the last state" : "the invariant holds in the last state")
        case .transition:
            guard states.count >= 2 else { return (false, "a transition counterexample needs a step") }
            let broken = !property.transitionCondition!(model, states[states.count - 2], actions[actions.count - 1], last)
            return (broken, broken ? "the last step breaks the action property" : "the last step satisfies it")
        case .sometimes:
            return (false, "a sometimes property fails for the whole state space; there is no path to re-check")
        case .eventuallyReachable:
            let stuck = Checker(model: StuckCheck(base: model, start: last, property: property),
                                options: { var options = CheckOptions(); options.checkDeadlock = false; return options }())
                .run()
            let confirmed = stuck.properties.first?.status == .violated
            return (confirmed, confirmed ? "no goal state is reachable from the last state ("
                        + "\(Format.count(stuck.distinctStates)) states searched)"
                        : "a goal state is reachable from the last state")
        }
    }
}

/// The states reachable from one state along the transitions a liveness property admits, with
/// the goal as a `sometimes` property: it fails exactly when the start state is stuck.
struct StuckCheck<Base: CheckableModel>: CheckableModel {
    let base: Base
    let start: Base.State
    let property: Property<Base>

    var name: String { base.name }
    func initialStates() -> [Base.State] { [start] }
    func actions(_ state: Base.State, into actions: inout [Base.Action]) {
        base.actions(state, into: &actions)
        if let along = property.edgeFilter { actions.removeAll { !along(base, $0) } }
    }
    func nextState(_ state: Base.State, _ action: Base.Action) -> Base.State? { base.nextState(state, action) }
    func withinBoundary(_ state: Base.State) -> Bool { base.withinBoundary(state) }
    var hasSymmetry: Bool { base.hasSymmetry }
    func canonicalize(_ state: Base.State) -> Base.State { base.canonicalize(state) }
    func canonicalFingerprint(_ state: Base.State) -> UInt64 { base.canonicalFingerprint(state) }
    var properties: [Property<StuckCheck>] {
        let goal = property.stateCondition!
        return [.sometimes(property.name) { model, state in goal(model.base, state) }]
    }
}
