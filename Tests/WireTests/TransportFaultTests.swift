import Dispatch
import Synchronization
import XCTest
@testable import Wire

/// Peers that misbehave: a server that stops reading (the SIGSTOP-paused JournalNode), one that
/// sends garbage, a client beyond `connectionsMax`, a reply larger than the frame limit.
final class TransportFaultTests: XCTestCase {
    /// A call never waits for a server that does not read: bytes the kernel will not take are
    /// queued, a full queue refuses further calls without sending them, and a server that reads
    /// nothing for `sendStallTimeout` loses the connection, failing its calls. A call made after
    /// that (the caller was slow to issue all 64) reconnects and is refused: the server stopped
    /// listening, as a paused JournalNode's backlog would not be read either.
    func testServerThatStopsReadingBlocksNoCaller() throws {
        let listener = try RawListener()
        listener.acceptOne(thenStopListening: true)
        let client = RPCClient(host: "127.0.0.1", port: listener.port, sendQueueBytesMax: 4 << 20,
                               sendStallTimeout: .milliseconds(300), log: { _ in })
        defer { client.close() }
        let results = Results()
        let callsCount = 64
        let issued = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            for index in 0..<callsCount {
                client.call(payload: [UInt8](repeating: UInt8(index), count: 1 << 20), lamport: 0, timeout: .seconds(60),
                            completion: results.completion(index))
            }
            issued.signal()
        }
        XCTAssertEqual(issued.wait(timeout: .now() + 30), .success, "calls returned without waiting for the server")
        XCTAssertTrue(listener.waitForAccept())
        let answers = results.wait()
        XCTAssertEqual(answers.count, callsCount)
        var refused = 0, lost = 0
        for (index, result) in answers {
            switch result {
            case .failure(.sendQueueFull(_, let limit)):
                XCTAssertEqual(limit, 4 << 20)
                refused += 1
            case .failure(.connectionLost(_, let reason)):
                XCTAssertEqual(reason, "the peer read nothing for 300 ms (sendStallTimeout)")
                lost += 1
            case .failure(.connectionRefused):
                break  // issued after the stalled connection was dropped: see above
            default:
                XCTFail("call \(index): \(result)")
            }
        }
        XCTAssertGreaterThan(refused, 0, "64 MiB cannot all fit a 4 MiB queue and the socket buffers")
        XCTAssertGreaterThan(lost, 0)
        XCTAssertEqual(RPCError.sendQueueFull(address: "h:1", sendQueueBytesMax: 9).description,
                       "Call to h:1 refused: 9 bytes already queued for a server that is not reading (sendQueueBytesMax)")
    }

    /// A server that stops reading for a while (its handler is busy) and then resumes gets every
    /// queued request, in call order, and answers them all.
    func testQueuedRequestsArriveInOrderWhenTheServerResumesReading() throws {
        let resume = DispatchSemaphore(value: 0)
        let seen = Mutex<[UInt8]>([])
        let server = try RPCServer(host: "127.0.0.1", port: 0, log: { _ in }) { request, reply in
            seen.withLock { $0.append(request.payload[0]) }
            if request.payload[0] == 0 { _ = resume.wait(timeout: .now() + 60) }
            reply.send(payload: [request.payload[0]], lamport: 0)
        }
        defer { server.stop() }
        let client = RPCClient(host: "127.0.0.1", port: server.port, log: { _ in })
        defer { client.close() }
        let results = Results()
        let callsCount = 24
        let issued = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            for index in 0..<callsCount {
                client.call(payload: [UInt8](repeating: UInt8(index), count: 1 << 20), lamport: 0, timeout: .seconds(60),
                            completion: results.completion(index))
            }
            issued.signal()
        }
        XCTAssertEqual(issued.wait(timeout: .now() + 30), .success, "calls returned while the server was not reading")
        resume.signal()
        for (index, result) in results.wait() { XCTAssertEqual(try result.get().payload, [UInt8(index)]) }
        XCTAssertEqual(seen.withLock { $0 }, (0..<callsCount).map { UInt8($0) })
    }

    /// Bytes from a server that are not frames fail the outstanding calls with a frame error.
    func testGarbageFromTheServerIsAFrameError() throws {
        let listener = try RawListener()
        listener.acceptOne(thenSend: Array("SSH-2.0-OpenSSH_9.6\r\n".utf8))
        let client = RPCClient(host: "127.0.0.1", port: listener.port, log: { _ in })
        defer { client.close() }
        XCTAssertThrowsError(try client.call(payload: [1], lamport: 0, timeout: .seconds(60))) { error in
            XCTAssertEqual(error as? RPCError, .frameError(address: "127.0.0.1:\(listener.port)", .badMagic(0x5353)))
            XCTAssertEqual("\(error)", "Call to 127.0.0.1:\(listener.port) failed: bad frame: "
                           + "bad magic 0x5353, expected 0x514A (\"QJ\")")
        }
        XCTAssertTrue(listener.waitForAccept())
    }

    /// Beyond `connectionsMax` a connection is accepted and closed at once, with a log line;
    /// the connections being served are unaffected.
    func testConnectionsBeyondTheMaximumAreRefused() throws {
        let log = LogLines()
        let server = try RPCServer(host: "127.0.0.1", port: 0, connectionsMax: 1, log: log.sink) { request, reply in
            reply.send(payload: request.payload, lamport: 0)
        }
        defer { server.stop() }
        let client = RPCClient(host: "127.0.0.1", port: server.port, log: { _ in })
        defer { client.close() }
        XCTAssertEqual(try client.call(payload: [1], lamport: 0, timeout: .seconds(30)).payload, [1])
        let raw = try RawConnection(port: server.port)
        XCTAssertTrue(raw.waitUntilClosedByServer())
        XCTAssertEqual(log.all, ["Refusing connection from 127.0.0.1:\(raw.localPort): already serving connectionsMax 1 connections"])
        XCTAssertEqual(try client.call(payload: [2], lamport: 0, timeout: .seconds(30)).payload, [2])
    }

    /// A reply above the server's frame limit is this server's fault: logged, and the connection
    /// closed so the caller learns at once instead of waiting for its timeout.
    func testOversizedReplyClosesTheConnection() throws {
        let log = LogLines()
        let server = try RPCServer(host: "127.0.0.1", port: 0, framePayloadBytesMax: 8, log: log.sink) { request, reply in
            reply.send(payload: request.payload + request.payload, lamport: 0)
        }
        defer { server.stop() }
        let client = RPCClient(host: "127.0.0.1", port: server.port, log: { _ in })
        defer { client.close() }
        XCTAssertEqual(try client.call(payload: [1, 2], lamport: 0, timeout: .seconds(30)).payload, [1, 2, 1, 2])
        XCTAssertThrowsError(try client.call(payload: [1, 2, 3, 4, 5], lamport: 0, timeout: .seconds(60))) { error in
            XCTAssertEqual(error as? RPCError, .connectionLost(address: "127.0.0.1:\(server.port)",
                                                               reason: "the server closed the connection"))
        }
        XCTAssertEqual(log.all.count, 1)
        XCTAssertTrue(log.all[0].hasPrefix("Closing connection from 127.0.0.1:"), log.all[0])
        XCTAssertTrue(log.all[0].hasSuffix("of 10 bytes exceeds framePayloadBytesMax 8"), log.all[0])
    }
}
