import Dispatch
import Model
import Support
import Synchronization
import XCTest
@testable import Wire

/// The TCP transport on 127.0.0.1 with kernel-chosen ports: request/response matching, pipelining,
/// timeouts, connection faults, and the error texts (Hadoop's `NetUtils` wording).
final class TransportTests: XCTestCase {
    func testEchoCarriesPayloadAndLamportClock() throws {
        let server = try makeEchoServer()
        defer { server.stop() }
        let client = RPCClient(host: "127.0.0.1", port: server.port, log: { _ in })
        defer { client.close() }
        let answer = try client.call(payload: [1, 2, 3], lamport: 41, timeout: .seconds(30))
        XCTAssertEqual(answer.payload, [3, 2, 1])
        XCTAssertEqual(answer.lamport, 42)
        let empty = try client.call(payload: [], lamport: 0, timeout: .seconds(30))
        XCTAssertEqual(empty.payload, [])
        XCTAssertEqual(server.connectionCount, 1, "calls share one connection")
    }

    /// The JournalNode protocol end to end: a JournalCall goes out, a JournalReply comes back.
    func testJournalMessagesOverTheTransport() throws {
        let server = try RPCServer(host: "127.0.0.1", port: 0, log: { _ in }) { request, reply in
            let answer: JournalReply
            switch try? JournalCall.decode(request.payload) {
            case .protocolRequest(_, .newEpoch(let epoch), _, _)?:
                answer = .protocolResponse(.newEpochAccepted(epoch: epoch, lastSegmentStart: nil))
            default:
                answer = .error(className: "java.io.IOException", message: "unexpected call")
            }
            reply.send(payload: answer.encode(), lamport: request.lamport + 1)
        }
        defer { server.stop() }
        let client = RPCClient(host: "127.0.0.1", port: server.port, log: { _ in })
        defer { client.close() }
        let call = JournalCall.protocolRequest(journalID: "j", .newEpoch(epoch: 6), edits: [],
                                               namespace: NamespaceInfo(namespaceID: 1, clusterID: "c", blockPoolID: "b"))
        let answer = try client.call(payload: call.encode(), lamport: 1, timeout: .seconds(30))
        XCTAssertEqual(try JournalReply.decode(answer.payload), .protocolResponse(.newEpochAccepted(epoch: 6, lastSegmentStart: nil)))
    }

    /// 1,000 calls from four threads outstanding together on one connection, answered partly at
    /// once and partly later from other threads: each gets its own answer.
    func testPipelinedConcurrentCallsEachGetTheirOwnAnswer() throws {
        let server = try RPCServer(host: "127.0.0.1", port: 0, log: { _ in }) { request, reply in
            if request.callID % 2 == 0 {
                reply.send(payload: request.payload.reversed(), lamport: request.lamport + 1)
            } else {
                DispatchQueue.global().async { reply.send(payload: request.payload.reversed(), lamport: request.lamport + 1) }
            }
        }
        defer { server.stop() }
        let client = RPCClient(host: "127.0.0.1", port: server.port, log: { _ in })
        defer { client.close() }
        let results = Results()
        let threadsCount = 4, callsPerThread = 250
        DispatchQueue.concurrentPerform(iterations: threadsCount) { thread in
            for call in 0..<callsPerThread {
                let index = thread * callsPerThread + call
                client.call(payload: bytes(of: index), lamport: UInt64(index), timeout: .seconds(60),
                            completion: results.completion(index))
            }
        }
        let answers = results.wait()
        XCTAssertEqual(answers.count, threadsCount * callsPerThread)
        for (index, result) in answers {
            guard case .success(let frame) = result else { return XCTFail("call \(index): \(result)") }
            XCTAssertEqual(frame.payload, bytes(of: index).reversed(), "call \(index)")
            XCTAssertEqual(frame.lamport, UInt64(index) + 1)
        }
        XCTAssertEqual(server.connectionCount, 1)
    }

    /// Responses may come in any order; requests of one connection reach the handler in order.
    func testHandlerAnsweringOutOfOrder() throws {
        let callsCount = 10
        let held = Mutex<[(Frame, RPCReply)]>([])
        let server = try RPCServer(host: "127.0.0.1", port: 0, log: { _ in }) { request, reply in
            let batch: [(Frame, RPCReply)] = held.withLock { held in
                held.append((request, reply))
                guard held.count == callsCount else { return [] }
                defer { held = [] }
                return held
            }
            XCTAssertEqual(batch.map { $0.0.payload }, batch.isEmpty ? [] : (0..<callsCount).map { bytes(of: $0) },
                           "requests arrive in the order they were sent")
            for (frame, reply) in batch.reversed() { reply.send(payload: frame.payload + [0xAA], lamport: 0) }
        }
        defer { server.stop() }
        let client = RPCClient(host: "127.0.0.1", port: server.port, log: { _ in })
        defer { client.close() }
        let results = Results()
        for index in 0..<callsCount {
            client.call(payload: bytes(of: index), lamport: 0, timeout: .seconds(60), completion: results.completion(index))
        }
        for (index, result) in results.wait() {
            XCTAssertEqual(try result.get().payload, bytes(of: index) + [0xAA], "call \(index)")
        }
    }

