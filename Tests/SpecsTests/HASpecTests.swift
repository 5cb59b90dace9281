import XCTest
@testable import Model
import Checker
@testable import Specs

/// The HA protocol under the checker: the shipped configurations' properties, the split brain
/// of `no-fencing`, and every mutant caught by the property named for it. State-space sizes are
/// pinned so that an unintended change to the model fails here.
final class HASpecTests: XCTestCase {
    func check(_ configuration: HAConfiguration, name: String, workers: Int = 2) -> CheckResult {
        var options = CheckOptions()
        options.workers = workers
        return Checker(model: HASpec(configuration: configuration, name: name), options: options).run()
    }

    /// A configuration small enough for a debug build: one failover's worth of epochs, no faults.
    static var tiny: HAConfiguration {
        var configuration = HAConfigurations.crash
        configuration.epochMax = 2
        configuration.crashesMax = 0
        return configuration
    }

    func testTinyHoldsEverySafetyPropertyAndPinsItsSize() {
        let result = check(HASpecTests.tiny, name: "tiny")
        for property in HAProperties.safety + HAProperties.liveness {
            XCTAssertEqual(result.property(property.name)?.status, .holds, property.name)
        }
        for name in ["EditAcknowledged", "FailoverCompleted", "AcknowledgedEditSurvivesFailover", "TwoEpochsEstablished",
                     "StandbyTailedEdits"] {
            XCTAssertEqual(result.property(name)?.status, .holds, name)
            XCTAssertNotNil(result.property(name)?.trace, "a witness trace for \(name)")
        }
        // Without crashes or loss, no JournalNode loses an edit or misses a batch: the `sometimes`
        // guards report that honestly instead of passing vacuously.
        XCTAssertEqual(result.property("UncommittedTailDiscarded")?.status, .violated)
        XCTAssertEqual(result.property("JournalNodeSkippedUntilNextSegment")?.status, .violated)
        XCTAssertEqual([result.distinctStates, result.depth], [HASpecTests.tinyDistinct, HASpecTests.tinyDepth])
    }

    /// LogMatching reads the JournalNodes' segments directly: two logs that share (txid, epoch)
    /// must agree below it, wherever both hold a txid; a difference above the last shared edit,
    /// or where one log has a gap, is no fork.
    func testLogMatchingFindsAForkBelowASharedEdit() throws {
        let logMatching = try XCTUnwrap(HAProperties.safety.first { $0.name == "LogMatching" }?.stateCondition)
        let model = HASpec(configuration: HAConfigurations.crash, name: "crash")
        func state(_ logs: [[Segment]]) -> HASystem {
            var state = model.initialStates()[0]
            for (id, segments) in logs.enumerated() {
                var durable = JournalDurableState(formatted: true)
                durable.segments = segments
                state.journalNodes[id].node = JournalNode(id: id, durable: durable)
            }
            return state
        }
        func segment(_ start: TxID, _ end: TxID, epoch: Epoch) -> Segment {
            Segment(start: start, end: end, writerEpoch: epoch, finalized: true)
        }
        let shared = [segment(1, 1, epoch: 1), segment(2, 3, epoch: 2)]
        XCTAssertTrue(logMatching(model, state([shared, shared, []])))
        XCTAssertFalse(logMatching(model, state([shared, [segment(1, 1, epoch: 2), segment(2, 3, epoch: 2)], []])),
                       "txid 3 of epoch 2 on both, txid 1 differs")
        XCTAssertTrue(logMatching(model, state([shared, [segment(1, 1, epoch: 1), segment(2, 3, epoch: 3)], []])),
                      "they part after txid 1: an uncommitted tail, not a fork")
        XCTAssertTrue(logMatching(model, state([shared, [segment(2, 3, epoch: 2)], [segment(1, 0, epoch: 3)]])),
                      "a JournalNode without txid 1 and one with an empty segment")

        // What `deep` (a third edit) found: jn2 took the dead epoch-1 writer's txid 1 and missed
        // the epoch-2 writer's startLogSegment(1); the writer skipped it until the next segment.
        // Its in-progress segment 1, with a later segment after it, is abandoned: no reader or
        // recovery reads it, so it is no fork. The same edit in its last segment would be one.
        let abandoned = Segment(start: 1, end: 1, writerEpoch: 1, finalized: false)
        let current = Segment(start: 2, end: 2, writerEpoch: 2, finalized: false)
        let written = [segment(1, 1, epoch: 2), Segment(start: 2, end: 2, writerEpoch: 2, finalized: false)]
        XCTAssertTrue(logMatching(model, state([written, [abandoned, current], written])))
        XCTAssertFalse(logMatching(model, state([written, [segment(1, 1, epoch: 1), current], written])),
                       "a finalized segment is read")
    }

