import Checker
import Model

// Small models with state spaces the tests can compute on their own (see `StateGraph`).
// Each model takes its properties at construction, so one model serves many tests.

// MARK: - A counter modulo N

/// One counter that counts up modulo `modulus`: a single cycle of `modulus` states, one action.
///
/// Known answers: `modulus` distinct states, `modulus + 1` generated (the initial state, then one
/// successor per state), depth `modulus` (the initial state is level 1).
struct CounterModel: CheckableModel {
    enum Action: Sendable, CustomStringConvertible {
        case increment
        var description: String { "Increment" }
    }

    let modulus: Int
    let properties: [Property<CounterModel>]

    init(modulus: Int, properties: [Property<CounterModel>] = []) {
        precondition(modulus >= 1, "a counter needs at least one value")
        self.modulus = modulus
        self.properties = properties
    }

    var name: String { "test-counter" }
    var parameters: [ModelParameter] { [ModelParameter("modulus", String(modulus))] }
    func initialStates() -> [Int] { [0] }
    func actions(_ state: Int, into actions: inout [Action]) { actions.append(.increment) }
    func nextState(_ state: Int, _ action: Action) -> Int? { (state + 1) % modulus }
    func fields(of state: Int) -> [StateField] { [StateField("value", String(state))] }
}

// MARK: - An explicit graph

/// A directed graph given as an adjacency list: the state is a node, the actions of a node are
/// its out-edges in list order. Edges marked as faults can be excluded from liveness with `along:`.
struct GraphModel: CheckableModel {
    struct Edge: Sendable, Hashable, CustomStringConvertible {
        var from: Int
        var to: Int
        var isFault: Bool
        var description: String { "\(from)->\(to)" + (isFault ? " (fault)" : "") }
    }

    let adjacency: [[Int]]
    let initial: [Int]
    /// `[from, to]` pairs whose edges are faults.
    let faults: Set<[Int]>
    let properties: [Property<GraphModel>]

    init(_ adjacency: [[Int]], initial: [Int] = [0], faults: Set<[Int]> = [],
         properties: [Property<GraphModel>] = []) {
        precondition(adjacency.allSatisfy { $0.allSatisfy(adjacency.indices.contains) }, "an edge leaves the graph")
        precondition(initial.allSatisfy(adjacency.indices.contains), "an initial node is not in the graph")
        self.adjacency = adjacency
        self.initial = initial
        self.faults = faults
        self.properties = properties
    }

    var name: String { "test-graph" }
    var parameters: [ModelParameter] { [ModelParameter("nodes", String(adjacency.count))] }
    func initialStates() -> [Int] { initial }
    func actions(_ state: Int, into actions: inout [Edge]) {
        for target in adjacency[state] {
            actions.append(Edge(from: state, to: target, isFault: faults.contains([state, target])))
        }
    }
    func nextState(_ state: Int, _ action: Edge) -> Int? {
        precondition(action.from == state, "an edge applied to the wrong node")
        return action.to
    }
    func fields(of state: Int) -> [StateField] { [StateField("node", String(state))] }

    /// Liveness along every edge except faults: `goal` is reachable once faults stop.
    static func withoutFaults(_ model: GraphModel, _ edge: Edge) -> Bool { !edge.isFault }
}

// MARK: - A grid walk

/// A walker on a `width × height` grid starting at (0, 0), moving one cell right, left, up or
/// down. Every move is always enabled; moves off the grid lead outside the boundary, so they are
/// neither counted nor expanded.
///
/// Known answers: `width·height` distinct states, depth `width + height − 1`, and
/// `1 + 2·(width−1)·height + 2·width·(height−1)` generated (every move that stays on the grid).
struct GridModel: CheckableModel {
    struct Cell: Sendable, Hashable, Fingerprintable {
        var x: Int
        var y: Int
        func fingerprint(into hasher: inout FingerprintHasher) {
            hasher.combine(x)
            hasher.combine(y)
        }
    }

    enum Move: Int, Sendable, CaseIterable, CustomStringConvertible {
        case right, left, up, down
        var description: String {
            switch self {
            case .right: return "Right"
            case .left: return "Left"
            case .up: return "Up"
            case .down: return "Down"
            }
        }
    }

    let width: Int
    let height: Int
    let properties: [Property<GridModel>]

    init(width: Int, height: Int, properties: [Property<GridModel>] = []) {
        self.width = width
        self.height = height
        self.properties = properties
    }

    var name: String { "test-grid" }
    var parameters: [ModelParameter] {
        [ModelParameter("width", String(width)), ModelParameter("height", String(height))]
    }
    func initialStates() -> [Cell] { [Cell(x: 0, y: 0)] }
    func actions(_ state: Cell, into actions: inout [Move]) { actions.append(contentsOf: Move.allCases) }
    func nextState(_ state: Cell, _ action: Move) -> Cell? {
        switch action {
        case .right: return Cell(x: state.x + 1, y: state.y)
        case .left: return Cell(x: state.x - 1, y: state.y)
        case .up: return Cell(x: state.x, y: state.y - 1)
        case .down: return Cell(x: state.x, y: state.y + 1)
        }
    }
    func withinBoundary(_ state: Cell) -> Bool { (0..<width).contains(state.x) && (0..<height).contains(state.y) }
    func fields(of state: Cell) -> [StateField] { [StateField("x", String(state.x)), StateField("y", String(state.y))] }
    var actionKindNames: [String] { Move.allCases.map(\.description) }
    func actionKind(_ action: Move) -> Int { action.rawValue }
}

// MARK: - Interchangeable counters (symmetry)

