import Dispatch
import Glibc
import Synchronization

/// A pipelined request/response RPC client for one server address.
///
/// It connects on the first call and again on the first call after a failure; many calls may be
/// outstanding on one connection at once, matched to responses by call id. Requests from one
/// thread leave in the order of the calls. Threads: one service thread per client (connects,
/// fires timeouts) and one reader thread per connection; completions run on one of them, exactly
/// once per call, so they must not block or make a synchronous call on this client. Exceptions:
/// after `close()` (or if no thread can be started) the completion runs at once on the caller.
/// On a connection loss every call outstanding on it fails with `connectionLost`; a timeout fails
/// only its own call (a late response is dropped). A call never waits for the server to read:
/// what the kernel does not take at once is queued for the connection's writer thread.
public final class RPCClient: Sendable {
    public let host: String
    public let port: UInt16
    /// `host:port`, as errors name it.
    public let address: String
    public let connectTimeout: Duration
    public let framePayloadBytesMax: Int
    /// The most calls outstanding (sent or waiting for a connection) at once.
    public let callsOutstandingMax: Int
    /// The most request bytes queued for a server that does not read; beyond, calls are refused.
    public let sendQueueBytesMax: Int
    /// How long queued requests may wait for a server that reads nothing before the connection is
    /// given up (its calls fail with `connectionLost`).
    public let sendStallTimeout: Duration
    let log: @Sendable (String) -> Void
    let state = ConditionLock(ClientState())
    private let nextCallID = Atomic<UInt64>(1)

    /// The longest a connect waits in `poll` before checking for `close()` and timeouts.
    static let connectPollSliceMilliseconds: UInt64 = 100

    struct ClientState {
        var closed = false
        var calls = CallTable()
        var connection: (id: UInt64, socket: SocketConnection)?
        /// A connect is wanted or under way; calls queue in `waitingFrames` meanwhile.
        var connecting = false
        var connectRequested = false
        /// Encoded requests waiting for the connection, in call order.
        var waitingFrames: [(callID: UInt64, bytes: [UInt8])] = []
        /// Calls refused before being sent, to be failed on the service thread.
        var refused: [(completion: @Sendable (Result<Frame, RPCError>) -> Void, error: RPCError)] = []
        var serviceThread: WireThread?
        /// When the service thread will next wake by itself: 0 while it is awake, `UInt64.max`
        /// while it sleeps until signalled.
        var serviceWakeNanoseconds: UInt64 = 0
        var readers: [UInt64: WireThread] = [:]
        var nextConnectionID: UInt64 = 1
    }

    public init(host: String, port: UInt16, connectTimeout: Duration = .seconds(20),
                framePayloadBytesMax: Int = Frame.payloadBytesMaxDefault, callsOutstandingMax: Int = 65_536,
                sendQueueBytesMax: Int = 64 << 20, sendStallTimeout: Duration = .seconds(60),
                log: @escaping @Sendable (String) -> Void) {
        precondition(framePayloadBytesMax >= 0 && framePayloadBytesMax <= Int(UInt32.max),
                     "framePayloadBytesMax must fit the 32-bit length field")
        precondition(callsOutstandingMax > 0, "callsOutstandingMax must be positive")
        precondition(sendQueueBytesMax > 0, "sendQueueBytesMax must be positive")
        self.host = host
        self.port = port
        self.address = Socket.display(host: host, port: port)
        self.connectTimeout = connectTimeout
        self.framePayloadBytesMax = framePayloadBytesMax
        self.callsOutstandingMax = callsOutstandingMax
        self.sendQueueBytesMax = sendQueueBytesMax
        self.sendStallTimeout = sendStallTimeout
        self.log = log
    }

    /// Sends a request and waits for its response: the response's payload and Lamport clock.
    /// Must not be called from a completion of this client.
    public func call(payload: [UInt8], lamport: UInt64, timeout: Duration) throws(RPCError) -> (payload: [UInt8], lamport: UInt64) {
        let outcome = CallOutcome()
        call(payload: payload, lamport: lamport, timeout: timeout) { result in outcome.deliver(result) }
        let frame = try outcome.wait().get()
        return (frame.payload, frame.lamport)
    }

