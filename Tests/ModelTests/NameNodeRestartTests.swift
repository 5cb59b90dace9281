import XCTest
@testable import Model

/// Under manual failover a NameNode that is down restarts only for a step that needs it running
/// (haadmin asking it, or its own tailing), or while the operator's failover may still call it.
final class NameNodeRestartTests: XCTestCase {
    let model = HAProtocol(configuration: {
        var configuration = HAConfiguration()
        configuration.faults.crashes = true
        configuration.faults.messageLoss = false
        configuration.crashesMax = 2
        return configuration
    }())

    func actions(_ state: HASystem) -> [HAAction] {
        var actions: [HAAction] = []
        model.actions(state, into: &actions)
        return actions
    }

    func restarts(_ state: HASystem) -> [HAAction] {
        actions(state).filter {
            switch $0 {
            case .restartNameNode, .restartNameNodes: true
            default: false
            }
        }
    }

    /// Delivers every message, first in the network first, until none is left.
    func settle(_ state: HASystem) throws -> HASystem {
        var state = state
        while let envelope = state.network.first {
            state = try XCTUnwrap(model.nextState(state, .deliver(0, envelope)))
        }
        return state
    }

    func testAStoppedNameNodeRestartsForTheOperatorsTransition() throws {
        let crashed = try XCTUnwrap(model.nextState(model.initialState, .crashNameNode(1)))
        XCTAssertEqual(crashed.nameNodes[1].status, .down)
        XCTAssertEqual(restarts(crashed), [.restartNameNodes([1], then: .transitionToActive(0)),
                                           .restartNameNodes([1], then: .transitionToActive(1))],
                       "haadmin asks every NameNode, so the stopped one restarts for either transition")
        XCTAssertFalse(actions(crashed).contains(.transitionToActive(0)), "not while nn2 is stopped")

        let next = try XCTUnwrap(model.nextState(crashed, .restartNameNodes([1], then: .transitionToActive(0))))
        XCTAssertEqual(next.nameNodes[1].status, .running)
        XCTAssertEqual(next.nameNodes[1].node, crashed.nameNodes[1].node, "the fresh standby its death left in the slot")
        XCTAssertNotNil(next.nameNodes[0].node.writer, "nn1 is becoming active")
        XCTAssertEqual(HAAction.restartNameNodes([1], then: .transitionToActive(0)).description,
                       "restart nn2, then haadmin -transitionToActive nn1")
        XCTAssertNil(model.nextState(next, .restartNameNodes([1], then: .transitionToActive(0))), "nn2 is not down")
    }

    func testAStoppedNameNodeRestartsToTailOrToTakeAFailover() throws {
        // nn1 active with one edit in a finalized segment; then nn2 dies.
        var state = try settle(XCTUnwrap(model.nextState(model.initialState, .transitionToActive(0))))
        state = try settle(XCTUnwrap(model.nextState(state, .clientWrite(0))))
        state = try settle(XCTUnwrap(model.nextState(state, .rollEditLog(0))))
        XCTAssertTrue(state.journalNodes.allSatisfy { $0.node.durable.segments.contains { $0.finalized && $0.end == 1 } })
        state = try XCTUnwrap(model.nextState(state, .crashNameNode(1)))
        XCTAssertEqual(restarts(state), [.restartNameNodes([1], then: .failover(from: 0, to: 1)),
                                         .restartNameNodes([1], then: .tailEdits(1))])
        let tailing = try XCTUnwrap(model.nextState(state, .restartNameNodes([1], then: .tailEdits(1))))
        XCTAssertEqual(tailing.nameNodes[1].status, .running)
        XCTAssertNotNil(tailing.nameNodes[1].node.tail)

        // A failover in progress may still call the old active it made standby (a fail-back
        // would): while it may, that NameNode, stopped, may restart at any time.
        var failing = try XCTUnwrap(model.nextState(state, .restartNameNodes([1], then: .failover(from: 0, to: 1))))
        XCTAssertEqual(failing.failover?.phase, .activating, "nn1 stood by gracefully; nn2 is becoming active")
        failing = try XCTUnwrap(model.nextState(failing, .crashNameNode(0)))
        XCTAssertEqual(restarts(failing), [.restartNameNode(0), .restartNameNodes([0], then: .tailEdits(0))])
        XCTAssertEqual(try XCTUnwrap(model.nextState(failing, .restartNameNode(0))).nameNodes[0].status, .running)
    }
}
