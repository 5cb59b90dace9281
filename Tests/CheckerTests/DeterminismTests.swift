@testable import Checker
import Model
import XCTest

/// The engine's design guarantee: the same model and options give the same report on every run,
/// and the number of workers changes neither the counts nor any counterexample.
final class DeterminismTests: XCTestCase {
    private static let wide = HashGraphModel(nodes: 50_000, degree: 4, seed: 2024)

    /// A wide model with one of each kind of finding: an invariant broken on a level of thousands
    /// of states, a transition property, a deadlock, and a violated liveness property.
    private static func everything() -> HashGraphModel {
        HashGraphModel(nodes: 50_000, degree: 4, seed: 2024, sinkEvery: 4_999, properties: [
            .always("NoMultipleOf1000Beyond40000") { _, node in node < 40_000 || node % 1_000 != 0 },
            .transition("NeverStepsDownByMoreThan49000") { _, node, _, next in node - next <= 49_000 },
            .sometimes("ReachesNode7") { _, node in node == 7 },
            .eventuallyReachable("ReachesLowNodeByFirstEdges", along: { _, edge in edge.position == 0 }) { _, node in
                node < 500
            },
        ])
    }

    func testTwoRunsPrintTheSameReport() {
        for stop in [true, false] {
            let first = TextReport.render(check(DeterminismTests.everything()) { $0.stopAtFirstViolation = stop })
            let second = TextReport.render(check(DeterminismTests.everything()) { $0.stopAtFirstViolation = stop })
            XCTAssertEqual(stableLines(first), stableLines(second))
            XCTAssertTrue(first.contains("Error: "), "the report has counterexamples to compare")
        }
        let grid = GridModel(width: 6, height: 5, properties: [.sometimes("FarCorner") { _, cell in
            cell == GridModel.Cell(x: 5, y: 4)
        }])
        XCTAssertEqual(stableLines(TextReport.render(check(grid))), stableLines(TextReport.render(check(grid))))
    }

    func testWorkersDoNotChangeCounts() {
        let reference = check(DeterminismTests.wide)
        for workers in [2, 3] {
            let result = check(DeterminismTests.wide) { $0.workers = workers }
            XCTAssertEqual(result.workers, workers)
            XCTAssertEqual(result.distinctStates, reference.distinctStates, "\(workers) workers")
            XCTAssertEqual(result.generatedStates, reference.generatedStates, "\(workers) workers")
            XCTAssertEqual(result.depth, reference.depth, "\(workers) workers")
            XCTAssertEqual(result.outcome, reference.outcome)
        }
    }

    func testWorkersDoNotChangeCounterexamples() {
        let reference = check(DeterminismTests.everything()) { $0.stopAtFirstViolation = false }
        XCTAssertEqual(reference.properties.map(\.status), [.violated, .violated, .holds, .violated])
        XCTAssertNotNil(reference.deadlock)
        let referenceReport = stableLines(TextReport.render(reference)).dropFirst()
        for workers in [2, 3] {
            let result = check(DeterminismTests.everything()) { $0.stopAtFirstViolation = false; $0.workers = workers }
            for (mine, theirs) in zip(result.properties, reference.properties) {
                XCTAssertEqual(mine.name, theirs.name)
                XCTAssertEqual(mine.status, theirs.status, "\(mine.name), \(workers) workers")
                XCTAssertEqual(mine.trace, theirs.trace, "\(mine.name), \(workers) workers")
            }
            XCTAssertEqual(result.deadlock, reference.deadlock, "\(workers) workers")
            XCTAssertEqual(result.distinctStates, reference.distinctStates)
            XCTAssertEqual(result.generatedStates, reference.generatedStates)
            // The whole report but its first line (which names the number of workers).
            XCTAssertEqual(stableLines(TextReport.render(result)).dropFirst(), referenceReport)
        }
    }

    func testWorkersDoNotChangeTheFirstViolation() {
        let reference = check(DeterminismTests.everything())
        // The search stops at the first violation in BFS order and reports that one alone.
        XCTAssertEqual(reference.violatedProperties.count, 1, "like TLC, the first violation only")
        XCTAssertTrue(reference.properties.contains { $0.status == .unknown })
        for workers in [2, 3] {
            let result = check(DeterminismTests.everything()) { $0.workers = workers }
            XCTAssertEqual(result.violatedProperties, reference.violatedProperties)
            XCTAssertEqual(result.properties.map(\.trace), reference.properties.map(\.trace))
            XCTAssertEqual(result.deadlock, reference.deadlock)
            XCTAssertEqual(result.distinctStates, reference.distinctStates, "the same batches were inserted")
        }
    }

    func testWorkersDoNotChangeCoverage() {
        let model = GridModel(width: 40, height: 30)
        let reference = check(model)
        for workers in [2, 3] {
            let result = check(model) { $0.workers = workers }
            XCTAssertEqual(result.coverage.map(\.fired), reference.coverage.map(\.fired))
            XCTAssertEqual(result.coverage.map(\.distinct), reference.coverage.map(\.distinct))
        }
    }
}
