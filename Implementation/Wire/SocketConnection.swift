import Glibc
import Synchronization

/// What became of bytes handed to `SocketConnection.send`.
enum SendOutcome: Equatable {
    /// Handed to the kernel.
    case sent
    /// Partly or wholly queued; the connection's writer thread sends the rest when the peer reads.
    case queued
    /// The connection was already closed; nothing was sent.
    case closed
    /// The queue already holds `sendQueueBytesMax` bytes; nothing was sent.
    case queueFull
}

/// A connected TCP socket shared by its one reader thread and any number of senders.
///
/// A sender never waits for the peer: bytes go straight to the kernel when it takes them all
/// (`MSG_DONTWAIT`), otherwise the rest is queued, in order, for a writer thread started on the
/// first such occasion, which waits in `poll` until the peer reads. A queue bounded by
/// `sendQueueBytesMax` refuses whole frames; a peer that reads nothing for `sendStallTimeout`
/// gets its connection shut down. `shutdown` wakes the reader and the writer without freeing the
/// descriptor; `close` frees it only after the writer has stopped and under the send lock, so a
/// late reply can never reach a descriptor number the kernel has since reused.
final class SocketConnection: Sendable {
    let descriptor: Int32
    /// The other end, `host:port`, for logs and errors.
    let peer: String
    let sendQueueBytesMax: Int
    let sendStallTimeout: Duration
    private let lifecycle = Mutex(Lifecycle())
    private let outbound = ConditionLock(Outbound())

    private struct Lifecycle {
        var open = true
        var shutdownReason: String?
    }

    /// Bytes waiting for the peer to read, oldest first.
    private struct Outbound {
        var chunks: [[UInt8]] = []
        var headIndex = 0
        var headOffset = 0
        var queuedBytes = 0
        var writer: WireThread?
        /// Set by `close`: the writer stops.
        var closing = false
    }

    /// Chunks already sent that may stay at the front of `chunks` before it is compacted.
    private static let sentChunksSlack = 64

    init(descriptor: Int32, peer: String, sendQueueBytesMax: Int, sendStallTimeout: Duration) {
        self.descriptor = descriptor
        self.peer = peer
        self.sendQueueBytesMax = sendQueueBytesMax
        self.sendStallTimeout = sendStallTimeout
    }

    /// Why this side shut the socket down, if it did.
    var shutdownReason: String? { lifecycle.withLock { $0.shutdownReason } }

    private var isOpen: Bool { lifecycle.withLock { $0.open } }

    /// Sends `bytes` as one unit, never interleaved with another sender's.
    @discardableResult
    func send(_ bytes: [UInt8]) throws(SocketFailure) -> SendOutcome {
        try send { bytes }
    }

    /// Calls `prepare` and sends what it returns, both under the send lock, so nothing another
    /// thread sends can come between them. An empty queue accepts bytes of any size.
    @discardableResult
    func send(preparing prepare: () -> [UInt8]) throws(SocketFailure) -> SendOutcome {
        let outcome = outbound.withLock { outbound -> Result<SendOutcome, SocketFailure> in
            guard isOpen else { return .success(.closed) }
            let bytes = prepare()
            var rest = bytes[...]
            if outbound.queuedBytes == 0 {
                switch sendWithoutWaiting(rest) {
                case .failure(let failure): return .failure(failure)
                case .success(let sent) where sent == rest.count: return .success(.sent)
                case .success(let sent): rest = rest.dropFirst(sent)
                }
            } else if outbound.queuedBytes + bytes.count > sendQueueBytesMax {
                return .success(.queueFull)
            }
            outbound.chunks.append(Array(rest))
            outbound.queuedBytes += rest.count
            if outbound.writer == nil { return startWriter(&outbound).map { .queued } }
            return .success(.queued)
        }
        outbound.signal()
        return try outcome.get()
    }

    /// Shuts both directions down (a blocked `recv` returns 0, the writer's `poll` wakes),
    /// remembering the first reason given.
    func shutdown(reason: String) {
        lifecycle.withLock { lifecycle in
            guard lifecycle.open else { return }
            if lifecycle.shutdownReason == nil { lifecycle.shutdownReason = reason }
            _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR))
        }
    }

    /// Closes the descriptor once the writer has stopped; later sends are dropped. Called by the
    /// reader when it has finished, never by the writer.
    func close() {
        shutdown(reason: "closed")
        let writer = outbound.withLock { outbound in
            outbound.closing = true
            return outbound.writer
        }
        outbound.broadcast()
        writer?.join()
        outbound.withLock { outbound in
            outbound.chunks = []
            outbound.queuedBytes = 0
            lifecycle.withLock { lifecycle in
                guard lifecycle.open else { return }
                lifecycle.open = false
                _ = Glibc.close(descriptor)
            }
        }
    }

    /// Sends what the kernel takes now; the count sent, or the failure (not `EAGAIN`).
    private func sendWithoutWaiting(_ bytes: ArraySlice<UInt8>) -> Result<Int, SocketFailure> {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return .success(0) }
            var offset = 0
            while offset < raw.count {
                let sent = Glibc.send(descriptor, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
                if sent > 0 {
                    offset += sent
                    continue
                }
                let code = errno
                if sent < 0 && code == EINTR { continue }
                if sent < 0 && (code == EAGAIN || code == EWOULDBLOCK) { break }
                return .failure(.call("send", code: code))
            }
            return .success(offset)
        }
    }

    private func startWriter(_ outbound: inout Outbound) -> Result<Void, SocketFailure> {
        let writer = WireThread(name: "rpc-write")
        do {
            try writer.start { [self] in writeQueued() }
        } catch {
            return .failure(error)
        }
        outbound.writer = writer
        return .success(())
    }

    /// The writer thread: waits for queued bytes, then for the peer to read, and sends them.
    private func writeQueued() {
        let stallMilliseconds = Int32(clamping: sendStallTimeout.wireMilliseconds)
        while true {
            let open = outbound.waitForWork { outbound in
                (outbound.closing ? false : outbound.queuedBytes > 0 ? true : nil, nil)
            }
            guard open else { return }
            var entry = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&entry, 1, max(stallMilliseconds, 1))
            if ready == 0 {
                shutdown(reason: "the peer read nothing for \(stallMilliseconds) ms (sendStallTimeout)")
                return
            }
            if let failure = sendQueued() {
                shutdown(reason: "send failed: \(failure.reason)")
                return
            }
        }
    }

    /// Sends queued bytes until the kernel takes no more; the failure, if one happened.
    private func sendQueued() -> SocketFailure? {
        outbound.withLock { outbound in
            while outbound.headIndex < outbound.chunks.count {
                let chunk = outbound.chunks[outbound.headIndex]
                switch sendWithoutWaiting(chunk[outbound.headOffset...]) {
                case .failure(let failure):
                    return failure
                case .success(let sent):
                    outbound.queuedBytes -= sent
                    outbound.headOffset += sent
                    guard outbound.headOffset == chunk.count else { return nil }
                    outbound.chunks[outbound.headIndex] = []
                    outbound.headIndex += 1
                    outbound.headOffset = 0
                    if outbound.headIndex > Self.sentChunksSlack {
                        outbound.chunks.removeFirst(outbound.headIndex)
                        outbound.headIndex = 0
                    }
                }
            }
            outbound.chunks.removeAll(keepingCapacity: true)
            outbound.headIndex = 0
            return nil
        }
    }
}
