@testable import Checker
import Model
import XCTest

/// Seeded random simulation: reproducible by seed with any number of workers, and it finds what
/// random walks hit easily. Also SplitMix64 itself.
final class SimulatorTests: XCTestCase {
    private func simulate<M: CheckableModel>(_ model: M, _ configure: (inout SimulationOptions) -> Void = { _ in })
        -> SimulationResult {
        var options = SimulationOptions()
        configure(&options)
        return Simulator(model: model, options: options).run()
    }

    private func assertSame(_ first: SimulationResult, _ second: SimulationResult,
                            file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(first.seed, second.seed, file: file, line: line)
        XCTAssertEqual(first.steps, second.steps, file: file, line: line)
        XCTAssertEqual(first.violatingTrace, second.violatingTrace, file: file, line: line)
        XCTAssertEqual(first.properties.map(\.name), second.properties.map(\.name), file: file, line: line)
        XCTAssertEqual(first.properties.map(\.status), second.properties.map(\.status), file: file, line: line)
        XCTAssertEqual(first.properties.map(\.trace), second.properties.map(\.trace), file: file, line: line)
        XCTAssertEqual(first.properties.map(\.note), second.properties.map(\.note), file: file, line: line)
        XCTAssertEqual(first.deadlock, second.deadlock, file: file, line: line)
        XCTAssertEqual(first.exitCode, second.exitCode, file: file, line: line)
    }

    private static let nearCorner = GridModel(width: 20, height: 20, properties: [
        .always("NearCorner") { _, cell in cell.x + cell.y < 10 },
    ])

    /// Sinks one node in 997: a walk of 50 steps deadlocks now and then, not at once.
    private static let sparseSinks = HashGraphModel(nodes: 50_000, degree: 4, seed: 2024, sinkEvery: 997, properties: [
        .sometimes("ReachesLowNode") { _, node in node < 100 },
    ])

    func testFindsAnInvariantViolationThatRandomWalksHit() {
        let result = simulate(SimulatorTests.nearCorner) { $0.seed = 7; $0.traces = 200; $0.depth = 100 }
        XCTAssertEqual(result.exitCode, 1)
        let report = result.properties.first
        XCTAssertEqual(report?.status, .violated)
        XCTAssertEqual(report?.note, "found in trace \(result.violatingTrace ?? -1) of seed 7")
        let states = replayStates(report?.trace, on: SimulatorTests.nearCorner)
        XCTAssertEqual(states.last.map { $0.x + $0.y }, 10, "the walk stops at the first violating state")
        XCTAssertTrue(states.dropLast().allSatisfy { $0.x + $0.y < 10 })
    }

    func testSameSeedGivesTheSameResult() {
        let configure: (inout SimulationOptions) -> Void = { $0.seed = 12_345; $0.traces = 300; $0.depth = 50 }
        assertSame(simulate(SimulatorTests.nearCorner, configure), simulate(SimulatorTests.nearCorner, configure))
        let first = simulate(SimulatorTests.sparseSinks, configure)
        XCTAssertNotNil(first.deadlock, "some walk deadlocks")
        XCTAssertGreaterThan(first.violatingTrace ?? 0, 0, "but not the first one")
        assertSame(first, simulate(SimulatorTests.sparseSinks, configure))
    }

    func testWorkersDoNotChangeTheResult() {
        let sinks = simulate(SimulatorTests.sparseSinks) { $0.seed = 99; $0.traces = 300; $0.depth = 50 }
        XCTAssertNotNil(sinks.deadlock)
        for workers in [2, 3] {
            assertSame(sinks, simulate(SimulatorTests.sparseSinks) {
                $0.seed = 99; $0.traces = 300; $0.depth = 50; $0.workers = workers
            })
        }
        let corner = simulate(SimulatorTests.nearCorner) { $0.seed = 5; $0.traces = 400; $0.depth = 30 }
        assertSame(corner, simulate(SimulatorTests.nearCorner) {
            $0.seed = 5; $0.traces = 400; $0.depth = 30; $0.workers = 2
        })
    }

