import Glibc

/// A named, detached POSIX thread that can be joined: the transport's accept, reader and timer
/// threads (one per listener, connection or client, never one per call).
final class WireThread: Sendable {
    /// The name shown by `top -H` and debuggers (Linux keeps 15 bytes).
    let name: String
    private let progress = ConditionLock(Progress())

    private struct Progress {
        var started = false
        var thread: pthread_t?
        var finished = false
    }

    init(name: String) { self.name = name }

    /// Starts the thread running `body`; throws `SocketFailure` when the system has no thread left.
    func start(_ body: @escaping @Sendable () -> Void) throws(SocketFailure) {
        progress.withLock { $0.started = true }
        let context = Unmanaged.passRetained(ThreadStart(thread: self, body: body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        var handle = pthread_t()
        let result = pthread_create(&handle, &attributes, { context in
            Unmanaged<ThreadStart>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context)
        guard result == 0 else {
            Unmanaged<ThreadStart>.fromOpaque(context).release()
            progress.withLock { $0.started = false }
            throw .call("pthread_create", code: result)
        }
    }

    /// True on the thread itself (a thread must not join itself).
    var isCurrent: Bool {
        progress.withLock { progress in progress.thread.map { pthread_equal($0, pthread_self()) != 0 } ?? false }
    }

    /// Waits until the body has returned; returns at once on the thread itself or if never started.
    func join() {
        guard !isCurrent else { return }
        progress.waitForWork { progress in (progress.finished || !progress.started ? () : nil, nil) }
    }

    fileprivate func running() {
        progress.withLock { $0.thread = pthread_self() }
        if let setName = Self.setName { _ = setName(pthread_self(), String(name.utf8.prefix(15))!) }
    }

    /// glibc's `pthread_setname_np`, which Swift does not import (it needs `_GNU_SOURCE`).
    private static let setName: (@convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32)? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "pthread_setname_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32).self)
    }()

    fileprivate func finished() {
        progress.withLock { $0.finished = true }
        progress.broadcast()
    }
}

/// What the new thread needs, passed through `pthread_create`'s context pointer.
private final class ThreadStart {
    let thread: WireThread
    let body: @Sendable () -> Void

    init(thread: WireThread, body: @escaping @Sendable () -> Void) {
        self.thread = thread
        self.body = body
    }

    func run() {
        thread.running()
        body()
        thread.finished()
    }
}
