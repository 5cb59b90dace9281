import XCTest
@testable import Model

/// The NameNode's HA core and quorum writer against `QuorumJournalManager`, `AsyncLoggerSet`,
/// `IPCLoggerChannel`, `QuorumOutputStream` and `FSNamesystem` (reference §3, §4.5, §7.3, §8),
/// driven against real in-test JournalNodes over FIFO links the test drains in the order it
/// chooses. Each test names the upstream sentence it checks.
final class NameNodeTests: XCTestCase {
    private typealias Cluster = QuorumTestCluster
    private typealias Tests = NameNodeTests




    private static func journal(promised: Epoch, writer: Epoch = 0, committed: TxID? = nil, segments: [Segment] = [],
                                paxos: [PaxosRecord] = []) -> JournalDurableState {
        var state = JournalDurableState(formatted: true)
        state.promisedEpoch = promised
        state.writerEpoch = writer
        state.committedTxID = committed
        state.segments = segments
        state.paxos = paxos
        return state
    }

    private static func terminations(_ effects: [NameNode.Effect]) -> [String] {
        effects.compactMap { if case .terminate(let reason) = $0 { reason } else { nil } }
    }

    private static func clientReplies(_ effects: [NameNode.Effect]) -> [NameNode.Effect] {
        effects.filter { if case .replyClient = $0 { true } else { false } }
    }

    private static func applied(_ effects: [NameNode.Effect]) -> [NameNode.Effect] {
        effects.filter { if case .applyEdits = $0 { true } else { false } }
    }

    private static func logs(_ effects: [NameNode.Effect]) -> [String] {
        effects.compactMap { if case .log(let text) = $0 { text } else { nil } }
    }

    /// A cluster whose NameNode 0 is active in epoch 1 with segment 1 open on every JournalNode.
    private static func activeCluster(journalCount: Int = 3, nameNodes: Int = 1) -> Cluster {
        var cluster = Cluster(journalCount: journalCount, nameNodes: nameNodes)
        cluster.step(.transitionToActive(source: .user))
        cluster.settle()
        XCTAssertEqual(cluster.nameNodes[0].state, .active)
        return cluster
    }

    // MARK: - §3.1 quorum size

    /// "Majority = n/2 + 1, reported as e.g. "2/3""; under `Mutation.minorityQuorum` n/2 (at least 1).
    func testTheQuorumIsAMajority() {
        for count in 1...7 {
            XCTAssertEqual(NameNode(id: 0, journalCount: count).quorum, count / 2 + 1, "n = \(count)")
            XCTAssertEqual(NameNode(id: 0, journalCount: count, mutation: .minorityQuorum).quorum, max(1, count / 2),
                           "n = \(count)")
        }
    }

    // MARK: - §3.2 epochs

    /// createNewUniqueEpoch: "getJournalState() to all, wait for a write quorum; myEpoch =
    /// max(lastPromisedEpoch over responders) + 1; newEpoch(nsInfo, myEpoch) to all, wait for a write
    /// quorum". A JournalNode outside the quorum with a higher promise refuses, and does not matter.
    func testTheEpochIsOneAboveTheHighestPromiseOfAQuorum() {
        let journals = [Tests.journal(promised: 0), Tests.journal(promised: 4), Tests.journal(promised: 2)]
        var cluster = Cluster(journals: journals)
        let effects = cluster.step(.transitionToActive(source: .user))
        XCTAssertEqual(effects.filter { if case .send = $0 { true } else { false } },
                       (0..<3).map { .send(to: $0, .getJournalState) })
        cluster.exchange(0)
        XCTAssertEqual(cluster.requests[0][0], [], "one answer is not a quorum")
        cluster.exchange(2)
        XCTAssertEqual(cluster.requests[0].compactMap(\.last), Array(repeating: .newEpoch(epoch: 3), count: 3))
        cluster.deliver(1)
        let refusal = cluster.deliver(1)
        XCTAssertEqual(refusal.last, .reply(to: 0, .failed(request: "newEpoch", epoch: 3, subject: nil,
                                                              error: .proposedEpochNotNewer(proposed: 3, promised: 4))))
        cluster.answer(1)
        cluster.answer(1)
        XCTAssertNil(cluster.nameNodes[0].establishedEpoch)
        cluster.exchange(0)
        cluster.exchange(2)
        XCTAssertEqual(cluster.nameNodes[0].establishedEpoch, 3)
        XCTAssertEqual(Tests.terminations(cluster.events[0]), [])

        var other = Cluster(journals: journals)
        other.step(.transitionToActive(source: .user))
        other.exchange(0)
        other.exchange(1)
        XCTAssertEqual(other.requests[0][0], [.newEpoch(epoch: 5)])
    }

    /// startActiveServices: epoch, recovery (none needed on fresh JournalNodes), catch-up
    /// (`catchupDuringFailover`), then `openForWrite` → startLogSegment(lastApplied + 1); only then is
    /// the NameNode active.
    func testBecomingActiveGoesThroughEveryPhaseInOrder() {
        var cluster = Cluster(journalCount: 3)
        cluster.step(.transitionToActive(source: .user))
        cluster.settle()
        XCTAssertEqual(cluster.sent[0][0], [
            .getJournalState,
            .newEpoch(epoch: 1),
            .getEditLogManifest(sinceTxID: 1, inProgressOK: false, call: 1),
            .startLogSegment(JournalFixtures.info(1), txid: 1),
        ])
        XCTAssertEqual(cluster.events[0], [
            .log("Starting services required for active state"),
            .log("Successfully transitioned to active state in epoch 1"),
            .transitionResult(.active, failure: nil),
        ])
        XCTAssertEqual(cluster.nameNodes[0].state, .active)
        XCTAssertEqual(cluster.journalNodes.map(\.durable.segments), Array(repeating: [JournalFixtures.inProgress(1, 0)], count: 3))
        // Asked again: already active, answered at once; while becoming active, nothing is resent.
        XCTAssertEqual(cluster.step(.transitionToActive(source: .user)), [.transitionResult(.active, failure: nil)])
        var becoming = Cluster(journalCount: 3)
        becoming.step(.transitionToActive(source: .user))
        XCTAssertEqual(becoming.step(.transitionToActive(source: .user)), [])
    }