    static let tinyDistinct = 1_145
    static let tinyDepth = 57

    /// The shipped `crash` (`small` without its lost message), exhaustively: every property
    /// holds, every `sometimes` guard is reached, and its size is pinned. (Model, Specs and
    /// Checker are optimised in debug builds too.)
    func testCrashHoldsEveryPropertyReachesEveryGuardAndPinsItsSize() {
        let result = check(HAConfigurations.crash, name: "crash")
        XCTAssertEqual(result.outcome, .holds)
        for report in result.properties {
            XCTAssertEqual(report.status, .holds, "\(report.kind) \(report.name)")
        }
        XCTAssertEqual([result.distinctStates, result.generatedStates, result.depth],
                       [HASpecTests.crashDistinct, HASpecTests.crashGenerated, HASpecTests.crashDepth])
    }

    /// The shipped `small`, what plain `qjm check` runs: the bounds, a crash and a lost
    /// message in one exhaustive run (about a minute with 2 workers, 1.4 GB). Every property
    /// holds, every guard is reached, and its size is pinned.
    func testSmallHoldsEveryPropertyReachesEveryGuardAndPinsItsSize() {
        let result = check(HAConfigurations.small, name: "small")
        XCTAssertEqual(result.outcome, .holds)
        for report in result.properties {
            XCTAssertEqual(report.status, .holds, "\(report.kind) \(report.name)")
        }
        XCTAssertEqual([result.distinctStates, result.generatedStates, result.depth], [5_620_205, 17_718_111, 89])
    }

    /// The shipped `lossy`: two edits and one lost message, exhaustively; every safety property
    /// holds, a JournalNode that missed a batch sits out until the next segment, and the size is pinned.
    func testLossyHoldsEverySafetyPropertyAndPinsItsSize() {
        let result = check(HAConfigurations.lossy, name: "lossy")
        for property in HAProperties.safety + HAProperties.liveness {
            XCTAssertEqual(result.property(property.name)?.status, .holds, property.name)
        }
        for name in ["EditAcknowledged", "FailoverCompleted", "AcknowledgedEditSurvivesFailover",
                     "JournalNodeSkippedUntilNextSegment", "TwoEpochsEstablished", "StandbyTailedEdits"] {
            XCTAssertEqual(result.property(name)?.status, .holds, name)
        }
        XCTAssertEqual([result.distinctStates, result.generatedStates, result.depth],
                       [HASpecTests.lossyDistinct, HASpecTests.lossyGenerated, HASpecTests.lossyDepth])
    }

    static let lossyDistinct = 25_326
    static let lossyGenerated = 73_118
    static let lossyDepth = 79

    /// A loss budget bounds message loss like the crash bound bounds crashes: a budget of 0 is
    /// the lossless exploration, state for state; each lost message adds behaviours.
    func testLossBudgetBoundsMessageLoss() {
        var noBudget = HASpecTests.tiny
        noBudget.faults.messageLoss = true
        noBudget.lossesMax = 0
        XCTAssertEqual(check(noBudget, name: "tiny-losses-0").distinctStates, HASpecTests.tinyDistinct)
        var oneLoss = noBudget
        oneLoss.lossesMax = 1
        let result = check(oneLoss, name: "tiny-losses-1")
        XCTAssertGreaterThan(result.distinctStates, HASpecTests.tinyDistinct)
        for property in HAProperties.safety {
            XCTAssertEqual(result.property(property.name)?.status, .holds, property.name)
        }
        XCTAssertEqual(result.distinctStates, HASpecTests.tinyOneLossDistinct)
    }

