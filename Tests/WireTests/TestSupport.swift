import Dispatch
import Glibc
import Synchronization
import XCTest
@testable import Wire

/// Log lines a server or client wrote, for assertions.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])

    var sink: @Sendable (String) -> Void { { [self] line in lines.withLock { $0.append(line) } } }
    var all: [String] { lines.withLock { $0 } }
}

/// Results of asynchronous calls, by the index the test gave each call.
final class Results: Sendable {
    private let results = Mutex<[Int: Result<Frame, RPCError>]>([:])
    private let group = DispatchGroup()

    /// A completion for call `index`; the test waits for all of them with `wait`.
    func completion(_ index: Int) -> @Sendable (Result<Frame, RPCError>) -> Void {
        group.enter()
        return { [self] result in
            let first = results.withLock { $0.updateValue(result, forKey: index) == nil }
            XCTAssertTrue(first, "call \(index) completed twice")
            group.leave()
        }
    }

    /// Waits for every completion (the deadline only keeps a broken build from hanging).
    func wait(file: StaticString = #filePath, line: UInt = #line) -> [Int: Result<Frame, RPCError>] {
        XCTAssertEqual(group.wait(timeout: .now() + 60), .success, "completions missing", file: file, line: line)
        return results.withLock { $0 }
    }
}

/// A plain TCP connection to a server, for sending bytes that are not frames.
final class RawConnection {
    let descriptor: Int32

    init(port: UInt16) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw SystemErrorForTest(call: "connect", code: errno) }
        // A safety net only: the tests wait for the server to close, which it does at once.
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    func send(_ bytes: [UInt8]) {
        let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        XCTAssertEqual(sent, bytes.count)
    }

    /// Ends this side's stream (the server sees end of file).
    func finishSending() { shutdown(descriptor, Int32(SHUT_WR)) }

    /// Reads until the server closes the connection; true if it did (end of file or reset).
    func waitUntilClosedByServer() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 { continue }
            if count == 0 { return true }
            if errno == EINTR { continue }
            return errno == ECONNRESET
        }
    }

    /// The local port, as the server's log names the peer.
    var localPort: UInt16 { Socket.localPort(descriptor) }
}

struct SystemErrorForTest: Error {
    var call: String
    var code: Int32
}

/// A server that answers each request with its payload reversed and the Lamport clock plus one.
func makeEchoServer(log: LogLines = LogLines(), framePayloadBytesMax: Int = Frame.payloadBytesMaxDefault,
                    port: UInt16 = 0) throws -> RPCServer {
    try RPCServer(host: "127.0.0.1", port: port, framePayloadBytesMax: framePayloadBytesMax, log: log.sink) { request, reply in
        reply.send(payload: request.payload.reversed(), lamport: request.lamport + 1)
    }
}

/// A listening socket that is not an RPC server: it accepts one connection and then does what
/// the test says (nothing, or send bytes), to play a server that misbehaves.
final class RawListener: @unchecked Sendable {
    // @unchecked: `accepted` is written once by the accepting closure before `ready` is signalled
    // and read only after waiting on it.
    let descriptor: Int32
    let port: UInt16
    private var accepted: Int32 = -1
    private var listening = true
    private let ready = DispatchSemaphore(value: 0)

    init() throws {
        (descriptor, port) = try Socket.listen(host: "127.0.0.1", port: 0)
    }

    /// Accepts one connection in the background and sends `bytes` on it (none: it never reads).
    /// With `thenStopListening`, later connections are refused instead of waiting in the backlog
    /// (where the kernel would take their bytes without anybody ever reading them).
    func acceptOne(thenSend bytes: [UInt8] = [], thenStopListening: Bool = false) {
        DispatchQueue.global().async { [self] in
            if case .success(let connection) = Socket.accept(descriptor) {
                accepted = connection.descriptor
                if thenStopListening {
                    close(descriptor)
                    listening = false
                }
                if !bytes.isEmpty { _ = bytes.withUnsafeBytes { send(connection.descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }
            }
            ready.signal()
        }
    }

    func waitForAccept() -> Bool { ready.wait(timeout: .now() + 30) == .success }

    deinit {
        if accepted >= 0 { close(accepted) }
        if listening { close(descriptor) }
    }
}
