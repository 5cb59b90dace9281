import XCTest
@testable import Model

/// The system drops an orphaned request as soon as its JournalNode would refuse it or answer it
/// without a change, now and later. These tests check that premise against the JournalNode
/// itself: every request the rule calls dead leaves the node as it was, whether it is handled at
/// once, after more requests raised the promise, or after a restart.
final class DeadRequestTests: XCTestCase {
    typealias F = JournalFixtures

    let protocolModel = HAProtocol(configuration: {
        var configuration = HAConfiguration()
        configuration.journalNodes = 1
        return configuration
    }())

    /// A JournalNode that promised epoch 2 and holds an open segment of epoch 2 with txids 1-2,
    /// committed through 1.
    func writingJournalNode() -> JournalNode {
        var node = JournalNode(id: 0, durable: JournalDurableState(formatted: true))
        for request: JournalRequest in [.newEpoch(epoch: 2), .startLogSegment(F.info(2), txid: 1),
                                        .journal(F.info(2), segmentStart: 1, firstTxID: 1, count: 2),
                                        .heartbeat(F.info(2, committed: 1))] {
            let effects = node.step(.request(from: 0, request))
            XCTAssertFalse(effects.contains { if case .reply(_, .failed) = $0 { return true } else { return false } },
                           "setup: \(request) refused")
        }
        return node
    }

    /// Every kind of request, at epochs around the promise.
    var requests: [JournalRequest] {
        var requests: [JournalRequest] = [.getJournalState, .getEditLogManifest(sinceTxID: 1, inProgressOK: true, call: 7)]
        for epoch: Epoch in 1...3 {
            requests += [
                .newEpoch(epoch: epoch), .heartbeat(F.info(epoch)), .startLogSegment(F.info(epoch), txid: 3),
                .journal(F.info(epoch), segmentStart: 1, firstTxID: 3, count: 1),
                .finalizeLogSegment(F.info(epoch, committed: 2), start: 1, end: 2),
                .prepareRecovery(F.info(epoch), segmentStart: 1),
                .acceptRecovery(F.info(epoch), segment: SegmentState(start: 1, end: 2, inProgress: false),
                                writerEpoch: 2, source: 0),
            ]
        }
        return requests
    }

    func orphaned(_ request: JournalRequest) -> HASystem.Envelope {
        HASystem.Envelope(from: .nameNode(0), to: .journalNode(0), request: request, orphaned: true)
    }

    func testADeadRequestChangesNothingNowAfterARestartOrLater() {
        let node = writingJournalNode()
        var dead = 0
        for request in requests where protocolModel.isDeadRequest(orphaned(request), promises: { _ in node.durable.promisedEpoch }) {
            dead += 1
            let restarted = JournalNode(id: 0, durable: node.durable)
            for original in [node, restarted] {
                var copy = original
                let effects = copy.step(.request(from: 0, request))
                XCTAssertFalse(effects.contains { if case .persist = $0 { return true } else { return false } }, "\(request)")
                XCTAssertEqual(copy.durable, original.durable, "\(request)")
                XCTAssertEqual(copy.volatile, original.volatile, "\(request)")
            }
            // The promise only rises: after a newer writer's newEpoch the request is still a no-op.
            var later = node
            _ = later.step(.request(from: 1, .newEpoch(epoch: 3)))
            XCTAssertTrue(protocolModel.isDeadRequest(orphaned(request), promises: { _ in later.durable.promisedEpoch }), "\(request)")
            let before = later
            _ = later.step(.request(from: 0, request))
            XCTAssertEqual(later.durable, before.durable, "\(request)")
            XCTAssertEqual(later.volatile, before.volatile, "\(request)")
        }
        // Reads, newEpoch 1 and 2, and the six epoch-1 writer calls.
        XCTAssertEqual(dead, 10)
    }

