import XCTest
@testable import Model

/// The JournalNode against `Journal.java` (reference §2): each test names the upstream sentence
/// it checks, in the style of etcd's `raft_paper_test.go`. Requests come from peer 0.
final class JournalNodeTests: XCTestCase {
    private static let writer: JournalNode.Peer = 0

    // MARK: - Helpers




    private static func durable(promised: Epoch = 0, writer: Epoch = 0, committed: TxID? = nil,
                                segments: [Segment] = [], paxos: [PaxosRecord] = [],
                                temporary: [TemporarySegment] = []) -> JournalDurableState {
        var state = JournalDurableState(formatted: true)
        state.promisedEpoch = promised
        state.writerEpoch = writer
        state.committedTxID = committed
        state.segments = segments
        state.paxos = paxos
        state.temporary = temporary
        return state
    }

    /// A JournalNode that promised `epoch`, started a segment at `segment` in it and wrote
    /// `segment...through` (nothing if `through < segment`).
    private static func writingNode(epoch: Epoch = 1, segment: TxID = 1, through: TxID = 0,
                                    mutation: Mutation? = nil) -> JournalNode {
        var node = JournalNode(id: 0, durable: JournalDurableState(formatted: true), mutation: mutation)
        _ = node.call(.newEpoch(epoch: epoch))
        _ = node.call(.startLogSegment(JournalFixtures.info(epoch), txid: segment))
        if through >= segment {
            let effects = node.call(.journal(JournalFixtures.info(epoch), segmentStart: segment, firstTxID: segment,
                                             count: through - segment + 1))
            precondition(response(effects).map { if case .written = $0 { true } else { false } } == true,
                         "setup write failed: \(effects)")
        }
        return node
    }

    private static func response(_ effects: [JournalNode.Effect]) -> JournalResponse? {
        guard case .reply(_, let response)? = effects.last else { return nil }
        return response
    }

    private static func refusal(_ effects: [JournalNode.Effect]) -> JournalError? {
        guard case .failed(_, _, _, let error)? = response(effects) else { return nil }
        return error
    }

    private static func writes(_ effects: [JournalNode.Effect]) -> [JournalWrite] {
        effects.compactMap { if case .persist(let write) = $0 { write } else { nil } }
    }

    private typealias Tests = JournalNodeTests

    // MARK: - §2.3 newEpoch

    /// newEpoch: "if epoch <= lastPromisedEpoch → IOException("Proposed epoch E <= last promise P")".
    /// Nothing is written and the reply names the request and its epoch.
    func testNewEpochRefusesAnEpochNotAboveThePromise() {
        var node = JournalNode(id: 0, durable: Tests.durable(promised: 3))
        for proposed: Epoch in [3, 2, 0] {
            let effects = node.call(.newEpoch(epoch: proposed))
            XCTAssertEqual(effects, [.reply(to: Tests.writer, .failed(request: "newEpoch", epoch: proposed, subject: nil,
                error: .proposedEpochNotNewer(proposed: proposed, promised: 3)))])
            XCTAssertEqual(Tests.refusal(effects)?.description, "Proposed epoch \(proposed) <= last promise 3")
        }
        XCTAssertEqual(node.durable.promisedEpoch, 3)
    }

    /// newEpoch: "otherwise it persists lastPromisedEpoch = epoch (fsync)" — the durable write is an
    /// effect that comes BEFORE the reply (etcd's Ready: save before send).
    func testNewEpochPersistsThePromiseBeforeReplying() {
        var node = JournalNode(id: 0, durable: Tests.durable(promised: 1))
        let effects = node.call(.newEpoch(epoch: 2))
        XCTAssertEqual(effects, [
            .persist(.promisedEpoch(2)),
            .reply(to: Tests.writer, .newEpochAccepted(epoch: 2, lastSegmentStart: nil)),
        ])
        XCTAssertEqual(node.durable.promisedEpoch, 2)
        XCTAssertEqual(node.promisedEpoch, 2)
    }

    /// newEpoch "aborts the current segment ..., rescans storage, and returns lastSegmentTxId = the
    /// first txid of the newest non-empty log. An empty in-progress segment is ignored (moved aside
    /// as .empty)". The move-aside is written after the promise and before the reply.
    func testNewEpochAbortsTheSegmentAndReturnsTheNewestNonEmptySegment() {
        var node = Tests.writingNode(epoch: 1, segment: 4, through: 5)
        _ = node.call(.startLogSegment(JournalFixtures.info(1), txid: 6))  // empty, open
        XCTAssertEqual(node.volatile.currentSegment, 6)
        let effects = node.call(.newEpoch(epoch: 2))
        XCTAssertEqual(effects, [
            .persist(.promisedEpoch(2)),
            .persist(.moveAsideEmptySegment(start: 6)),
            .reply(to: Tests.writer, .newEpochAccepted(epoch: 2, lastSegmentStart: 4)),
        ])
        XCTAssertNil(node.volatile.currentSegment)
        XCTAssertEqual(node.durable.segments, [JournalFixtures.inProgress(4, 5)])
    }

    // MARK: - §2.3 checkRequest

    /// checkRequest: "epoch > lastPromised → the promise is silently raised to epoch and persisted.
    /// A newer writer fences older ones just by sending any RPC." The persist comes first, before
    /// any other write and before the reply — also for a journal() that is then refused.
    func testAnyWriterRPCWithAHigherEpochRaisesAndPersistsThePromise() {
        let requests: [JournalRequest] = [
            .heartbeat(JournalFixtures.info(2)),
            .startLogSegment(JournalFixtures.info(2), txid: 3),
            .journal(JournalFixtures.info(2), segmentStart: 1, firstTxID: 3, count: 1),
            .finalizeLogSegment(JournalFixtures.info(2), start: 1, end: 2),
            .prepareRecovery(JournalFixtures.info(2), segmentStart: 1),
            .acceptRecovery(JournalFixtures.info(2), segment: SegmentState(start: 1, end: 2, inProgress: true), writerEpoch: 1,
                            source: 1),
        ]
        for request in requests {
            var node = Tests.writingNode(epoch: 1, segment: 1, through: 2)
            let effects = node.call(request)
            XCTAssertEqual(effects.first, .persist(.promisedEpoch(2)), "\(request.name)")
            XCTAssertEqual(node.durable.promisedEpoch, 2, "\(request.name)")
        }
        // journal() raised the promise and was then refused: checkRequest runs before the writer check.
        var node = Tests.writingNode(epoch: 1, segment: 1, through: 2)
        let effects = node.call(.journal(JournalFixtures.info(2), segmentStart: 1, firstTxID: 3, count: 1))
        XCTAssertEqual(Tests.refusal(effects), .notWriterEpoch(epoch: 2, writerEpoch: 1))
        XCTAssertEqual(node.durable.promisedEpoch, 2)
    }

    /// checkRequest: "epoch < lastPromised → IOException("IPC's epoch E is less than the last
    /// promised epoch P")", for every writer RPC, with nothing written.
    func testAWriterRPCWithALowerEpochIsRefused() {
        let requests: [JournalRequest] = [
            .heartbeat(JournalFixtures.info(1)),
            .startLogSegment(JournalFixtures.info(1), txid: 3),
            .journal(JournalFixtures.info(1), segmentStart: 1, firstTxID: 3, count: 1),
            .finalizeLogSegment(JournalFixtures.info(1), start: 1, end: 2),
            .prepareRecovery(JournalFixtures.info(1), segmentStart: 1),
            .acceptRecovery(JournalFixtures.info(1), segment: SegmentState(start: 1, end: 2, inProgress: true), writerEpoch: 1,
                            source: 1),
        ]
        for request in requests {
            var node = Tests.writingNode(epoch: 1, segment: 1, through: 2)
            _ = node.call(.heartbeat(JournalFixtures.info(2)))
            let before = node
            let effects = node.call(request)
            XCTAssertEqual(effects, [.reply(to: Tests.writer, .failed(request: request.name, epoch: 1, subject: request.subject,
                error: .epochLessThanPromised(epoch: 1, promised: 2)))], "\(request.name)")
            XCTAssertEqual(Tests.refusal(effects)?.description, "IPC's epoch 1 is less than the last promised epoch 2")
            XCTAssertEqual(node.durable, before.durable, "\(request.name)")
        }
    }

