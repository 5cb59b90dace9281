import XCTest
@testable import Model

/// A stopped JournalNode restarts only as a message reaches it: until then nothing tells a
/// stopped JournalNode from a started one, so the model restarts it at that message.
final class JournalNodeRestartTests: XCTestCase {
    let model = HAProtocol(configuration: {
        var configuration = HAConfiguration()
        configuration.faults.crashes = true
        configuration.faults.messageLoss = true
        return configuration
    }())

    func restarts(_ state: HASystem) -> [HAAction] {
        var actions: [HAAction] = []
        model.actions(state, into: &actions)
        return actions.filter { if case .restartJournalNode = $0 { true } else { false } }
    }

    func testAStoppedJournalNodeRestartsOnlyAsAMessageReachesIt() throws {
        var state = try XCTUnwrap(model.nextState(model.initialState, .crashJournalNode(2)))
        XCTAssertFalse(state.journalNodes[2].up)
        XCTAssertEqual(restarts(state), [], "nothing is on its way to jn3")
        state = try XCTUnwrap(model.nextState(state, .transitionToActive(0)))
        let index = try XCTUnwrap(state.network.firstIndex { $0.to == .journalNode(2) }, "getJournalState goes to every JournalNode")
        let envelope = state.network[index]
        XCTAssertEqual(restarts(state), [.restartJournalNode(index, envelope, losingReply: false),
                                         .restartJournalNode(index, envelope, losingReply: true)])

        // The message meets the stopped JournalNode: the call is refused.
        let refused = try XCTUnwrap(model.nextState(state, .deliver(index, envelope)))
        XCTAssertFalse(refused.journalNodes[2].up)
        XCTAssertEqual(refused.nameNodes[0].node.writer?.replies[2], .failed)

        // Or the JournalNode restarts and answers it.
        let restarted = try XCTUnwrap(model.nextState(state, .restartJournalNode(index, envelope, losingReply: false)))
        XCTAssertTrue(restarted.journalNodes[2].up)
        XCTAssertEqual(restarted.journalNodes[2].node, state.journalNodes[2].node, "a restart keeps the disk; getJournalState changes nothing")
        XCTAssertFalse(restarted.network.contains { $0.to == .journalNode(2) }, "the message was taken")
        XCTAssertEqual(restarted.nameNodes[0].node.writer?.replies[2], .journalState(0))
        XCTAssertEqual(restarted.losses, 0)

        // Or it restarts and answers, and the answer is lost: a fault, paid from the loss budget.
        let lost = try XCTUnwrap(model.nextState(state, .restartJournalNode(index, envelope, losingReply: true)))
        XCTAssertTrue(lost.journalNodes[2].up)
        XCTAssertEqual(lost.nameNodes[0].node.writer?.replies[2], .failed)
        XCTAssertEqual(lost.losses, 1)
        XCTAssertTrue(HAAction.restartJournalNode(index, envelope, losingReply: true).isFault)
        XCTAssertFalse(HAAction.restartJournalNode(index, envelope, losingReply: false).isFault)
    }

    /// No loss is offered for a message to a stopped JournalNode: it fails the call as the
    /// refused delivery does.
    func testAMessageToAStoppedJournalNodeIsNotLost() throws {
        var state = try XCTUnwrap(model.nextState(model.initialState, .crashJournalNode(2)))
        state = try XCTUnwrap(model.nextState(state, .transitionToActive(0)))
        var actions: [HAAction] = []
        model.actions(state, into: &actions)
        let dropped = actions.compactMap { action -> HASystem.Endpoint? in
            if case .drop(_, let envelope) = action { return envelope.to } else { return nil }
        }
        XCTAssertEqual(dropped, [.journalNode(0), .journalNode(1)])
    }
}