    // MARK: - §3.2 recovery

    /// SegmentRecoveryComparator consequence: "a previously accepted recovery value beats a longer log
    /// from an older writer epoch". recoverUnclosedSegment: "Using already-accepted recovery", then
    /// acceptRecovery(best.segmentState, url of the best logger) and finalizeLogSegment; catch-up then
    /// applies the recovered edits and the new segment starts after them.
    func testRecoveryChoosesAnAcceptedValueOverALongerLog() {
        let accepted = PaxosRecord(segment: SegmentState(start: 1, end: 2, inProgress: true), acceptedInEpoch: 2,
                                   writerEpoch: 1)
        var cluster = Cluster(journals: [
            Tests.journal(promised: 2, writer: 1, segments: [JournalFixtures.inProgress(1, 2)], paxos: [accepted]),
            Tests.journal(promised: 1, writer: 1, segments: [JournalFixtures.inProgress(1, 3)]),
            Tests.journal(promised: 1, writer: 1, segments: [JournalFixtures.inProgress(1, 1)]),
        ])
        cluster.step(.transitionToActive(source: .user))
        cluster.settle()
        let acceptRecovery = JournalRequest.acceptRecovery(JournalFixtures.info(3), segment: SegmentState(start: 1, end: 2, inProgress: true),
                                                           writerEpoch: 1, source: 0)
        XCTAssertEqual(cluster.sent[0][2], [
            .getJournalState, .newEpoch(epoch: 3), .prepareRecovery(JournalFixtures.info(3), segmentStart: 1), acceptRecovery,
            .finalizeLogSegment(JournalFixtures.info(3), start: 1, end: 2),
            .getEditLogManifest(sinceTxID: 1, inProgressOK: false, call: 1), .startLogSegment(JournalFixtures.info(3), txid: 3),
        ])
        XCTAssertTrue(Tests.logs(cluster.events[0]).contains("Using already-accepted recovery: [1-2 in-progress] from 0"))
        XCTAssertEqual(Tests.applied(cluster.events[0]), [.applyEdits(first: 1, last: 2, writerEpoch: 1, source: 0)])
        XCTAssertEqual(cluster.nameNodes[0].applied, [1, 1])
        for node in cluster.journalNodes {
            XCTAssertEqual(node.durable.segments, [JournalFixtures.finalized(1, 2), JournalFixtures.inProgress(3, 2, writer: 3)], "JN \(node.id)")
            XCTAssertEqual(node.durable.paxos, [])
        }
    }

    /// Both in-progress with the same seen epoch: "Using longest log" — the longer copy wins and its
    /// JournalNode is the download source.
    func testRecoveryChoosesTheLongestLogWhenNothingWasAccepted() {
        var cluster = Cluster(journals: [
            Tests.journal(promised: 1, writer: 1, segments: [JournalFixtures.inProgress(1, 2)]),
            Tests.journal(promised: 1, writer: 1, segments: [JournalFixtures.inProgress(1, 3)]),
            Tests.journal(promised: 1, writer: 1, segments: [JournalFixtures.inProgress(1, 1)]),
        ])
        cluster.step(.transitionToActive(source: .user))
        cluster.settle()
        XCTAssertTrue(cluster.sent[0][0].contains(.acceptRecovery(JournalFixtures.info(2), segment: SegmentState(start: 1, end: 3, inProgress: true),
                                                                  writerEpoch: 1, source: 1)))
        XCTAssertTrue(Tests.logs(cluster.events[0]).contains("Using longest log: [1-3 in-progress] from 1"))
        XCTAssertEqual(cluster.nameNodes[0].applied, [1, 1, 1])
    }

    /// recoverUnclosedSegment: "any response with lastCommittedTxId > best.endTxId →
    /// AssertionError("Decided to synchronize log to X but logger L had seen txid N committed")";
    /// the writer refuses to drop a txid any JournalNode reports committed, and the NameNode exits.
    func testRecoveryRefusesToDropATxIDAJournalNodeReportsCommitted() {
        var cluster = Cluster(journals: [
            Tests.journal(promised: 1, writer: 1, committed: 3, segments: [JournalFixtures.inProgress(1, 2)]),
            Tests.journal(promised: 1, writer: 1, segments: [JournalFixtures.inProgress(1, 2)]),
            Tests.journal(promised: 1, writer: 1, segments: [JournalFixtures.inProgress(1, 3)]),
        ])
        cluster.step(.transitionToActive(source: .user))
        cluster.settle([0, 1])
        XCTAssertEqual(Tests.terminations(cluster.events[0]),
                       ["AssertionError: Decided to synchronize log to [1-2 in-progress] but logger 0 had seen txid 3 committed"])
        XCTAssertTrue(cluster.nameNodes[0].terminated)
        XCTAssertEqual(cluster.nameNodes[0].state, .stopping)
        XCTAssertFalse(cluster.sent[0][0].contains { if case .acceptRecovery = $0 { true } else { false } })
        XCTAssertEqual(cluster.step(.client(1, .write)), [], "an exited process does nothing")
    }