    /// checkRequest: "if committedTxId is present: checkArgument(committed >= committedTxnId, "Client
    /// trying to move committed txid backward from X to Y"), then committedTxnId.set(committed)".
    func testTheCommittedTxIDNeverMovesBackward() {
        var node = JournalNode(id: 0, durable: Tests.durable(promised: 1, writer: 1))
        XCTAssertEqual(node.call(.heartbeat(JournalFixtures.info(1, committed: 5))),
                       [.persist(.committedTxID(5)), .reply(to: Tests.writer, .heartbeatAccepted(epoch: 1))])
        let backward = node.call(.heartbeat(JournalFixtures.info(1, committed: 3)))
        XCTAssertEqual(Tests.refusal(backward), .committedTxIDBackward(from: 5, to: 3))
        XCTAssertEqual(Tests.refusal(backward)?.description, "Client trying to move committed txid backward from 5 to 3")
        XCTAssertEqual(Tests.writes(backward), [])
        XCTAssertEqual(node.durable.committedTxID, 5)
        // The same value again writes nothing; no value at all is allowed.
        XCTAssertEqual(node.call(.heartbeat(JournalFixtures.info(1, committed: 5))),
                       [.reply(to: Tests.writer, .heartbeatAccepted(epoch: 1))])
        XCTAssertEqual(node.call(.heartbeat(JournalFixtures.info(1))), [.reply(to: Tests.writer, .heartbeatAccepted(epoch: 1))])
    }

    // MARK: - §2.4 journal()

    /// checkWriteRequest: "epoch != lastWriterEpoch → IOException("IPC's epoch E is not the current
    /// writer epoch  W")" (two spaces, as in the source). Only startLogSegment sets the writer epoch.
    func testJournalRequiresTheWriterEpoch() {
        var node = Tests.writingNode(epoch: 1, segment: 1, through: 1)
        _ = node.call(.newEpoch(epoch: 2))
        let effects = node.call(.journal(JournalFixtures.info(2), segmentStart: 1, firstTxID: 2, count: 1))
        XCTAssertEqual(effects, [.reply(to: Tests.writer, .failed(request: "journal", epoch: 2, subject: 2,
            error: .notWriterEpoch(epoch: 2, writerEpoch: 1)))])
        XCTAssertEqual(Tests.refusal(effects)?.description, "IPC's epoch 2 is not the current writer epoch  1")
    }

    /// journal(): "curSegment == null → JournalOutOfSyncException("Can't write, no segment open")".
    func testJournalRequiresAnOpenSegment() {
        var node = JournalNode(id: 0, durable: Tests.durable(promised: 1, writer: 1, segments: [JournalFixtures.inProgress(1, 2)]))
        let effects = node.call(.journal(JournalFixtures.info(1), segmentStart: 1, firstTxID: 3, count: 1))
        XCTAssertEqual(Tests.refusal(effects), .noSegmentOpen)
        XCTAssertEqual(Tests.refusal(effects)?.description, "Can't write, no segment open")
        XCTAssertEqual(Tests.writes(effects), [])
    }

    /// journal(): "curSegmentTxId != segmentTxId → abort the current segment, then
    /// JournalOutOfSyncException("Writer out of sync: it thinks it is writing segment S but current
    /// segment is C")". The abort shows: a correct write to the old segment now finds none open.
    func testJournalForAnotherSegmentAbortsTheOpenOne() {
        var node = Tests.writingNode(epoch: 1, segment: 1, through: 2)
        let effects = node.call(.journal(JournalFixtures.info(1), segmentStart: 5, firstTxID: 5, count: 1))
        XCTAssertEqual(Tests.refusal(effects), .writerOutOfSync(thinks: 5, current: 1))
        XCTAssertEqual(Tests.refusal(effects)?.description,
                       "Writer out of sync: it thinks it is writing segment 5 but current segment is 1")
        XCTAssertNil(node.volatile.currentSegment)
        let retry = node.call(.journal(JournalFixtures.info(1), segmentStart: 1, firstTxID: 3, count: 1))
        XCTAssertEqual(Tests.refusal(retry), .noSegmentOpen)
    }

    /// journal(): "nextTxId != firstTxnId → JournalOutOfSyncException("Can't write txid F expecting
    /// nextTxId=N")". The segment stays open: the expected batch is then accepted.
    func testJournalRequiresContiguousTxIDs() {
        var node = Tests.writingNode(epoch: 1, segment: 1, through: 2)
        for first: TxID in [4, 2, 1] {
            let effects = node.call(.journal(JournalFixtures.info(1), segmentStart: 1, firstTxID: first, count: 1))
            XCTAssertEqual(Tests.refusal(effects), .unexpectedTxID(first: first, expected: 3))
            XCTAssertEqual(Tests.refusal(effects)?.description, "Can't write txid \(first) expecting nextTxId=3")
            XCTAssertEqual(Tests.writes(effects), [])
        }
        let effects = node.call(.journal(JournalFixtures.info(1), segmentStart: 1, firstTxID: 3, count: 2))
        XCTAssertEqual(Tests.response(effects), .written(epoch: 1, firstTxID: 3, count: 2))
        XCTAssertEqual(node.durable.segments, [JournalFixtures.inProgress(1, 4)])
        XCTAssertEqual(node.volatile.nextTxID, 5)
    }

    /// journal(): "Append the raw bytes. fsync unless lagging: isLagging = lastTxnId <=
    /// committedTxnId" (HDFS-3885); the committed txid the request carries is set first.
    func testJournalAppendsAndFsyncsUnlessTheBatchIsAlreadyCommitted() {
        var node = Tests.writingNode(epoch: 1, segment: 1)
        XCTAssertEqual(node.call(.journal(JournalFixtures.info(1), segmentStart: 1, firstTxID: 1, count: 2)), [
            .persist(.appendEdits(segmentStart: 1, firstTxID: 1, count: 2, fsync: true)),
            .reply(to: Tests.writer, .written(epoch: 1, firstTxID: 1, count: 2)),
        ])
        // A lagging JournalNode: the quorum already committed through 4.
        XCTAssertEqual(node.call(.journal(JournalFixtures.info(1, committed: 4), segmentStart: 1, firstTxID: 3, count: 2)), [
            .persist(.committedTxID(4)),
            .persist(.appendEdits(segmentStart: 1, firstTxID: 3, count: 2, fsync: false)),
            .reply(to: Tests.writer, .written(epoch: 1, firstTxID: 3, count: 2)),
        ])
        XCTAssertEqual(node.durable.segments, [JournalFixtures.inProgress(1, 4)])
        XCTAssertEqual(node.durable.highestTxID, 4)
    }

    /// journal(): "numTxns == 0: return at once. This is a "fake send" used only to push
    /// committedTxId" — before the open-segment check, so it works with no segment open.
    func testJournalWithNoEditsOnlyPushesTheCommittedTxID() {
        var node = JournalNode(id: 0, durable: Tests.durable(promised: 1, writer: 1, segments: [JournalFixtures.inProgress(1, 2)]))
        let effects = node.call(.journal(JournalFixtures.info(1, committed: 2), segmentStart: 1, firstTxID: 3, count: 0))
        XCTAssertEqual(effects, [.persist(.committedTxID(2)),
                                 .reply(to: Tests.writer, .written(epoch: 1, firstTxID: 3, count: 0))])
        XCTAssertEqual(node.durable.segments, [JournalFixtures.inProgress(1, 2)])
    }

    // MARK: - §2.5 startLogSegment

