import XCTest
@testable import Model

/// The fingerprint is the identity of a state in the visited set and in counterexample files:
/// it must be the same in every process and must separate the values models feed it.
final class FingerprintTests: XCTestCase {
    func testFingerprintIsFixedAcrossProcesses() {
        // Pinned values: a change to the hasher changes every recorded counterexample file,
        // so it must be deliberate. Expected value computed independently (SplitMix64 finaliser in Python).
        XCTAssertEqual(FingerprintHasher.fingerprint(UInt64(0)), 0x74BF_FC1F_1533_ED0C)
        XCTAssertEqual(FingerprintHasher.fingerprint("qjm"), FingerprintHasher.fingerprint("qjm"))
    }

    func testOneWordStatesNeverCollide() {
        // The mixer is a bijection, so one-word states get distinct fingerprints.
        var seen = Set<UInt64>()
        for value in 0..<UInt64(200_000) {
            XCTAssertTrue(seen.insert(FingerprintHasher.fingerprint(value &* 0x9E37_79B9)).inserted)
        }
    }

    /// With nn1 and nn2 swapped, the ghost's epoch owners are fed as the swapped list sorted again,
    /// without building it, also where two NameNodes share an epoch (only a seeded bug does that).
    func testSwappedEpochOwnersFeedAsTheSwappedListSorted() {
        typealias Owner = HASystem.EpochOwner
        let swap = NodeRenaming(order: [0, 1, 2], swapsNameNodes: true)
        for owners in [[Owner(epoch: 1, nameNode: 0), Owner(epoch: 2, nameNode: 1)],
                       [Owner(epoch: 1, nameNode: 0), Owner(epoch: 1, nameNode: 1), Owner(epoch: 2, nameNode: 0),
                        Owner(epoch: 3, nameNode: 1)],
                       [Owner(epoch: 2, nameNode: 1)], []] {
            var fed = FingerprintHasher()
            HASystem.Ghost.feedRenamed(owners, swap, into: &fed)
            var expected = FingerprintHasher()
            for owner in owners.map({ Owner(epoch: $0.epoch, nameNode: 1 - $0.nameNode) }).sorted() {
                expected.combine(owner.epoch)
                expected.combine(int: owner.nameNode)
            }
            XCTAssertEqual(fed.finalize(), expected.finalize(), "\(owners)")
        }
        var swapped = FingerprintHasher(), unchanged = FingerprintHasher()
        let owners = [Owner(epoch: 1, nameNode: 0), Owner(epoch: 2, nameNode: 1)]
        HASystem.Ghost.feedRenamed(owners, swap, into: &swapped)
        for owner in owners { unchanged.combine(owner.epoch); unchanged.combine(int: owner.nameNode) }
        XCTAssertNotEqual(swapped.finalize(), unchanged.finalize(), "the swap must show")
    }

    func testStructureIsPartOfTheFingerprint() {
        let nested: [[Int]] = [[1, 2], [3]]
        let flat: [[Int]] = [[1], [2, 3]]
        XCTAssertNotEqual(FingerprintHasher.fingerprint(nested), FingerprintHasher.fingerprint(flat))
        XCTAssertNotEqual(FingerprintHasher.fingerprint(Optional<Int>.none), FingerprintHasher.fingerprint(Optional(0)))
        XCTAssertNotEqual(FingerprintHasher.fingerprint("ab"), FingerprintHasher.fingerprint("ab\u{0}"))
        XCTAssertNotEqual(FingerprintHasher.fingerprint([true]), FingerprintHasher.fingerprint([false]))
        XCTAssertNotEqual(FingerprintHasher.fingerprint(Int32(-1)), FingerprintHasher.fingerprint(Int64(-1)))
    }

    func testOrderMatters() {
        var forward = FingerprintHasher()
        forward.combine(UInt64(1))
        forward.combine(UInt64(2))
        var backward = FingerprintHasher()
        backward.combine(UInt64(2))
        backward.combine(UInt64(1))
        XCTAssertNotEqual(forward.finalize(), backward.finalize())
    }
}

final class StateFieldTests: XCTestCase {
    struct Inner { var epoch: Int; var name: String? }
    struct Outer { var nodes: [Inner]; var committed: Int; var leader: Int? }

    func testReflectionFlattensIntoDottedPaths() {
        let state = Outer(nodes: [Inner(epoch: 1, name: "jn1"), Inner(epoch: 2, name: nil)], committed: 7, leader: nil)
        XCTAssertEqual(StateField.reflecting(state), [
            StateField("nodes[0].epoch", "1"), StateField("nodes[0].name", "jn1"),
            StateField("nodes[1].epoch", "2"), StateField("nodes[1].name", "nil"),
            StateField("committed", "7"), StateField("leader", "nil"),
        ])
    }

    func testLeafValueIsOneField() {
        XCTAssertEqual(StateField.reflecting(42), [StateField("state", "42")])
        XCTAssertEqual(StateField.reflecting(Outer(nodes: [], committed: 0, leader: 3)),
                       [StateField("nodes", "[]"), StateField("committed", "0"), StateField("leader", "3")])
    }
}