    /// SegmentRecoveryComparator: "both finalized: the end txids must match, else
    /// AssertionError("finalized segs with different lengths")" — the NameNode exits.
    func testRecoveryTerminatesOnFinalizedSegmentsOfDifferentLengths() {
        var cluster = Cluster(journals: [
            Tests.journal(promised: 1, writer: 1, segments: [JournalFixtures.finalized(1, 2)]),
            Tests.journal(promised: 1, writer: 1, segments: [JournalFixtures.finalized(1, 3)]),
            Tests.journal(promised: 1, writer: 1, segments: [JournalFixtures.finalized(1, 3)]),
        ])
        cluster.step(.transitionToActive(source: .user))
        cluster.settle([0, 1])
        XCTAssertEqual(Tests.terminations(cluster.events[0]), ["AssertionError: finalized segs with different lengths"])
    }

    /// recoverUnclosedSegment: "If the best response has neither acceptedInEpoch nor segmentState, no
    /// responder has the segment; return with no action ("allowed ... since the segment wasn't
    /// started on a quorum")" — the writer goes on to catch up.
    func testRecoveryIsSkippedWhenNoResponderHasTheSegment() {
        var cluster = Cluster(journals: [
            Tests.journal(promised: 1, writer: 1, segments: [JournalFixtures.finalized(1, 4), JournalFixtures.inProgress(5, 6)]),
            Tests.journal(promised: 1, writer: 1, segments: [JournalFixtures.finalized(1, 4)]),
            Tests.journal(promised: 1, writer: 1, segments: [JournalFixtures.finalized(1, 4)]),
        ])
        cluster.step(.transitionToActive(source: .user))
        cluster.exchange(0)
        cluster.exchange(1)
        cluster.exchange(0)
        cluster.exchange(1)
        XCTAssertEqual(cluster.requests[0][1], [.prepareRecovery(JournalFixtures.info(2), segmentStart: 5)])
        cluster.settle([1, 2])
        XCTAssertTrue(Tests.logs(cluster.events[0]).contains("None of the responders had a log to recover"))
        XCTAssertFalse(cluster.sent[0][1].contains { if case .acceptRecovery = $0 { true } else { false } })
        XCTAssertEqual(cluster.nameNodes[0].applied, [1, 1, 1, 1])
        XCTAssertEqual(cluster.nameNodes[0].state, .active)
        XCTAssertEqual(cluster.nameNodes[0].writer?.segmentStart, 5)
    }

    // MARK: - §3.2 catch-up and fencing of the old writer

    /// startActiveServices: recoverUnclosedStreams, then "catchupDuringFailover" applies every
    /// finalized edit, then startLogSegment(lastApplied + 1). §2.3: "A newer writer fences older ones
    /// just by sending any RPC": the old active's next batch is refused by every JournalNode and it
    /// exits (JournalSet: a failed required journal terminates).
    func testANewActiveCatchesUpAndFencesTheOldWriter() {
        var cluster = Tests.activeCluster(nameNodes: 2)
        for client in [10, 11] {
            cluster.step(.client(client, .write))
            cluster.settle()
        }
        cluster.step(.rollEditLog)
        cluster.settle()
        cluster.step(.client(12, .write))
        cluster.settle()
        XCTAssertEqual(Tests.clientReplies(cluster.events[0]), [
            .replyClient(10, .written(txid: 1)), .replyClient(11, .written(txid: 2)), .replyClient(12, .written(txid: 3)),
        ])

        cluster.step(.transitionToActive(source: .user), at: 1)
        cluster.settle(nameNode: 1)
        XCTAssertEqual(cluster.nameNodes[1].state, .active)
        XCTAssertEqual(cluster.nameNodes[1].establishedEpoch, 2)
        XCTAssertEqual(Tests.applied(cluster.events[1]), [
            .applyEdits(first: 1, last: 2, writerEpoch: 1, source: 0),
            .applyEdits(first: 3, last: 3, writerEpoch: 1, source: 0),
        ])
        XCTAssertEqual(cluster.nameNodes[1].applied, [1, 1, 1])
        XCTAssertEqual(cluster.sent[1][0].last, .startLogSegment(JournalFixtures.info(2), txid: 4))
        XCTAssertEqual(cluster.journalNodes[0].durable.segments,
                       [JournalFixtures.finalized(1, 2), JournalFixtures.finalized(3, 3), JournalFixtures.inProgress(4, 3, writer: 2)])

        cluster.step(.client(13, .write), at: 0)
        cluster.settle(nameNode: 0)
        XCTAssertEqual(Tests.terminations(cluster.events[0]), ["Got too many exceptions to achieve quorum size 2/3 (sendEdits)"])
        XCTAssertFalse(cluster.events[0].contains(.replyClient(13, .written(txid: 4))))
    }

    // MARK: - §3.5 writing

    /// QuorumOutputStream "flush sends journal(...) to all JNs, waits for a write quorum": the client
    /// is answered after a quorum, not before; edits applied while a batch is in flight go together
    /// in the next batch (group commit), which carries the committed txid (HDFS-3863).
    func testClientWritesAreGroupCommittedAndAcknowledgedAfterAQuorum() {
        var cluster = Tests.activeCluster()
        XCTAssertEqual(cluster.step(.client(1, .write)), [.applyEdits(first: 1, last: 1, writerEpoch: 1, source: nil)]
            + (0..<3).map { .send(to: $0, .journal(JournalFixtures.info(1), segmentStart: 1, firstTxID: 1, count: 1)) })
        XCTAssertEqual(cluster.step(.client(2, .write)), [])
        XCTAssertEqual(cluster.step(.client(3, .write)), [])
        XCTAssertEqual(cluster.exchange(0), [], "one JournalNode is not a quorum")
        XCTAssertEqual(cluster.exchange(1), [.replyClient(1, .written(txid: 1)),
                                             .applyEdits(first: 2, last: 3, writerEpoch: 1, source: nil)]
            + (0..<3).map { .send(to: $0, .journal(JournalFixtures.info(1, committed: 1), segmentStart: 1, firstTxID: 2, count: 2)) })
        XCTAssertEqual(cluster.exchange(0), [])
        XCTAssertEqual(cluster.exchange(1), [.replyClient(2, .written(txid: 2)), .replyClient(3, .written(txid: 3))])
        XCTAssertEqual(cluster.nameNodes[0].writer?.committed, 3)
        cluster.settle()
        XCTAssertEqual(cluster.journalNodes.map(\.durable.segments), Array(repeating: [JournalFixtures.inProgress(1, 3)], count: 3))
        XCTAssertEqual(cluster.nameNodes[0].applied, [1, 1, 1])
    }

