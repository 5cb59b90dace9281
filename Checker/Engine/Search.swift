import Model

/// One run of the breadth-first search (see `Checker` for the scheme).
final class Search<M: CheckableModel>: @unchecked Sendable {
    // @unchecked Sendable: the coordinator mutates this object only between the parallel phases;
    // during a phase, tasks read its `let`s and the frozen flags and write only their own chunk
    // or group outputs.

    /// What broke a property first: a state (by id) or a transition (state id and action index).
    enum Finding {
        case state(Int)
        case transition(Int, action: Int)
    }

    let model: M
    let options: CheckOptions
    let properties: [Property<M>]
    private let invariants: [Int]
    private let sometimes: [Int]
    private let transitions: [Int]
    private let liveness: [Int]
    /// For each property, its bit in an edge mask (liveness properties only).
    private let livenessBit: [UInt32]
    private let kindNames: [String]
    private let hasSymmetry: Bool

    let table: FingerprintSet
    let records = RecordStore()
    private var outputs: [ChunkOutput<M.State>] = []
    private var fresh: [GroupOutput] = []

    private var generated = 0
    private var depth = 0
    private var bound: SearchBound?
    private var stoppedByViolation = false
    private var findings: [Finding?]
    private var deadlock: Int?
    private var witnesses: [Int?]
    /// Flags the expand phase reads: which state properties still need evaluating.
    private var pending: [Bool]
    private var fired: [Int]
    private var distinctByKind: [Int]
    private var goals: [[UInt64]]
    private var edges: [Edge] = []
    private var frontierPeak = 0
    private var bufferPeakBytes = 0

    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var lastProgress: ContinuousClock.Instant
    private var elapsedAtFinish: Double = 0

    init(model: M, options: CheckOptions) {
        self.model = model
        self.options = options
        let properties = model.properties
        self.properties = properties
        invariants = properties.indices.filter { properties[$0].kind == .always }
        sometimes = properties.indices.filter { properties[$0].kind == .sometimes }
        transitions = properties.indices.filter { properties[$0].kind == .transition }
        let liveness = properties.indices.filter { properties[$0].kind == .eventuallyReachable }
        self.liveness = liveness
        precondition(liveness.count <= 32, "at most 32 liveness properties per model")
        var bits = Array(repeating: UInt32(0), count: properties.count)
        for (position, index) in liveness.enumerated() { bits[index] = 1 << UInt32(position) }
        livenessBit = bits
        kindNames = model.actionKindNames
        precondition(kindNames.count <= 256, "at most 256 kinds of action")
        hasSymmetry = model.hasSymmetry
        table = FingerprintSet(expectedCount: options.expectedStates, loadPercentMax: options.tableLoadPercentMax,
                               storesIds: !liveness.isEmpty)
        findings = Array(repeating: nil, count: properties.count)
        witnesses = Array(repeating: nil, count: properties.count)
        pending = Array(repeating: true, count: properties.count)
        fired = Array(repeating: 0, count: max(1, kindNames.count))
        distinctByKind = Array(repeating: 0, count: max(1, kindNames.count))
        goals = Array(repeating: [], count: properties.count)
        start = clock.now
        lastProgress = start
    }

    var elapsedSeconds: Double { Search.seconds(start.duration(to: clock.now)) }

    static func seconds(_ duration: Duration) -> Double {
        let (whole, fraction) = duration.components
        return Double(whole) + Double(fraction) / 1e18
    }

    @inline(__always)
    private func fingerprint(_ state: M.State) -> UInt64 {
        FingerprintSet.normalized(hasSymmetry ? model.canonicalFingerprint(state) : FingerprintHasher.fingerprint(state))
    }

    // MARK: - The level loop

    /// A level of the search: each state is taken out (moved, not copied) when a worker expands
    /// or checks it, so that the worker, not the coordinator, frees it, and the level left to
    /// drop at its end is empty.
    typealias Level = [M.State?]

