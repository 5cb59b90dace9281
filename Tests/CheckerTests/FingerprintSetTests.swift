@testable import Checker
import Model
import XCTest

/// The visited set against Swift's `Set<UInt64>`: same membership, same counts, through growth.
final class FingerprintSetTests: XCTestCase {
    /// `count` draws from a pool of `poolSize` random fingerprints, so about a third are duplicates.
    private func draws(count: Int, poolSize: Int, seed: UInt64) -> (draws: [UInt64], pool: [UInt64]) {
        var random = SplitMix64(seed: seed)
        let pool = (0..<poolSize).map { _ in FingerprintSet.normalized(random.next()) }
        return ((0..<count).map { _ in pool[random.next(below: poolSize)] }, pool)
    }

    func testInsertAgreesWithSwiftSetThroughRegionGrowth() {
        let (draws, pool) = draws(count: 300_000, poolSize: 200_000, seed: 42)
        let table = FingerprintSet(expectedCount: 1)
        let bytesBefore = table.memoryBytes
        var reference = Set<UInt64>()
        var disagreements = 0
        for fingerprint in draws where table.insert(fingerprint).inserted != reference.insert(fingerprint).inserted {
            disagreements += 1
        }
        XCTAssertEqual(disagreements, 0, "insert reports new exactly when Set does")
        XCTAssertEqual(table.count, reference.count)
        XCTAssertGreaterThan(reference.count, 100_000, "the draws exercise many growths")
        XCTAssertLessThan(reference.count, draws.count, "the draws contain duplicates")
        XCTAssertGreaterThan(table.memoryBytes, bytesBefore, "regions grew")
        XCTAssertGreaterThanOrEqual(table.memoryBytes, reference.count * 8 * 100 / 80, "no region is over 80% full")
        var absent = SplitMix64(seed: 7)
        let others = (0..<20_000).map { _ in FingerprintSet.normalized(absent.next()) }
        let membershipDisagreements = (pool + others).filter { table.contains($0) != reference.contains($0) }
        XCTAssertEqual(membershipDisagreements.count, 0, "contains agrees with Set on present and absent values")
        // Inserting everything again finds every fingerprint present.
        XCTAssertFalse(reference.contains { table.insert($0).inserted })
        XCTAssertEqual(table.count, reference.count)
    }

    func testOneRegionGrowsAloneWhenFingerprintsShareTopBits() {
        // Every fingerprint in region 0x5A: that region alone grows, many times.
        var random = SplitMix64(seed: 3)
        let table = FingerprintSet(expectedCount: 1, loadPercentMax: 95)
        var reference = Set<UInt64>()
        var disagreements = 0
        for _ in 0..<20_000 {
            let fingerprint = 0x5A00_0000_0000_0000 | random.next() >> 8 | 1
            if table.insert(fingerprint).inserted != reference.insert(fingerprint).inserted { disagreements += 1 }
        }
        XCTAssertEqual(disagreements, 0)
        XCTAssertEqual(table.count, 20_000)
        XCTAssertTrue(reference.allSatisfy(table.contains))
        let absent = (0..<10_000).map { _ in 0x5A00_0000_0000_0000 | random.next() >> 8 | 1 }.filter { !reference.contains($0) }
        XCTAssertFalse(absent.contains(where: table.contains))
    }

    func testProbingWrapsAroundTheEndOfARegion() {
        // These fingerprints all have their home in the last slot of region 0x5A, whatever its
        // size: the cluster wraps to the region's first slots, and keeps doing so as it grows.
        let cluster = (1...1_500).map { 0x5AFF_FFFF_FFFF_0000 | UInt64($0) }
        let table = FingerprintSet(expectedCount: 1)
        XCTAssertTrue(cluster.allSatisfy { table.insert($0).inserted })
        XCTAssertFalse(cluster.contains { table.insert($0).inserted })
        XCTAssertEqual(table.count, cluster.count)
        XCTAssertTrue(cluster.allSatisfy(table.contains))
        XCTAssertFalse((1_501...1_600).contains { table.contains(0x5AFF_FFFF_FFFF_0000 | UInt64($0)) })
    }

    func testIdsRoundTripAfterGrowth() {
        let (draws, _) = draws(count: 200_000, poolSize: 150_000, seed: 99)
        let table = FingerprintSet(expectedCount: 1, storesIds: true)
        var expected: [UInt64: UInt32] = [:]
        for fingerprint in draws {
            guard table.insert(fingerprint).inserted else { continue }
            let id = UInt32(expected.count)
            table.setId(id, for: fingerprint)
            expected[fingerprint] = id
        }
        XCTAssertEqual(table.count, expected.count)
        XCTAssertEqual(expected.filter { table.id(of: $0.key) != $0.value }.count, 0, "every id survives growth")
        var absent = SplitMix64(seed: 5)
        for _ in 0..<1_000 {
            let fingerprint = FingerprintSet.normalized(absent.next())
            if expected[fingerprint] == nil { XCTAssertNil(table.id(of: fingerprint)) }
        }
    }

    /// Search's insert phase inserts a whole batch and numbers the new states only in
    /// `assignIds`, after the batch's later inserts, which may have grown the region. This test
    /// uses the set exactly that way: ids are set by fingerprint, after every insert.
    func testIdsAssignedAfterABatchOfInsertsSurviveRegionGrowth() {
        let table = FingerprintSet(expectedCount: 1, storesIds: true)
        var random = SplitMix64(seed: 11)
        var batch: [(fingerprint: UInt64, slot: Int)] = []
        for _ in 0..<5_000 {
            let fingerprint = FingerprintSet.normalized(random.next())
            let (inserted, slot) = table.insert(fingerprint)
            if inserted { batch.append((fingerprint, slot)) }
        }
        for (id, entry) in batch.enumerated() { table.setId(UInt32(id), for: entry.fingerprint) }
        var wrong = 0
        for (id, entry) in batch.enumerated() where table.id(of: entry.fingerprint) != UInt32(id) { wrong += 1 }
        XCTAssertEqual(wrong, 0, "\(wrong) of \(batch.count) fingerprints lost their id after region growth")
    }

    func testNormalizedMapsOnlyZero() {
        XCTAssertEqual(FingerprintSet.normalized(0), 1)
        XCTAssertEqual(FingerprintSet.normalized(1), 1)
        XCTAssertEqual(FingerprintSet.normalized(UInt64.max), UInt64.max)
    }

    func testGroupIsTheTopFiveBits() {
        XCTAssertEqual(FingerprintSet.group(of: 0), 0)
        XCTAssertEqual(FingerprintSet.group(of: UInt64.max), FingerprintSet.groupCount - 1)
        XCTAssertEqual(FingerprintSet.group(of: 0x0800_0000_0000_0000), 1)
        XCTAssertEqual(FingerprintSet.regionsPerGroup * FingerprintSet.groupCount, FingerprintSet.regionCount)
    }
}