    /// HDFS-3863: after a quorum, "setCommittedTxId(last) on every channel, so later RPCs tell lagging
    /// JNs how far the quorum has committed": the next journal() and the roll's finalize carry it.
    func testTheCommittedTxIDIsCarriedOnLaterRequests() {
        var cluster = Tests.activeCluster()
        cluster.step(.client(1, .write))
        cluster.settle([0, 1])
        cluster.step(.client(2, .write))
        XCTAssertEqual(cluster.requests[0][0], [.journal(JournalFixtures.info(1, committed: 1), segmentStart: 1, firstTxID: 2, count: 1)])
        cluster.settle([0, 1])
        cluster.step(.rollEditLog)
        XCTAssertEqual(cluster.requests[0][0], [.finalizeLogSegment(JournalFixtures.info(1, committed: 2), start: 1, end: 2)])
        cluster.settle()
        XCTAssertEqual(cluster.journalNodes.map(\.durable.committedTxID), [2, 2, 2])
        XCTAssertEqual(cluster.sent[0][2].last, .startLogSegment(JournalFixtures.info(1, committed: 2), txid: 3))
        XCTAssertEqual(cluster.journalNodes[2].durable.segments, [JournalFixtures.finalized(1, 2), JournalFixtures.inProgress(3, 2)])
    }

    /// IPCLoggerChannel (HDFS-3726/3901): "a failed journal() sets outOfSync = true ... sendEdits and
    /// finalizeLogSegment fail locally ("Journal disabled until next roll")"; "a successful
    /// startLogSegment clears the flag".
    func testAJournalNodeThatFailsABatchIsSkippedUntilTheNextSegment() {
        var cluster = Tests.activeCluster()
        cluster.journalNodes[2] = JournalNode(id: 2, durable: cluster.journalNodes[2].durable)  // restarted: no segment open
        cluster.step(.client(1, .write))
        let failure = cluster.exchange(2)
        XCTAssertEqual(Tests.logs(failure),
                       ["Remote journal 2 failed to write txns. Will try to write to this JN again after the next log roll."])
        XCTAssertEqual(cluster.nameNodes[0].writer?.outOfSync, [false, false, true])
        cluster.settle()
        cluster.step(.client(2, .write))
        XCTAssertEqual(cluster.requests[0][2], [], "journal() is not sent to an out-of-sync JournalNode")
        cluster.settle()
        XCTAssertEqual(Tests.clientReplies(cluster.events[0]), [.replyClient(1, .written(txid: 1)), .replyClient(2, .written(txid: 2))])
        cluster.step(.rollEditLog)
        XCTAssertEqual(cluster.requests[0][2], [], "finalizeLogSegment is not sent either")
        cluster.settle([0, 1])
        XCTAssertEqual(cluster.requests[0][2], [.startLogSegment(JournalFixtures.info(1, committed: 2), txid: 3)])
        cluster.settle()
        XCTAssertEqual(cluster.nameNodes[0].writer?.outOfSync, [false, false, false])
        cluster.step(.client(3, .write))
        XCTAssertEqual(cluster.requests[0][2], [.journal(JournalFixtures.info(1, committed: 2), segmentStart: 3, firstTxID: 3, count: 1)])
        cluster.settle()
        XCTAssertEqual(cluster.journalNodes[2].durable.segments, [JournalFixtures.inProgress(1, 0), JournalFixtures.inProgress(3, 3)])
    }

    /// An active whose JournalNode 2 restarted (no segment open) after the segment began, with
    /// client 1's write exchanged with JournalNodes 0 and 1: a quorum has it, JN2 has not seen it.
    private static func writeOnAQuorumBesideARestartedJournalNode2() -> Cluster {
        var cluster = Tests.activeCluster()
        cluster.journalNodes[2] = JournalNode(id: 2, durable: cluster.journalNodes[2].durable)
        cluster.step(.client(1, .write))
        cluster.exchange(0)
        cluster.exchange(1)
        return cluster
    }

    /// IPCLoggerChannel marks itself out of sync on a failed write whenever the failure arrives: a
    /// refusal that comes after the batch's quorum still keeps the roll's finalizeLogSegment away
    /// from that JournalNode (else it could finalize a log it never wrote; the checker found that
    /// in `deep` as a FinalizedSegmentsAgree violation).
    func testALateFailureInTheSegmentMarksTheJournalNodeOutOfSync() {
        var cluster = Tests.writeOnAQuorumBesideARestartedJournalNode2()
        XCTAssertTrue(cluster.events[0].contains(.replyClient(1, .written(txid: 1))), "acknowledged on a quorum")
        XCTAssertEqual(cluster.nameNodes[0].writer?.outOfSync, [false, false, false])
        cluster.exchange(2)  // "Can't write, no segment open", after the quorum went on
        XCTAssertEqual(cluster.nameNodes[0].writer?.outOfSync, [false, false, true])
        cluster.step(.rollEditLog)
        XCTAssertEqual(cluster.requests[0][2], [], "no finalizeLogSegment to the JournalNode that missed the batch")
        XCTAssertEqual(cluster.requests[0][0], [.finalizeLogSegment(JournalFixtures.info(1, committed: 1), start: 1, end: 1)])
    }