    /// A call whose handler never replies times out alone; the connection and other calls go on.
    func testTimeoutFailsOnlyThatCall() throws {
        let server = try RPCServer(host: "127.0.0.1", port: 0, log: { _ in }) { request, reply in
            if request.payload != Array("hang".utf8) { reply.send(payload: request.payload, lamport: 0) }
        }
        defer { server.stop() }
        let client = RPCClient(host: "127.0.0.1", port: server.port, log: { _ in })
        defer { client.close() }
        let results = Results()
        client.call(payload: Array("hang".utf8), lamport: 0, timeout: .milliseconds(200), completion: results.completion(0))
        client.call(payload: [1], lamport: 0, timeout: .seconds(60), completion: results.completion(1))
        let answers = results.wait()
        XCTAssertEqual(answers[0].map { try? $0.get() }, .some(nil))
        guard case .failure(let error)? = answers[0] else { return XCTFail("the hung call succeeded") }
        XCTAssertEqual(error, .timedOut(address: "127.0.0.1:\(server.port)", milliseconds: 200))
        XCTAssertEqual("\(error)", "Call to 127.0.0.1:\(server.port) failed on socket timeout exception: "
                       + "java.net.SocketTimeoutException: timed out after 200 ms waiting for the response")
        XCTAssertFalse(error.requestNotSent)
        XCTAssertEqual(try answers[1]?.get().payload, [1])
        XCTAssertEqual(try client.call(payload: [2], lamport: 0, timeout: .seconds(60)).payload, [2])
        XCTAssertEqual(server.connectionCount, 1, "a timeout does not close the connection")
    }

    /// Garbage, an oversized length, a bad checksum, a truncated frame and a response sent to the
    /// server each close their own connection, logged with the reason and the peer; a client
    /// connected alongside keeps working on its connection.
    func testMalformedFramesCloseOnlyTheirConnection() throws {
        let log = LogLines()
        let server = try makeEchoServer(log: log, framePayloadBytesMax: 1024)
        defer { server.stop() }
        let client = RPCClient(host: "127.0.0.1", port: server.port, log: { _ in })
        defer { client.close() }
        XCTAssertEqual(try client.call(payload: [1], lamport: 0, timeout: .seconds(30)).payload, [1])

        var badChecksum = Frame(kind: .request, callID: 1, lamport: 0, payload: [1, 2, 3]).encoded()
        badChecksum[Frame.headerBytes] ^= 0xFF
        let oversized = Array(Frame(kind: .request, callID: 1, lamport: 0, payload: [UInt8](repeating: 0, count: 1025))
            .encoded()[..<Frame.headerBytes])
        let truncated = Array(Frame(kind: .request, callID: 1, lamport: 0, payload: [1, 2, 3]).encoded().dropLast())
        let response = Frame(kind: .response, callID: 1, lamport: 0, payload: []).encoded()
        let cases: [(name: String, bytes: [UInt8], endStream: Bool, reason: String)] = [
            ("garbage", Array("GET / HTTP/1.1\r\n\r\n".utf8), false, "bad magic 0x4745, expected 0x514A (\"QJ\")"),
            ("oversized", oversized, false, "payload of 1025 bytes exceeds framePayloadBytesMax 1024"),
            ("bad checksum", badChecksum, false, "checksum mismatch: expected"),
            ("truncated", truncated, true, "truncated frame: the stream ended after 30 of 31 bytes"),
            ("response", response, false, "unexpected response frame"),
        ]
        for badCase in cases {
            let raw = try RawConnection(port: server.port)
            raw.send(badCase.bytes)
            if badCase.endStream { raw.finishSending() }
            XCTAssertTrue(raw.waitUntilClosedByServer(), badCase.name)
            let line = "Closing connection from 127.0.0.1:\(raw.localPort): \(badCase.reason)"
            XCTAssertTrue(log.all.contains { $0.hasPrefix(line) }, "\(badCase.name): \(log.all)")
            XCTAssertEqual(try client.call(payload: [7, 8], lamport: 0, timeout: .seconds(30)).payload, [8, 7], badCase.name)
        }
        XCTAssertEqual(log.all.count, cases.count, "\(log.all)")
    }