    /// startLogSegment: "If lastWriterEpoch != epoch, persist lastWriterEpoch = epoch (fsync). Delete
    /// paxos/<txid> ... Open edits_inprogress_<txid>; set nextTxId = txid" — in that order.
    func testStartLogSegmentPersistsTheWriterEpochDeletesThePaxosFileThenOpens() {
        let record = PaxosRecord(segment: SegmentState(start: 3, end: 4, inProgress: true), acceptedInEpoch: 2,
                                 writerEpoch: 1)
        var node = JournalNode(id: 0, durable: Tests.durable(promised: 2, writer: 1, paxos: [record]))
        let effects = node.call(.startLogSegment(JournalFixtures.info(2), txid: 3))
        XCTAssertEqual(effects, [
            .persist(.writerEpoch(2)),
            .persist(.deletePaxos(segmentStart: 3)),
            .persist(.openSegment(start: 3, writerEpoch: 2)),
            .reply(to: Tests.writer, .segmentStarted(epoch: 2, txid: 3)),
        ])
        XCTAssertEqual(node.durable.writerEpoch, 2)
        XCTAssertEqual(node.durable.paxos, [])
        XCTAssertEqual(node.volatile.currentSegment, 3)
        XCTAssertEqual(node.volatile.nextTxID, 3)
        // The same writer epoch again is not rewritten.
        let again = node.call(.startLogSegment(JournalFixtures.info(2), txid: 5))
        XCTAssertEqual(Tests.writes(again), [.openSegment(start: 5, writerEpoch: 2)])
    }

    /// startLogSegment: "If a segment is open: WARN, then abort it. The old in-progress file stays on
    /// disk unfinalized, so two in-progress files can coexist."
    func testStartLogSegmentAbortsTheOpenSegmentAndLeavesItOnDisk() {
        var node = Tests.writingNode(epoch: 1, segment: 1, through: 2)
        XCTAssertEqual(Tests.writes(node.call(.startLogSegment(JournalFixtures.info(1), txid: 3))),
                       [.openSegment(start: 3, writerEpoch: 1)])
        XCTAssertEqual(node.durable.segments, [JournalFixtures.inProgress(1, 2), JournalFixtures.inProgress(3, 2)])
        XCTAssertEqual(Tests.refusal(node.call(.journal(JournalFixtures.info(1), segmentStart: 1, firstTxID: 3, count: 1))),
                       .writerOutOfSync(thinks: 1, current: 3))
    }

    /// startLogSegment: "If a file already starts at txid: finalized → IllegalStateException("Already
    /// have a finalized segment <f> beginning at <txid>")".
    func testStartLogSegmentRefusesWhereAFinalizedSegmentStarts() {
        var node = JournalNode(id: 0, durable: Tests.durable(promised: 1, writer: 1, segments: [JournalFixtures.finalized(1, 2)]))
        let effects = node.call(.startLogSegment(JournalFixtures.info(1), txid: 1))
        XCTAssertEqual(Tests.refusal(effects), .finalizedSegmentExists(start: 1))
        XCTAssertEqual(Tests.refusal(effects)?.description, "Already have a finalized segment edits_1 beginning at 1")
        XCTAssertEqual(Tests.writes(effects), [])
        XCTAssertEqual(node.durable.segments, [JournalFixtures.finalized(1, 2)])
    }

    /// startLogSegment: "in progress with more than one txn (lastTxId != firstTxId) →
    /// IllegalStateException("The log file <f> seems to contain valid transactions"); an in-progress
    /// file holding exactly one txn ... may be restarted."
    func testStartLogSegmentRefusesAnInProgressSegmentWithTransactions() {
        var node = JournalNode(id: 0, durable: Tests.durable(promised: 1, writer: 1, segments: [JournalFixtures.inProgress(1, 2)]))
        let effects = node.call(.startLogSegment(JournalFixtures.info(1), txid: 1))
        XCTAssertEqual(Tests.refusal(effects), .segmentHasTransactions(start: 1))
        XCTAssertEqual(Tests.refusal(effects)?.description,
                       "The log file edits_inprogress_1 seems to contain valid transactions")
        XCTAssertEqual(node.durable.segments, [JournalFixtures.inProgress(1, 2)])

        for end: TxID in [0, 1] {  // empty, or one txn
            var restartable = JournalNode(id: 0, durable: Tests.durable(promised: 1, writer: 1,
                                                                        segments: [JournalFixtures.inProgress(1, end)]))
            let restarted = restartable.call(.startLogSegment(JournalFixtures.info(1), txid: 1))
            XCTAssertEqual(Tests.response(restarted), .segmentStarted(epoch: 1, txid: 1), "end \(end)")
            XCTAssertEqual(restartable.durable.segments, [JournalFixtures.inProgress(1, 0)])
        }
    }

    // MARK: - §2.5 finalizeLogSegment

    /// finalizeLogSegment: "If start == curSegmentTxId: close the stream, then checkSync(nextTxId ==
    /// end+1, "Trying to finalize in-progress log segment %s to end at txid %s but only written up to
    /// txid %s")". The stream is closed even when the check fails.
    func testFinalizeOfTheOpenSegmentChecksItsLength() {
        var node = Tests.writingNode(epoch: 1, segment: 1, through: 2)
        let effects = node.call(.finalizeLogSegment(JournalFixtures.info(1), start: 1, end: 3))
        XCTAssertEqual(Tests.refusal(effects), .finalizeLength(start: 1, end: 3, written: 2))
        XCTAssertEqual(Tests.refusal(effects)?.description,
                       "Trying to finalize in-progress log segment 1 to end at txid 3 but only written up to txid 2")
        XCTAssertEqual(Tests.writes(effects), [])
        XCTAssertNil(node.volatile.currentSegment)
        XCTAssertEqual(node.durable.segments, [JournalFixtures.inProgress(1, 2)])
    }

    /// finalizeLogSegment of the open segment with the right end renames it to edits_<start>-<end>.
    func testFinalizeOfTheOpenSegmentRenamesIt() {
        var node = Tests.writingNode(epoch: 1, segment: 1, through: 2)
        XCTAssertEqual(node.call(.finalizeLogSegment(JournalFixtures.info(1), start: 1, end: 2)), [
            .persist(.finalizeSegment(start: 1, end: 2)),
            .reply(to: Tests.writer, .finalized(epoch: 1, start: 1, end: 2)),
        ])
        XCTAssertEqual(node.durable.segments, [JournalFixtures.finalized(1, 2)])
        XCTAssertNil(node.volatile.currentSegment)
    }

    /// finalizeLogSegment: "Already finalized: checkArgument(end == elf.lastTxId, "Trying to
    /// re-finalize already finalized log <f> with different endTxId <end>"). The same end is an
    /// idempotent success."
    func testReFinalizeIsIdempotentWithTheSameEndAndRefusedWithAnother() {
        var node = JournalNode(id: 0, durable: Tests.durable(promised: 1, writer: 1, segments: [JournalFixtures.finalized(1, 2)]))
        XCTAssertEqual(node.call(.finalizeLogSegment(JournalFixtures.info(1), start: 1, end: 2)),
                       [.reply(to: Tests.writer, .finalized(epoch: 1, start: 1, end: 2))])
        let different = node.call(.finalizeLogSegment(JournalFixtures.info(1), start: 1, end: 3))
        XCTAssertEqual(Tests.refusal(different), .refinalizeDifferentEnd(start: 1, end: 3, existingEnd: 2))
        XCTAssertEqual(Tests.refusal(different)?.description,
                       "Trying to re-finalize already finalized log edits_1-2 with different endTxId 3")
        XCTAssertEqual(node.durable.segments, [JournalFixtures.finalized(1, 2)])
    }

    /// finalizeLogSegment: "No file at start → JournalOutOfSyncException("No log file to finalize at
    /// transaction ID <start>")".
    func testFinalizeOfAMissingSegmentIsRefused() {
        var node = JournalNode(id: 0, durable: Tests.durable(promised: 1, writer: 1, segments: [JournalFixtures.finalized(1, 2)]))
        let effects = node.call(.finalizeLogSegment(JournalFixtures.info(1), start: 9, end: 9))
        XCTAssertEqual(Tests.refusal(effects), .noLogToFinalize(start: 9))
        XCTAssertEqual(Tests.refusal(effects)?.description, "No log file to finalize at transaction ID 9")
    }

