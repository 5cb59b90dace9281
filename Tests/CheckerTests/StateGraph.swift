@testable import Checker
import Model
import XCTest

/// The reachable graph of a model, explored with Swift's own `Dictionary` and queue, independently
/// of the engine: the oracle for counts, shortest paths and reverse reachability.
///
/// States are keyed by their canonical form when the model has symmetry, so `states.count` is the
/// number of orbits the engine should report.
struct StateGraph<M: CheckableModel> where M.State: Hashable {
    let model: M
    /// One representative per distinct state, in breadth-first order (the first one reached).
    private(set) var states: [M.State] = []
    /// Distance from the nearest initial state, in steps (0 for an initial state).
    private(set) var distance: [Int] = []
    /// The enabled in-boundary transitions of each state, in action order.
    private(set) var successors: [[(action: M.Action, target: Int)]] = []
    /// Initial states (with duplicates) plus every in-boundary transition, as TLC counts them.
    private(set) var generated = 0
    private var ids: [M.State: Int] = [:]

    init(_ model: M, statesMax: Int = 2_000_000) {
        self.model = model
        for state in model.initialStates() {
            generated += 1
            _ = discover(state, distance: 0)
        }
        var head = 0
        var actions: [M.Action] = []
        while head < states.count {
            precondition(states.count <= statesMax, "the oracle's state space is larger than expected")
            let state = states[head]
            actions.removeAll()
            model.actions(state, into: &actions)
            var row: [(action: M.Action, target: Int)] = []
            for action in actions {
                guard let next = model.nextState(state, action), model.withinBoundary(next) else { continue }
                generated += 1
                row.append((action, discover(next, distance: distance[head] + 1)))
            }
            successors.append(row)
            head += 1
        }
    }

    private mutating func discover(_ state: M.State, distance: Int) -> Int {
        let key = self.key(state)
        if let id = ids[key] { return id }
        let id = states.count
        ids[key] = id
        states.append(state)
        self.distance.append(distance)
        return id
    }

    func key(_ state: M.State) -> M.State { model.hasSymmetry ? model.canonicalize(state) : state }

    func id(of state: M.State) -> Int? { ids[key(state)] }

    /// Levels explored, counting the initial states as level 1.
    var depth: Int { (distance.max() ?? -1) + 1 }

    /// The number of states on each level.
    var levelSizes: [Int] {
        var sizes = Array(repeating: 0, count: depth)
        for value in distance { sizes[value] += 1 }
        return sizes
    }

    /// The fewest steps from an initial state to a state satisfying `condition`.
    func shortestDistance(to condition: (M.State) -> Bool) -> Int? {
        states.indices.filter { condition(states[$0]) }.map { distance[$0] }.min()
    }

    /// The fewest steps to a transition (from a reached state) that satisfies `condition`,
    /// counting the transition itself.
    func shortestDistance(toStep condition: (M.State, M.Action, M.State) -> Bool) -> Int? {
        var best: Int?
        for (id, row) in successors.enumerated() {
            for (action, target) in row where condition(states[id], action, states[target]) {
                best = min(best ?? Int.max, distance[id] + 1)
            }
        }
        return best
    }

    /// For each state, whether a state satisfying `goal` is reachable along transitions `along` admits.
    func canReach(_ goal: (M.State) -> Bool, along: (M.Action) -> Bool = { _ in true }) -> [Bool] {
        var predecessors = Array(repeating: [Int](), count: states.count)
        for (id, row) in successors.enumerated() {
            for (action, target) in row where along(action) { predecessors[target].append(id) }
        }
        var reaches = states.map(goal)
        var queue = states.indices.filter { reaches[$0] }
        var head = 0
        while head < queue.count {
            let id = queue[head]
            head += 1
            for predecessor in predecessors[id] where !reaches[predecessor] {
                reaches[predecessor] = true
                queue.append(predecessor)
            }
        }
        return reaches
    }
}

// MARK: - Helpers shared by the test files

/// Runs the exhaustive checker with options adjusted by `configure`.
func check<M: CheckableModel>(_ model: M, _ configure: (inout CheckOptions) -> Void = { _ in }) -> CheckResult {
    var options = CheckOptions()
    configure(&options)
    return Checker(model: model, options: options).run()
}

/// The states a trace passes through, re-executed from its indices.
func replayStates<M: CheckableModel>(_ trace: Trace?, on model: M,
                                     file: StaticString = #filePath, line: UInt = #line) -> [M.State] {
    guard let trace else {
        XCTFail("expected a trace", file: file, line: line)
        return []
    }
    do {
        let (states, actions) = try Replayer(model: model).states(trace.indices)
        XCTAssertEqual(trace.steps.dropFirst().map(\.action), actions.map { Optional($0.description) },
                       "the trace's actions are the replayed actions", file: file, line: line)
        XCTAssertEqual(trace.steps.map(\.fields), states.map(model.fields(of:)),
                       "the trace's fields are the replayed states' fields", file: file, line: line)
        return states
    } catch {
        XCTFail("the trace does not replay: \(error)", file: file, line: line)
        return []
    }
}

/// The report's lines without the ones that depend on timing or allocation.
func stableLines(_ report: String) -> [String] {
    report.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        .filter { !$0.contains("s (") && !$0.contains("Checker memory") }
}