    func explore() {
        var current: Level = []
        for (index, state) in model.initialStates().enumerated() where model.withinBoundary(state) {
            generated += 1
            let stateFingerprint = fingerprint(state)
            guard table.insert(stateFingerprint).inserted else { continue }
            if table.storesIds { table.setId(UInt32(records.count), for: stateFingerprint) }
            records.append(parent: RecordStore.noParent, action: UInt32(index))
            current.append(state)
        }
        depth = current.isEmpty ? 0 : 1
        var levelStart = 0
        levels: while !current.isEmpty {
            let mode: Mode = options.depthMax.map { depth < $0 } ?? true ? .expand : .probeBeyondBound
            var next: Level = []
            var batchStart = 0
            var cut = false
            while batchStart < current.count {
                let batchEnd = min(current.count, batchStart + CheckOptions.batchStatesMax)
                cut = processBatch(&current, levelStart: levelStart, range: batchStart..<batchEnd, mode: mode,
                                   next: &next) || cut
                batchStart = batchEnd
                frontierPeak = max(frontierPeak, current.count + next.count)
                if stoppedByViolation { break levels }
                let workRemains = batchStart < current.count || !next.isEmpty
                if workRemains, stopForBound() {
                    // Every counted state is checked, even those the bound leaves unexpanded.
                    checkOnly(&current, levelStart: levelStart, range: batchStart..<current.count)
                    if !stoppedByViolation && !next.isEmpty {
                        checkOnly(&next, levelStart: levelStart + current.count, range: 0..<next.count)
                    }
                    break levels
                }
                reportProgress(depth: depth, queued: current.count - batchStart + next.count)
            }
            if mode == .probeBeyondBound {
                if cut { bound = .depth }
                break
            }
            levelStart += current.count
            current = next
            if !current.isEmpty { depth += 1 }
        }
        elapsedAtFinish = elapsedSeconds
    }

    /// How a batch treats its states: expand them, only look beyond the depth bound, or only check them.
    enum Mode {
        case expand, probeBeyondBound, checkOnly
    }

    /// Checks the state properties of `range` without expanding it (states a bound left queued).
    private func checkOnly(_ level: inout Level, levelStart: Int, range: Range<Int>) {
        var batchStart = range.lowerBound
        var unused: Level = []
        while batchStart < range.upperBound && !stoppedByViolation {
            let batchEnd = min(range.upperBound, batchStart + CheckOptions.batchStatesMax)
            _ = processBatch(&level, levelStart: levelStart, range: batchStart..<batchEnd, mode: .checkOnly, next: &unused)
            batchStart = batchEnd
        }
    }

    private func stopForBound() -> Bool {
        if let statesMax = options.distinctStatesMax, records.count >= statesMax {
            bound = .distinctStates
            return true
        }
        if let secondsMax = options.secondsMax, elapsedSeconds >= secondsMax {
            bound = .time
            return true
        }
        return false
    }

    private func reportProgress(depth: Int, queued: Int) {
        guard let interval = options.progressIntervalSeconds, let progress = options.progress else { return }
        let now = clock.now
        guard Search.seconds(lastProgress.duration(to: now)) >= interval else { return }
        lastProgress = now
        let elapsed = elapsedSeconds
        progress(ProgressReport(depth: depth, distinctStates: records.count, generatedStates: generated,
                                queuedStates: queued, elapsedSeconds: elapsed,
                                statesPerSecond: elapsed > 0 ? Double(generated) / elapsed : 0))
    }

    // MARK: - One batch: expand, then insert