    /// finalizeLogSegment: "Finally delete paxos/<start>. A finalized segment counts as "decided"" —
    /// after the rename, and also on an idempotent re-finalize.
    func testFinalizeDeletesThePaxosFileAfterTheRename() {
        let record = PaxosRecord(segment: SegmentState(start: 1, end: 2, inProgress: true), acceptedInEpoch: 2,
                                 writerEpoch: 1)
        var node = JournalNode(id: 0, durable: Tests.durable(promised: 2, writer: 1, segments: [JournalFixtures.inProgress(1, 2)],
                                                             paxos: [record]))
        XCTAssertEqual(node.call(.finalizeLogSegment(JournalFixtures.info(2), start: 1, end: 2)), [
            .persist(.finalizeSegment(start: 1, end: 2)),
            .persist(.deletePaxos(segmentStart: 1)),
            .reply(to: Tests.writer, .finalized(epoch: 2, start: 1, end: 2)),
        ])
        var refinalized = JournalNode(id: 0, durable: Tests.durable(promised: 2, writer: 1,
                                                                    segments: [JournalFixtures.finalized(1, 2)], paxos: [record]))
        XCTAssertEqual(Tests.writes(refinalized.call(.finalizeLogSegment(JournalFixtures.info(2), start: 1, end: 2))),
                       [.deletePaxos(segmentStart: 1)])
    }

    /// finalizeLogSegment of an in-progress file that is not the current segment (after a restart):
    /// "scan it, then checkSync(lastTxId == end, ...)". A matching end is renamed.
    func testFinalizeAfterARestartChecksTheSegmentOnDisk() {
        var node = JournalNode(id: 0, durable: Tests.durable(promised: 1, writer: 1, segments: [JournalFixtures.inProgress(1, 2)]))
        XCTAssertNotNil(Tests.refusal(node.call(.finalizeLogSegment(JournalFixtures.info(1), start: 1, end: 3))))
        XCTAssertNotNil(Tests.refusal(node.call(.finalizeLogSegment(JournalFixtures.info(1), start: 1, end: 1))))
        XCTAssertEqual(node.durable.segments, [JournalFixtures.inProgress(1, 2)])
        XCTAssertEqual(Tests.writes(node.call(.finalizeLogSegment(JournalFixtures.info(1), start: 1, end: 2))),
                       [.finalizeSegment(start: 1, end: 2)])
    }

    /// The on-disk check's text is its own: "checkSync(elf.getLastTxId() == endTxId, "Trying to
    /// finalize in-progress log segment %s to end at txid %s but log %s on disk only contains up to
    /// txid %s")" (reference §2.5). The model reuses the in-memory "only written up to" text.
    func testFinalizeAfterARestartUsesTheOnDiskRefusalText() {
        var node = JournalNode(id: 0, durable: Tests.durable(promised: 1, writer: 1, segments: [JournalFixtures.inProgress(1, 2)]))
        let text = Tests.refusal(node.call(.finalizeLogSegment(JournalFixtures.info(1), start: 1, end: 3)))?.description ?? ""
        XCTAssertTrue(text.hasPrefix("Trying to finalize in-progress log segment 1 to end at txid 3 but log "), text)
        XCTAssertTrue(text.hasSuffix(" on disk only contains up to txid 2"), text)
    }

    /// Our deviation (upstream checks the length alone, trusting that "it validates the log
    /// before finalizing"): an in-progress segment found on disk is finalized only if the
    /// requester wrote it or had it accepted. The checker's `deep` trace: jn1 kept epoch 1's
    /// txid 1 through a crash, missed epoch 3's prepare and accept of epoch 2's txid 1, then
    /// finalized its own copy when epoch 3's finalize arrived, beside the others' edits_1-1@e2.
    func testFinalizeRefusesAnotherWritersSegmentItDidNotAccept() {
        var missedAccept = JournalNode(id: 0, durable: Tests.durable(promised: 1, writer: 1,
                                                                     segments: [JournalFixtures.inProgress(1, 1, writer: 1)]))
        let effects = missedAccept.call(.finalizeLogSegment(JournalFixtures.info(3), start: 1, end: 1))
        XCTAssertEqual(Tests.refusal(effects), .finalizeUnacceptedSegment(start: 1, writerEpoch: 1, epoch: 3))
        XCTAssertEqual(Tests.refusal(effects)?.description,
                       "Trying to finalize in-progress log segment 1 written in epoch 1, which epoch 3 neither wrote nor accepted")
        XCTAssertEqual(missedAccept.durable.segments, [JournalFixtures.inProgress(1, 1, writer: 1)], "still in progress")
        XCTAssertEqual(missedAccept.durable.promisedEpoch, 3, "checkRequest raised the promise first")

        // Accepted in epoch 3, but a crash came between the paxos write and the rename: the file
        // on disk is still epoch 1's, not the accepted epoch-2 value.
        let halfDone = PaxosRecord(segment: SegmentState(start: 1, end: 1, inProgress: true), acceptedInEpoch: 3, writerEpoch: 2)
        var torn = JournalNode(id: 0, durable: Tests.durable(promised: 3, writer: 1, segments: [JournalFixtures.inProgress(1, 1, writer: 1)],
                                                             paxos: [halfDone]))
        XCTAssertEqual(Tests.refusal(torn.call(.finalizeLogSegment(JournalFixtures.info(3), start: 1, end: 1))),
                       .finalizeUnacceptedSegment(start: 1, writerEpoch: 1, epoch: 3))

        // The accepted value itself, and the requester's own segment, are finalized.
        let accepted = PaxosRecord(segment: SegmentState(start: 1, end: 1, inProgress: true), acceptedInEpoch: 3, writerEpoch: 2)
        var synced = JournalNode(id: 0, durable: Tests.durable(promised: 3, writer: 2, segments: [JournalFixtures.inProgress(1, 1, writer: 2)],
                                                               paxos: [accepted]))
        XCTAssertEqual(Tests.response(synced.call(.finalizeLogSegment(JournalFixtures.info(3), start: 1, end: 1))),
                       .finalized(epoch: 3, start: 1, end: 1))
        var own = JournalNode(id: 0, durable: Tests.durable(promised: 3, writer: 3, segments: [JournalFixtures.inProgress(1, 1, writer: 3)]))
        XCTAssertEqual(Tests.response(own.call(.finalizeLogSegment(JournalFixtures.info(3), start: 1, end: 1))),
                       .finalized(epoch: 3, start: 1, end: 1))
    }

    // MARK: - §2.6 prepareRecovery

    /// prepareRecovery: with no file for the segment, the response has no segmentState and no
    /// acceptedInEpoch; "lastWriterEpoch is always returned. lastCommittedTxId is returned if
    /// committed != INVALID."
    func testPrepareRecoveryWithoutTheSegment() {
        var node = JournalNode(id: 0, durable: Tests.durable(promised: 1, writer: 1))
        XCTAssertEqual(node.call(.prepareRecovery(JournalFixtures.info(2), segmentStart: 5)), [
            .persist(.promisedEpoch(2)),
            .reply(to: Tests.writer, .recoveryPrepared(epoch: 2, segmentStart: 5, PrepareRecoveryResponse(
                segment: nil, writerEpochOfSegment: 0, acceptedInEpoch: nil, lastWriterEpoch: 1,
                lastCommittedTxID: nil))),
        ])
    }

    /// prepareRecovery: "Otherwise return segmentState = segInfo (if any), with no acceptedInEpoch";
    /// the in-progress segment's extent, its writer's epoch, lastWriterEpoch and lastCommittedTxId.
    func testPrepareRecoveryReportsTheInProgressSegment() {
        var node = JournalNode(id: 0, durable: Tests.durable(promised: 2, writer: 1, committed: 2,
                                                             segments: [JournalFixtures.finalized(1, 1), JournalFixtures.inProgress(2, 3)]))
        XCTAssertEqual(Tests.response(node.call(.prepareRecovery(JournalFixtures.info(2), segmentStart: 2))),
                       .recoveryPrepared(epoch: 2, segmentStart: 2, PrepareRecoveryResponse(
                           segment: SegmentState(start: 2, end: 3, inProgress: true), writerEpochOfSegment: 1,
                           acceptedInEpoch: nil, lastWriterEpoch: 1, lastCommittedTxID: 2)))
    }

