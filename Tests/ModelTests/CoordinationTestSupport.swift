import XCTest
@testable import Model

/// The client side of a coordination scenario: numbered xids per session, every effect kept,
/// and the server's internal invariants checked after every step.
struct CoordinationScript {
    var server: CoordinationServer
    /// Every effect so far, in order: the trace of the scenario.
    var trace: [CoordinationEffect] = []
    private var lastXid: [Int64: Int32] = [:]

    init(_ configuration: CoordinationConfiguration = CoordinationConfiguration()) {
        server = CoordinationServer(configuration: configuration)
    }

    @discardableResult
    mutating func step(_ input: CoordinationInput, file: StaticString = #filePath, line: UInt = #line)
        -> [CoordinationEffect] {
        let effects = server.step(input)
        XCTAssertNil(server.consistencyViolation, file: file, line: line)
        trace.append(contentsOf: effects)
        return effects
    }

    /// Opens a new session and returns its id.
    mutating func connect(timeoutMs: Int32 = 4000, file: StaticString = #filePath, line: UInt = #line) -> Int64 {
        let effects = step(.connect(timeoutMs: timeoutMs), file: file, line: line)
        guard case let .reply(_, _, _, .sessionEstablished(session, _, _))? = effects.first(where: {
            if case .reply = $0 { true } else { false }
        }) else {
            XCTFail("no session established: \(effects)", file: file, line: line)
            return 0
        }
        return session
    }

    /// Sends one request with the session's next xid and returns every effect of the step.
    @discardableResult
    mutating func send(_ session: Int64, _ operation: CoordinationOperation, time: Int64 = 0,
                       file: StaticString = #filePath, line: UInt = #line) -> [CoordinationEffect] {
        let xid = (lastXid[session] ?? 0) + 1
        lastXid[session] = xid
        return step(.request(session: session, xid: xid, time: time, operation: operation), file: file, line: line)
    }

    /// Sends one request and returns the result of its (single) reply.
    @discardableResult
    mutating func call(_ session: Int64, _ operation: CoordinationOperation, time: Int64 = 0,
                       file: StaticString = #filePath, line: UInt = #line) -> CoordinationResult? {
        let results = CoordinationScript.results(send(session, operation, time: time, file: file, line: line))
        XCTAssertEqual(results.count, 1, "expected one reply", file: file, line: line)
        return results.first
    }

    /// The results of the replies among `effects`, in order.
    static func results(_ effects: [CoordinationEffect]) -> [CoordinationResult] {
        effects.compactMap { if case let .reply(_, _, _, result) = $0 { result } else { nil } }
    }

    /// The zxids of the replies among `effects`, in order.
    static func replyZxids(_ effects: [CoordinationEffect]) -> [Int64] {
        effects.compactMap { if case let .reply(_, _, zxid, _) = $0 { zxid } else { nil } }
    }

    /// The watch events among `effects` for `session`, in order.
    static func events(_ effects: [CoordinationEffect], for session: Int64) -> [CoordinationWatchEvent] {
        effects.compactMap {
            if case let .watchEvent(target, event) = $0, target == session { event } else { nil }
        }
    }

    /// Every watch event among `effects`, in order.
    static func allEvents(_ effects: [CoordinationEffect]) -> [CoordinationEffect] {
        effects.filter { if case .watchEvent = $0 { true } else { false } }
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
}
