import Glibc

// The client's service thread (connects, timeouts, refusals) and its per-connection reader.

extension RPCClient {
    private enum ServiceWork {
        case deliver([(completion: @Sendable (Result<Frame, RPCError>) -> Void, error: RPCError)])
        case connect
        case exit
    }

    func serviceLoop() {
        while true {
            let work = state.waitForWork { state -> (ServiceWork?, UInt64?) in
                let deliveries = takeDue(&state)
                if !deliveries.isEmpty {
                    state.serviceWakeNanoseconds = 0
                    return (.deliver(deliveries), nil)
                }
                if state.closed { return (.exit, nil) }
                if state.connectRequested {
                    state.connectRequested = false
                    state.serviceWakeNanoseconds = 0
                    return (.connect, nil)
                }
                let wake = state.calls.earliestDeadline() ?? .max
                state.serviceWakeNanoseconds = wake
                return (nil, wake)
            }
            switch work {
            case .deliver(let deliveries):
                for delivery in deliveries { delivery.completion(.failure(delivery.error)) }
            case .connect:
                connect()
            case .exit:
                return
            }
        }
    }

    /// Refused calls and calls past their deadline, to be failed outside the lock.
    private func takeDue(_ state: inout ClientState) -> [(completion: @Sendable (Result<Frame, RPCError>) -> Void, error: RPCError)] {
        var due = state.refused
        state.refused = []
        for call in state.calls.removeExpired(now: MonotonicClock.nowNanoseconds()) {
            due.append((call.completion, .timedOut(address: address, milliseconds: call.timeoutMilliseconds)))
        }
        return due
    }

    private func deliverDue() {
        let due = state.withLock { takeDue(&$0) }
        for delivery in due { delivery.completion(.failure(delivery.error)) }
    }

    /// Connects to the server, trying each address it resolves to, then sends the waiting requests.
    private func connect() {
        let connectDeadline = MonotonicClock.nowNanoseconds().addingSaturating(connectTimeout.wireNanoseconds)
        let addresses: [SocketAddress]
        do {
            addresses = try Socket.resolve(host: host, port: port, passive: false)
        } catch {
            return failConnect(.connectFailed(address: address, reason: "java.net.UnknownHostException: \(error.reason)"))
        }
        var lastCode = ECONNREFUSED
        for candidate in addresses {
            let started: (descriptor: Int32, connected: Bool)
            do {
                started = try Socket.beginConnect(candidate)
            } catch {
                if case .call(_, let code) = error { lastCode = code }
                continue
            }
            var progress: ConnectProgress = started.connected ? .connected : .pending
            while case .pending = progress {
                deliverDue()
                let now = MonotonicClock.nowNanoseconds()
                let (closed, earliest) = state.withLock { ($0.closed, $0.calls.earliestDeadline() ?? .max) }
                if closed || now >= connectDeadline {
                    Glibc.close(started.descriptor)
                    if closed { return }
                    return failConnect(.connectTimedOut(address: address, milliseconds: connectTimeout.wireMilliseconds))
                }
                let sliceEnd = min(connectDeadline, earliest, now + Self.connectPollSliceMilliseconds * 1_000_000)
                let sliceMilliseconds = Int32((sliceEnd.subtractingReportingOverflow(now).partialValue + 999_999) / 1_000_000)
                progress = Socket.awaitConnect(started.descriptor, timeoutMilliseconds: sliceMilliseconds)
            }
            if case .failed(let code) = progress {
                Glibc.close(started.descriptor)
                lastCode = code
                continue
            }
            return install(started.descriptor)
        }
        switch lastCode {
        case ECONNREFUSED:
            failConnect(.connectionRefused(address: address))
        case EHOSTUNREACH, ENETUNREACH:
            failConnect(.connectFailed(address: address, reason: "java.net.NoRouteToHostException: \(String(cString: strerror(lastCode)))"))
        default:
            failConnect(.connectFailed(address: address, reason: "java.net.ConnectException: \(String(cString: strerror(lastCode)))"))
        }
    }

