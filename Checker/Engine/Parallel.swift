import Dispatch
import Synchronization

/// Runs `body(task)` for every task in `0..<taskCount` on `workers` threads, which claim tasks in
/// order from a shared counter; returns when all are done (the join orders every write before
/// the caller's next read). With one worker everything runs on the caller's thread.
func runTasks(_ taskCount: Int, workers: Int, _ body: (Int) -> Void) {
    if workers <= 1 || taskCount <= 1 {
        for task in 0..<taskCount { body(task) }
        return
    }
    let next = Atomic<Int>(0)
    withoutActuallyEscaping(body) { body in
        let shared = UncheckedBox(body)
        DispatchQueue.concurrentPerform(iterations: min(workers, taskCount)) { _ in
            while true {
                let task = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if task >= taskCount { return }
                shared.value(task)
            }
        }
    }
}

/// Carries a value across threads where the caller guarantees the sharing is safe.
struct UncheckedBox<Value>: @unchecked Sendable {
    // @unchecked Sendable: used only by `runTasks`, whose tasks touch disjoint data.
    let value: Value
    init(_ value: Value) { self.value = value }
}