    static let tinyOneLossDistinct = 13_331

    static let crashDistinct = 226_702
    static let crashGenerated = 689_578
    static let crashDepth = 82

    func testWorkersDoNotChangeTheHAExploration() {
        let one = check(HASpecTests.tiny, name: "tiny", workers: 1)
        let two = check(HASpecTests.tiny, name: "tiny", workers: 2)
        XCTAssertEqual(one.distinctStates, two.distinctStates)
        XCTAssertEqual(one.generatedStates, two.generatedStates)
        XCTAssertEqual(one.properties.map(\.trace), two.properties.map(\.trace))
    }

    /// The HDFS HA guide's warning: with `shell(/bin/true)` a paused old active resumes beside the
    /// new one. The checker must find it, with a trace that pauses, fences for nothing and resumes.
    func testNoFencingShowsTheSplitBrain() throws {
        let result = check(HAConfigurations.noFencing, name: "no-fencing")
        XCTAssertEqual(result.outcome, .violated)
        let trace = try XCTUnwrap(result.property("AtMostOneActiveServes")?.trace)
        let actions = trace.steps.compactMap(\.action)
        let paused = try XCTUnwrap(actions.first { $0.hasPrefix("pause ") }?.split(separator: " ")[1], "\(actions)")
        XCTAssertTrue(actions.contains { $0.hasPrefix("haadmin -failover \(paused) ") }, "\(actions)")
        XCTAssertTrue(actions.contains("the failover's RPC times out"), "the graceful fence cannot reach it")
        XCTAssertTrue(actions.contains("fencing method succeeds"), "\(actions)")
        let fenced = try XCTUnwrap(actions.firstIndex(of: "fencing method succeeds"))
        let resumed = try XCTUnwrap(actions.firstIndex(of: "resume \(paused) (SIGCONT)"), "\(actions)")
        XCTAssertGreaterThan(resumed, fenced, "the paused NameNode resumes after the fencing that did nothing")
        XCTAssertEqual(trace.steps.count, HASpecTests.noFencingTraceLength)
    }

    static let noFencingTraceLength = 27

    /// Each seeded bug is caught, by the property the catalogue names, with a replayable trace.
    func testEveryMutantIsCaughtByItsProperty() throws {
        XCTAssertGreaterThanOrEqual(HAMutants.catalog.count, 8)
        XCTAssertEqual(Set(HAMutants.catalog.map(\.mutation)), Set(Mutation.allCases))
        for entry in HAMutants.catalog {
            var configuration = entry.configuration
            configuration.mutation = entry.mutation
            let model = HASpec(configuration: configuration, name: entry.configurationName)
            let result = check(configuration, name: entry.configurationName)
            XCTAssertEqual(result.outcome, .violated, entry.mutation.rawValue)
            let violated = result.properties.filter { $0.status == .violated }.map(\.name)
            XCTAssertEqual(violated, [entry.expectedProperty], entry.mutation.rawValue)
            let file = try XCTUnwrap(CounterexampleFile.all(from: result, model: model).first, entry.mutation.rawValue)
            let replay = try file.replay(on: model)
            XCTAssertTrue(replay.reproduced, "\(entry.mutation.rawValue): \(replay.explanation)")
            XCTAssertTrue(replay.sameLastState, entry.mutation.rawValue)
        }
    }

    /// Without the mutation, each mutant's configuration holds the property that catches it.
    func testTheMutantConfigurationsHoldWithoutTheMutation() {
        let configurations = Dictionary(HAMutants.catalog.map { ($0.configurationName, $0.configuration) },
                                        uniquingKeysWith: { first, _ in first })
        for name in configurations.keys.sorted() where name != "crash" {
            let result = check(configurations[name]!, name: name)
            for property in HAProperties.safety where property.name != "AtMostOneActiveServes" || name != "no-fencing" {
                XCTAssertNotEqual(result.property(property.name)?.status, .violated, "\(name): \(property.name)")
            }
        }
    }

