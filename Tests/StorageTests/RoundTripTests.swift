import Model
import XCTest
@testable import Storage

/// The storage contract: after every `perform`, the durable state equals the model's `apply` of
/// the same write, and a restart (reopening the directory) rebuilds exactly that state.
final class RoundTripTests: StorageTestCase {
    /// Every `JournalWrite` case in the order a JournalNode's life produces them: promises, a
    /// segment written (with and without fsync) and finalized, an empty segment moved aside, a
    /// recovery that downloads, persists its Paxos value and promotes, a download left pending
    /// across a restart, then promoted. The downloads carry a different writer epoch from the
    /// local segment, as acceptRecovery of an older writer's edits does.
    static let script: [(JournalWrite, [UInt8]?)] = [
        (.promisedEpoch(1), nil),
        (.writerEpoch(1), nil),
        (.openSegment(start: 1, writerEpoch: 1), nil),
        (.appendEdits(segmentStart: 1, firstTxID: 1, count: 3, fsync: true), Edits.blob(1...3)),
        (.committedTxID(3), nil),
        (.appendEdits(segmentStart: 1, firstTxID: 4, count: 2, fsync: false), Edits.blob(4...5)),
        (.finalizeSegment(start: 1, end: 5), nil),
        (.openSegment(start: 6, writerEpoch: 1), nil),
        (.moveAsideEmptySegment(start: 6), nil),
        (.promisedEpoch(2), nil),
        (.writerEpoch(2), nil),
        (.openSegment(start: 6, writerEpoch: 2), nil),
        (.appendEdits(segmentStart: 6, firstTxID: 6, count: 4, fsync: true), Edits.blob(6...9)),
        (.promisedEpoch(3), nil),
        (.downloadSegment(TemporarySegment(start: 6, end: 11, acceptedInEpoch: 3, writerEpoch: 1), source: 2),
         Edits.blob(6...11, tag: "recovered")),
        (.persistPaxos(PaxosRecord(segment: SegmentState(start: 6, end: 11, inProgress: true), acceptedInEpoch: 3,
                                   writerEpoch: 1)), nil),
        (.promoteTemporarySegment(start: 6, acceptedInEpoch: 3), nil),
        (.finalizeSegment(start: 6, end: 11), nil),
        (.deletePaxos(segmentStart: 6), nil),
        (.committedTxID(11), nil),
        (.writerEpoch(3), nil),
        (.openSegment(start: 12, writerEpoch: 3), nil),
        (.appendEdits(segmentStart: 12, firstTxID: 12, count: 1, fsync: true), Edits.blob(12...12)),
        (.promisedEpoch(4), nil),
        (.downloadSegment(TemporarySegment(start: 12, end: 14, acceptedInEpoch: 4, writerEpoch: 2), source: 1),
         Edits.blob(12...14, tag: "older writer")),
        (.persistPaxos(PaxosRecord(segment: SegmentState(start: 12, end: 14, inProgress: true), acceptedInEpoch: 4,
                                   writerEpoch: 2)), nil),
        (.promoteTemporarySegment(start: 12, acceptedInEpoch: 4), nil),
        (.committedTxID(14), nil),
    ]

    func testEveryWriteSurvivesARestartAfterEachStep() throws {
        var journal = try openFormatted()
        var model = JournalDurableState(formatted: true)
        for (index, (write, edits)) in Self.script.enumerated() {
            try journal.perform(write, edits: edits)
            model.apply(write)
            XCTAssertEqual(journal.durableState, model, "step \(index) \(write)")
            journal.close()
            journal = try open()
            XCTAssertEqual(journal.durableState, model, "after a restart at step \(index) \(write)")
        }
        XCTAssertEqual(journal.namespaceInfo, Self.namespace)
        XCTAssertEqual(model.segments.map(\.writerEpoch), [1, 1, 2], "a promoted segment keeps the original writer's epoch")
        XCTAssertEqual(try journal.readEdits(segmentStart: 6, fromTxID: 6, maxCount: 100), Edits.blob(6...11, tag: "recovered"))
        XCTAssertEqual(try journal.readEdits(segmentStart: 12, fromTxID: 12, maxCount: 100), Edits.blob(12...14, tag: "older writer"))
        journal.close()
    }

    func testEveryWriteAgreesWithTheModelWithoutRestarts() throws {
        let journal = try openFormatted()
        var model = JournalDurableState(formatted: true)
        for (index, (write, edits)) in Self.script.enumerated() {
            try journal.perform(write, edits: edits)
            model.apply(write)
            XCTAssertEqual(journal.durableState, model, "step \(index) \(write)")
        }
        journal.close()
        let reopened = try open()
        XCTAssertEqual(reopened.durableState, model)
        XCTAssertEqual(try reopened.readEdits(segmentStart: 1, fromTxID: 1, maxCount: 100), Edits.blob(1...5))
        reopened.close()
    }

    /// A download not yet promoted is part of the durable state (upstream rolls it forward in
    /// prepareRecovery after a crash, `completeHalfDoneAcceptRecovery`), and so is its Paxos record.
    func testPendingDownloadAndPaxosRecordSurviveARestart() throws {
        let journal = try openFormatted()
        let temporary = TemporarySegment(start: 1, end: 3, acceptedInEpoch: 5, writerEpoch: 4)
        let record = PaxosRecord(segment: SegmentState(start: 1, end: 3, inProgress: true), acceptedInEpoch: 5, writerEpoch: 4)
        try journal.perform(.downloadSegment(temporary, source: 0), edits: Edits.blob(1...3))
        try journal.perform(.persistPaxos(record), edits: nil)
        journal.close()
        let reopened = try open()
        XCTAssertEqual(reopened.durableState.temporary, [temporary])
        XCTAssertEqual(reopened.durableState.paxos, [record])
        XCTAssertTrue(FileManager.default.fileExists(atPath: currentDirectory + "/edits_inprogress_0000000000000000001.epoch=5"))
        let paxosText = String(decoding: try contents(currentDirectory + "/paxos/1"), as: UTF8.self)
        XCTAssertTrue(paxosText.contains(record.description), "the paxos file ends with a readable line, as upstream's")
        reopened.close()
    }

    /// The metadata files hold decimal text and a newline, as upstream's `PersistentLongFile`.
    func testMetadataFilesAreDecimalText() throws {
        let journal = try openFormatted()
        try journal.perform(.promisedEpoch(12), edits: nil)
        try journal.perform(.writerEpoch(11), edits: nil)
        try journal.perform(.committedTxID(1234), edits: nil)
        journal.close()
        XCTAssertEqual(try contents(currentDirectory + "/last-promised-epoch"), Array("12\n".utf8))
        XCTAssertEqual(try contents(currentDirectory + "/last-writer-epoch"), Array("11\n".utf8))
        XCTAssertEqual(try contents(currentDirectory + "/committed-txid"), Array("1234\n".utf8))
    }
}
