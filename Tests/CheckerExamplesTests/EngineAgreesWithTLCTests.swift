import XCTest
import Model
import Checker
@testable import CheckerExamples

/// The checker's counts against TLC's on the same specifications (the figures recorded in the
/// catalog, with their sources), with 1 and 2 workers. TwoPhase with 8 resource managers is left
/// to `qjm bench checker`: in a debug build it would dominate the suite.
final class EngineAgreesWithTLCTests: XCTestCase {
    struct Run: ExampleModelVisitor {
        var workers: Int
        func visit<M: CheckableModel>(_ model: M) -> CheckResult {
            var options = CheckOptions()
            options.workers = workers
            return Checker(model: model, options: options).run()
        }
    }

    func run(_ name: String, _ parameters: [String: Int], workers: Int = 1) throws -> CheckResult {
        try ExampleCatalog.withModel(named: name, parameters: parameters, visitor: Run(workers: workers))
    }

    func testEveryRecordedTLCFigureIsMatched() throws {
        var compared = 0
        for example in ExampleCatalog.examples {
            for figure in example.tlcFigures where figure.distinctStates < 100_000 {
                for workers in [1, 2] {
                    let result = try run(example.name, figure.parameters, workers: workers)
                    let label = "\(example.name) \(figure.parameters) with \(workers) workers (\(figure.source))"
                    XCTAssertEqual(result.outcome, .holds, label)
                    XCTAssertEqual(result.distinctStates, figure.distinctStates, label)
                    XCTAssertEqual(result.depth, figure.depth, label)
                    if let generated = figure.generatedStates { XCTAssertEqual(result.generatedStates, generated, label) }
                    compared += 1
                }
            }
        }
        XCTAssertEqual(compared, 8, "DieHard, TwoPhase 3 and 4, Paxos 1/1/2, each with 1 and 2 workers")
    }

    func testPinnedCountsWithoutAPublishedFigure() throws {
        // Our own counts, pinned so that an unintended change to a model or the engine fails here.
        let dieHard = try run("diehard", [:])
        XCTAssertEqual(dieHard.generatedStates, 97)
        let twoPhase = try run("twophase", ["rm": 4], workers: 2)
        XCTAssertEqual(twoPhase.generatedStates, 8_258)
        let twoPhaseFive = try run("twophase", ["rm": 5], workers: 2)
        XCTAssertEqual([twoPhaseFive.distinctStates, twoPhaseFive.generatedStates, twoPhaseFive.depth],
                       [8_832, 58_146, 17])
        let paxos = try run("paxos", ["acceptors": 3, "values": 2, "ballots": 2], workers: 2)
        XCTAssertEqual([paxos.distinctStates, paxos.generatedStates, paxos.depth], [3_921, 23_563, 17])
        XCTAssertEqual(paxos.outcome, .holds)
        XCTAssertEqual(paxos.property("SomeValueChosen")?.status, .holds)
    }

    func testDieHardSolutionIsTheShortestTrace() throws {
        let result = try run("diehard", ["not-solved": 1])
        XCTAssertEqual(result.outcome, .violated)
        let trace = try XCTUnwrap(result.property("NotSolved")?.trace)
        XCTAssertEqual(trace.steps.count, 7, "TLC's DieHard solution: 6 steps after the initial state")
        XCTAssertEqual(trace.steps.last?.fields.first { $0.name == "big" }?.value, "4")
    }

    func testCoverageAccountsForEveryTransitionAndState() throws {
        let result = try run("twophase", ["rm": 3])
        XCTAssertEqual(result.coverage.map(\.kind),
                       ["TMCommit", "TMAbort", "TMRcvPrepared", "RMPrepare", "RMChooseToAbort", "RMRcvCommitMsg",
                        "RMRcvAbortMsg"])
        XCTAssertEqual(result.coverage.map(\.fired).reduce(0, +) + 1, result.generatedStates, "+1: the initial state")
        XCTAssertEqual(result.coverage.map(\.distinct).reduce(0, +) + 1, result.distinctStates)
        XCTAssertTrue(result.coverage.allSatisfy { $0.fired > 0 }, "every TwoPhase action fires")
    }
}