    func testConfigurationsRoundTripThroughTheirParameters() throws {
        for (name, _, configuration) in HAConfigurations.shipped {
            let (rebuilt, rebuiltName) = try HAConfigurations.configuration(
                from: HAConfigurations.parameters(of: configuration, name: name))
            XCTAssertEqual(rebuilt, configuration, name)
            XCTAssertEqual(rebuiltName, name)
        }
        var configuration = HAConfigurations.crash
        XCTAssertThrowsError(try HAConfigurations.apply("edits", "many", to: &configuration)) { error in
            XCTAssertEqual(String(describing: error), "edits must be an integer in 0...10, not 'many'")
        }
        XCTAssertThrowsError(try HAConfigurations.apply("fencing", "shoot", to: &configuration))
        XCTAssertThrowsError(try HAConfigurations.apply("colour", "red", to: &configuration)) { error in
            XCTAssertEqual(String(describing: error), "unknown HA configuration key 'colour'")
        }
    }

    func testEveryPropertyHasANameAndARationaleOrIsAGuard() {
        let names = HAProperties.all.map(\.name)
        XCTAssertEqual(Set(names).count, names.count, "property names are unique")
        for property in HAProperties.safety + HAProperties.liveness {
            XCTAssertFalse(property.rationale.isEmpty, property.name)
        }
    }
}

/// The hand-written HA fingerprints must tell apart exactly the states the compiler-synthesised
/// `Codable` walk tells apart: a field forgotten in `feed` would merge states here.
final class HAFingerprintTests: XCTestCase {
    func testHandWrittenFingerprintsPartitionStatesLikeTheCodableWalk() {
        var configuration = HAConfigurations.crash
        configuration.faults.messageLoss = true
        configuration.faults.pauses = true
        let model = HASpec(configuration: configuration, name: "sample")
        var frontier = model.initialStates()
        var seen = Set<UInt64>()
        var pairs: [UInt64: UInt64] = [:]
        var reverse: [UInt64: UInt64] = [:]
        var actions: [HAAction] = []
        for _ in 0..<9 {
            var next: [HASystem] = []
            for state in frontier {
                let handWritten = FingerprintHasher.fingerprint(state)
                var hasher = FingerprintHasher()
                FingerprintEncoding.feed(state, into: &hasher)
                let walked = hasher.finalize()
                XCTAssertEqual(pairs[handWritten] ?? walked, walked, "two states share a hand-written fingerprint")
                XCTAssertEqual(reverse[walked] ?? handWritten, handWritten, "two fingerprints for one encoding")
                pairs[handWritten] = walked
                reverse[walked] = handWritten
                guard seen.insert(handWritten).inserted else { continue }
                actions.removeAll()
                model.actions(state, into: &actions)
                next += actions.compactMap { model.nextState(state, $0) }
            }
            frontier = next
        }
        XCTAssertGreaterThan(pairs.count, 1_000, "a meaningful sample")
    }
}

/// JournalNode symmetry must pick one representative per class: every renaming of a reachable
/// state canonicalizes to the same state as the state itself.
final class HASymmetryTests: XCTestCase {
    /// Every renaming of three JournalNodes: JournalNode `order[i]` becomes `i`.
    static let orders: [[JournalNodeID]] = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]

    /// Distinct reachable states, level by level from the initial state, for `levels` levels,
    /// expanding at most `width` states of each level.
    static func reachableStates(_ model: HASpec, levels: Int, width: Int = .max) -> [HASystem] {
        var frontier = model.initialStates()
        var seen = Set<UInt64>()
        var states: [HASystem] = []
        var actions: [HAAction] = []
        for _ in 0..<levels {
            var next: [HASystem] = []
            var expanded = 0
            for state in frontier where expanded < width && seen.insert(FingerprintHasher.fingerprint(state)).inserted {
                expanded += 1
                states.append(state)
                actions.removeAll()
                model.actions(state, into: &actions)
                next += actions.compactMap { model.nextState(state, $0) }
            }
            frontier = next
        }
        return states
    }

    func testEveryRenamingOfAStateHasTheSameRepresentative() {
        var configuration = HAConfigurations.crash
        configuration.faults.messageLoss = true
        let states = HASymmetryTests.reachableStates(HASpec(configuration: configuration, name: "sample"), levels: 8)
        for state in states {
            let representative = FingerprintHasher.fingerprint(state.canonicalizingJournalNodes())
            for order in HASymmetryTests.orders {
                let renamed = state.renamingJournalNodes(order)
                XCTAssertEqual(FingerprintHasher.fingerprint(renamed.canonicalizingJournalNodes()), representative,
                               "a renaming of a state has another representative")
            }
        }
        XCTAssertGreaterThan(states.count, 500, "a meaningful sample")
    }
}