    func testDifferentSeedsWalkDifferently() {
        let witnesses = [UInt64(1), 2, 3].map { seed in
            simulate(GridModel(width: 50, height: 50, properties: [.sometimes("Moved") { _, cell in cell.x + cell.y == 5 }])) {
                $0.seed = seed; $0.traces = 1; $0.depth = 30
            }.properties.first?.trace?.indices
        }
        XCTAssertGreaterThan(Set(witnesses.map { $0 ?? [] }).count, 1, "three seeds, not all the same first walk")
    }

    func testNoViolationExitsZeroAndProvesNothing() {
        let model = GridModel(width: 6, height: 6, properties: [
            .always("OnGrid") { _, cell in cell.x < 6 && cell.y < 6 },
            .sometimes("FarCorner") { _, cell in cell == GridModel.Cell(x: 5, y: 5) },
        ])
        let result = simulate(model) { $0.traces = 200; $0.depth = 60 }
        XCTAssertEqual(result.exitCode, 0)
        XCTAssertNil(result.violatingTrace)
        XCTAssertEqual(result.properties[0].status, .unknown, "a simulation proves no invariant")
        XCTAssertEqual(result.properties[0].note, "not exhaustive: 200 random traces")
        XCTAssertEqual(result.properties[1].status, .holds)
        XCTAssertEqual(replayStates(result.properties[1].trace, on: model).last, GridModel.Cell(x: 5, y: 5))
        XCTAssertEqual(result.traces, 200)
        XCTAssertEqual(result.steps, 200 * 60, "no walk stops early on a grid")
    }

    func testDeadlockAndTransitionViolations() {
        let stopping = StoppingCounterModel(limit: 3)
        let deadlock = simulate(stopping) { $0.depth = 10 }
        XCTAssertEqual(deadlock.exitCode, 1)
        XCTAssertEqual(deadlock.violatingTrace, 0)
        XCTAssertEqual(replayStates(deadlock.deadlock, on: stopping), [0, 1, 2, 3])
        XCTAssertEqual(simulate(stopping) { $0.depth = 10; $0.checkDeadlock = false }.exitCode, 0)

        let counter = CounterModel(modulus: 5, properties: [.transition("NeverWraps") { _, state, _, next in next > state }])
        let wrap = simulate(counter) { $0.depth = 10; $0.traces = 3 }
        XCTAssertEqual(wrap.properties.first?.status, .violated)
        XCTAssertEqual(replayStates(wrap.properties.first?.trace, on: counter), [0, 1, 2, 3, 4, 0])
    }

    func testOptionValidation() {
        var options = SimulationOptions()
        XCTAssertNil(options.validationError())
        options.traces = 0
        XCTAssertEqual(options.validationError(), "the number of traces must be at least 1 (got 0)")
        options = SimulationOptions()
        options.depth = 0
        XCTAssertEqual(options.validationError(), "the trace depth must be at least 1 (got 0)")
        options = SimulationOptions()
        options.workers = 65
        XCTAssertEqual(options.validationError(), "workers must be between 1 and 64 (got 65)")
    }

    // MARK: SplitMix64

    func testSplitMix64MatchesTheReferenceSequence() {
        // The first outputs of Vigna's splitmix64.c seeded with 0.
        var random = SplitMix64(seed: 0)
        XCTAssertEqual(random.next(), 0xE220_A839_7B1D_CDAF)
        XCTAssertEqual(random.next(), 0x6E78_9E6A_A1B9_65F4)
        XCTAssertEqual(random.next(), 0x06C4_5D18_8009_454F)
    }

    func testNextBelowStaysInRange() {
        var random = SplitMix64(seed: 2024)
        for bound in [1, 2, 3, 7, 10, 1_000, 1 << 40, (1 << 62) + 1, Int.max] {
            for _ in 0..<2_000 {
                let value = random.next(below: bound)
                XCTAssertTrue((0..<bound).contains(value), "\(value) not below \(bound)")
            }
        }
        XCTAssertEqual(random.next(below: 1), 0)
    }

    func testNextBelowIsRoughlyUniform() {
        var random = SplitMix64(seed: 1)
        var counts = Array(repeating: 0, count: 6)
        for _ in 0..<60_000 { counts[random.next(below: 6)] += 1 }
        for count in counts { XCTAssertTrue((9_500...10_500).contains(count), "\(counts)") }
    }
}
