import XCTest
@testable import Model

/// A stopped JournalNode restarts only while a message for it is in flight: until one reaches
/// it, nothing tells a stopped JournalNode from a started one, so the model restarts it late.
final class JournalNodeRestartTests: XCTestCase {
    let model = HAProtocol(configuration: {
        var configuration = HAConfiguration()
        configuration.faults.crashes = true
        return configuration
    }())

    func restarts(_ state: HASystem) -> [JournalNodeID] {
        var actions: [HAAction] = []
        model.actions(state, into: &actions)
        return actions.compactMap { if case .restartJournalNode(let id) = $0 { return id } else { return nil } }
    }

    func testAStoppedJournalNodeRestartsOnlyWhileAMessageIsOnItsWay() throws {
        var state = try XCTUnwrap(model.nextState(model.initialState, .crashJournalNode(2)))
        XCTAssertFalse(state.journalNodes[2].up)
        XCTAssertEqual(restarts(state), [], "nothing is on its way to jn3")
        state = try XCTUnwrap(model.nextState(state, .transitionToActive(0)))
        XCTAssertTrue(state.network.contains { $0.to == .journalNode(2) }, "getJournalState goes to every JournalNode")
        XCTAssertEqual(restarts(state), [2])
        let restarted = try XCTUnwrap(model.nextState(state, .restartJournalNode(2)))
        XCTAssertTrue(restarted.journalNodes[2].up)
        XCTAssertEqual(restarted.journalNodes[2].node, state.journalNodes[2].node, "a restart keeps the disk and a fresh memory")
    }
}
