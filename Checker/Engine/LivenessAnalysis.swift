/// Liveness on the explored graph: which states cannot reach a goal state.
///
/// For each `eventuallyReachable` property, a backward breadth-first search from every goal
/// state, along the reversed transitions that the property admits, marks the states that can
/// reach a goal. Any state left unmarked is a counterexample; the one with the smallest id
/// (ids follow BFS order) is the closest to an initial state.
enum LivenessAnalysis {
    /// For each violated liveness property (by property index), the id of a stuck state.
    static func run<M>(search: Search<M>) -> [Int: Int] {
        let stateCount = search.records.count
        let edges = search.edgeList
        // Each edge's child id, looked up on every worker: a lookup is a cache miss in the
        // visited set, and there is one per generated transition.
        var children = [UInt32](repeating: 0, count: edges.count)
        let chunk = 1 << 16
        children.withUnsafeMutableBufferPointer { children in
            edges.withUnsafeBufferPointer { edges in
                let shared = UncheckedBox((children: children, edges: edges))
                runTasks((edges.count + chunk - 1) / chunk, workers: search.options.workers) { task in
                    for position in task * chunk..<min(shared.value.edges.count, (task + 1) * chunk) {
                        guard let child = search.table.id(of: shared.value.edges[position].child) else {
                            fatalError("Internal inconsistency: a successor is missing from the visited set")
                        }
                        shared.value.children[position] = child
                    }
                }
            }
        }
        // Reverse adjacency in compressed rows: for each child, the (parent, mask) pairs into it.
        var offsets = [Int](repeating: 0, count: stateCount + 1)
        for child in children { offsets[Int(child) + 1] += 1 }
        for id in 0..<stateCount { offsets[id + 1] += offsets[id] }
        var fill = offsets
        var parents = [UInt32](repeating: 0, count: edges.count)
        var masks = [UInt32](repeating: 0, count: edges.count)
        for (position, edge) in edges.enumerated() {
            let child = Int(children[position])
            let slot = fill[child]
            parents[slot] = edge.parent
            masks[slot] = edge.mask
            fill[child] += 1
        }
        var failures: [Int: Int] = [:]
        for (property, bit) in search.livenessProperties {
            var reaches = [Bool](repeating: false, count: stateCount)
            var queue: [Int] = []
            for id in 0..<stateCount where search.isGoal(property: property, id: id) {
                reaches[id] = true
                queue.append(id)
            }
            var head = 0
            while head < queue.count {
                let id = queue[head]
                head += 1
                for slot in offsets[id]..<offsets[id + 1] where masks[slot] & bit != 0 {
                    let parent = Int(parents[slot])
                    if !reaches[parent] {
                        reaches[parent] = true
                        queue.append(parent)
                    }
                }
            }
            if let stuck = reaches.firstIndex(of: false) { failures[property] = stuck }
        }
        return failures
    }
}