/// JournalNode symmetry is sound only if renaming JournalNodes maps behaviours to behaviours:
/// the successors of a renamed state are the renamed successors (as classes), and every property
/// judges a renamed state and step as it judges the original. Checked on the random walks of
/// `HANameNodeSymmetryTests` (a crash, a lost message, a pause, failovers) and on a breadth-first
/// sample of `crash` deep enough for recoveries after a crash.
final class HAJournalNodeRenamingTests: XCTestCase {
    func testRenamingJournalNodesMapsStepsToStepsAndKeepsEveryVerdict() {
        let model = HANameNodeSymmetryTests.model
        var actions: [HAAction] = []
        func steps(of state: HASystem) -> [(action: HAAction, after: HASystem, key: UInt64)] {
            actions.removeAll()
            model.actions(state, into: &actions)
            return actions.compactMap { action in
                model.nextState(state, action).map { (action, $0, $0.canonicalFingerprint) }
            }.sorted { $0.key < $1.key }
        }
        var compared = 0, journalNodeDown = 0, recovering = 0
        let small = HASpec(configuration: HAConfigurations.crash, name: "crash")
        let states = HANameNodeSymmetryTests.sampledStates() + HASymmetryTests.reachableStates(small, levels: 45, width: 80)
        for state in states {
            let original = steps(of: state)
            if state.journalNodes.contains(where: { !$0.up }) { journalNodeDown += 1 }
            if state.network.contains(where: { if case .acceptRecovery = $0.request { true } else { false } }) { recovering += 1 }
            for order in HASymmetryTests.orders.dropFirst() {
                let renamed = state.renamingJournalNodes(order)
                let renamedSteps = steps(of: renamed)
                XCTAssertEqual(original.map { $0.key }, renamedSteps.map { $0.key },
                               "a renamed state's successors are the renamed successors")
                for property in model.properties {
                    if let condition = property.stateCondition {
                        XCTAssertEqual(condition(model, state), condition(model, renamed), property.name)
                    }
                    if let condition = property.transitionCondition, original.count == renamedSteps.count {
                        for (step, renamedStep) in zip(original, renamedSteps) {
                            XCTAssertEqual(condition(model, state, step.action, step.after),
                                           condition(model, renamed, renamedStep.action, renamedStep.after),
                                           "\(property.name): \(step.action) against \(renamedStep.action)")
                        }
                    }
                }
                compared += original.count
            }
        }
        XCTAssertGreaterThan(compared, 50_000, "a meaningful sample")
        XCTAssertGreaterThan(journalNodeDown, 100, "states with a JournalNode down")
        XCTAssertGreaterThan(recovering, 100, "and with a recovery's accept in flight")
    }