    /// prepareRecovery: "if there is an accepted value and the segment is not finalized, return
    /// acceptedInEpoch plus the accepted segmentState".
    func testPrepareRecoveryReportsAnAcceptedValue() {
        let record = PaxosRecord(segment: SegmentState(start: 1, end: 3, inProgress: true), acceptedInEpoch: 2,
                                 writerEpoch: 1)
        var node = JournalNode(id: 0, durable: Tests.durable(promised: 2, writer: 1, segments: [JournalFixtures.inProgress(1, 3)],
                                                             paxos: [record]))
        XCTAssertEqual(Tests.response(node.call(.prepareRecovery(JournalFixtures.info(3), segmentStart: 1))),
                       .recoveryPrepared(epoch: 3, segmentStart: 1, PrepareRecoveryResponse(
                           segment: SegmentState(start: 1, end: 3, inProgress: true), writerEpochOfSegment: 1,
                           acceptedInEpoch: 2, lastWriterEpoch: 1, lastCommittedTxID: nil)))
    }

    /// prepareRecovery: an accepted value whose segment has since been finalized is not reported as
    /// accepted: the finalized segment is returned without acceptedInEpoch.
    func testPrepareRecoveryReportsAFinalizedSegmentWithoutAcceptedEpoch() {
        let record = PaxosRecord(segment: SegmentState(start: 1, end: 3, inProgress: true), acceptedInEpoch: 2,
                                 writerEpoch: 1)
        var node = JournalNode(id: 0, durable: Tests.durable(promised: 2, writer: 1, segments: [JournalFixtures.finalized(1, 3)],
                                                             paxos: [record]))
        XCTAssertEqual(Tests.response(node.call(.prepareRecovery(JournalFixtures.info(3), segmentStart: 1))),
                       .recoveryPrepared(epoch: 3, segmentStart: 1, PrepareRecoveryResponse(
                           segment: SegmentState(start: 1, end: 3, inProgress: false), writerEpochOfSegment: 1,
                           acceptedInEpoch: nil, lastWriterEpoch: 1, lastCommittedTxID: nil)))
    }

    /// getSegmentInfo: "an in-progress file is scanned, and if it has no txns it is moved aside to
    /// .empty and null is returned".
    func testPrepareRecoveryMovesAnEmptyInProgressSegmentAside() {
        var node = JournalNode(id: 0, durable: Tests.durable(promised: 2, writer: 2, segments: [JournalFixtures.inProgress(4, 3)]))
        let effects = node.call(.prepareRecovery(JournalFixtures.info(2), segmentStart: 4))
        XCTAssertEqual(effects, [
            .persist(.moveAsideEmptySegment(start: 4)),
            .reply(to: Tests.writer, .recoveryPrepared(epoch: 2, segmentStart: 4, PrepareRecoveryResponse(
                segment: nil, writerEpochOfSegment: 0, acceptedInEpoch: nil, lastWriterEpoch: 2,
                lastCommittedTxID: nil))),
        ])
        XCTAssertEqual(node.durable.segments, [])
    }

    /// prepareRecovery: "checkFormatted, checkRequest, abortCurSegment".
    func testPrepareRecoveryAbortsTheOpenSegment() {
        var node = Tests.writingNode(epoch: 1, segment: 1, through: 2)
        _ = node.call(.prepareRecovery(JournalFixtures.info(1), segmentStart: 1))
        XCTAssertNil(node.volatile.currentSegment)
        XCTAssertEqual(Tests.refusal(node.call(.journal(JournalFixtures.info(1), segmentStart: 1, firstTxID: 3, count: 1))),
                       .noSegmentOpen)
    }

    // MARK: - §2.6 acceptRecovery

    /// acceptRecovery: "checkArgument(end > 0 && end >= start, "bad recovery state for segment %s: %s")".
    func testAcceptRecoveryRefusesABadRecoveryState() {
        for segment in [SegmentState(start: 1, end: 0, inProgress: true), SegmentState(start: 5, end: 4, inProgress: true)] {
            var node = JournalNode(id: 0, durable: Tests.durable(promised: 2, writer: 1, segments: [JournalFixtures.inProgress(1, 3)]))
            let effects = node.call(.acceptRecovery(JournalFixtures.info(2), segment: segment, writerEpoch: 1, source: 1))
            XCTAssertEqual(Tests.refusal(effects), .badRecoveryState(segment: segment))
            XCTAssertEqual(Tests.refusal(effects)?.description, "bad recovery state for segment \(segment.start): \(segment)")
            XCTAssertEqual(Tests.writes(effects), [])
        }
    }

    /// acceptRecovery: "if an earlier accepted value exists: alwaysAssert(old.acceptedInEpoch <=
    /// epoch, "Bad paxos transition, out-of-order epochs.")". (The state is built directly: a correct
    /// JournalNode's promise never lags its accepted epoch.)
    func testAcceptRecoveryRefusesOutOfOrderEpochs() {
        let record = PaxosRecord(segment: SegmentState(start: 1, end: 3, inProgress: true), acceptedInEpoch: 3,
                                 writerEpoch: 1)
        var node = JournalNode(id: 0, durable: Tests.durable(promised: 2, writer: 1, segments: [JournalFixtures.inProgress(1, 3)],
                                                             paxos: [record]))
        let effects = node.call(.acceptRecovery(JournalFixtures.info(2), segment: SegmentState(start: 1, end: 2, inProgress: true),
                                                writerEpoch: 1, source: 1))
        XCTAssertEqual(Tests.refusal(effects), .outOfOrderPaxos)
        XCTAssertEqual(Tests.refusal(effects)?.description, "Bad paxos transition, out-of-order epochs.")
        XCTAssertEqual(node.durable.paxos, [record])
        // An accepted value from an equal or older epoch is replaced.
        var later = JournalNode(id: 0, durable: Tests.durable(promised: 3, writer: 1, segments: [JournalFixtures.inProgress(1, 3)],
                                                              paxos: [record]))
        _ = later.call(.acceptRecovery(JournalFixtures.info(4), segment: SegmentState(start: 1, end: 3, inProgress: true),
                                       writerEpoch: 1, source: 1))
        XCTAssertEqual(later.durable.paxos.map(\.acceptedInEpoch), [4])
    }

    /// acceptRecovery: "throw an AssertionError if the replacement would drop a committed txn
    /// (current range contains committed && new range doesn't → "Cannot replace segment ... would
    /// discard already-committed txn N")". Nothing is downloaded.
    func testAcceptRecoveryRefusesToDiscardACommittedTxn() {
        var node = JournalNode(id: 0, durable: Tests.durable(promised: 2, writer: 1, committed: 4,
                                                             segments: [JournalFixtures.inProgress(1, 5)]))
        let effects = node.call(.acceptRecovery(JournalFixtures.info(2), segment: SegmentState(start: 1, end: 3, inProgress: true),
                                                writerEpoch: 1, source: 1))
        XCTAssertEqual(Tests.refusal(effects), .wouldDiscardCommitted(txid: 4))
        XCTAssertTrue(Tests.refusal(effects)?.description.contains("would discard already-committed txn 4") ?? false)
        XCTAssertEqual(Tests.writes(effects), [])
        XCTAssertEqual(node.durable.segments, [JournalFixtures.inProgress(1, 5)])
    }

    /// acceptRecovery: "alwaysAssert(current.isInProgress, "Should never be asked to synchronize a
    /// different log on top of an already-finalized segment")".
    func testAcceptRecoveryRefusesToReplaceAFinalizedSegment() {
        var node = JournalNode(id: 0, durable: Tests.durable(promised: 2, writer: 1, segments: [JournalFixtures.finalized(1, 3)]))
        let effects = node.call(.acceptRecovery(JournalFixtures.info(2), segment: SegmentState(start: 1, end: 5, inProgress: true),
                                                writerEpoch: 1, source: 1))
        XCTAssertEqual(Tests.refusal(effects), .synchronizeOverFinalized)
        XCTAssertEqual(Tests.refusal(effects)?.description,
                       "Should never be asked to synchronize a different log on top of an already-finalized segment")
        XCTAssertEqual(node.durable.segments, [JournalFixtures.finalized(1, 3)])
    }