    /// A standby's tail round is decided on a quorum of manifests: the read still on its way to
    /// the third JournalNode is awaited by nobody, so the system orphans it, and (a read changes
    /// nothing) drops it at once.
    /// The initial state with edit 1 finalized on every JournalNode (epoch 1), for a standby to tail.
    static func oneFinalizedEditOnEveryJournalNode(_ model: HAProtocol) -> HASystem {
        var state = model.initialState
        for id in state.journalNodes.indices {
            var durable = JournalDurableState(formatted: true)
            durable.promisedEpoch = 1
            durable.writerEpoch = 1
            durable.segments = [F.finalized(1, 1)]
            state.journalNodes[id].node = JournalNode(id: id, durable: durable)
        }
        return state
    }

    func testAReadOfADecidedRoundLeavesTheNetwork() throws {
        let model = HAProtocol(configuration: HAConfiguration())
        let state = DeadRequestTests.oneFinalizedEditOnEveryJournalNode(model)
        var next = try XCTUnwrap(model.nextState(state, .tailEdits(0)))
        XCTAssertEqual(next.network.map(\.to), [.journalNode(0), .journalNode(1), .journalNode(2)])
        next = try XCTUnwrap(model.nextState(next, .deliver(0, next.network[0])))
        XCTAssertEqual(next.network.map(\.to), [.journalNode(1), .journalNode(2)], "the round waits for a quorum")
        next = try XCTUnwrap(model.nextState(next, .deliver(0, next.network[0])))
        XCTAssertEqual(next.nameNodes[0].node.applied, [1], "the round is decided")
        XCTAssertEqual(next.network, [], "and its last read, awaited by nobody, is gone")
    }

    /// With no read round open and none of its reads in flight, a NameNode's read count is back to
    /// 0: the state is the one where it never read, but for what it applied, and the next round
    /// goes as the first did.
    func testAFinishedReadRoundLeavesNoCallCount() throws {
        let model = HAProtocol(configuration: HAConfiguration())
        let state = DeadRequestTests.oneFinalizedEditOnEveryJournalNode(model)
        var next = try XCTUnwrap(model.nextState(state, .tailEdits(0)))
        XCTAssertEqual(next.nameNodes[0].node.readCalls, 1, "a round is open")
        next = try XCTUnwrap(model.nextState(next, .deliver(0, next.network[0])))
        XCTAssertEqual(next.nameNodes[0].node.readCalls, 1, "and waits for a quorum")
        next = try XCTUnwrap(model.nextState(next, .deliver(0, next.network[0])))
        XCTAssertEqual(next.nameNodes[0].node.applied, [1])
        XCTAssertEqual(next.nameNodes[0].node.readCalls, 0, "decided, with nothing in flight: no call to tell apart")
        var neverRead = state
        neverRead.nameNodes[0].node.applied = [1]
        XCTAssertEqual(next, neverRead, "the state of a NameNode that applied the edit without reading")
    }

    func testOnlyOrphanedRequestsBelowThePromiseAreDead() {
        let promises: (JournalNodeID) -> Epoch = { _ in 2 }  // one JournalNode, promised epoch 2
        let current = JournalRequest.journal(F.info(2), segmentStart: 1, firstTxID: 3, count: 1)
        let stale = JournalRequest.journal(F.info(1), segmentStart: 1, firstTxID: 3, count: 1)
        XCTAssertFalse(protocolModel.isDeadRequest(orphaned(current), promises: promises),
                       "a dead writer's call in the promised epoch may still land")
        XCTAssertTrue(protocolModel.isDeadRequest(orphaned(stale), promises: promises))
        var answered = orphaned(stale)
        answered.orphaned = false
        XCTAssertFalse(protocolModel.isDeadRequest(answered, promises: promises), "its caller reads the refusal")
        XCTAssertFalse(protocolModel.isDeadRequest(orphaned(.newEpoch(epoch: 3)), promises: promises))
        XCTAssertTrue(protocolModel.isDeadRequest(orphaned(.newEpoch(epoch: 2)), promises: promises))

        var mutated = HAConfiguration()
        mutated.journalNodes = 1
        mutated.mutation = .staleEpochAccepted
        XCTAssertFalse(HAProtocol(configuration: mutated).isDeadRequest(orphaned(stale), promises: promises),
                       "under stale-epoch-accepted a stale call still writes")
    }
}
