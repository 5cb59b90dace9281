import XCTest
@testable import Namespace

/// Seeded random operation sequences: validate() predicts apply() exactly, a refusal changes
/// nothing, and replaying the logged edits (encoded, decoded) into a fresh namespace — or loading
/// an fsimage of it — rebuilds the same tree (the check-log-apply contract of FSNamesystem).
final class RandomizedTests: XCTestCase {
    static let operationsPerRun = 1_500
    static let names = ["a", "b", "c"]

    func testValidateAgreesWithApplyAndTheLogReplays() throws {
        for seed: UInt64 in [1, 2, 0x5EED] {
            try run(seed: seed)
        }
    }

    func testDigestDoesNotDependOnOperationOrder() throws {
        let forward = makeNamespace([Op.mkdir("/x/y"), Op.touch("/x/f"), Op.mkdir("/z"), Op.touch("/z/g")])
        let backward = makeNamespace([Op.mkdir("/z"), Op.touch("/z/g"), Op.mkdir("/x"), Op.touch("/x/f"),
                                      Op.mkdir("/x/y")])
        XCTAssertEqual(forward.digest, backward.digest)
        var renamed = makeNamespace([Op.mkdir("/q/y"), Op.touch("/q/f"), Op.mkdir("/z"), Op.touch("/z/g")])
        try renamed.apply(Op.mv("/q", "/x", time: 1_000))
        XCTAssertEqual(renamed.digest, forward.digest)
        XCTAssertNotEqual(makeNamespace([Op.mkdir("/x", time: 1)]).digest, makeNamespace([Op.mkdir("/x", time: 2)]).digest)
    }

    private func run(seed: UInt64) throws {
        print("RandomizedTests seed \(seed)")
        var random = SplitMix64(seed: seed)
        var namespace = Namespace()
        var log: [[UInt8]] = []
        var outcomes = (applied: 0, unchanged: 0, refused: 0)
        for step in 0..<Self.operationsPerRun {
            let operation = randomOperation(&random, time: Int64(step))
            let predicted = namespace.validate(operation)
            let before = namespace.digest
            let prepared = try? namespace.prepare(operation)
            do {
                let logged = try namespace.perform(operation)
                XCTAssertNil(predicted, "seed \(seed) step \(step): validate refused \(operation) that apply accepted")
                XCTAssertEqual(logged, prepared, "seed \(seed) step \(step): prepare and perform disagree")
                if let logged {
                    log.append(logged.encode())
                    outcomes.applied += 1
                } else {
                    XCTAssertEqual(namespace.digest, before, "seed \(seed) step \(step): a no-op changed the tree")
                    outcomes.unchanged += 1
                }
            } catch {
                XCTAssertEqual(error, predicted, "seed \(seed) step \(step): \(operation)")
                XCTAssertEqual(namespace.digest, before, "seed \(seed) step \(step): a refusal changed the tree")
                outcomes.refused += 1
            }
            XCTAssertEqual(namespace.count, reachableCount(namespace), "seed \(seed) step \(step)")
        }
        XCTAssertGreaterThan(outcomes.applied, 100, "seed \(seed): the run must change the tree often")
        XCTAssertGreaterThan(outcomes.refused, 100, "seed \(seed): the run must exercise refusals")
        XCTAssertGreaterThan(outcomes.unchanged, 0, "seed \(seed): the run must exercise no-ops")

        var replayed = Namespace()
        for bytes in log { try replayed.apply(try NamespaceOperation.decode(bytes)) }
        XCTAssertEqual(replayed.digest, namespace.digest, "seed \(seed): replaying the log")
        XCTAssertEqual(replayed.count, namespace.count)

        let image = FSImage.encode(namespace, txid: UInt64(log.count))
        let loaded = try FSImage.decode(image, file: "memory")
        XCTAssertEqual(loaded.namespace.digest, namespace.digest, "seed \(seed): the fsimage round trip")
        XCTAssertEqual(loaded.txid, UInt64(log.count))
    }

    private func randomOperation(_ random: inout SplitMix64, time: Int64) -> NamespaceOperation {
        let path = randomPath(&random)
        switch random.next() % 9 {
        case 0, 1:
            return Op.mkdir(path, parents: random.next() % 3 != 0, time: time)
        case 2, 3:
            return Op.touch(path, overwrite: random.next() % 2 == 0, replication: UInt16(random.next() % 4),
                            time: time)
        case 4, 5:
            return Op.rm(path, recursive: random.next() % 2 == 0, time: time)
        case 6, 7:
            return Op.mv(path, randomPath(&random), time: time)
        default:
            return Op.mkdir(random.next() % 2 == 0 ? "/" : path + "/", time: time)
        }
    }

    private func randomPath(_ random: inout SplitMix64) -> String {
        let depth = Int(random.next() % 4)
        if depth == 0 { return "/" }
        return (0..<depth).map { _ in "/" + Self.names[Int(random.next() % UInt64(Self.names.count))] }.joined()
    }

    /// The inodes reachable from the root by listing, the root included.
    private func reachableCount(_ namespace: Namespace) -> Int {
        var pending = ["/"]
        var count = 1
        while let path = pending.popLast() {
            guard let entries = try? namespace.list(path) else { continue }
            for entry in entries where entry.path != path {
                count += 1
                if entry.isDirectory { pending.append(entry.path) }
            }
        }
        return count
    }
}