    /// acceptRecovery: "download fromUrl into edits_inprogress_<seg>.epoch=<reqEpoch>"; "commit point:
    /// persistPaxosData(...) (atomic + fsync). Only after that is the temporary file renamed over
    /// edits_inprogress_<seg>". Download, paxos, promote, reply — in that order.
    func testAcceptRecoveryDownloadsPersistsPaxosThenPromotes() {
        var node = JournalNode(id: 0, durable: Tests.durable(promised: 2, writer: 1, segments: [JournalFixtures.inProgress(1, 2)]))
        let segment = SegmentState(start: 1, end: 3, inProgress: true)
        let temporary = TemporarySegment(start: 1, end: 3, acceptedInEpoch: 2, writerEpoch: 1)
        let record = PaxosRecord(segment: segment, acceptedInEpoch: 2, writerEpoch: 1)
        XCTAssertEqual(node.call(.acceptRecovery(JournalFixtures.info(2), segment: segment, writerEpoch: 1, source: 1)), [
            .persist(.downloadSegment(temporary, source: 1)),
            .persist(.persistPaxos(record)),
            .persist(.promoteTemporarySegment(start: 1, acceptedInEpoch: 2)),
            .reply(to: Tests.writer, .recoveryAccepted(epoch: 2, segmentStart: 1)),
        ])
        XCTAssertEqual(node.durable.segments, [JournalFixtures.inProgress(1, 3)])
        XCTAssertEqual(node.durable.paxos, [record])
        XCTAssertEqual(node.durable.temporary, [])
        // A JournalNode without the segment downloads it too.
        var empty = JournalNode(id: 1, durable: Tests.durable(promised: 2, writer: 1))
        XCTAssertEqual(Tests.writes(empty.call(.acceptRecovery(JournalFixtures.info(2), segment: segment, writerEpoch: 1, source: 0))),
                       [.downloadSegment(temporary, source: 0), .persistPaxos(record),
                        .promoteTemporarySegment(start: 1, acceptedInEpoch: 2)])
        XCTAssertEqual(empty.durable.segments, [JournalFixtures.inProgress(1, 3)])
    }

    /// acceptRecovery: "if it already has the same length: "Skipping download ... already have
    /// up-to-date logs"" — only the paxos record is written.
    func testAcceptRecoverySkipsTheDownloadWhenUpToDate() {
        var node = JournalNode(id: 0, durable: Tests.durable(promised: 2, writer: 1, segments: [JournalFixtures.inProgress(1, 3)]))
        let segment = SegmentState(start: 1, end: 3, inProgress: true)
        let effects = node.call(.acceptRecovery(JournalFixtures.info(2), segment: segment, writerEpoch: 1, source: 1))
        XCTAssertEqual(Tests.writes(effects), [.persistPaxos(PaxosRecord(segment: segment, acceptedInEpoch: 2, writerEpoch: 1))])
        guard case .log(let text)? = effects.first else { return XCTFail("no log: \(effects)") }
        XCTAssertTrue(text.contains("already have up-to-date logs"), text)
        XCTAssertEqual(Tests.response(effects), .recoveryAccepted(epoch: 2, segmentStart: 1))
    }

    /// The model identifies a segment's bytes by its writer's epoch: the same length written by
    /// another writer is not "up to date" and is downloaded.
    func testAcceptRecoveryDownloadsTheSameLengthFromAnotherWriter() {
        var node = JournalNode(id: 0, durable: Tests.durable(promised: 3, writer: 2,
                                                             segments: [JournalFixtures.inProgress(1, 3, writer: 2)]))
        let effects = node.call(.acceptRecovery(JournalFixtures.info(3), segment: SegmentState(start: 1, end: 3, inProgress: true),
                                                writerEpoch: 1, source: 1))
        XCTAssertEqual(Tests.writes(effects).first,
                       .downloadSegment(TemporarySegment(start: 1, end: 3, acceptedInEpoch: 3, writerEpoch: 1), source: 1))
        XCTAssertEqual(node.durable.segments, [JournalFixtures.inProgress(1, 3, writer: 1)])
    }

    /// acceptRecovery: "checkFormatted, checkRequest, abortCurSegment (HDFS-3914)".
    func testAcceptRecoveryAbortsTheOpenSegment() {
        var node = Tests.writingNode(epoch: 1, segment: 1, through: 2)
        _ = node.call(.acceptRecovery(JournalFixtures.info(1), segment: SegmentState(start: 1, end: 2, inProgress: true),
                                      writerEpoch: 1, source: 1))
        XCTAssertNil(node.volatile.currentSegment)
    }

    // MARK: - §2.6 roll-forward (HDFS-3955) and restart

    /// completeHalfDoneAcceptRecovery: "if the temporary file edits_inprogress_<seg>.epoch=
    /// <acceptedInEpoch> exists, it is renamed into place (roll-forward)". The durable state is what a
    /// crash between persistPaxos and the rename leaves; a restarted JournalNode rolls it forward in
    /// the next prepareRecovery, after raising its promise and before replying.
    func testPrepareRecoveryRollsForwardAHalfDoneAccept() {
        let segment = SegmentState(start: 1, end: 3, inProgress: true)
        let crashed = Tests.durable(promised: 2, writer: 1, segments: [JournalFixtures.inProgress(1, 2)],
                                    paxos: [PaxosRecord(segment: segment, acceptedInEpoch: 2, writerEpoch: 1)],
                                    temporary: [TemporarySegment(start: 1, end: 3, acceptedInEpoch: 2, writerEpoch: 1)])
        var node = JournalNode(id: 0, durable: crashed)
        XCTAssertEqual(node.call(.prepareRecovery(JournalFixtures.info(3), segmentStart: 1)), [
            .persist(.promisedEpoch(3)),
            .persist(.promoteTemporarySegment(start: 1, acceptedInEpoch: 2)),
            .reply(to: Tests.writer, .recoveryPrepared(epoch: 3, segmentStart: 1, PrepareRecoveryResponse(
                segment: segment, writerEpochOfSegment: 1, acceptedInEpoch: 2, lastWriterEpoch: 1,
                lastCommittedTxID: nil))),
        ])
        XCTAssertEqual(node.durable.segments, [JournalFixtures.inProgress(1, 3)])
        XCTAssertEqual(node.durable.temporary, [])
    }

    /// Before the commit point nothing is visible: "If we fail before this point, the downloaded edit
    /// log will only exist at a temporary path". A download without its paxos record (or with an
    /// older one) is not rolled forward.
    func testADownloadWithoutItsPaxosRecordIsNotRolledForward() {
        let older = PaxosRecord(segment: SegmentState(start: 1, end: 2, inProgress: true), acceptedInEpoch: 1, writerEpoch: 1)
        for paxos in [[], [older]] {
            let crashed = Tests.durable(promised: 2, writer: 1, segments: [JournalFixtures.inProgress(1, 2)], paxos: paxos,
                                        temporary: [TemporarySegment(start: 1, end: 3, acceptedInEpoch: 2, writerEpoch: 1)])
            var node = JournalNode(id: 0, durable: crashed)
            let effects = node.call(.prepareRecovery(JournalFixtures.info(3), segmentStart: 1))
            XCTAssertEqual(Tests.writes(effects), [.promisedEpoch(3)])
            guard case .recoveryPrepared(_, _, let prepared)? = Tests.response(effects) else {
                return XCTFail("\(effects)")
            }
            XCTAssertEqual(prepared.segment, SegmentState(start: 1, end: 2, inProgress: true))
            XCTAssertEqual(node.durable.segments, [JournalFixtures.inProgress(1, 2)])
        }
    }

    /// §2.2: curSegment is in-memory state. A restarted JournalNode keeps what is on disk (promise,
    /// writer epoch, committed txid, segments) and has no open segment.
    func testARestartDropsTheOpenSegmentAndKeepsTheDisk() {
        var node = Tests.writingNode(epoch: 1, segment: 1, through: 2)
        _ = node.call(.heartbeat(JournalFixtures.info(1, committed: 2)))
        var restarted = JournalNode(id: 0, durable: node.durable)
        XCTAssertNil(restarted.volatile.currentSegment)
        XCTAssertEqual(restarted.promisedEpoch, 1)
        XCTAssertEqual(restarted.durable.writerEpoch, 1)
        XCTAssertEqual(restarted.durable.committedTxID, 2)
        XCTAssertEqual(restarted.durable.segments, [JournalFixtures.inProgress(1, 2)])
        XCTAssertEqual(Tests.refusal(restarted.call(.journal(JournalFixtures.info(1), segmentStart: 1, firstTxID: 3, count: 1))),
                       .noSegmentOpen)
        XCTAssertEqual(Tests.refusal(restarted.call(.newEpoch(epoch: 1))),
                       .proposedEpochNotNewer(proposed: 1, promised: 1))
    }

