import XCTest
@testable import Model

/// The node contract: the coordination server is a deterministic function of its inputs, and its
/// fingerprint separates the states the checker must tell apart.
final class CoordinationDeterminismTests: XCTestCase {
    private typealias Script = CoordinationScript

    /// A scenario touching every input and most operations.
    private static let scenario: [CoordinationInput] = [
        .connect(timeoutMs: 5_000, time: 100),
        .connect(timeoutMs: 60_000, time: 110),
        .request(session: 0x100, xid: 1, time: 120, operation: .create(path: "/a", data: [1, 2], mode: .persistent)),
        .request(session: 0x101, xid: 1, time: 130, operation: .exists(path: "/a/e", watch: true)),
        .request(session: 0x101, xid: 2, time: 131, operation: .getChildren(path: "/a", watch: true)),
        .request(session: 0x100, xid: 2, time: 140, operation: .create(path: "/a/e", data: [], mode: .ephemeral)),
        .request(session: 0x100, xid: 3, time: 150, operation: .create(path: "/a/s-", data: [3], mode: .persistentSequential)),
        .request(session: 0x101, xid: 3, time: 160, operation: .getData(path: "/a", watch: true)),
        .request(session: 0x100, xid: 4, time: 170, operation: .setData(path: "/a", data: [9], version: 0)),
        .request(session: 0x100, xid: 5, time: 180, operation: .setData(path: "/a", data: [8], version: 0)),
        .disconnected(session: 0x101),
        .connect(timeoutMs: 5_000, session: 0x101, password: CoordinationServer.password(for: 0x101), lastZxidSeen: 3, time: 190),
        .request(session: 0x101, xid: 4, time: 200, operation: .setWatches(
            relativeZxid: 3, dataWatches: ["/a"], existWatches: ["/a/e"], childWatches: ["/a"])),
        .request(session: 0x101, xid: -2, time: 210, operation: .ping),
        .request(session: 0x101, xid: 5, time: 220, operation: .exists(path: "/a/e", watch: true)),
        .sessionExpired(session: 0x100),
        .request(session: 0x100, xid: 6, time: 230, operation: .ping),
        .request(session: 0x101, xid: 6, time: 240, operation: .delete(path: "/a/s-0000000001", version: -1)),
        .request(session: 0x101, xid: 7, time: 250, operation: .closeSession),
    ]

    /// Same inputs, same effects, equal states and equal fingerprints, run after run.
    func testTheSameInputsGiveTheSameEffectsAndAnEqualState() {
        func run() -> (CoordinationServer, [[CoordinationEffect]], [UInt64]) {
            var server = CoordinationServer()
            var effects: [[CoordinationEffect]] = []
            var fingerprints: [UInt64] = []
            for input in Self.scenario {
                effects.append(server.step(input))
                XCTAssertNil(server.consistencyViolation)
                fingerprints.append(FingerprintHasher.fingerprint(server))
            }
            return (server, effects, fingerprints)
        }
        let first = run()
        let second = run()
        XCTAssertEqual(first.0, second.0)
        XCTAssertEqual(first.1, second.1)
        XCTAssertEqual(first.2, second.2)
        let stalePing = 16
        XCTAssertEqual(Self.scenario[stalePing], .request(session: 0x100, xid: 6, time: 230, operation: .ping))
        XCTAssertEqual(first.2[stalePing], first.2[stalePing - 1], "a request from an expired session changes nothing")
        XCTAssertNotEqual(first.2[stalePing - 1], first.2[stalePing - 2], "an expiry does")
        XCTAssertEqual(first.0.znodes.map(\.path), ["/", "/a"])
        XCTAssertEqual(first.0.sessions, [])
    }

