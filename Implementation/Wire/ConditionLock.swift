import Glibc

/// A pthread mutex and a condition variable on `CLOCK_MONOTONIC`, guarding a `State`.
///
/// `@unchecked Sendable`: `state` is read and written only inside `withLock` or
/// `waitForWork`, both of which hold `mutex`.
final class ConditionLock<State>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var state: State

    init(_ state: State) {
        self.state = state
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` with the state while holding the mutex.
    func withLock<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }

    /// Wakes one thread in `waitForWork`; call it after changing the state it waits on.
    func signal() { pthread_cond_signal(condition) }

    /// Wakes every thread in `waitForWork`.
    func broadcast() { pthread_cond_broadcast(condition) }

    /// Holds the mutex and asks `decide` for work until it returns some; between asks, sleeps until
    /// signalled or until the monotonic time `decide` named (nil: until signalled).
    func waitForWork<Work>(_ decide: (inout State) -> (work: Work?, wakeAtNanoseconds: UInt64?)) -> Work {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while true {
            let (work, wakeAt) = decide(&state)
            if let work { return work }
            if let wakeAt, wakeAt < UInt64.max {
                var deadline = timespec(tv_sec: Int(wakeAt / 1_000_000_000), tv_nsec: Int(wakeAt % 1_000_000_000))
                pthread_cond_timedwait(condition, mutex, &deadline)
            } else {
                pthread_cond_wait(condition, mutex)
            }
        }
    }
}