    /// A QuorumCall counts only the answers to its own RPCs: a JournalNode's late failure of an
    /// EARLIER batch (here one already committed before a roll) is not a failure of the current
    /// batch. Upstream the current batch has successes from JN0 and JN2 — a quorum of 2/3.
    func testALateFailureOfAnEarlierBatchIsNotChargedToTheCurrentBatch() {
        var cluster = Tests.writeOnAQuorumBesideARestartedJournalNode2()
        cluster.deliver(2)  // refused ("Can't write, no segment open"); the answer is still on its way
        cluster.step(.rollEditLog)
        cluster.exchange(0)
        cluster.exchange(1)  // finalized on a quorum: startLogSegment(2)
        cluster.exchange(0)
        cluster.exchange(1)  // started on a quorum: writing
        cluster.deliver(2)   // finalizeLogSegment(1, 1): refused, JN2's copy is empty
        cluster.deliver(2)   // startLogSegment(2): started
        cluster.step(.client(2, .write))
        XCTAssertEqual(Tests.response(cluster.deliver(2)), .written(epoch: 1, firstTxID: 2, count: 1))
        cluster.exchange(0)
        cluster.lose(1)
        for _ in 0..<4 { cluster.answer(2) }
        XCTAssertEqual(Tests.terminations(cluster.events[0]), [])
        XCTAssertTrue(cluster.events[0].contains(.replyClient(2, .written(txid: 2))))
    }

    /// AsyncLoggerSet: "successes < majority → QuorumException("Got too many exceptions to achieve
    /// quorum size 2/3 ...")"; JournalSet terminates the NameNode on a failed required journal. The
    /// client is not answered.
    func testTooManyFailuresTerminateTheNameNode() {
        var cluster = Tests.activeCluster()
        cluster.step(.client(1, .write))
        XCTAssertEqual(Tests.terminations(cluster.lose(0)), [])
        XCTAssertEqual(Tests.terminations(cluster.lose(1)), ["Got too many exceptions to achieve quorum size 2/3 (sendEdits)"])
        XCTAssertEqual(Tests.clientReplies(cluster.events[0]), [])
        XCTAssertTrue(cluster.nameNodes[0].terminated)
        XCTAssertEqual(cluster.nameNodes[0].state, .stopping)
        XCTAssertEqual(cluster.exchange(2), [])

        var becoming = Cluster(journalCount: 3)
        becoming.step(.transitionToActive(source: .user))
        becoming.lose(2)
        becoming.exchange(0)
        XCTAssertEqual(Tests.terminations(becoming.lose(1)),
                       ["Got too many exceptions to achieve quorum size 2/3 (getJournalState)"])
    }

    /// A roll: "endCurrentLogSegment" finalizes the segment on the JournalNodes, then
    /// startLogSegment(end + 1). There is nothing to roll in an empty segment or with a batch in flight.
    func testARollFinalizesTheSegmentAndStartsTheNext() {
        var cluster = Tests.activeCluster()
        XCTAssertEqual(cluster.step(.rollEditLog), [], "empty segment")
        cluster.step(.client(1, .write))
        XCTAssertEqual(cluster.step(.rollEditLog), [], "a batch in flight")
        cluster.settle()
        let roll = cluster.step(.rollEditLog)
        XCTAssertEqual(roll, (0..<3).map { .send(to: $0, .finalizeLogSegment(JournalFixtures.info(1, committed: 1), start: 1, end: 1)) })
        cluster.settle()
        XCTAssertEqual(cluster.nameNodes[0].writer?.segmentStart, 2)
        XCTAssertEqual(cluster.nameNodes[0].writer?.phase, .writing)
        XCTAssertEqual(cluster.journalNodes.map(\.durable.segments),
                       Array(repeating: [JournalFixtures.finalized(1, 1), JournalFixtures.inProgress(2, 1)], count: 3))
    }

    // MARK: - §7.3 clients and §4.5 HA state changes

    /// StandbyState.checkOperation: "Operation category WRITE is not supported in state standby" —
    /// also while the NameNode is still becoming active.
    func testAStandbyRefusesClients() {
        var cluster = Cluster(journalCount: 3)
        let refusal = cluster.step(.client(5, .write))
        XCTAssertEqual(refusal, [.replyClient(5, .standby(category: "WRITE", state: .standby))])
        XCTAssertEqual(ClientResult.standby(category: "WRITE", state: .standby).description,
                       "Operation category WRITE is not supported in state standby")
        XCTAssertEqual(cluster.step(.client(5, .read)), [.replyClient(5, .standby(category: "READ", state: .standby))])
        cluster.step(.transitionToActive(source: .user))
        cluster.settle([0, 1], until: { $0.nameNodes[0].writer?.phase == .catchingUp(call: 1) })
        XCTAssertEqual(cluster.step(.client(5, .write)), [.replyClient(5, .standby(category: "WRITE", state: .standby))])
        XCTAssertEqual(cluster.nameNodes[0].applied, [])
        cluster.settle()
        XCTAssertEqual(cluster.step(.client(5, .read)), [.replyClient(5, .read(appliedThrough: 0))])
    }

