import Synchronization

/// The way back to the caller of one request: `send` at most once, from any thread, now or later.
public final class RPCReply: Sendable {
    /// The request's call id, echoed in the response.
    public let callID: UInt64
    /// The client's address, `host:port`.
    public var peer: String { connection.peer }
    private let connection: SocketConnection
    private let framePayloadBytesMax: Int
    private let log: @Sendable (String) -> Void
    private let replied = Atomic<Bool>(false)

    init(callID: UInt64, connection: SocketConnection, framePayloadBytesMax: Int, log: @escaping @Sendable (String) -> Void) {
        self.callID = callID
        self.connection = connection
        self.framePayloadBytesMax = framePayloadBytesMax
        self.log = log
    }

    /// Sends the response frame without waiting for the client to read it (one `send`, never
    /// interleaved with another frame). If the connection has closed meanwhile the response is
    /// dropped: the caller has already been told. A client that leaves `sendQueueBytesMax` bytes
    /// of replies unread has its connection closed.
    /// A payload above `framePayloadBytesMax` is a fault of this server: logged, and the connection
    /// is closed so the caller learns at once instead of timing out.
    public func send(payload: [UInt8], lamport: UInt64) {
        let first = replied.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged
        precondition(first, "RPCReply.send called twice for call \(callID) from \(peer)")
        guard payload.count <= framePayloadBytesMax else {
            let reason = "reply to call \(callID) of \(payload.count) bytes exceeds framePayloadBytesMax \(framePayloadBytesMax)"
            log("Closing connection from \(peer): \(reason)")
            connection.shutdown(reason: reason)
            return
        }
        let frame = Frame(kind: .response, callID: callID, lamport: lamport, payload: payload)
        do {
            if try connection.send(frame.encoded()) == .queueFull {
                let reason = "\(connection.sendQueueBytesMax) bytes of replies queued and not read (sendQueueBytesMax)"
                log("Closing connection from \(peer): \(reason)")
                connection.shutdown(reason: reason)
            }
        } catch {
            guard connection.shutdownReason == nil else { return }
            log("Closing connection from \(peer): sending the reply to call \(callID) failed: \(error.reason)")
            connection.shutdown(reason: "send failed: \(error.reason)")
        }
    }
}