    /// Fails the calls that were waiting for the connection.
    private func failConnect(_ error: RPCError) {
        let failed = state.withLock { state in
            state.connecting = false
            state.waitingFrames = []
            return state.calls.removeAll(connectionID: 0)
        }
        for call in failed { call.completion(.failure(error)) }
    }

    /// Publishes the new connection and sends the waiting requests before any later one (the send
    /// lock is held across both), then starts its reader.
    private func install(_ descriptor: Int32) {
        Socket.prepareConnected(descriptor)
        let socket = SocketConnection(descriptor: descriptor, peer: address, sendQueueBytesMax: sendQueueBytesMax,
                                      sendStallTimeout: sendStallTimeout)
        let reader = WireThread(name: "rpc-read-\(port)")
        var connectionID: UInt64 = 0
        var abandoned = false
        do {
            try socket.send {
                state.withLock { state in
                    state.connecting = false
                    guard !state.closed else {
                        abandoned = true
                        return []
                    }
                    connectionID = state.nextConnectionID
                    state.nextConnectionID += 1
                    state.connection = (connectionID, socket)
                    state.readers[connectionID] = reader
                    var bytes: [UInt8] = []
                    for waiting in state.waitingFrames where state.calls.contains(waiting.callID) {
                        state.calls.assign(waiting.callID, toConnection: connectionID)
                        bytes.append(contentsOf: waiting.bytes)
                    }
                    state.waitingFrames = []
                    return bytes
                }
            }
        } catch {
            socket.shutdown(reason: "send failed: \(error.reason)")
        }
        if abandoned { return socket.close() }
        do {
            try reader.start { [self, connectionID] in read(socket, connectionID: connectionID) }
        } catch {
            socket.shutdown(reason: "cannot start its reader thread: \(error.reason)")
            lose(socket, connectionID: connectionID,
                 error: .connectionLost(address: address, reason: "cannot start its reader thread: \(error.reason)"))
        }
    }

    /// Reads responses and completes their calls until the connection ends.
    private func read(_ socket: SocketConnection, connectionID: UInt64) {
        var decoder = FrameDecoder(framePayloadBytesMax: framePayloadBytesMax)
        var arrived: [Frame] = []
        let failure: RPCError
        do {
            while true {
                while let frame = try decoder.next() {
                    guard frame.kind == .response else { throw FrameError.unexpectedKind(frame.kind) }
                    arrived.append(frame)
                }
                if !arrived.isEmpty {
                    complete(arrived)
                    arrived.removeAll(keepingCapacity: true)
                }
                let count = try decoder.receive { buffer throws(SocketFailure) in
                    try Socket.receive(socket.descriptor, into: buffer)
                }
                if count == 0 {
                    if socket.shutdownReason == nil { try decoder.finish() }
                    failure = .connectionLost(address: address, reason: socket.shutdownReason ?? "the server closed the connection")
                    break
                }
            }
        } catch let error as FrameError {
            failure = .frameError(address: address, error)
        } catch let error as SocketFailure {
            failure = .connectionLost(address: address, reason: socket.shutdownReason ?? error.reason)
        } catch {
            failure = .connectionLost(address: address, reason: "\(error)")
        }
        lose(socket, connectionID: connectionID, error: failure)
    }

    private func complete(_ frames: [Frame]) {
        let matched = state.withLock { state in
            frames.compactMap { frame in state.calls.remove(frame.callID).map { ($0.completion, frame) } }
        }
        for (completion, frame) in matched { completion(.success(frame)) }
    }

    /// Forgets a broken connection and fails the calls outstanding on it.
    private func lose(_ socket: SocketConnection, connectionID: UInt64, error: RPCError) {
        let (failed, closed) = state.withLock { state in
            if state.connection?.id == connectionID { state.connection = nil }
            return (state.calls.removeAll(connectionID: connectionID), state.closed)
        }
        socket.close()
        if !closed && !failed.isEmpty { log("\(error); failing \(failed.count) outstanding call(s)") }
        for call in failed { call.completion(.failure(error)) }
        state.withLock { $0.readers[connectionID] = nil }
    }
}