    /// stopActiveServices → FSEditLog.close(): the batch in flight is synced, the segment finalized
    /// (endCurrentLogSegment), and only then is standby reported. Writes arriving meanwhile are refused.
    func testTransitionToStandbyFinishesTheBatchThenFinalizesThenReportsStandby() {
        var cluster = Tests.activeCluster()
        cluster.step(.client(1, .write))
        XCTAssertEqual(cluster.step(.transitionToStandby(source: .user)), [.log("Stopping services started for active state")])
        XCTAssertEqual(cluster.step(.client(2, .write)), [.replyClient(2, .standby(category: "WRITE", state: .standby))])
        cluster.exchange(0)
        XCTAssertEqual(cluster.exchange(1), [.replyClient(1, .written(txid: 1))]
            + (0..<3).map { .send(to: $0, .finalizeLogSegment(JournalFixtures.info(1, committed: 1), start: 1, end: 1)) })
        cluster.exchange(0)
        XCTAssertEqual(cluster.exchange(1), [.transitionResult(.standby, failure: nil)])
        XCTAssertEqual(cluster.nameNodes[0].state, .standby)
        XCTAssertNil(cluster.nameNodes[0].writer)
        XCTAssertEqual(cluster.journalNodes[0].durable.segments, [JournalFixtures.finalized(1, 1)])

        // With nothing written in the segment there is nothing to finalize.
        var idle = Tests.activeCluster()
        XCTAssertEqual(idle.step(.transitionToStandby(source: .user)),
                       [.log("Stopping services started for active state"), .transitionResult(.standby, failure: nil)])
        // Becoming active is abandoned at once.
        var becoming = Cluster(journalCount: 3)
        becoming.step(.transitionToActive(source: .user))
        XCTAssertEqual(becoming.step(.transitionToStandby(source: .user)).last, .transitionResult(.standby, failure: nil))
        XCTAssertNil(becoming.nameNodes[0].writer)
    }

    /// FSEditLog.endCurrentLogSegment: "logSyncAll()" before finalizing — every edit the NameNode
    /// applied is synced to a quorum (and its client answered) before the log is closed. A write
    /// taken while a roll's finalize is in flight, followed by transitionToStandby, must not be left
    /// applied in the (now standby) namespace without ever being journaled.
    func testSteppingDownDuringARollSyncsTheWritesTakenMeanwhile() {
        var cluster = Tests.activeCluster()
        cluster.step(.client(1, .write))
        cluster.settle()
        cluster.step(.rollEditLog)
        cluster.step(.client(2, .write))
        cluster.step(.transitionToStandby(source: .user))
        cluster.settle()
        XCTAssertEqual(cluster.nameNodes[0].state, .standby)
        let namespace = cluster.nameNodes[0].applied
        let journaled = cluster.journalNodes.filter { node in
            namespace.indices.allSatisfy { node.durable.writerEpoch(of: TxID($0 + 1)) == namespace[$0] }
        }
        XCTAssertGreaterThanOrEqual(journaled.count, 2, "standby namespace \(namespace) holds edits no quorum has")
        XCTAssertFalse(Tests.clientReplies(cluster.events[0]).filter { if case .replyClient(2, _) = $0 { true } else { false } }.isEmpty,
                       "the client of txid 2 is never answered")
    }

    /// NameNode.checkHaStateChange: "REQUEST_BY_USER while auto-HA is on → AccessControlException("Manual
    /// HA control for this NameNode is disallowed, because automatic HA is enabled.")";
    /// REQUEST_BY_USER_FORCED is allowed; "REQUEST_BY_ZKFC while auto-HA is off →
    /// AccessControlException("Request from ZK failover controller at <addr> denied since automatic HA
    /// is not enabled")".
    func testHAStateChangesFollowTheRequestSourceRules() {
        let manual = "Manual HA control for this NameNode is disallowed, because automatic HA is enabled."
        var automatic = NameNode(id: 0, journalCount: 3, automaticFailover: true)
        XCTAssertEqual(automatic.step(.transitionToActive(source: .user)), [.transitionResult(.standby, failure: manual)])
        XCTAssertEqual(automatic.step(.transitionToStandby(source: .user)), [.transitionResult(.standby, failure: manual)])
        XCTAssertNil(automatic.writer)
        XCTAssertTrue(automatic.step(.transitionToActive(source: .failoverController)).contains(.send(to: 0, .getJournalState)))
        var forced = NameNode(id: 0, journalCount: 3, automaticFailover: true)
        XCTAssertTrue(forced.step(.transitionToActive(source: .userForced)).contains(.send(to: 0, .getJournalState)))

        var manualHA = NameNode(id: 0, journalCount: 3, automaticFailover: false)
        for input in [NameNode.Input.transitionToActive(source: .failoverController), .transitionToStandby(source: .failoverController)] {
            let effects = manualHA.step(input)
            guard case .transitionResult(.standby, let failure?)? = effects.first, effects.count == 1 else {
                return XCTFail("not refused: \(effects)")
            }
            XCTAssertTrue(failure.hasPrefix("Request from ZK failover controller"), failure)
            XCTAssertTrue(failure.hasSuffix("denied since automatic HA is not enabled"), failure)
        }
        XCTAssertTrue(manualHA.step(.transitionToActive(source: .user)).contains(.send(to: 0, .getJournalState)))
    }

    // MARK: - §8 standby tailing