    /// An acceptRecovery's source is where the host downloads the segment from; the segment is the
    /// one its extent and writer epoch name, so the model's states do not tell sources apart.
    func testTheDownloadSourceIsNotPartOfTheState() {
        let info = RequestInfo(epoch: 2, committedTxID: 1)
        let segment = SegmentState(start: 1, end: 2, inProgress: false)
        func envelope(source: JournalNodeID) -> HASystem.Envelope {
            HASystem.Envelope(from: .nameNode(0), to: .journalNode(1),
                              request: .acceptRecovery(info, segment: segment, writerEpoch: 1, source: source))
        }
        var state = HASystem(configuration: HAConfigurations.crash)
        state.network = [envelope(source: 0)]
        var other = state
        other.network = [envelope(source: 2)]
        XCTAssertNotEqual(state, other)
        XCTAssertEqual(FingerprintHasher.fingerprint(state), FingerprintHasher.fingerprint(other))
        XCTAssertEqual(state.canonicalFingerprint, other.canonicalFingerprint)
        var later = other
        later.network[0].request = .acceptRecovery(info, segment: segment, writerEpoch: 2, source: 2)
        XCTAssertNotEqual(FingerprintHasher.fingerprint(state), FingerprintHasher.fingerprint(later), "the writer epoch counts")
    }
}

/// NameNode symmetry (two NameNodes, manual failover) is sound only if swapping nn1 and nn2
/// maps behaviours to behaviours and leaves every property's verdict alone. These tests check
/// that on states along seeded random walks of `crash` with a lost message and a pause (so that
/// failovers in progress, fencing and dead writers' messages occur), and that the representative
/// is the same for every renaming of NameNodes and JournalNodes.
final class HANameNodeSymmetryTests: XCTestCase {
    var model: HASpec { HANameNodeSymmetryTests.model }

    static var model: HASpec {
        var configuration = HAConfigurations.crash
        configuration.faults.messageLoss = true
        configuration.lossesMax = 1
        configuration.faults.pauses = true
        return HASpec(configuration: configuration, name: "sample")
    }

    /// States along 200 walks of up to 70 steps (a linear congruential generator: no randomness
    /// from the system).
    func sampledStates() -> [HASystem] { HANameNodeSymmetryTests.sampledStates() }

    static func sampledStates() -> [HASystem] {
        var seed: UInt64 = 0x5eed
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        var states: [HASystem] = []
        var actions: [HAAction] = []
        for _ in 0..<200 {
            var state = model.initialStates()[0]
            for _ in 0..<70 {
                states.append(state)
                actions.removeAll()
                model.actions(state, into: &actions)
                guard !actions.isEmpty, let successor = model.nextState(state, actions[next(actions.count)]),
                      model.withinBoundary(successor) else { break }
                state = successor
            }
        }
        return states
    }

    /// The checker fingerprints representatives without building them (`canonicalFingerprint`):
    /// that must be the fingerprint of the representative `canonicalizingNodes` builds, for every
    /// sampled state and every renaming of it, and for automatic failover's states (no NameNode
    /// symmetry there, and ZooKeeper state that JournalNode renaming leaves alone).
    func testTheCanonicalFingerprintIsTheRepresentativesFingerprint() {
        var renamedAway = 0
        for state in sampledStates() {
            for renamed in [state, state.swappingNameNodes()] {
                for order in HASymmetryTests.orders {
                    let candidate = renamed.renamingJournalNodes(order)
                    let representative = candidate.canonicalizingNodes()
                    XCTAssertEqual(candidate.canonicalFingerprint, FingerprintHasher.fingerprint(representative))
                    if representative != candidate { renamedAway += 1 }
                }
            }
        }
        XCTAssertGreaterThan(renamedAway, 10_000, "most samples are not their own representative")
        let automatic = HASpec(configuration: HAConfigurations.automatic, name: "automatic")
        let states = HASymmetryTests.reachableStates(automatic, levels: 30, width: 60)
        for state in states {
            for order in HASymmetryTests.orders {
                let candidate = state.renamingJournalNodes(order)
                XCTAssertEqual(candidate.canonicalFingerprint, FingerprintHasher.fingerprint(candidate.canonicalizingNodes()))
            }
        }
        XCTAssertGreaterThan(states.count, 1_000, "a meaningful sample of automatic failover's states")
    }