    /// Expands `range` of the level and inserts the new successors; returns whether the depth
    /// bound cut the search (a state beyond the bound would have been new).
    private func processBatch(_ level: inout Level, levelStart: Int, range: Range<Int>, mode: Mode,
                              next: inout Level) -> Bool {
        let chunkCount = (range.count + CheckOptions.chunkStatesMax - 1) / CheckOptions.chunkStatesMax
        while outputs.count < chunkCount {
            outputs.append(ChunkOutput(propertyCount: properties.count, kindCount: max(1, kindNames.count)))
        }
        if fresh.isEmpty {
            fresh = (0..<FingerprintSet.groupCount).map { _ in GroupOutput() }
        }
        level.withUnsafeMutableBufferPointer { level in
            // Each task takes the states of its own chunk out of the level: disjoint elements.
            let shared = UncheckedBox(level)
            runTasks(chunkCount, workers: options.workers) { chunk in
                let lower = range.lowerBound + chunk * CheckOptions.chunkStatesMax
                let upper = min(range.upperBound, lower + CheckOptions.chunkStatesMax)
                expand(shared.value, levelStart: levelStart, range: lower..<upper, generating: mode != .checkOnly,
                       into: outputs[chunk])
            }
        }
        mergeExpansion(chunkCount: chunkCount, levelStart: levelStart, counted: mode == .expand)
        if stoppedByViolation || mode == .checkOnly { return false }
        runTasks(FingerprintSet.groupCount, workers: options.workers) { group in
            insert(group: group, chunkCount: chunkCount, inserting: mode == .expand)
        }
        return assignIds(levelStart: levelStart, next: &next)
    }

    private func expand(_ level: UnsafeMutableBufferPointer<M.State?>, levelStart: Int, range: Range<Int>, generating: Bool,
                        into output: ChunkOutput<M.State>) {
        output.reset()
        var actions: [M.Action] = []
        let classifies = !kindNames.isEmpty
        for index in range {
            // Taken, not copied: this task frees it when done (nothing reads a state once expanded).
            guard let state = level[index].take() else { preconditionFailure("a state is expanded once") }
            checkState(state, index: index, output: output)
            guard generating else { continue }
            actions.removeAll(keepingCapacity: true)
            model.actions(state, into: &actions)
            precondition(actions.count < 1 << 24, "a state enables more than 2^24 actions")
            var successors = 0
            var truncated = false
            for actionIndex in 0..<actions.count {
                let action = actions[actionIndex]
                guard let successor = model.nextState(state, action) else { continue }
                successors += 1
                guard model.withinBoundary(successor) else {
                    // Liveness cannot judge a future that leaves the explored region: a state with a
                    // successor beyond the boundary counts as able to reach every goal.
                    if !truncated {
                        truncated = true
                        for property in liveness { output.goalIndices[property].append(index) }
                    }
                    continue
                }
                let kind = classifies ? model.actionKind(action) : 0
                output.generated += 1
                output.fired[kind] += 1
                for property in transitions where pending[property] && output.transitionViolation[property] == nil {
                    if !properties[property].transitionCondition!(model, state, action, successor) {
                        output.transitionViolation[property] = (index, actionIndex)
                    }
                }
                let fingerprint = fingerprint(successor)
                if !liveness.isEmpty {
                    var mask: UInt32 = 0
                    for property in liveness {
                        if properties[property].edgeFilter?(model, action) ?? true { mask |= livenessBit[property] }
                    }
                    output.edges.append(Edge(parent: UInt32(levelStart + index), child: fingerprint, mask: mask))
                }
                // Most successors were seen in an earlier batch; nothing writes the set during
                // this phase, so a read-only probe here keeps them out of the buckets.
                if table.contains(fingerprint) { continue }
                output.buckets[FingerprintSet.group(of: fingerprint)].append(
                    Candidate(fingerprint: fingerprint, parent: UInt32(index),
                              actionAndKind: UInt32(actionIndex) | UInt32(kind) << 24, state: consume successor))
            }
            if successors == 0 && options.checkDeadlock && output.deadlock == nil && !model.isQuiescent(state) {
                output.deadlock = index
            }
        }
    }

    @inline(__always)
    private func checkState(_ state: M.State, index: Int, output: ChunkOutput<M.State>) {
        for property in invariants where pending[property] && output.stateViolation[property] == nil {
            if !properties[property].stateCondition!(model, state) { output.stateViolation[property] = index }
        }
        for property in sometimes where pending[property] && output.witness[property] == nil {
            if properties[property].stateCondition!(model, state) { output.witness[property] = index }
        }
        for property in liveness where properties[property].stateCondition!(model, state) {
            output.goalIndices[property].append(index)
        }
    }

