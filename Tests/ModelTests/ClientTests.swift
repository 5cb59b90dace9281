import XCTest
@testable import Model

/// The HDFS client against `ConfiguredFailoverProxyProvider` under
/// `RetryPolicies.failoverOnNetworkException` (reference §7.1–7.3).
final class ClientTests: XCTestCase {
    private static let standby = ClientResult.standby(category: "WRITE", state: .standby)

    /// ConfiguredFailoverProxyProvider: "It starts at index 0"; one operation is outstanding at a time
    /// (a second issue while one is pending does nothing).
    func testAnOperationGoesToTheFirstNameNodeOneAtATime() {
        var client = Client(id: 1, nameNodeCount: 2)
        XCTAssertEqual(client.step(.issue(.write)), [.send(to: 0, .write)])
        XCTAssertEqual(client.pending, .write)
        XCTAssertEqual(client.step(.issue(.read)), [])
        XCTAssertEqual(client.step(.result(from: 0, .written(txid: 3))), [.completed(.write, .written(txid: 3))])
        XCTAssertNil(client.pending)
        XCTAssertEqual(client.step(.issue(.read)), [.send(to: 0, .read)])
        XCTAssertEqual(client.step(.result(from: 0, .read(appliedThrough: 3))), [.completed(.read, .read(appliedThrough: 3))])
    }

    /// failoverOnNetworkException: "StandbyException → FAILOVER_AND_RETRY"; `performFailover` →
    /// "index = (index + 1) % n (round robin)".
    func testAStandbyAnswerFailsOverRoundRobin() {
        var client = Client(id: 1, nameNodeCount: 3)
        _ = client.step(.issue(.write))
        XCTAssertEqual(client.step(.result(from: 0, Self.standby)), [.send(to: 1, .write)])
        XCTAssertEqual(client.step(.result(from: 1, Self.standby)), [.send(to: 2, .write)])
        XCTAssertEqual(client.step(.result(from: 2, Self.standby)), [.send(to: 0, .write)])
        XCTAssertEqual(client.failovers, 3)
        XCTAssertEqual(client.step(.result(from: 0, .written(txid: 1))), [.completed(.write, .written(txid: 1))])
        XCTAssertEqual(client.target, 0)
        XCTAssertEqual(client.failovers, 0, "the count is per operation: nothing of it outlives the call")
    }

    /// failoverOnNetworkException: "ConnectException, NoRouteToHostException, ... → FAILOVER_AND_RETRY".
    func testAConnectionErrorFailsOver() {
        var client = Client(id: 1, nameNodeCount: 2)
        _ = client.step(.issue(.write))
        XCTAssertEqual(client.step(.unreachable(0)), [.send(to: 1, .write)])
        XCTAssertEqual(client.step(.unreachable(1)), [.send(to: 0, .write)])
        XCTAssertEqual(client.target, 0)
        XCTAssertEqual(client.failovers, 2)
    }

    /// "failovers >= maxFailovers → FAIL "failovers (N) exceeded maximum allowed (M)"". The bound
    /// counts failovers of one operation; the next operation starts again from the current NameNode.
    func testFailoversAreBoundedByFailoversMax() {
        var client = Client(id: 1, nameNodeCount: 2, failoversMax: 2)
        _ = client.step(.issue(.write))
        XCTAssertEqual(client.step(.result(from: 0, Self.standby)), [.send(to: 1, .write)])
        XCTAssertEqual(client.step(.unreachable(1)), [.send(to: 0, .write)])
        let effects = client.step(.result(from: 0, Self.standby))
        XCTAssertEqual(effects, [.failed(.write, ClientFailure(failovers: 2, maximum: 2, cause: .answer(Self.standby)))])
        XCTAssertEqual(Self.failureTexts(effects),
                       ["failovers (2) exceeded maximum allowed (2): Operation category WRITE is not supported in state standby"])
        XCTAssertNil(client.pending)
        XCTAssertEqual(client.target, 0)
        XCTAssertEqual(client.failovers, 0)
        XCTAssertEqual(client.step(.issue(.write)), [.send(to: 0, .write)])
        XCTAssertEqual(client.failovers, 0)
        XCTAssertEqual(client.step(.unreachable(0)), [.send(to: 1, .write)])
    }

    /// With maxFailovers = 0 the first failover-worthy error fails the call.
    func testNoFailoversAllowedFailsAtOnce() {
        var client = Client(id: 1, nameNodeCount: 2, failoversMax: 0)
        _ = client.step(.issue(.read))
        XCTAssertEqual(Self.failureTexts(client.step(.unreachable(0))),
                       ["failovers (0) exceeded maximum allowed (0): Connection refused"])
    }

    /// The texts of the failures among `effects`.
    static func failureTexts(_ effects: [Client.Effect]) -> [String] {
        effects.compactMap { effect in
            if case .failed(_, let failure) = effect { return failure.description }
            return nil
        }
    }

    /// The proxy only hears from the NameNode it called: answers or errors from another NameNode (a
    /// late reply to a call it already failed over from), or with nothing pending, are ignored.
    func testAnswersFromOtherNameNodesAreIgnored() {
        var client = Client(id: 1, nameNodeCount: 3)
        XCTAssertEqual(client.step(.result(from: 0, .written(txid: 1))), [])
        XCTAssertEqual(client.step(.unreachable(0)), [])
        _ = client.step(.issue(.write))
        _ = client.step(.unreachable(0))
        XCTAssertEqual(client.step(.result(from: 0, .written(txid: 1))), [])
        XCTAssertEqual(client.step(.result(from: 2, Self.standby)), [])
        XCTAssertEqual(client.step(.unreachable(2)), [])
        XCTAssertEqual(client.pending, .write)
        XCTAssertEqual(client.target, 1)
        XCTAssertEqual(client.failovers, 1)
    }

    /// The default bound is `dfs.client.failover.max.attempts` = 15.
    func testTheDefaultBoundIsFifteen() {
        XCTAssertEqual(Client(id: 0, nameNodeCount: 2).failoversMax, 15)
    }
}