    // MARK: - §1.2 getEditLogManifest

    /// getEditLogManifest: "no epoch check ("anyone may ask")"; finalized segments from sinceTxId, the
    /// in-progress one only if inProgressOk, the call id echoed, and the manifest "also carries
    /// committedTxnId". A segment containing sinceTxId is included; an empty one never is.
    func testGetEditLogManifestFiltersSegmentsAndEchoesTheCall() {
        let segments = [JournalFixtures.finalized(1, 2), JournalFixtures.finalized(3, 5), JournalFixtures.inProgress(6, 7), JournalFixtures.inProgress(8, 7)]
        var node = JournalNode(id: 0, durable: Tests.durable(promised: 9, writer: 9, committed: 6, segments: segments))
        let cases: [(TxID, Bool, [Segment])] = [
            (1, false, [JournalFixtures.finalized(1, 2), JournalFixtures.finalized(3, 5)]),
            (1, true, [JournalFixtures.finalized(1, 2), JournalFixtures.finalized(3, 5), JournalFixtures.inProgress(6, 7)]),
            (4, false, [JournalFixtures.finalized(3, 5)]),
            (6, false, []),
            (7, true, [JournalFixtures.inProgress(6, 7)]),
            (8, true, []),
        ]
        for (call, (since, inProgressOK, expected)) in cases.enumerated() {
            let effects = node.call(.getEditLogManifest(sinceTxID: since, inProgressOK: inProgressOK, call: UInt64(call)))
            XCTAssertEqual(effects, [.reply(to: Tests.writer, .manifest(call: UInt64(call), segments: expected,
                                                                        committedTxID: 6))],
                           "since \(since) inProgressOK \(inProgressOK)")
        }
        XCTAssertEqual(node.durable.promisedEpoch, 9)
    }

    // MARK: - §2.1 JournalDurableState.apply

    /// Each durable write changes exactly its file: the epoch files, committed-txid, segment files
    /// (kept sorted by start), paxos/ records and temporary downloads.
    func testDurableStateAppliesEachWrite() {
        var state = JournalDurableState(formatted: true)
        state.apply(.promisedEpoch(3))
        state.apply(.writerEpoch(2))
        state.apply(.committedTxID(7))
        XCTAssertEqual([state.promisedEpoch, state.writerEpoch], [3, 2])
        XCTAssertEqual(state.committedTxID, 7)

        state.apply(.openSegment(start: 5, writerEpoch: 2))
        state.apply(.openSegment(start: 1, writerEpoch: 1))
        XCTAssertEqual(state.segments, [JournalFixtures.inProgress(1, 0), JournalFixtures.inProgress(5, 4, writer: 2)])
        state.apply(.appendEdits(segmentStart: 1, firstTxID: 1, count: 3, fsync: true))
        state.apply(.appendEdits(segmentStart: 1, firstTxID: 4, count: 1, fsync: false))
        XCTAssertEqual(state.segment(startingAt: 1), JournalFixtures.inProgress(1, 4))
        XCTAssertEqual(state.highestTxID, 4)
        XCTAssertEqual(state.writerEpoch(of: 3), 1)
        XCTAssertNil(state.writerEpoch(of: 5))

        // openSegment replaces an in-progress file with the same start.
        state.apply(.openSegment(start: 5, writerEpoch: 3))
        XCTAssertEqual(state.segment(startingAt: 5), JournalFixtures.inProgress(5, 4, writer: 3))

        // finalizeSegment renames; an end below what is held truncates (the mutant's case).
        state.apply(.finalizeSegment(start: 1, end: 3))
        XCTAssertEqual(state.segment(startingAt: 1), JournalFixtures.finalized(1, 3))

        // moveAsideEmptySegment removes only an empty in-progress file.
        state.apply(.moveAsideEmptySegment(start: 1))
        XCTAssertEqual(state.segment(startingAt: 1), JournalFixtures.finalized(1, 3))
        state.apply(.moveAsideEmptySegment(start: 5))
        XCTAssertNil(state.segment(startingAt: 5))

        let first = PaxosRecord(segment: SegmentState(start: 9, end: 10, inProgress: true), acceptedInEpoch: 2, writerEpoch: 1)
        let second = PaxosRecord(segment: SegmentState(start: 4, end: 6, inProgress: true), acceptedInEpoch: 2, writerEpoch: 1)
        let replaced = PaxosRecord(segment: SegmentState(start: 9, end: 11, inProgress: true), acceptedInEpoch: 3, writerEpoch: 1)
        state.apply(.persistPaxos(first))
        state.apply(.persistPaxos(second))
        state.apply(.persistPaxos(replaced))
        XCTAssertEqual(state.paxos, [second, replaced])
        XCTAssertEqual(state.paxos(for: 9), replaced)
        state.apply(.deletePaxos(segmentStart: 4))
        XCTAssertEqual(state.paxos, [replaced])

        state.apply(.openSegment(start: 9, writerEpoch: 3))
        state.apply(.appendEdits(segmentStart: 9, firstTxID: 9, count: 1, fsync: true))
        let download = TemporarySegment(start: 9, end: 11, acceptedInEpoch: 3, writerEpoch: 1)
        let other = TemporarySegment(start: 9, end: 10, acceptedInEpoch: 2, writerEpoch: 1)
        state.apply(.downloadSegment(download, source: 1))
        state.apply(.downloadSegment(other, source: 2))
        XCTAssertEqual(state.temporary, [other, download])
        XCTAssertEqual(state.segment(startingAt: 9), JournalFixtures.inProgress(9, 9, writer: 3))  // not yet visible
        state.apply(.promoteTemporarySegment(start: 9, acceptedInEpoch: 3))
        XCTAssertEqual(state.segment(startingAt: 9), JournalFixtures.inProgress(9, 11, writer: 1))
        XCTAssertEqual(state.temporary, [other])
        XCTAssertEqual(state.segments.map(\.start), [1, 9])
    }

    // MARK: - Mutations

    /// `staleEpochAccepted`: a writer RPC whose epoch is below the promise is served (a correct
    /// JournalNode refuses it); the promise does not move and newEpoch's rule is untouched.
    func testStaleEpochAcceptedServesWriterRPCsBelowThePromise() {
        for mutation in [nil, Mutation.staleEpochAccepted] {
            var node = Tests.writingNode(epoch: 1, segment: 1, through: 1, mutation: mutation)
            _ = node.call(.heartbeat(JournalFixtures.info(2)))  // a newer writer's RPC: promise 2, segment still open
            let stale = node.call(.journal(JournalFixtures.info(1), segmentStart: 1, firstTxID: 2, count: 1))
            let staleFinalize = node.call(.finalizeLogSegment(JournalFixtures.info(1), start: 1, end: 2))
            if mutation == nil {
                XCTAssertEqual(Tests.refusal(stale), .epochLessThanPromised(epoch: 1, promised: 2))
                XCTAssertEqual(Tests.refusal(staleFinalize), .epochLessThanPromised(epoch: 1, promised: 2))
                XCTAssertEqual(node.durable.segments, [JournalFixtures.inProgress(1, 1)])
            } else {
                XCTAssertEqual(Tests.response(stale), .written(epoch: 1, firstTxID: 2, count: 1))
                XCTAssertEqual(Tests.response(staleFinalize), .finalized(epoch: 1, start: 1, end: 2))
                XCTAssertEqual(node.durable.segments, [JournalFixtures.finalized(1, 2)])
            }
            XCTAssertEqual(node.promisedEpoch, 2)
            XCTAssertEqual(Tests.refusal(node.call(.newEpoch(epoch: 2))), .proposedEpochNotNewer(proposed: 2, promised: 2))
        }
    }