    /// Folds the chunks' findings in chunk order, so the first one in frontier order wins.
    private func mergeExpansion(chunkCount: Int, levelStart: Int, counted: Bool) {
        for chunk in 0..<chunkCount {
            let output = outputs[chunk]
            if counted {
                generated += output.generated
                for kind in fired.indices { fired[kind] += output.fired[kind] }
            }
            for property in properties.indices {
                if findings[property] == nil, let index = output.stateViolation[property] {
                    findings[property] = .state(levelStart + index)
                }
                if findings[property] == nil, let (index, action) = output.transitionViolation[property] {
                    findings[property] = .transition(levelStart + index, action: action)
                }
                if witnesses[property] == nil, let index = output.witness[property] {
                    witnesses[property] = levelStart + index
                }
                for index in output.goalIndices[property] { setGoal(property: property, id: levelStart + index) }
            }
            if deadlock == nil, let index = output.deadlock { deadlock = levelStart + index }
            edges.append(contentsOf: output.edges)
        }
        let violated = findings.contains { $0 != nil } || deadlock != nil
        if violated && options.stopAtFirstViolation {
            stoppedByViolation = true
            keepOnlyFirstViolation()
        }
        for property in properties.indices where findings[property] != nil || witnesses[property] != nil {
            pending[property] = false
        }
        var bytes = 0
        for chunk in 0..<chunkCount {
            for bucket in outputs[chunk].buckets { bytes += bucket.capacity * MemoryLayout<Candidate<M.State>>.stride }
        }
        bufferPeakBytes = max(bufferPeakBytes, bytes)
    }

    /// Like TLC, a run that stops at the first violation reports one: the earliest in BFS order
    /// (ties: a deadlock first, then properties in their declared order).
    private func keepOnlyFirstViolation() {
        var first: (id: Int, rank: Int)? = deadlock.map { ($0, -1) }
        for (property, finding) in findings.enumerated() {
            guard let finding else { continue }
            let id: Int
            switch finding {
            case .state(let state): id = state
            case .transition(let state, _): id = state
            }
            if first == nil || (id, property) < (first!.id, first!.rank) { first = (id, property) }
        }
        guard let first else { return }
        if first.rank != -1 { deadlock = nil }
        for property in findings.indices where property != first.rank { findings[property] = nil }
    }

    private func setGoal(property: Int, id: Int) {
        let word = id >> 6
        while goals[property].count <= word { goals[property].append(0) }
        goals[property][word] |= 1 << UInt64(id & 63)
    }

    private func insert(group: Int, chunkCount: Int, inserting: Bool) {
        let output = fresh[group]
        for chunk in 0..<chunkCount {
            let bucket = outputs[chunk].buckets[group]
            for index in bucket.indices {
                let fingerprint = bucket[index].fingerprint
                if inserting {
                    guard table.insert(fingerprint).inserted else { continue }
                    output.accepted.append(BucketEntry(chunk: UInt32(chunk), index: UInt32(index)))
                } else if !table.contains(fingerprint) {
                    output.beyondBound = true
                    return
                }
            }
        }
    }

    /// Numbers the new states in group order, records their parents and queues them.
    private func assignIds(levelStart: Int, next: inout Level) -> Bool {
        var cut = false
        for (group, output) in fresh.enumerated() {
            cut = cut || output.beyondBound
            for entry in output.accepted {
                // The state moves from its chunk's bucket into `next` (no copy); the rest of the
                // candidate stays there until the bucket is reset.
                let output = outputs[Int(entry.chunk)]
                let state = output.buckets[group][Int(entry.index)].state.take()
                let candidate = output.buckets[group][Int(entry.index)]
                let id = records.count
                precondition(id < Int(UInt32.max), "more than 2^32 − 1 distinct states; bound the search")
                records.append(parent: UInt32(levelStart + Int(candidate.parent)),
                               action: candidate.actionAndKind & 0xFF_FFFF)
                // By fingerprint, not by slot: a region may have grown since the insert.
                if table.storesIds { table.setId(UInt32(id), for: candidate.fingerprint) }
                distinctByKind[Int(candidate.actionAndKind >> 24)] += 1
                next.append(state)
            }
            output.accepted.removeAll(keepingCapacity: true)
            output.beyondBound = false
        }
        return cut
    }

