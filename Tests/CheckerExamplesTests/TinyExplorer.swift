import Model

/// A deliberately naive breadth-first search, independent of the Checker engine, so the example
/// models' state-space sizes can be pinned (and compared with TLC's) without trusting the engine.
///
/// It counts as TLC does: `generated` is the initial states plus every successor computed
/// (duplicates and stuttering steps included), and `depth` puts the initial states at depth 1.
struct TinyExplorer<M: CheckableModel> {
    struct Result {
        var distinct = 0
        var generated = 0
        var depth = 0
        /// Names of `always` properties some reachable state breaks, with the shallowest depth.
        var violations: [String: Int] = [:]
        /// Names of `sometimes` properties some reachable state satisfies.
        var witnessed: Set<String> = []
        /// Actions that `actions(_:into:)` listed but `nextState` refused.
        var refusedListedActions = 0
    }

    let model: M
    /// A bound on distinct states, so a broken model cannot hang the test run.
    let distinctStatesMax: Int

    init(_ model: M, distinctStatesMax: Int = 200_000) {
        self.model = model
        self.distinctStatesMax = distinctStatesMax
    }

    /// Explores every reachable state; `visit` sees each distinct state once, at its BFS depth.
    func run(visit: (M.State, Int) -> Void = { _, _ in }) -> Result {
        var result = Result()
        var seen = Set<UInt64>()
        var queue: [(state: M.State, depth: Int)] = []
        var head = 0
        let properties = model.properties

        func discover(_ state: M.State, _ depth: Int) {
            guard seen.insert(FingerprintHasher.fingerprint(state)).inserted else { return }
            precondition(seen.count <= distinctStatesMax, "state space larger than \(distinctStatesMax)")
            queue.append((state, depth))
            result.depth = max(result.depth, depth)
            visit(state, depth)
            for property in properties {
                guard let condition = property.stateCondition else { continue }
                switch property.kind {
                case .always where !condition(model, state):
                    result.violations[property.name] = min(result.violations[property.name] ?? depth, depth)
                case .sometimes where condition(model, state):
                    result.witnessed.insert(property.name)
                default:
                    break
                }
            }
        }

        for state in model.initialStates() {
            result.generated += 1
            discover(state, 1)
        }
        var actions: [M.Action] = []
        while head < queue.count {
            let (state, depth) = queue[head]
            head += 1
            actions.removeAll(keepingCapacity: true)
            model.actions(state, into: &actions)
            for action in actions {
                guard let next = model.nextState(state, action) else {
                    result.refusedListedActions += 1
                    continue
                }
                result.generated += 1
                discover(next, depth + 1)
            }
        }
        result.distinct = seen.count
        return result
    }
}

extension TinyExplorer where M.State: Hashable {
    /// The reachable states, found by a second search keyed on state equality rather than on
    /// fingerprints: comparing its size with the fingerprint count exposes any collision.
    func reachableStates() -> Set<M.State> {
        var states = Set(model.initialStates())
        var queue = Array(states)
        var head = 0
        var actions: [M.Action] = []
        while head < queue.count {
            let state = queue[head]
            head += 1
            actions.removeAll(keepingCapacity: true)
            model.actions(state, into: &actions)
            for action in actions {
                guard let next = model.nextState(state, action), states.insert(next).inserted else { continue }
                precondition(states.count <= distinctStatesMax, "state space larger than \(distinctStatesMax)")
                queue.append(next)
            }
        }
        return states
    }
}
