import Model

/// Seeded random simulation, for bounds too large to exhaust.
///
/// Each trace is a random walk of at most `depth` steps from a random initial state, choosing
/// uniformly among the enabled successors. Trace `t` draws from its own generator seeded with
/// `seed` and `t`, so a run is reproduced exactly by its printed seed, with any number of
/// workers, and a violation found in trace 4711 is found again by rerunning that seed.
public struct SimulationOptions: Sendable {
    public var seed: UInt64 = 1
    public var traces: Int = 1_000
    public var depth: Int = 100
    public var workers: Int = 1
    public var checkDeadlock: Bool = true

    public init() {}

    public func validationError() -> String? {
        if traces < 1 { return "the number of traces must be at least 1 (got \(traces))" }
        if depth < 1 { return "the trace depth must be at least 1 (got \(depth))" }
        if !(1...64).contains(workers) { return "workers must be between 1 and 64 (got \(workers))" }
        return nil
    }
}

/// What a simulation found.
public struct SimulationResult: Sendable, Codable {
    public var model: String
    public var parameters: [ModelParameter]
    public var seed: UInt64
    public var traces: Int
    public var steps: Int
    public var elapsedSeconds: Double
    /// Violated properties (with the first violating trace in trace order) and reached `sometimes`.
    public var properties: [PropertyReport]
    public var deadlock: Trace?
    /// The trace number in which each violation was found.
    public var violatingTrace: Int?

    /// 1 when something was violated, else 0 (a simulation proves nothing, and says so).
    public var exitCode: Int32 { properties.contains { $0.status == .violated } || deadlock != nil ? 1 : 0 }
}

/// SplitMix64: a small, fast, well-distributed generator; deterministic by construction.
public struct SplitMix64: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z &>> 31)
    }

    /// Uniform in `0..<bound` (bound > 0), by rejection so no value is favoured.
    public mutating func next(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let limit = UInt64(bound)
        let threshold = (0 &- limit) % limit
        while true {
            let value = next()
            if value >= threshold { return Int(value % limit) }
        }
    }
}

public final class Simulator<M: CheckableModel> {
    public let model: M
    public let options: SimulationOptions

    public init(model: M, options: SimulationOptions) {
        precondition(options.validationError() == nil, options.validationError() ?? "")
        self.model = model
        self.options = options
    }

    /// What one walk found: the first violation (property index or -1 for deadlock) and its path.
    private struct Walk {
        var steps = 0
        var violation: (property: Int, indices: [Int])?
        var witnesses: [Int: [Int]] = [:]
    }

    public func run() -> SimulationResult {
        let clock = ContinuousClock()
        let start = clock.now
        let properties = model.properties
        let walks = WalkStore<Walk>(count: options.traces)
        runTasks(options.traces, workers: options.workers) { trace in
            walks.set(trace, walk(trace, properties: properties))
        }
        var result = SimulationResult(model: model.name, parameters: model.parameters, seed: options.seed,
                                      traces: options.traces, steps: 0, elapsedSeconds: 0, properties: [],
                                      deadlock: nil, violatingTrace: nil)
        var witnessPaths: [Int: [Int]] = [:]
        var violation: (property: Int, indices: [Int])?
        for trace in 0..<options.traces {
            let walk = walks.get(trace)
            result.steps += walk.steps
            for (property, path) in walk.witnesses where witnessPaths[property] == nil { witnessPaths[property] = path }
            if violation == nil, let found = walk.violation {
                violation = found
                result.violatingTrace = trace
            }
        }
        let replayer = Replayer(model: model)
        for (index, property) in properties.enumerated() {
            var report = PropertyReport(name: property.name, kind: property.kind, status: .unknown, trace: nil,
                                        note: "not exhaustive: \(Format.count(options.traces)) random traces")
            if let violation, violation.property == index {
                report.status = .violated
                report.trace = replayer.trace(violation.indices)
                report.note = "found in trace \(result.violatingTrace ?? 0) of seed \(options.seed)"
            } else if property.kind == .sometimes, let path = witnessPaths[index] {
                report.status = .holds
                report.trace = replayer.trace(path)
            }
            result.properties.append(report)
        }
        if let violation, violation.property < 0 { result.deadlock = replayer.trace(violation.indices) }
        result.elapsedSeconds = Search<M>.seconds(start.duration(to: clock.now))
        return result
    }

    private func walk(_ trace: Int, properties: [Property<M>]) -> Walk {
        var random = SplitMix64(seed: options.seed ^ (UInt64(trace) &* 0xD1B5_4A32_D192_ED03))
        var walk = Walk()
        let initial = model.initialStates()
        guard !initial.isEmpty else { return walk }
        var path = [random.next(below: initial.count)]
        var state = initial[path[0]]
        var actions: [M.Action] = []
        var successors: [(index: Int, action: M.Action, state: M.State)] = []
        for step in 0...options.depth {
            for (index, property) in properties.enumerated() {
                guard let condition = property.stateCondition else { continue }
                if property.kind == .always && !condition(model, state) {
                    walk.violation = (index, path)
                    return walk
                }
                if property.kind == .sometimes && walk.witnesses[index] == nil && condition(model, state) {
                    walk.witnesses[index] = path
                }
            }
            if step == options.depth { break }
            actions.removeAll(keepingCapacity: true)
            successors.removeAll(keepingCapacity: true)
            model.actions(state, into: &actions)
            var anySuccessor = false
            for (index, action) in actions.enumerated() {
                guard let next = model.nextState(state, action) else { continue }
                anySuccessor = true
                if model.withinBoundary(next) { successors.append((index, action, next)) }
            }
            if !anySuccessor && options.checkDeadlock && !model.isQuiescent(state) {
                walk.violation = (-1, path)
                return walk
            }
            guard !successors.isEmpty else { break }
            let chosen = successors[random.next(below: successors.count)]
            for (index, property) in properties.enumerated() where property.kind == .transition {
                if !property.transitionCondition!(model, state, chosen.action, chosen.state) {
                    walk.violation = (index, path + [chosen.index])
                    return walk
                }
            }
            path.append(chosen.index)
            state = chosen.state
            walk.steps += 1
        }
        return walk
    }
}

/// One slot per trace, each written by the one task that walks it.
private final class WalkStore<Walk>: @unchecked Sendable {
    // @unchecked Sendable: slot `t` is written only by task `t`, through a buffer allocated once
    // (no shared Array header is touched), and read after the join.
    private let slots: UnsafeMutablePointer<Walk?>
    private let count: Int
    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }
    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }
    func set(_ index: Int, _ walk: Walk) { slots[index] = walk }
    func get(_ index: Int) -> Walk { slots[index]! }
}