    /// Sends a request; `completion` gets the response frame or the error, exactly once.
    public func call(payload: [UInt8], lamport: UInt64, timeout: Duration,
                     completion: @escaping @Sendable (Result<Frame, RPCError>) -> Void) {
        let callID = nextCallID.wrappingAdd(1, ordering: .relaxed).oldValue
        let deadline = MonotonicClock.nowNanoseconds().addingSaturating(timeout.wireNanoseconds)
        var refusal: RPCError?
        var bytes: [UInt8] = []
        if payload.count > framePayloadBytesMax {
            refusal = .frameError(address: address, .payloadTooLarge(bytes: UInt64(payload.count),
                                                                      framePayloadBytesMax: framePayloadBytesMax))
        } else {
            bytes = Frame(kind: .request, callID: callID, lamport: lamport, payload: payload).encoded()
        }
        let pending = PendingCall(completion: completion, deadlineNanoseconds: deadline,
                                  timeoutMilliseconds: timeout.wireMilliseconds, connectionID: 0)
        let (route, wake) = state.withLock { state -> (CallRoute, Bool) in
            if state.closed { return (.failNow(.closed(address: address)), false) }
            if let failure = startServiceThreadIfNeeded(&state) { return (.failNow(failure), false) }
            if refusal == nil && state.calls.count >= callsOutstandingMax {
                refusal = .tooManyCalls(address: address, callsOutstandingMax: callsOutstandingMax)
            }
            if let refusal {
                state.refused.append((completion, refusal))
                return (.queued, true)
            }
            state.calls.insert(pending, callID: callID)
            let wake = deadline < state.serviceWakeNanoseconds
            if let connection = state.connection {
                state.calls.assign(callID, toConnection: connection.id)
                return (.send(connection.socket), wake)
            }
            state.waitingFrames.append((callID, bytes))
            if !state.connecting {
                state.connecting = true
                state.connectRequested = true
                return (.queued, true)
            }
            return (.queued, wake)
        }
        if wake { state.signal() }
        switch route {
        case .failNow(let error):
            completion(.failure(error))
        case .queued:
            break
        case .send(let socket):
            do {
                if try socket.send(bytes) == .queueFull {
                    refuse(callID, .sendQueueFull(address: address, sendQueueBytesMax: sendQueueBytesMax))
                }
            } catch {
                socket.shutdown(reason: "send failed: \(error.reason)")  // the reader fails the calls
            }
        }
    }

    /// Fails every outstanding call with `closed`, closes the connection and waits for the client's
    /// threads (except the calling one). Later calls fail at once with `closed`.
    public func close() {
        let (connection, calls, refused, threads) = state.withLock { state in
            state.closed = true
            let threads = Array(state.readers.values) + (state.serviceThread.map { [$0] } ?? [])
            let refused = state.refused
            state.refused = []
            state.waitingFrames = []
            return (state.connection, state.calls.removeAll(), refused, threads)
        }
        state.broadcast()
        connection?.socket.shutdown(reason: "client closed")
        for call in calls { call.completion(.failure(.closed(address: address))) }
        for refusal in refused { refusal.completion(.failure(refusal.error)) }
        for thread in threads { thread.join() }
    }

    /// Fails a registered call that was not sent, on the service thread.
    private func refuse(_ callID: UInt64, _ error: RPCError) {
        state.withLock { state in
            if let call = state.calls.remove(callID) { state.refused.append((call.completion, error)) }
        }
        state.signal()
    }

    private enum CallRoute {
        case send(SocketConnection)
        case queued
        case failNow(RPCError)
    }

    private func startServiceThreadIfNeeded(_ state: inout ClientState) -> RPCError? {
        guard state.serviceThread == nil else { return nil }
        let thread = WireThread(name: "rpc-client-\(port)")
        do {
            try thread.start { [self] in serviceLoop() }
        } catch {
            return .connectFailed(address: address, reason: "java.io.IOException: cannot start a thread: \(error.reason)")
        }
        state.serviceThread = thread
        return nil
    }
}

/// The result of one synchronous call, handed from the completion to the waiting caller.
private final class CallOutcome: Sendable {
    private let result = Mutex<Result<Frame, RPCError>?>(nil)
    private let ready = DispatchSemaphore(value: 0)

    func deliver(_ outcome: Result<Frame, RPCError>) {
        result.withLock { $0 = outcome }
        ready.signal()
    }

    func wait() -> Result<Frame, RPCError> {
        ready.wait()
        return result.withLock { $0! }
    }
}
