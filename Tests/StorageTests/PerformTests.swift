import Model
import XCTest
@testable import Storage

/// `perform` refuses writes that do not fit the disk before touching it, follows the model's
/// `apply` where a mutation asks for something odd, and keeps up with many appends.
final class PerformTests: StorageTestCase {
    private func assertRefused(_ journal: JournalDirectory, _ write: JournalWrite, edits: [UInt8]?, reason: String,
                               line: UInt = #line) throws {
        let before = journal.durableState
        XCTAssertThrowsError(try journal.perform(write, edits: edits), line: line) { error in
            XCTAssertTrue("\(error)".contains(reason), "\(error)", line: line)
        }
        XCTAssertEqual(journal.durableState, before, line: line)
        // Nothing was half-done, so the journal still takes writes.
        try journal.perform(.committedTxID((before.committedTxID ?? 0) + 1), edits: nil)
    }

    func testWritesThatDoNotFitTheDiskAreRefusedUntouched() throws {
        try makeInProgressSegment(end: 3)
        let journal = try open()
        try assertRefused(journal, .appendEdits(segmentStart: 1, firstTxID: 5, count: 1, fsync: true),
                          edits: Edits.blob(5...5), reason: "the next txid is 4")
        try assertRefused(journal, .appendEdits(segmentStart: 9, firstTxID: 9, count: 1, fsync: true),
                          edits: Edits.blob(9...9), reason: "no in-progress segment starts at 9")
        try assertRefused(journal, .appendEdits(segmentStart: 1, firstTxID: 4, count: 2, fsync: true),
                          edits: Edits.blob(4...4), reason: "1 records where 2 were expected")
        try assertRefused(journal, .appendEdits(segmentStart: 1, firstTxID: 4, count: 1, fsync: true),
                          edits: nil, reason: "needs its edit records")
        try assertRefused(journal, .promisedEpoch(3), edits: [1], reason: "takes no edit records")
        try assertRefused(journal, .promoteTemporarySegment(start: 1, acceptedInEpoch: 2), edits: nil,
                          reason: "no temporary segment 1.epoch=2")
        try assertRefused(journal, .finalizeSegment(start: 7, end: 9), edits: nil, reason: "no segment starts at 7")
        try assertRefused(journal, .downloadSegment(TemporarySegment(start: 4, end: 6, acceptedInEpoch: 2, writerEpoch: 1),
                                                    source: 0), edits: Edits.blob(4...5), reason: "2 records where 3")
        journal.close()
        XCTAssertEqual(try open().durableState.segments, [Segment(start: 1, end: 3, writerEpoch: 1, finalized: false)])
    }

    /// After a write fails while changing the disk, the in-memory state can no longer be trusted
    /// (the fsync-failure lesson): every later call is refused until the directory is reopened.
    func testAFailureHalfWayRefusesLaterWritesUntilReopened() throws {
        try makeInProgressSegment(end: 2)
        let journal = try open()
        try FileManager.default.removeItem(atPath: inProgressPath(1))
        XCTAssertThrowsError(try journal.perform(.finalizeSegment(start: 1, end: 2), edits: nil)) { error in
            guard case .system(let systemError) = error as? StorageError else { return XCTFail("\(error)") }
            XCTAssertEqual(systemError.path, inProgressPath(1))
        }
        XCTAssertThrowsError(try journal.perform(.promisedEpoch(5), edits: nil)) { error in
            XCTAssertTrue("\(error)".hasPrefix("Storage \(journalDirectory) failed during an earlier write and must be reopened: open "),
                          "\(error)")
        }
        journal.close()
        let reopened = try open()
        XCTAssertEqual(reopened.durableState.segments, [])
        try reopened.perform(.promisedEpoch(5), edits: nil)
        reopened.close()
    }

    func testClosedDirectoryRefusesWork() throws {
        let journal = try openFormatted()
        journal.close()
        journal.close()
        XCTAssertThrowsError(try journal.perform(.promisedEpoch(1), edits: nil)) { error in
            XCTAssertEqual(error as? StorageError, .closed(directory: journalDirectory))
        }
    }

    /// `Mutation.finalizeWithoutLengthCheck`: the model keeps what the segment really holds, so a
    /// finalize below what is written cuts the file, and one above names the file by what it holds.
    func testFinalizeAtAnotherLengthFollowsTheModel() throws {
        try makeInProgressSegment(end: 6)
        let journal = try open()
        var model = journal.durableState
        for write in [JournalWrite.finalizeSegment(start: 1, end: 4), .openSegment(start: 5, writerEpoch: 2),
                      .finalizeSegment(start: 5, end: 8)] {
            try journal.perform(write, edits: nil)
            model.apply(write)
            XCTAssertEqual(journal.durableState, model)
        }
        journal.close()
        XCTAssertEqual(try open().durableState, model)
        XCTAssertEqual(try EditRecords.decode(Array(try contents(finalizedPath(1, 4)).dropFirst(SegmentHeader.bytes))),
                       Edits.records(1...4))
        XCTAssertTrue(FileManager.default.fileExists(atPath: finalizedPath(5, 4)), "an empty finalized segment 5-4")
    }

    /// Opening a segment again replaces an in-progress file with that start (upstream restarts a
    /// segment holding at most one txn), and a moved-aside segment is gone from the state.
    func testReopeningASegmentReplacesIt() throws {
        try makeInProgressSegment(end: 1)
        let journal = try open()
        try journal.perform(.openSegment(start: 1, writerEpoch: 2), edits: nil)
        XCTAssertEqual(journal.durableState.segments, [Segment(start: 1, end: 0, writerEpoch: 2, finalized: false)])
        try journal.perform(.moveAsideEmptySegment(start: 1), edits: nil)
        XCTAssertEqual(journal.durableState.segments, [])
        journal.close()
        XCTAssertEqual(try open().durableState.segments, [])
        XCTAssertTrue(FileManager.default.fileExists(atPath: inProgressPath(1) + ".empty"))
    }

    /// Sanity, not a benchmark: 1,000 batches of 5 edits, every tenth fsync'd, reload intact.
    func testAThousandBatches() throws {
        let batches: UInt64 = 1_000
        let batchSize: UInt64 = 5
        let journal = try openFormatted()
        try journal.perform(.openSegment(start: 1, writerEpoch: 1), edits: nil)
        for batch in 0..<batches {
            let first = 1 + batch * batchSize
            try journal.perform(.appendEdits(segmentStart: 1, firstTxID: first, count: batchSize, fsync: batch % 10 == 9),
                                edits: Edits.blob(first...(first + batchSize - 1)))
        }
        let last = batches * batchSize
        XCTAssertEqual(journal.durableState.segments.first?.end, last)
        journal.close()
        let reopened = try open()
        XCTAssertEqual(reopened.durableState.segments, [Segment(start: 1, end: last, writerEpoch: 1, finalized: false)])
        XCTAssertEqual(try reopened.readEdits(segmentStart: 1, fromTxID: last - 1, maxCount: 10), Edits.blob((last - 1)...last))
        reopened.close()
    }
}
