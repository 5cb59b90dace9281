/// Why an RPC failed, naming the server's address; the texts follow Hadoop's `NetUtils`
/// wrappers (`Call to host:port failed on connection exception: ...`).
public enum RPCError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Nothing listens at the address (`ECONNREFUSED`). The request was not sent.
    case connectionRefused(address: String)
    /// The connect failed otherwise: unknown host, no route, a local resource. Not sent.
    case connectFailed(address: String, reason: String)
    /// No connection within the client's `connectTimeout`. Not sent.
    case connectTimedOut(address: String, milliseconds: Int64)
    /// No response within the call's timeout; the request may or may not have been handled.
    case timedOut(address: String, milliseconds: Int64)
    /// The connection broke while the call was outstanding; it may or may not have been handled.
    case connectionLost(address: String, reason: String)
    /// The server sent bytes that are not a valid frame, or the call's own payload is too large
    /// for a frame; the connection is closed.
    case frameError(address: String, FrameError)
    /// More than `callsOutstandingMax` calls were outstanding. Not sent.
    case tooManyCalls(address: String, callsOutstandingMax: Int)
    /// `sendQueueBytesMax` bytes were already queued for a server that is not reading. Not sent.
    case sendQueueFull(address: String, sendQueueBytesMax: Int)
    /// The client was closed before the call completed.
    case closed(address: String)
    /// The server could not bind its address.
    case bindFailed(address: String, reason: String)

    /// True when the request certainly never reached the server, so it is safe to send it elsewhere.
    public var requestNotSent: Bool {
        switch self {
        case .connectionRefused, .connectFailed, .connectTimedOut, .tooManyCalls, .sendQueueFull, .bindFailed:
            return true
        case .timedOut, .connectionLost, .frameError, .closed: return false
        }
    }

    public var description: String {
        switch self {
        case .connectionRefused(let address):
            return "Call to \(address) failed on connection exception: java.net.ConnectException: Connection refused"
        case .connectFailed(let address, let reason):
            return "Call to \(address) failed on connection exception: \(reason)"
        case .connectTimedOut(let address, let milliseconds):
            return "Call to \(address) failed on socket timeout exception: org.apache.hadoop.net.ConnectTimeoutException: "
                + "\(milliseconds) millis timeout while waiting for channel to be ready for connect"
        case .timedOut(let address, let milliseconds):
            return "Call to \(address) failed on socket timeout exception: java.net.SocketTimeoutException: "
                + "timed out after \(milliseconds) ms waiting for the response"
        case .connectionLost(let address, let reason):
            return "Call to \(address) failed on local exception: java.io.IOException: connection lost: \(reason)"
        case .frameError(let address, let error):
            return "Call to \(address) failed: bad frame: \(error)"
        case .tooManyCalls(let address, let limit):
            return "Call to \(address) refused: \(limit) calls already outstanding (callsOutstandingMax)"
        case .sendQueueFull(let address, let limit):
            return "Call to \(address) refused: \(limit) bytes already queued for a server that is not reading (sendQueueBytesMax)"
        case .closed(let address):
            return "Call to \(address) failed: the client is closed"
        case .bindFailed(let address, let reason):
            return "Problem binding to [\(address)] java.net.BindException: \(reason)"
        }
    }
}