    /// EditLogTailer with QJM streaming (§3.7): getEditLogManifest(from, inProgressOk = false) to all,
    /// decided on a quorum; only finalized segments are applied, contiguously from the namespace's end,
    /// and a segment only a JournalNode outside the quorum lists waits for a later round.
    func testAStandbyTailsOnlyFinalizedSegmentsFromAQuorumOfManifests() {
        var cluster = Cluster(journals: [
            Tests.journal(promised: 2, writer: 2, segments: [JournalFixtures.finalized(1, 2)]),
            Tests.journal(promised: 2, writer: 2, segments: [JournalFixtures.finalized(1, 2), JournalFixtures.finalized(3, 4),
                                                             JournalFixtures.inProgress(5, 6, writer: 2)]),
            Tests.journal(promised: 2, writer: 2, segments: [JournalFixtures.finalized(1, 2), JournalFixtures.finalized(3, 4),
                                                             JournalFixtures.finalized(5, 6, writer: 2), JournalFixtures.inProgress(7, 7, writer: 2)]),
        ])
        XCTAssertEqual(cluster.step(.tailEdits),
                       (0..<3).map { .send(to: $0, .getEditLogManifest(sinceTxID: 1, inProgressOK: false, call: 1)) })
        XCTAssertEqual(cluster.step(.tailEdits), [], "one round at a time")
        XCTAssertEqual(cluster.exchange(0), [])
        XCTAssertEqual((0..<3).map { cluster.nameNodes[0].awaitsRead(call: 1, from: $0) }, [false, true, true])
        XCTAssertEqual(cluster.exchange(1), [.applyEdits(first: 1, last: 2, writerEpoch: 1, source: 0),
                                             .applyEdits(first: 3, last: 4, writerEpoch: 1, source: 1)])
        XCTAssertFalse(cluster.nameNodes[0].awaitsRead(call: 1, from: 2), "a decided round awaits nobody")
        XCTAssertEqual(cluster.exchange(2), [])
        XCTAssertEqual(cluster.nameNodes[0].applied, [1, 1, 1, 1])

        cluster.step(.tailEdits)
        XCTAssertEqual(cluster.requests[0][2], [.getEditLogManifest(sinceTxID: 5, inProgressOK: false, call: 2)])
        XCTAssertEqual(cluster.exchange(2), [])
        XCTAssertEqual(cluster.exchange(0), [.applyEdits(first: 5, last: 6, writerEpoch: 2, source: 2)])
        XCTAssertEqual(cluster.nameNodes[0].applied, [1, 1, 1, 1, 2, 2])
        XCTAssertEqual(cluster.exchange(1), [], "a late manifest of a finished round is ignored")

        // A round failing on a majority applies nothing.
        cluster.step(.tailEdits)
        cluster.lose(0)
        XCTAssertEqual(Tests.logs(cluster.lose(1)), ["Edits tailer failed to find any streams. Will try again later."])
        XCTAssertEqual(cluster.nameNodes[0].applied.count, 6)
        // An active NameNode does not tail.
        var active = Tests.activeCluster()
        XCTAssertEqual(active.step(.tailEdits), [])
    }

    // MARK: - Mutations of the NameNode

    /// `recoverySkipped`: after newEpoch reports a last segment, the mutant skips prepareRecovery and
    /// goes straight to catch-up.
    func testRecoverySkippedGoesStraightToCatchUp() {
        let journals = (0..<3).map { _ in Tests.journal(promised: 1, writer: 1, segments: [JournalFixtures.inProgress(1, 2)]) }
        for mutation in [nil, Mutation.recoverySkipped] {
            var cluster = Cluster(journals: journals, mutation: mutation)
            cluster.step(.transitionToActive(source: .user))
            for _ in 0..<2 { cluster.exchange(0); cluster.exchange(1) }
            XCTAssertEqual(cluster.requests[0][0], [mutation == nil ? .prepareRecovery(JournalFixtures.info(2), segmentStart: 1)
                                                    : .getEditLogManifest(sinceTxID: 1, inProgressOK: false, call: 1)])
        }
    }

    /// `promotionBeforeCatchUp`: after recovery the mutant reads where the journal ends and starts
    /// its segment there, without applying the finalized edits it lacks.
    func testPromotionBeforeCatchUpStartsTheSegmentWithoutReading() {
        let journals = (0..<3).map { _ in Tests.journal(promised: 1, writer: 1, segments: [JournalFixtures.finalized(1, 2)]) }
        for mutation in [nil, Mutation.promotionBeforeCatchUp] {
            var cluster = Cluster(journals: journals, mutation: mutation)
            cluster.step(.transitionToActive(source: .user))
            cluster.settle([0, 1], until: { $0.nameNodes[0].writer.map { if case .startingSegment = $0.phase { true } else { false } } ?? true })
            let afterRecovery = cluster.sent[0][0].drop { if case .finalizeLogSegment = $0 { false } else { true } }.dropFirst()
            if mutation == nil {
                XCTAssertEqual(Array(afterRecovery), [.getEditLogManifest(sinceTxID: 1, inProgressOK: false, call: 1),
                                                      .startLogSegment(JournalFixtures.info(2), txid: 3)])
            } else {
                XCTAssertEqual(Array(afterRecovery), [.getEditLogManifest(sinceTxID: 1, inProgressOK: false, call: 1),
                                                      .startLogSegment(JournalFixtures.info(2), txid: 3)])
                XCTAssertEqual(cluster.nameNodes[0].applied, [], "the edits 1-2 were never applied")
            }
        }
    }

    /// `recoveryPicksLongest`: the writer's choice goes through the mutated comparator. Where the
    /// real writer keeps the value accepted in epoch 2 (testRecoveryChoosesAnAcceptedValueOverALongerLog),
    /// the mutant proposes the longer log an epoch-1 writer left.
    func testRecoveryPicksLongestProposesTheOlderLongerLog() {
        let accepted = PaxosRecord(segment: SegmentState(start: 1, end: 2, inProgress: true), acceptedInEpoch: 2,
                                   writerEpoch: 1)
        let journals = [
            Tests.journal(promised: 2, writer: 1, segments: [JournalFixtures.inProgress(1, 2)], paxos: [accepted]),
            Tests.journal(promised: 1, writer: 1, segments: [JournalFixtures.inProgress(1, 3)]),
            Tests.journal(promised: 1, writer: 1, segments: [JournalFixtures.inProgress(1, 1)]),
        ]
        for mutation in [nil, Mutation.recoveryPicksLongest] {
            var cluster = Cluster(journals: journals, mutation: mutation)
            cluster.step(.transitionToActive(source: .user))
            cluster.settle()
            let proposal = mutation == nil ? SegmentState(start: 1, end: 2, inProgress: true) : SegmentState(start: 1, end: 3, inProgress: true)
            XCTAssertTrue(cluster.sent[0][2].contains(.acceptRecovery(JournalFixtures.info(3), segment: proposal, writerEpoch: 1,
                                                                      source: mutation == nil ? 0 : 1)), "\(String(describing: mutation))")
            XCTAssertEqual(cluster.nameNodes[0].applied, mutation == nil ? [1, 1] : [1, 1, 1])
        }
    }

