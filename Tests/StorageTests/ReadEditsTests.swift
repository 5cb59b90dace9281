import Model
import XCTest
@testable import Storage

/// `readEdits`: what tailing readers and acceptRecovery's download source get (upstream's
/// `GetJournalEditServlet` / `getJournaledEdits`), from in-progress and finalized segments.
final class ReadEditsTests: StorageTestCase {
    func testRangesOfAnInProgressSegment() throws {
        try makeInProgressSegment(end: 10)
        let journal = try open()
        XCTAssertEqual(try journal.readEdits(segmentStart: 1, fromTxID: 1, maxCount: 100), Edits.blob(1...10))
        XCTAssertEqual(try journal.readEdits(segmentStart: 1, fromTxID: 4, maxCount: 3), Edits.blob(4...6))
        XCTAssertEqual(try journal.readEdits(segmentStart: 1, fromTxID: 10, maxCount: 3), Edits.blob(10...10))
        XCTAssertEqual(try journal.readEdits(segmentStart: 1, fromTxID: 1, maxCount: 1), Edits.blob(1...1))
        XCTAssertEqual(try journal.readEdits(segmentStart: 1, fromTxID: 11, maxCount: 5), [], "one past the end: nothing yet")
        XCTAssertEqual(try journal.readEdits(segmentStart: 1, fromTxID: 3, maxCount: 0), [])
        journal.close()
    }

    func testReadsSeeAppendsAtOnce() throws {
        try makeInProgressSegment(end: 2)
        let journal = try open()
        try journal.perform(.appendEdits(segmentStart: 1, firstTxID: 3, count: 2, fsync: false), edits: Edits.blob(3...4))
        XCTAssertEqual(try journal.readEdits(segmentStart: 1, fromTxID: 2, maxCount: 10), Edits.blob(2...4))
        journal.close()
    }

    func testRangesOfAFinalizedSegment() throws {
        try makeFinalizedSegment(end: 6)
        let journal = try open()
        XCTAssertEqual(try journal.readEdits(segmentStart: 1, fromTxID: 2, maxCount: 4), Edits.blob(2...5))
        XCTAssertEqual(try EditRecords.decode(try journal.readEdits(segmentStart: 1, fromTxID: 5, maxCount: 9)),
                       Edits.records(5...6))
        journal.close()
    }

    func testOutOfRangeRequestsAreRefused() throws {
        try makeInProgressSegment(end: 10)
        let journal = try open()
        let file = inProgressPath(1)
        XCTAssertThrowsError(try journal.readEdits(segmentStart: 1, fromTxID: 12, maxCount: 1)) { error in
            XCTAssertEqual(error as? StorageError, .txidOutOfRange(file: file, requested: 12, first: 1, last: 10))
        }
        XCTAssertThrowsError(try journal.readEdits(segmentStart: 1, fromTxID: 0, maxCount: 1)) { error in
            XCTAssertEqual(error as? StorageError, .txidOutOfRange(file: file, requested: 0, first: 1, last: 10))
        }
        XCTAssertThrowsError(try journal.readEdits(segmentStart: 5, fromTxID: 5, maxCount: 1)) { error in
            XCTAssertEqual("\(error)", "No edit log found starting at txid 5 in \(journalDirectory)")
        }
        XCTAssertThrowsError(try journal.readEdits(segmentStart: 1, fromTxID: 1, maxCount: -1)) { error in
            XCTAssertEqual(error as? StorageError, .invalidCount(file: file, count: -1))
        }
        journal.close()
    }
}
