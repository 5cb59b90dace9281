import XCTest
@testable import CheckerExamples
import Model

/// The catalog builds every example by name, validates parameters, and rebuilds a model from the
/// name and parameters a counterexample file records.
final class ExampleCatalogTests: XCTestCase {
    /// Reports the built model's name and parameters.
    struct Describe: ExampleModelVisitor {
        func visit<M: CheckableModel>(_ model: M) -> (name: String, parameters: [ModelParameter]) {
            (model.name, model.parameters)
        }
    }

    /// Explores the built model with the test's own BFS.
    struct Explore: ExampleModelVisitor {
        func visit<M: CheckableModel>(_ model: M) -> Int { TinyExplorer(model).run().distinct }
    }

    func describe(_ name: String, _ parameters: [String: Int] = [:]) throws -> (name: String, parameters: [ModelParameter]) {
        try ExampleCatalog.withModel(named: name, parameters: parameters, visitor: Describe())
    }

    func testNamesAreTheThreeExamples() {
        XCTAssertEqual(ExampleCatalog.names, ["diehard", "twophase", "paxos"])
    }

    func testDefaults() throws {
        XCTAssertEqual(try describe("diehard").parameters, [ModelParameter("not-solved", "0")])
        XCTAssertEqual(try describe("twophase").parameters, [ModelParameter("rm", "3")])
        XCTAssertEqual(try describe("paxos").parameters,
                       [ModelParameter("acceptors", "3"), ModelParameter("values", "2"), ModelParameter("ballots", "2")])
    }

    func testEveryModelNamesItselfAsInTheCatalog() throws {
        for name in ExampleCatalog.names { XCTAssertEqual(try describe(name).name, name) }
    }

    func testRecordedParametersRebuildTheSameModel() throws {
        for (name, parameters) in [("diehard", ["not-solved": 1]), ("twophase", ["rm": 8]),
                                   ("paxos", ["acceptors": 2, "values": 3, "ballots": 3])] {
            let built = try describe(name, parameters)
            let rebuilt = try ExampleCatalog.withModel(named: built.name, recorded: built.parameters, visitor: Describe())
            XCTAssertEqual(rebuilt.name, built.name)
            XCTAssertEqual(rebuilt.parameters, built.parameters)
        }
    }

    func testTheVisitorReceivesAWorkingModel() throws {
        XCTAssertEqual(try ExampleCatalog.withModel(named: "twophase", parameters: ["rm": 2], visitor: Explore()), 56)
        XCTAssertEqual(try ExampleCatalog.withModel(named: "diehard", parameters: [:], visitor: Explore()), 16)
    }

    func testUnknownModelIsRejectedWithTheKnownNames() {
        XCTAssertThrowsError(try describe("raft")) { error in
            XCTAssertEqual(error as? ExampleCatalog.CatalogError, .unknownModel(name: "raft"))
            XCTAssertEqual("\(error)", "unknown example model 'raft'; known: diehard, twophase, paxos")
        }
    }

    func testOutOfRangeParametersAreRejected() {
        XCTAssertThrowsError(try describe("twophase", ["rm": 0])) { error in
            XCTAssertEqual("\(error)", "twophase: --rm must be in 1...20, got 0")
        }
        XCTAssertThrowsError(try describe("twophase", ["rm": 21]))
        XCTAssertThrowsError(try describe("paxos", ["acceptors": 6]))
        XCTAssertThrowsError(try describe("diehard", ["not-solved": 2]))
    }

    func testUnknownParameterIsRejected() {
        XCTAssertThrowsError(try describe("twophase", ["acceptors": 3])) { error in
            XCTAssertEqual("\(error)", "example 'twophase' has no parameter 'acceptors'; it takes --rm")
        }
    }

    func testPaxosConstantsWhoseMessagesDoNotFitAreRejected() {
        XCTAssertThrowsError(try describe("paxos", ["acceptors": 5, "values": 4, "ballots": 5])) { error in
            guard case .unsupportedCombination = error as? ExampleCatalog.CatalogError else {
                return XCTFail("expected unsupportedCombination, got \(error)")
            }
        }
    }

    func testRecordedParameterThatIsNotAnIntegerIsRejected() {
        XCTAssertThrowsError(try ExampleCatalog.withModel(named: "twophase", recorded: [ModelParameter("rm", "three")],
                                                          visitor: Describe()))
    }

    func testUsageListsEveryParameterWithDefaultAndRange() {
        let usage = ExampleCatalog.usage
        XCTAssertTrue(usage.contains("--rm N"))
        XCTAssertTrue(usage.contains("default 3, range 1...20"))
        XCTAssertTrue(usage.contains("--ballots N"))
    }

    /// The TLC figures the catalog records are the ones this package reproduces.
    func testRecordedTLCFiguresAreReproducedForSmallConfigurations() throws {
        struct Counts: ExampleModelVisitor {
            func visit<M: CheckableModel>(_ model: M) -> (Int, Int, Int) {
                let result = TinyExplorer(model).run()
                return (result.distinct, result.generated, result.depth)
            }
        }
        for example in ExampleCatalog.examples {
            for figure in example.tlcFigures where figure.distinctStates < 10_000 {
                let (distinct, generated, depth) = try ExampleCatalog.withModel(
                    named: example.name, parameters: figure.parameters, visitor: Counts())
                XCTAssertEqual(distinct, figure.distinctStates, "\(example.name) \(figure.parameters)")
                XCTAssertEqual(depth, figure.depth, "\(example.name) \(figure.parameters)")
                if let expected = figure.generatedStates { XCTAssertEqual(generated, expected) }
            }
        }
    }
}