/// `count` identical counters modulo `modulus`; an action increments one of them. Every one of the
/// `modulus^count` vectors is reachable. With symmetry, `canonicalize` sorts the vector, so the
/// reduced state count is the number of multisets (orbits under permutation).
struct SymmetricCountersModel: CheckableModel {
    struct Increment: Sendable, CustomStringConvertible {
        var counter: Int
        var description: String { "Increment(\(counter))" }
    }

    let count: Int
    let modulus: Int
    let symmetric: Bool
    let properties: [Property<SymmetricCountersModel>]

    init(count: Int, modulus: Int, symmetric: Bool, properties: [Property<SymmetricCountersModel>] = []) {
        self.count = count
        self.modulus = modulus
        self.symmetric = symmetric
        self.properties = properties
    }

    var name: String { "test-symmetric-counters" }
    var parameters: [ModelParameter] {
        [ModelParameter("count", String(count)), ModelParameter("modulus", String(modulus)),
         ModelParameter("symmetry", symmetric ? "1" : "0")]
    }
    func initialStates() -> [[Int]] { [Array(repeating: 0, count: count)] }
    func actions(_ state: [Int], into actions: inout [Increment]) {
        for counter in 0..<count { actions.append(Increment(counter: counter)) }
    }
    func nextState(_ state: [Int], _ action: Increment) -> [Int]? {
        var next = state
        next[action.counter] = (next[action.counter] + 1) % modulus
        return next
    }
    var hasSymmetry: Bool { symmetric }
    func canonicalize(_ state: [Int]) -> [Int] { state.sorted() }
    func fields(of state: [Int]) -> [StateField] {
        state.enumerated().map { StateField("c\($0.offset)", String($0.element)) }
    }
}

// MARK: - A pseudo-random graph

/// `nodes` nodes, each with `degree` out-edges to pseudo-random nodes (drawn from SplitMix64 seeded
/// by the node). Levels grow geometrically, so the search fills many chunks and several batches.
/// With `sinkEvery`, every nonzero multiple of it has no out-edge (a deadlock).
struct HashGraphModel: CheckableModel {
    struct Edge: Sendable, CustomStringConvertible {
        var position: Int
        var target: Int
        var description: String { "Edge\(position)->\(target)" }
    }

    let nodes: Int
    let degree: Int
    let seed: UInt64
    let sinkEvery: Int?
    let properties: [Property<HashGraphModel>]

    init(nodes: Int, degree: Int, seed: UInt64, sinkEvery: Int? = nil, properties: [Property<HashGraphModel>] = []) {
        self.nodes = nodes
        self.degree = degree
        self.seed = seed
        self.sinkEvery = sinkEvery
        self.properties = properties
    }

    var name: String { "test-hash-graph" }
    var parameters: [ModelParameter] {
        [ModelParameter("nodes", String(nodes)), ModelParameter("degree", String(degree)),
         ModelParameter("seed", String(seed))]
    }
    func initialStates() -> [Int] { [0] }
    func actions(_ state: Int, into actions: inout [Edge]) {
        if let sinkEvery, state != 0, state % sinkEvery == 0 { return }
        var random = SplitMix64(seed: seed ^ (UInt64(state) &* 0x9E37_79B9_7F4A_7C15))
        for position in 0..<degree { actions.append(Edge(position: position, target: random.next(below: nodes))) }
    }
    func nextState(_ state: Int, _ action: Edge) -> Int? { action.target }
    func fields(of state: Int) -> [StateField] { [StateField("node", String(state))] }
}

// MARK: - A wide star

/// Node 0 has `fanout` children 1...fanout; child `c` has one child `c + fanout`, which is a
/// self-loop. Level 2 holds `fanout` states, more than one batch when `fanout` > 16,384.
struct StarModel: CheckableModel {
    struct Edge: Sendable, CustomStringConvertible {
        var target: Int
        var description: String { "To(\(target))" }
    }

    let fanout: Int
    let properties: [Property<StarModel>]

    init(fanout: Int, properties: [Property<StarModel>] = []) {
        self.fanout = fanout
        self.properties = properties
    }

    var name: String { "test-star" }
    func initialStates() -> [Int] { [0] }
    func actions(_ state: Int, into actions: inout [Edge]) {
        if state == 0 {
            for child in 1...fanout { actions.append(Edge(target: child)) }
        } else if state <= fanout {
            actions.append(Edge(target: state + fanout))
        } else {
            actions.append(Edge(target: state))
        }
    }
    func nextState(_ state: Int, _ action: Edge) -> Int? { action.target }
    func fields(of state: Int) -> [StateField] { [StateField("node", String(state))] }
}

// MARK: - A counter that stops

/// Counts from 0 up to `limit`; at `limit` the increment is still listed but disabled
/// (`nextState` returns nil), so `limit` is a deadlock.
struct StoppingCounterModel: CheckableModel {
    enum Action: Sendable, CustomStringConvertible {
        case increment
        var description: String { "Increment" }
    }

    let limit: Int
    let properties: [Property<StoppingCounterModel>]

    init(limit: Int, properties: [Property<StoppingCounterModel>] = []) {
        self.limit = limit
        self.properties = properties
    }

    var name: String { "test-stopping-counter" }
    func initialStates() -> [Int] { [0] }
    func actions(_ state: Int, into actions: inout [Action]) { actions.append(.increment) }
    func nextState(_ state: Int, _ action: Action) -> Int? { state < limit ? state + 1 : nil }
    func fields(of state: Int) -> [StateField] { [StateField("value", String(state))] }
}
