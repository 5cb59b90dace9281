import Glibc

/// A request/response RPC server over TCP: one accept thread, one reader thread per connection.
///
/// Requests of one connection reach `handler` in the order they were sent, on that connection's
/// reader thread; the handler must not block for long (the next request of that connection waits)
/// and must be thread-safe (connections are read in parallel). It answers through `RPCReply`,
/// at once or later from any thread. A connection that sends bytes that are not a frame (bad
/// magic, version or kind, an oversized length, a checksum mismatch, a response, or an end of
/// stream inside a frame) is closed, the reason and peer logged; other connections carry on.
/// Call `stop()` when done: the threads keep the server alive until then.
public final class RPCServer: Sendable {
    public let host: String
    /// The bound port (the one the kernel picked if 0 was asked for).
    public let port: UInt16
    public let framePayloadBytesMax: Int
    /// The most connections served at once; more are accepted and closed at once, with a log line.
    public let connectionsMax: Int
    /// The most reply bytes queued for a client that does not read; beyond, its connection closes.
    public let sendQueueBytesMax: Int
    /// How long queued replies may wait for a client that reads nothing before its connection closes.
    public let sendStallTimeout: Duration
    private let listener: Int32
    private let log: @Sendable (String) -> Void
    private let handler: @Sendable (Frame, RPCReply) -> Void
    private let state = ConditionLock(ServerState())

    /// Pause after `accept` fails for lack of descriptors or memory, before trying again.
    static let acceptRetryPauseMilliseconds: Int32 = 100

    private struct ServerState {
        var stopping = false
        var connections: [UInt64: SocketConnection] = [:]
        var nextConnectionID: UInt64 = 1
        /// Reader threads started and not yet finished.
        var readersRunning = 0
        var acceptThread: WireThread?
    }

    /// Binds `host:port`, listens, and starts accepting.
    public init(host: String, port: UInt16, framePayloadBytesMax: Int = Frame.payloadBytesMaxDefault,
                connectionsMax: Int = 1024, sendQueueBytesMax: Int = 64 << 20, sendStallTimeout: Duration = .seconds(60),
                log: @escaping @Sendable (String) -> Void,
                handler: @escaping @Sendable (Frame, RPCReply) -> Void) throws(RPCError) {
        precondition(framePayloadBytesMax >= 0 && framePayloadBytesMax <= Int(UInt32.max),
                     "framePayloadBytesMax must fit the 32-bit length field")
        precondition(connectionsMax > 0, "connectionsMax must be positive")
        precondition(sendQueueBytesMax > 0, "sendQueueBytesMax must be positive")
        let address = Socket.display(host: host, port: port)
        let bound: (descriptor: Int32, port: UInt16)
        do {
            bound = try Socket.listen(host: host, port: port)
        } catch {
            throw .bindFailed(address: address, reason: error.reason)
        }
        self.host = host
        self.port = bound.port
        self.framePayloadBytesMax = framePayloadBytesMax
        self.connectionsMax = connectionsMax
        self.sendQueueBytesMax = sendQueueBytesMax
        self.sendStallTimeout = sendStallTimeout
        self.listener = bound.descriptor
        self.log = log
        self.handler = handler
        let acceptThread = WireThread(name: "rpc-accept-\(self.port)")
        state.withLock { $0.acceptThread = acceptThread }
        do {
            try acceptThread.start { [self] in acceptLoop() }
        } catch {
            Glibc.close(bound.descriptor)
            throw .bindFailed(address: address, reason: "cannot start the accept thread: \(error.reason)")
        }
    }

    /// The `host:port` the server listens on.
    public var address: String { Socket.display(host: host, port: port) }

    /// Connections open now.
    public var connectionCount: Int { state.withLock { $0.connections.count } }

    /// Closes the listener and every connection, and waits for all the server's threads. Replies
    /// sent afterwards are dropped. Must not be called from the handler; calling it twice is harmless.
    public func stop() {
        let acceptThread: WireThread? = state.withLock { state in
            guard !state.stopping else { return nil }
            state.stopping = true
            return state.acceptThread
        }
        if let acceptThread {
            _ = Glibc.shutdown(listener, Int32(SHUT_RDWR))  // wakes the blocked accept (EINVAL)
            acceptThread.join()
            Glibc.close(listener)
            let connections = state.withLock { Array($0.connections.values) }
            for connection in connections { connection.shutdown(reason: "server stopped") }
        }
        state.waitForWork { state in (state.readersRunning == 0 ? () : nil, nil) }
    }

    private func acceptLoop() {
        while true {
            switch Socket.accept(listener) {
            case .success(let accepted):
                admit(descriptor: accepted.descriptor, peer: accepted.peer)
            case .failure(let failure):
                if state.withLock({ $0.stopping }) { return }
                guard case .call(_, let code) = failure else { return }
                switch code {
                case EINTR, ECONNABORTED, EPROTO:
                    continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    log("Accepting on \(address) failed: \(failure.reason); retrying in \(Self.acceptRetryPauseMilliseconds) ms")
                    _ = poll(nil, 0, Self.acceptRetryPauseMilliseconds)
                default:
                    log("Accepting on \(address) failed: \(failure.reason); no longer accepting")
                    return
                }
            }
        }
    }

    private func admit(descriptor: Int32, peer: String) {
        Socket.prepareConnected(descriptor)
        let connection = SocketConnection(descriptor: descriptor, peer: peer, sendQueueBytesMax: sendQueueBytesMax,
                                          sendStallTimeout: sendStallTimeout)
        let admitted: UInt64? = state.withLock { state in
            guard !state.stopping, state.connections.count < connectionsMax else { return nil }
            let connectionID = state.nextConnectionID
            state.nextConnectionID += 1
            state.connections[connectionID] = connection
            state.readersRunning += 1
            return connectionID
        }
        guard let connectionID = admitted else {
            if !state.withLock({ $0.stopping }) {
                log("Refusing connection from \(peer): already serving connectionsMax \(connectionsMax) connections")
            }
            connection.close()
            return
        }
        do {
            try WireThread(name: "rpc-conn-\(connectionID)").start { [self] in
                serve(connection)
                finish(connection, connectionID: connectionID)
            }
        } catch {
            log("Closing connection from \(peer): cannot start its reader thread: \(error.reason)")
            finish(connection, connectionID: connectionID)
        }
    }

    /// Reads frames and hands requests to the handler until the stream ends or goes wrong.
    private func serve(_ connection: SocketConnection) {
        var decoder = FrameDecoder(framePayloadBytesMax: framePayloadBytesMax)
        do {
            while true {
                while let frame = try decoder.next() {
                    guard frame.kind == .request else { throw FrameError.unexpectedKind(frame.kind) }
                    handler(frame, RPCReply(callID: frame.callID, connection: connection,
                                            framePayloadBytesMax: framePayloadBytesMax, log: log))
                }
                let count = try decoder.receive { buffer throws(SocketFailure) in
                    try Socket.receive(connection.descriptor, into: buffer)
                }
                if count == 0 {
                    if connection.shutdownReason == nil { try decoder.finish() }
                    return
                }
            }
        } catch let error as FrameError {
            log("Closing connection from \(connection.peer): \(error)")
        } catch let error as SocketFailure {
            if connection.shutdownReason == nil { log("Connection from \(connection.peer) failed: \(error.reason)") }
        } catch {
            log("Closing connection from \(connection.peer): \(error)")
        }
    }

    private func finish(_ connection: SocketConnection, connectionID: UInt64) {
        connection.close()
        state.withLock { state in
            state.connections[connectionID] = nil
            state.readersRunning -= 1
        }
        state.broadcast()
    }
}
