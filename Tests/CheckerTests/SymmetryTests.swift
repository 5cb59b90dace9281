@testable import Checker
import Model
import XCTest

/// Symmetry reduction: with `canonicalize`, one state per orbit; violations are still found and
/// their traces (through real, uncanonicalised states) replay.
final class SymmetryTests: XCTestCase {
    /// The orbits of `count` counters modulo `modulus` under permutation, by brute force.
    private func orbitCount(count: Int, modulus: Int) -> Int {
        var orbits = Set<[Int]>()
        var vector = Array(repeating: 0, count: count)
        for code in 0..<(0..<count).reduce(1, { product, _ in product * modulus }) {
            var rest = code
            for position in 0..<count {
                vector[position] = rest % modulus
                rest /= modulus
            }
            orbits.insert(vector.sorted())
        }
        return orbits.count
    }

    func testDistinctCountIsTheNumberOfOrbits() {
        let plain = check(SymmetricCountersModel(count: 4, modulus: 5, symmetric: false))
        let reduced = check(SymmetricCountersModel(count: 4, modulus: 5, symmetric: true))
        XCTAssertEqual(plain.distinctStates, 625, "5^4 vectors")
        XCTAssertEqual(reduced.distinctStates, orbitCount(count: 4, modulus: 5))
        XCTAssertEqual(reduced.distinctStates, 70, "multisets of 4 out of 5 values: C(8, 4)")
        XCTAssertEqual(reduced.distinctStates, StateGraph(SymmetricCountersModel(count: 4, modulus: 5, symmetric: true))
                           .states.count)
        XCTAssertEqual(plain.generatedStates, 1 + 4 * 625)
        XCTAssertEqual(reduced.generatedStates, 1 + 4 * 70)
        XCTAssertEqual(plain.depth, 17, "4 counters × 4 increments each, plus the initial level")
        XCTAssertEqual(reduced.depth, plain.depth, "symmetry preserves distances")
        XCTAssertEqual(plain.outcome, .holds)
        XCTAssertEqual(reduced.outcome, .holds)
    }

    func testOrbitCountsForOtherSizes() {
        for (count, modulus) in [(2, 7), (3, 4), (5, 3)] {
            let reduced = check(SymmetricCountersModel(count: count, modulus: modulus, symmetric: true))
            XCTAssertEqual(reduced.distinctStates, orbitCount(count: count, modulus: modulus), "\(count) counters mod \(modulus)")
        }
    }

    func testViolationUnderSymmetryIsFoundAndReplays() throws {
        let properties: [Property<SymmetricCountersModel>] = [
            .always("NotOneOfEach") { _, counters in counters.sorted() != [0, 1, 2, 3] },
        ]
        let plainModel = SymmetricCountersModel(count: 4, modulus: 5, symmetric: false, properties: properties)
        let model = SymmetricCountersModel(count: 4, modulus: 5, symmetric: true, properties: properties)
        let result = check(model)
        XCTAssertEqual(result.outcome, .violated)
        let trace = result.property("NotOneOfEach")?.trace
        let states = replayStates(trace, on: model)
        XCTAssertEqual(states.last?.sorted(), [0, 1, 2, 3])
        XCTAssertEqual(trace?.steps.count, 1 + 6, "0 + 1 + 2 + 3 increments")
        XCTAssertEqual(trace?.steps.count, check(plainModel).property("NotOneOfEach")?.trace?.steps.count,
                       "as short as without symmetry")
        let files = CounterexampleFile.all(from: result, model: model)
        XCTAssertEqual(files.count, 1)
        let replay = try XCTUnwrap(files.first).replay(on: model)
        XCTAssertTrue(replay.reproduced, replay.explanation)
        XCTAssertTrue(replay.sameLastState)
    }

    func testSymmetricRunsAgreeAcrossWorkers() {
        let model = SymmetricCountersModel(count: 5, modulus: 6, symmetric: true, properties: [
            .always("NotAllFive") { _, counters in counters.contains { $0 != 5 } },
        ])
        let one = check(model) { $0.workers = 1 }
        let two = check(model) { $0.workers = 2 }
        XCTAssertEqual(one.outcome, .violated)
        XCTAssertEqual(one.property("NotAllFive")?.trace, two.property("NotAllFive")?.trace)
        XCTAssertEqual(one.distinctStates, two.distinctStates)
        XCTAssertEqual(one.property("NotAllFive")?.trace?.steps.count, 1 + 25)
    }
}