    // MARK: - The report

    func finish() -> CheckResult {
        let complete = bound == nil && !stoppedByViolation
        let replayer = Replayer(model: model)
        var reports: [PropertyReport] = []
        var livenessFailures: [Int: Int] = [:]
        if complete && !liveness.isEmpty { livenessFailures = LivenessAnalysis.run(search: self) }
        for (index, property) in properties.enumerated() {
            var report = PropertyReport(name: property.name, kind: property.kind, status: .unknown, trace: nil, note: nil)
            switch property.kind {
            case .always, .transition:
                if let finding = findings[index] {
                    report.status = .violated
                    report.trace = trace(of: finding, replayer: replayer)
                } else if complete {
                    report.status = .holds
                } else {
                    report.note = incompleteNote
                }
            case .sometimes:
                if let witness = witnesses[index] {
                    report.status = .holds
                    report.trace = replayer.trace(records.path(to: witness))
                } else if complete {
                    report.status = .violated
                    report.note = "no reachable state satisfies it"
                } else {
                    report.note = incompleteNote
                }
            case .eventuallyReachable:
                if !complete {
                    report.note = "liveness needs the whole state graph; " + incompleteNote
                } else if let stuck = livenessFailures[index] {
                    report.status = .violated
                    report.trace = replayer.trace(records.path(to: stuck))
                    report.note = "no state satisfying the goal is reachable from the last state"
                } else {
                    report.status = .holds
                }
            }
            reports.append(report)
        }
        let deadlockTrace = deadlock.map { replayer.trace(records.path(to: $0)) }
        let violated = reports.contains { $0.status == .violated } || deadlockTrace != nil
        let outcome: CheckOutcome = violated ? .violated : (bound != nil ? .boundReached : .holds)
        var coverage: [ActionCoverage] = []
        for (kind, name) in kindNames.enumerated() {
            coverage.append(ActionCoverage(kind: name, fired: fired[kind], distinct: distinctByKind[kind]))
        }
        let frontierBytes = frontierPeak * MemoryLayout<M.State?>.stride
        return CheckResult(model: model.name, parameters: model.parameters, outcome: outcome, bound: bound,
                           distinctStates: records.count, generatedStates: generated, depth: depth,
                           elapsedSeconds: elapsedAtFinish, workers: options.workers, properties: reports,
                           deadlock: deadlockTrace, coverage: coverage,
                           checkerBytes: table.memoryBytes + records.memoryBytes + frontierBytes + bufferPeakBytes
                               + edges.capacity * MemoryLayout<Edge>.stride)
    }

    private var incompleteNote: String {
        if stoppedByViolation { return "the search stopped at the first violation" }
        return "the \(bound?.rawValue ?? "") bound stopped the search before it was complete"
    }

    private func trace(of finding: Finding, replayer: Replayer<M>) -> Trace {
        switch finding {
        case .state(let id):
            return replayer.trace(records.path(to: id))
        case .transition(let id, let action):
            return replayer.trace(records.path(to: id) + [action])
        }
    }

    // MARK: - What liveness analysis reads

    var edgeList: [Edge] { edges }
    func isGoal(property: Int, id: Int) -> Bool {
        let word = id >> 6
        return word < goals[property].count && goals[property][word] & (1 << UInt64(id & 63)) != 0
    }
    var livenessProperties: [(index: Int, bit: UInt32)] { liveness.map { ($0, livenessBit[$0]) } }
}

/// The new states one group found in a batch, in frontier order.
final class GroupOutput: @unchecked Sendable {
    // @unchecked Sendable: a group is inserted by exactly one task; read after the join.
    /// The new states of the group, in insertion order, as places in the chunks' buckets.
    var accepted: [BucketEntry] = []
    var beyondBound = false
}

/// Candidate `index` of chunk `chunk`'s bucket for the group.
struct BucketEntry {
    var chunk: UInt32
    var index: UInt32
}