    /// `promiseNotPersisted`: the promise is raised in memory only (no `persist(.promisedEpoch)`); it
    /// still guards this incarnation, and a restart forgets it.
    func testPromiseNotPersistedKeepsThePromiseInMemoryOnly() {
        var node = JournalNode(id: 0, durable: Tests.durable(promised: 1), mutation: .promiseNotPersisted)
        XCTAssertEqual(node.call(.newEpoch(epoch: 3)),
                       [.reply(to: Tests.writer, .newEpochAccepted(epoch: 3, lastSegmentStart: nil))])
        XCTAssertEqual(node.promisedEpoch, 3)
        XCTAssertEqual(node.durable.promisedEpoch, 1)
        XCTAssertEqual(Tests.refusal(node.call(.newEpoch(epoch: 2))), .proposedEpochNotNewer(proposed: 2, promised: 3))
        XCTAssertEqual(Tests.writes(node.call(.heartbeat(JournalFixtures.info(4)))), [])
        XCTAssertEqual(node.promisedEpoch, 4)

        var restarted = JournalNode(id: 0, durable: node.durable, mutation: .promiseNotPersisted)
        XCTAssertEqual(restarted.promisedEpoch, 1)
        XCTAssertEqual(Tests.response(restarted.call(.newEpoch(epoch: 2))), .newEpochAccepted(epoch: 2, lastSegmentStart: nil))
    }

    /// `acceptNotPersisted`: acceptRecovery downloads and promotes the segment but keeps the paxos
    /// record in memory only; this incarnation still reports it to prepareRecovery and a finalize
    /// ends it, and a restart forgets it (the unmutated node writes it before the promote).
    func testAcceptNotPersistedKeepsTheAcceptedValueInMemoryOnly() {
        let durable = Tests.durable(promised: 2, writer: 1, segments: [JournalFixtures.inProgress(1, 2)])
        var node = JournalNode(id: 0, durable: durable, mutation: .acceptNotPersisted)
        let segment = SegmentState(start: 1, end: 3, inProgress: true)
        let record = PaxosRecord(segment: segment, acceptedInEpoch: 2, writerEpoch: 1)
        let effects = node.call(.acceptRecovery(JournalFixtures.info(2), segment: segment, writerEpoch: 1, source: 1))
        XCTAssertEqual(Tests.writes(effects), [.downloadSegment(TemporarySegment(start: 1, end: 3, acceptedInEpoch: 2, writerEpoch: 1),
                                                                source: 1),
                                               .promoteTemporarySegment(start: 1, acceptedInEpoch: 2)])
        XCTAssertEqual(Tests.response(effects), .recoveryAccepted(epoch: 2, segmentStart: 1))
        XCTAssertEqual(node.durable.paxos, [])
        XCTAssertEqual(node.acceptedValue(for: 1), record)
        XCTAssertEqual(node.acceptedValues, [record])
        func acceptedInEpoch(_ effects: [JournalNode.Effect]) -> Epoch?? {
            guard case .recoveryPrepared(_, _, let prepared)? = Tests.response(effects) else { return .none }
            return .some(prepared.acceptedInEpoch)
        }
        XCTAssertEqual(acceptedInEpoch(node.call(.prepareRecovery(JournalFixtures.info(2), segmentStart: 1))), .some(2))

        var restarted = JournalNode(id: 0, durable: node.durable, mutation: .acceptNotPersisted)
        XCTAssertNil(restarted.acceptedValue(for: 1))
        XCTAssertEqual(acceptedInEpoch(restarted.call(.prepareRecovery(JournalFixtures.info(2), segmentStart: 1))), .some(nil))

        var finalizing = node
        XCTAssertEqual(Tests.response(finalizing.call(.finalizeLogSegment(JournalFixtures.info(2), start: 1, end: 3))),
                       .finalized(epoch: 2, start: 1, end: 3))
        XCTAssertEqual(finalizing.acceptedValues, [])

        var correct = JournalNode(id: 0, durable: durable)
        _ = correct.call(.acceptRecovery(JournalFixtures.info(2), segment: segment, writerEpoch: 1, source: 1))
        XCTAssertEqual(JournalNode(id: 0, durable: correct.durable).acceptedValue(for: 1), record)
    }

    /// `finalizeWithoutLengthCheck`: finalize succeeds whatever end is asked, for the open segment
    /// and for one on disk; the file keeps what it really holds (never more than the end asked).
    func testFinalizeWithoutLengthCheckFinalizesAnyEnd() {
        var open = Tests.writingNode(epoch: 1, segment: 1, through: 2, mutation: .finalizeWithoutLengthCheck)
        XCTAssertEqual(open.call(.finalizeLogSegment(JournalFixtures.info(1), start: 1, end: 3)), [
            .persist(.finalizeSegment(start: 1, end: 3)),
            .reply(to: Tests.writer, .finalized(epoch: 1, start: 1, end: 3)),
        ])
        XCTAssertEqual(open.durable.segments, [JournalFixtures.finalized(1, 2)])

        var onDisk = JournalNode(id: 0, durable: Tests.durable(promised: 1, writer: 1, segments: [JournalFixtures.inProgress(1, 2)]),
                                 mutation: .finalizeWithoutLengthCheck)
        XCTAssertEqual(Tests.response(onDisk.call(.finalizeLogSegment(JournalFixtures.info(1), start: 1, end: 1))),
                       .finalized(epoch: 1, start: 1, end: 1))
        XCTAssertEqual(onDisk.durable.segments, [JournalFixtures.finalized(1, 1)])
        // Re-finalizing with a different end is still refused: only the length check is off.
        XCTAssertEqual(Tests.refusal(onDisk.call(.finalizeLogSegment(JournalFixtures.info(1), start: 1, end: 2))),
                       .refinalizeDifferentEnd(start: 1, end: 2, existingEnd: 1))
    }

    /// Roles consult the active mutation "only at the one place it changes": a script touching every
    /// rule runs identically under no mutation and under every mutation of another role, and each
    /// JournalNode mutation changes the script's outcome.
    func testOnlyJournalNodeMutationsChangeTheJournalNode() {
        let segment = SegmentState(start: 1, end: 2, inProgress: true)
        let script: [JournalRequest] = [
            .newEpoch(epoch: 1), .startLogSegment(JournalFixtures.info(1), txid: 1),
            .journal(JournalFixtures.info(1), segmentStart: 1, firstTxID: 1, count: 2),
            .journal(JournalFixtures.info(1), segmentStart: 1, firstTxID: 5, count: 1),
            .heartbeat(JournalFixtures.info(2, committed: 1)),
            .journal(JournalFixtures.info(1), segmentStart: 1, firstTxID: 3, count: 1),
            .finalizeLogSegment(JournalFixtures.info(2), start: 1, end: 4),
            .newEpoch(epoch: 3),
            .prepareRecovery(JournalFixtures.info(3), segmentStart: 1),
            .acceptRecovery(JournalFixtures.info(3), segment: segment, writerEpoch: 1, source: 1),
            .prepareRecovery(JournalFixtures.info(3), segmentStart: 1),
            .newEpoch(epoch: 3),
            .getEditLogManifest(sinceTxID: 1, inProgressOK: true, call: 1),
        ]
        func run(_ mutation: Mutation?) -> [[JournalNode.Effect]] {
            var node = JournalNode(id: 0, durable: JournalDurableState(formatted: true), mutation: mutation)
            var trace = script.map { node.call($0) }
            node = JournalNode(id: 0, durable: node.durable, mutation: mutation)  // restart
            trace.append(node.call(.prepareRecovery(JournalFixtures.info(3), segmentStart: 1)))
            trace.append(node.call(.newEpoch(epoch: 3)))
            return trace
        }
        let correct = run(nil)
        let journalMutations: Set<Mutation> = [.staleEpochAccepted, .promiseNotPersisted, .acceptNotPersisted,
                                               .finalizeWithoutLengthCheck]
        for mutation in Mutation.allCases {
            if journalMutations.contains(mutation) {
                XCTAssertNotEqual(run(mutation), correct, "\(mutation) changes nothing on the JournalNode")
            } else {
                XCTAssertEqual(run(mutation), correct, "\(mutation) changes the JournalNode")
            }
        }
    }
}

private extension JournalNode {
    /// One request from the writer (peer 0).
    mutating func call(_ request: JournalRequest) -> [Effect] { step(.request(from: 0, request)) }
}
