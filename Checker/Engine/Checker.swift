import Model

/// The exhaustive checker: a breadth-first search of every reachable state of a model.
///
/// The search is level by level (so every counterexample is a shortest one) and, inside a
/// level, batch by batch. Each batch runs in two parallel phases:
/// 1. *expand*: workers claim chunks of the frontier, check the state properties of each state,
///    generate its successors and drop them, fingerprinted, into one bucket per group of the
///    visited set;
/// 2. *insert*: workers claim groups and insert their buckets' fingerprints in frontier order.
/// A group belongs to one worker at a time, so no insert needs a lock or an atomic, and which
/// parent discovers a state first does not depend on the number of workers: runs with 1 and 8
/// workers visit the same states in the same order and print the same counterexamples.
public final class Checker<M: CheckableModel> {
    public let model: M
    public let options: CheckOptions

    public init(model: M, options: CheckOptions = CheckOptions()) {
        precondition(options.validationError() == nil, options.validationError() ?? "")
        self.model = model
        self.options = options
    }

    /// Explores the model and reports on every property.
    public func run() -> CheckResult {
        let search = Search(model: model, options: options)
        search.explore()
        return search.finish()
    }
}

/// A successor waiting to be inserted into the visited set.
struct Candidate<State> {
    var fingerprint: UInt64
    /// The parent's index in its level.
    var parent: UInt32
    /// The action's index in the parent's action list (low 24 bits) and its kind (high 8 bits).
    var actionAndKind: UInt32
    /// Moved out (nil) once the state is queued for the next level.
    var state: State?
}

/// A transition kept for liveness: parent id, child fingerprint, and which liveness properties
/// may follow it (one bit each).
struct Edge {
    var parent: UInt32
    var child: UInt64
    var mask: UInt32
}

/// What one chunk of the expand phase produced. Written by one task, read after the join.
final class ChunkOutput<State>: @unchecked Sendable {
    // @unchecked Sendable: a chunk is expanded by exactly one task; the coordinator reads it
    // only after `runTasks` has joined.
    var buckets: [[Candidate<State>]]
    var generated = 0
    var fired: [Int]
    /// For each property, the smallest level index (or, for transitions, index and action) that broke it.
    var stateViolation: [Int?]
    var transitionViolation: [(index: Int, action: Int)?]
    var deadlock: Int?
    var witness: [Int?]
    var goalIndices: [[Int]]
    var edges: [Edge] = []

    init(propertyCount: Int, kindCount: Int) {
        buckets = Array(repeating: [], count: FingerprintSet.groupCount)
        fired = Array(repeating: 0, count: kindCount)
        stateViolation = Array(repeating: nil, count: propertyCount)
        transitionViolation = Array(repeating: nil, count: propertyCount)
        witness = Array(repeating: nil, count: propertyCount)
        goalIndices = Array(repeating: [], count: propertyCount)
    }

    func reset() {
        for group in buckets.indices { buckets[group].removeAll(keepingCapacity: true) }
        generated = 0
        for kind in fired.indices { fired[kind] = 0 }
        for index in stateViolation.indices {
            stateViolation[index] = nil
            transitionViolation[index] = nil
            witness[index] = nil
            goalIndices[index].removeAll(keepingCapacity: true)
        }
        deadlock = nil
        edges.removeAll(keepingCapacity: true)
    }
}