    /// Values the checker must tell apart get different fingerprints; equal values equal ones.
    func testTheFingerprintSeparatesStates() {
        var base = Script()
        let session = base.connect()
        base.call(session, .create(path: "/n", data: [1], mode: .persistent))
        var otherData = base
        otherData.call(session, .setData(path: "/n", data: [2], version: -1))
        var otherWatch = base
        otherWatch.call(session, .exists(path: "/n", watch: true))
        var otherChildWatch = base
        otherChildWatch.call(session, .getChildren(path: "/n", watch: true))
        var otherTime = Script()
        let again = otherTime.connect()
        otherTime.call(again, .create(path: "/n", data: [1], mode: .persistent), time: 5)
        let fingerprints = [base, otherData, otherWatch, otherChildWatch, otherTime].map { FingerprintHasher.fingerprint($0.server) }
        XCTAssertEqual(Set(fingerprints).count, fingerprints.count)
        var replay = Script()
        let same = replay.connect()
        replay.call(same, .create(path: "/n", data: [1], mode: .persistent))
        XCTAssertEqual(FingerprintHasher.fingerprint(replay.server), fingerprints[0])
        XCTAssertNotEqual(FingerprintHasher.fingerprint(CoordinationServer()),
                          FingerprintHasher.fingerprint(CoordinationServer(configuration: CoordinationConfiguration(tickTimeMs: 1_000))))
        var large = [UInt8](repeating: 0, count: 1_000)
        let zero = ZnodeStat.zero
        XCTAssertNotEqual(FingerprintHasher.fingerprint(zero),
                          FingerprintHasher.fingerprint(ZnodeStat(czxid: 0, mzxid: 0, ctime: 0, mtime: 0, version: 0, cversion: 0,
                                                                  aversion: 0, ephemeralOwner: 0, dataLength: 0, numChildren: 0,
                                                                  pzxid: 1)))
        var hasherA = FingerprintHasher()
        Znode.combineBytes(large, into: &hasherA)
        large[999] = 1
        var hasherB = FingerprintHasher()
        Znode.combineBytes(large, into: &hasherB)
        XCTAssertNotEqual(hasherA.finalize(), hasherB.finalize())
    }

    /// A pinned state count: breadth-first over two sessions racing for an ephemeral lock
    /// (connect, create, exists-watch, delete, expire, disconnect), to depth 6, with failed
    /// writes leaving the state unchanged. Every reached state is consistent (so ephemerals
    /// always belong to live sessions) and has at most one lock. A change to the model's state
    /// shape changes the count, so it must be deliberate.
    func testTheLockRaceStateSpaceIsPinned() {
        let configuration = CoordinationConfiguration(failedWritesConsumeZxid: false)
        var actions: [CoordinationInput] = [.connect(timeoutMs: 4_000)]
        for session: Int64 in [0x100, 0x101] {
            actions += [
                .request(session: session, xid: 1, operation: .create(path: "/lock", data: [], mode: .ephemeral)),
                .request(session: session, xid: 1, operation: .exists(path: "/lock", watch: true)),
                .request(session: session, xid: 1, operation: .delete(path: "/lock", version: -1)),
                .sessionExpired(session: session),
                .disconnected(session: session),
            ]
        }
        var seen: Set<UInt64> = [FingerprintHasher.fingerprint(CoordinationServer(configuration: configuration))]
        var states: Set<CoordinationServer> = [CoordinationServer(configuration: configuration)]
        var frontier = [CoordinationServer(configuration: configuration)]
        var lockHeld = false
        var transitions = 0
        for _ in 0..<6 {
            var next: [CoordinationServer] = []
            for state in frontier {
                for action in actions {
                    if case .connect = action, state.nextSessionID > 0x101 { continue }
                    var successor = state
                    _ = successor.step(action)
                    transitions += 1
                    XCTAssertNil(successor.consistencyViolation)
                    XCTAssertLessThanOrEqual(successor.znodes.count, 2)
                    if successor.znode(at: "/lock") != nil { lockHeld = true }
                    if seen.insert(FingerprintHasher.fingerprint(successor)).inserted {
                        states.insert(successor)
                        next.append(successor)
                    }
                }
            }
            frontier = next
        }
        XCTAssertTrue(lockHeld, "sometimes: a session holds the lock")
        XCTAssertEqual(states.count, seen.count, "no fingerprint collision")
        XCTAssertEqual(seen.count, 104)
    }
}
