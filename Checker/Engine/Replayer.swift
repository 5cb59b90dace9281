import Model

/// Re-executes a path of action indices through a model, producing a printable trace.
///
/// Counterexamples are stored as indices (the initial state's position in `initialStates()`,
/// then each action's position in `actions(_:into:)`), which is why models must list actions
/// deterministically. Replaying re-runs the very same `nextState`, so what is printed is what
/// the model does, not a stored copy of it.
public struct Replayer<M: CheckableModel> {
    public let model: M

    public init(model: M) { self.model = model }

    /// The states along `indices`, or an error naming the first step that does not exist.
    public func states(_ indices: [Int]) throws -> (states: [M.State], actions: [M.Action]) {
        guard let first = indices.first else { throw ReplayError(description: "the trace has no initial state") }
        let initial = model.initialStates()
        guard initial.indices.contains(first) else {
            throw ReplayError(description: "step 0: the model has \(initial.count) initial states, not index \(first)")
        }
        var states = [initial[first]]
        var taken: [M.Action] = []
        var buffer: [M.Action] = []
        for (step, index) in indices.dropFirst().enumerated() {
            buffer.removeAll(keepingCapacity: true)
            model.actions(states[states.count - 1], into: &buffer)
            guard buffer.indices.contains(index) else {
                throw ReplayError(description: "step \(step + 1): \(buffer.count) actions are enabled, not index \(index)")
            }
            guard let next = model.nextState(states[states.count - 1], buffer[index]) else {
                throw ReplayError(description: "step \(step + 1): action \(buffer[index]) is disabled")
            }
            states.append(next)
            taken.append(buffer[index])
        }
        return (states, taken)
    }

    /// The trace along `indices`; the indices come from the checker's own records, so they replay.
    func trace(_ indices: [Int]) -> Trace {
        do {
            return try traceThrowing(indices)
        } catch {
            fatalError("Internal inconsistency: a recorded path does not replay (\(error)); is the model deterministic?")
        }
    }

    /// The trace along `indices`, or an error naming the step that does not replay.
    public func traceThrowing(_ indices: [Int]) throws -> Trace {
        let (states, actions) = try states(indices)
        var steps: [Trace.Step] = []
        for (position, state) in states.enumerated() {
            steps.append(Trace.Step(action: position == 0 ? nil : actions[position - 1].description,
                                    index: indices[position], fields: model.fields(of: state)))
        }
        return Trace(steps: steps)
    }
}

/// Why a counterexample could not be replayed or read.
public struct ReplayError: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}