    func testSwappingTwiceIsTheIdentityAndEveryRenamingHasOneRepresentative() {
        let states = sampledStates()
        XCTAssertTrue(states.contains { $0.failover != nil }, "the sample has failovers in progress")
        XCTAssertTrue(states.contains { state in state.network.contains { $0.orphaned } }, "and dead writers' messages")
        for state in states {
            XCTAssertEqual(state.swappingNameNodes().swappingNameNodes(), state)
            let representative = FingerprintHasher.fingerprint(state.canonicalizingNodes())
            for renamed in [state, state.swappingNameNodes()] {
                for order in HASymmetryTests.orders {
                    XCTAssertEqual(FingerprintHasher.fingerprint(renamed.renamingJournalNodes(order).canonicalizingNodes()),
                                   representative, "a renaming of a state has another representative")
                }
            }
        }
    }

    /// The successors of a swapped state are the swapped successors, and every state property
    /// and transition property judges a swapped step as it judges the step.
    func testSwappingMapsStepsToStepsAndKeepsEveryVerdict() {
        let model = self.model
        var actions: [HAAction] = []
        var compared = 0
        for state in sampledStates() {
            let swapped = state.swappingNameNodes()
            actions.removeAll()
            model.actions(state, into: &actions)
            var steps: [(HAAction, HASystem)] = actions.compactMap { action in model.nextState(state, action).map { (action, $0) } }
            actions.removeAll()
            model.actions(swapped, into: &actions)
            var swappedSteps: [(HAAction, HASystem)] = actions.compactMap { action in model.nextState(swapped, action).map { (action, $0) } }
            func key(_ state: HASystem) -> UInt64 { FingerprintHasher.fingerprint(state.canonicalizingJournalNodes()) }
            steps.sort { key($0.1.swappingNameNodes()) < key($1.1.swappingNameNodes()) }
            swappedSteps.sort { key($0.1) < key($1.1) }
            XCTAssertEqual(steps.map { key($0.1.swappingNameNodes()) }, swappedSteps.map { key($0.1) },
                           "the swapped state's successors are the successors swapped")
            for property in model.properties {
                if let condition = property.stateCondition {
                    XCTAssertEqual(condition(model, state), condition(model, swapped), property.name)
                }
                if let condition = property.transitionCondition, steps.count == swappedSteps.count {
                    for ((action, after), (swappedAction, swappedAfter)) in zip(steps, swappedSteps) {
                        XCTAssertEqual(condition(model, state, action, after), condition(model, swapped, swappedAction, swappedAfter),
                                       "\(property.name): \(action) against \(swappedAction)")
                    }
                }
            }
            compared += steps.count
        }
        XCTAssertGreaterThan(compared, 5_000, "a meaningful sample")
    }
}

/// Properties that run on every state read a NameNode's stored fields in place instead of calling
/// `servesClients` (a call copies the slot): they must keep meaning what `servesClients` means.
final class HAInPlacePropertyTests: XCTestCase {
    func testServingChecksAgreeWithServesClients() throws {
        let model = HANameNodeSymmetryTests.model
        let goal = try XCTUnwrap(HAProperties.liveness.first { $0.name == "ServingActiveReachable" }?.stateCondition)
        let noStaleReads = try XCTUnwrap(HAProperties.safety.first { $0.name == "NoStaleReads" }?.stateCondition)
        var serving = 0, notServing = 0
        for state in HANameNodeSymmetryTests.sampledStates() {
            let expected = state.nameNodes.contains { $0.status == .running && $0.node.servesClients }
            XCTAssertEqual(goal(model, state), expected)
            if expected { serving += 1 } else { notServing += 1 }
            let fresh = state.nameNodes.allSatisfy { slot in
                slot.status != .running || !slot.node.servesClients
                    || state.ghost.acknowledged.allSatisfy { Int($0.txid) <= slot.node.applied.count
                        && slot.node.applied[Int($0.txid) - 1] == $0.epoch }
            }
            XCTAssertEqual(noStaleReads(model, state), fresh)
        }
        XCTAssertGreaterThan(serving, 100, "the sample must hold serving states")
        XCTAssertGreaterThan(notServing, 100, "and states without a serving NameNode")
    }
}