    /// `minorityQuorum`: with 3 JournalNodes one answer is taken for a quorum.
    func testMinorityQuorumAdvancesOnOneAnswer() {
        var cluster = Cluster(journalCount: 3, mutation: .minorityQuorum)
        cluster.step(.transitionToActive(source: .user))
        cluster.exchange(0)
        XCTAssertEqual(cluster.requests[0].compactMap(\.last), Array(repeating: .newEpoch(epoch: 1), count: 3))
    }

    private static func response(_ effects: [JournalNode.Effect]) -> JournalResponse? {
        guard case .reply(_, let response)? = effects.last else { return nil }
        return response
    }
}

/// NameNodes and JournalNodes joined by FIFO links (a request link and a reply link per pair);
/// nothing moves unless the test delivers it.
private struct QuorumTestCluster {
    var nameNodes: [NameNode]
    var journalNodes: [JournalNode]
    /// `requests[n][j]`: sent by NameNode n to JournalNode j, not yet delivered.
    var requests: [[[JournalRequest]]]
    /// `responses[n][j]`: answered by JournalNode j to NameNode n, not yet delivered.
    var responses: [[[JournalResponse]]]
    /// `sent[n][j]`: every request NameNode n ever sent to JournalNode j, in order.
    var sent: [[[JournalRequest]]]
    /// `events[n]`: every effect of NameNode n other than sends, in order.
    var events: [[NameNode.Effect]]
    private static let settleRoundsMax = 200

    init(journals: [JournalDurableState], nameNodes nameNodeCount: Int = 1, mutation: Mutation? = nil) {
        journalNodes = journals.enumerated().map { JournalNode(id: $0.offset, durable: $0.element) }
        nameNodes = (0..<nameNodeCount).map { NameNode(id: $0, journalCount: journals.count, mutation: mutation) }
        let links = Array(repeating: [JournalRequest](), count: journals.count)
        requests = Array(repeating: links, count: nameNodeCount)
        sent = requests
        responses = Array(repeating: Array(repeating: [], count: journals.count), count: nameNodeCount)
        events = Array(repeating: [], count: nameNodeCount)
    }

    init(journalCount: Int, nameNodes: Int = 1, mutation: Mutation? = nil) {
        self.init(journals: Array(repeating: JournalDurableState(formatted: true), count: journalCount),
                  nameNodes: nameNodes, mutation: mutation)
    }

    /// Steps NameNode `at`; its sends go onto the request links.
    @discardableResult
    mutating func step(_ input: NameNode.Input, at nameNode: Int = 0) -> [NameNode.Effect] {
        let effects = nameNodes[nameNode].step(input)
        for effect in effects {
            if case .send(let journalNode, let request) = effect {
                requests[nameNode][journalNode].append(request)
                sent[nameNode][journalNode].append(request)
            } else {
                events[nameNode].append(effect)
            }
        }
        return effects
    }

    /// Delivers the oldest request from `nameNode` to JournalNode `journalNode`; the reply waits on
    /// the link back.
    @discardableResult
    mutating func deliver(_ journalNode: Int, from nameNode: Int = 0) -> [JournalNode.Effect] {
        precondition(!requests[nameNode][journalNode].isEmpty, "nothing to deliver to JN \(journalNode)")
        let request = requests[nameNode][journalNode].removeFirst()
        let effects = journalNodes[journalNode].step(.request(from: nameNode, request))
        for case .reply(let peer, let response) in effects { responses[peer][journalNode].append(response) }
        return effects
    }

    /// Delivers the oldest reply from JournalNode `journalNode` to `nameNode`.
    @discardableResult
    mutating func answer(_ journalNode: Int, to nameNode: Int = 0) -> [NameNode.Effect] {
        precondition(!responses[nameNode][journalNode].isEmpty, "no reply from JN \(journalNode)")
        let response = responses[nameNode][journalNode].removeFirst()
        return step(.journal(from: journalNode, response), at: nameNode)
    }

    /// The oldest request and its reply.
    @discardableResult
    mutating func exchange(_ journalNode: Int, with nameNode: Int = 0) -> [NameNode.Effect] {
        deliver(journalNode, from: nameNode)
        return answer(journalNode, to: nameNode)
    }

    /// The oldest request is lost: the NameNode learns that the call failed.
    @discardableResult
    mutating func lose(_ journalNode: Int, from nameNode: Int = 0) -> [NameNode.Effect] {
        let request = requests[nameNode][journalNode].removeFirst()
        return step(.journalUnreachable(journalNode, request), at: nameNode)
    }

    /// Delivers, round by round (every request to the given JournalNodes in index order, then every
    /// reply in index order), until the links are quiet or `until` holds.
    mutating func settle(_ journals: [Int]? = nil, nameNode: Int = 0,
                         until done: (QuorumTestCluster) -> Bool = { _ in false },
                         file: StaticString = #filePath, line: UInt = #line) {
        let journals = journals ?? Array(journalNodes.indices)
        for _ in 0..<Self.settleRoundsMax {
            var progressed = false
            for journalNode in journals where !requests[nameNode][journalNode].isEmpty {
                deliver(journalNode, from: nameNode)
                progressed = true
            }
            for journalNode in journals where !responses[nameNode][journalNode].isEmpty {
                answer(journalNode, to: nameNode)
                progressed = true
                if done(self) { return }
            }
            if !progressed || done(self) { return }
        }
        XCTFail("links did not settle in \(Self.settleRoundsMax) rounds", file: file, line: line)
    }
}