    /// A lost connection fails every call outstanding on it at once.
    func testConnectionLossFailsEveryOutstandingCall() throws {
        let received = DispatchSemaphore(value: 0)
        let server = try RPCServer(host: "127.0.0.1", port: 0, log: { _ in }) { _, _ in received.signal() }
        let client = RPCClient(host: "127.0.0.1", port: server.port, log: { _ in })
        defer { client.close() }
        let results = Results()
        for index in 0..<3 { client.call(payload: [UInt8(index)], lamport: 0, timeout: .seconds(60), completion: results.completion(index)) }
        for _ in 0..<3 { XCTAssertEqual(received.wait(timeout: .now() + 30), .success) }
        server.stop()
        for (index, result) in results.wait() {
            guard case .failure(.connectionLost(let address, _)) = result else { return XCTFail("call \(index): \(result)") }
            XCTAssertEqual(address, "127.0.0.1:\(server.port)")
        }
    }

    /// After the server restarts on the same port, the first call sees the old connection fail and
    /// the next one connects again.
    func testClientReconnectsAfterServerRestartOnTheSamePort() throws {
        let first = try makeEchoServer()
        let port = first.port
        let client = RPCClient(host: "127.0.0.1", port: port, log: { _ in })
        defer { client.close() }
        XCTAssertEqual(try client.call(payload: [1, 2], lamport: 0, timeout: .seconds(30)).payload, [2, 1])
        first.stop()
        XCTAssertThrowsError(try client.call(payload: [3], lamport: 0, timeout: .seconds(30))) { error in
            switch error as? RPCError {
            case .connectionLost?, .connectionRefused?: break
            default: XCTFail("\(error)")
            }
        }
        let second = try makeEchoServer(port: port)
        defer { second.stop() }
        XCTAssertEqual(try client.call(payload: [4, 5], lamport: 0, timeout: .seconds(30)).payload, [5, 4])
    }

    func testConnectionRefusedNamesTheAddress() throws {
        let server = try makeEchoServer()
        let port = server.port
        server.stop()
        let client = RPCClient(host: "127.0.0.1", port: port, log: { _ in })
        defer { client.close() }
        XCTAssertThrowsError(try client.call(payload: [1], lamport: 0, timeout: .seconds(30))) { error in
            XCTAssertEqual(error as? RPCError, .connectionRefused(address: "127.0.0.1:\(port)"))
            XCTAssertEqual("\(error)", "Call to 127.0.0.1:\(port) failed on connection exception: "
                           + "java.net.ConnectException: Connection refused")
            XCTAssertEqual((error as? RPCError)?.requestNotSent, true)
        }
    }

    func testUnknownHostAndBindFailureTexts() throws {
        let client = RPCClient(host: "no-such-host.invalid", port: 8485, log: { _ in })
        defer { client.close() }
        XCTAssertThrowsError(try client.call(payload: [1], lamport: 0, timeout: .seconds(30))) { error in
            guard case .connectFailed(let address, let reason)? = error as? RPCError else { return XCTFail("\(error)") }
            XCTAssertEqual(address, "no-such-host.invalid:8485")
            XCTAssertTrue(reason.hasPrefix("java.net.UnknownHostException: no-such-host.invalid: "), reason)
        }
        let server = try makeEchoServer()
        defer { server.stop() }
        XCTAssertThrowsError(try makeEchoServer(port: server.port)) { error in
            XCTAssertEqual("\(error)", "Problem binding to [127.0.0.1:\(server.port)] java.net.BindException: Address already in use")
        }
    }

    /// A payload above the limit is refused before anything is sent; `close` fails what is left.
    func testOversizedPayloadAndClosedClient() throws {
        let received = DispatchSemaphore(value: 0)
        let server = try RPCServer(host: "127.0.0.1", port: 0, log: { _ in }) { _, _ in received.signal() }
        defer { server.stop() }
        let client = RPCClient(host: "127.0.0.1", port: server.port, framePayloadBytesMax: 4, log: { _ in })
        XCTAssertThrowsError(try client.call(payload: [1, 2, 3, 4, 5], lamport: 0, timeout: .seconds(30))) { error in
            XCTAssertEqual(error as? RPCError, .frameError(address: "127.0.0.1:\(server.port)",
                                                           .payloadTooLarge(bytes: 5, framePayloadBytesMax: 4)))
        }
        let results = Results()
        client.call(payload: [1], lamport: 0, timeout: .seconds(60), completion: results.completion(0))
        XCTAssertEqual(received.wait(timeout: .now() + 30), .success)
        client.close()
        guard case .failure(let error)? = results.wait()[0] else { return XCTFail("the call was answered") }
        XCTAssertEqual(error, .closed(address: "127.0.0.1:\(server.port)"))
        XCTAssertThrowsError(try client.call(payload: [1], lamport: 0, timeout: .seconds(30))) { error in
            XCTAssertEqual("\(error)", "Call to 127.0.0.1:\(server.port) failed: the client is closed")
        }
    }
}

/// An index as 8 big-endian bytes.
func bytes(of index: Int) -> [UInt8] {
    (0..<8).map { UInt8(truncatingIfNeeded: UInt64(index) >> UInt64(56 - 8 * $0)) }
}
