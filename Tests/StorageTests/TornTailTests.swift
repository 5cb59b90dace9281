import Model
import XCTest
@testable import Storage

/// A crash in the middle of an append leaves a torn last record in the in-progress segment: on
/// start it is cut and the records before it kept (upstream: the edit-log scan stops at the
/// first bad op of an in-progress log and the JournalNode carries on from the last good txid).
final class TornTailTests: StorageTestCase {
    private func assertTailCut(after tail: [UInt8], reason: String, line: UInt = #line) throws {
        try makeInProgressSegment(end: 5)
        let path = inProgressPath(1)
        let clean = try contents(path)
        try append(tail, to: path)

        let log = LogRecorder()
        let journal = try open(log: log)
        XCTAssertEqual(journal.durableState.segments, [Segment(start: 1, end: 5, writerEpoch: 1, finalized: false)], line: line)
        XCTAssertEqual(try contents(path), clean, "cut back to the last good record", line: line)
        let message = log.lines.joined(separator: "\n")
        XCTAssertTrue(message.contains("Truncated the torn tail of \(path) at offset \(clean.count)"), message, line: line)
        XCTAssertTrue(message.contains(reason), message, line: line)

        // The journal carries on from the last good txid.
        try journal.perform(.appendEdits(segmentStart: 1, firstTxID: 6, count: 1, fsync: true), edits: Edits.blob(6...6))
        journal.close()
        XCTAssertEqual(try open().durableState.segments.first?.end, 6, line: line)
    }

    func testHalfWrittenLastRecordIsCut() throws {
        let record = Edits.blob(6...6)
        try assertTailCut(after: Array(record.prefix(record.count / 2)), reason: "truncated")
    }

    func testLengthPastTheEndIsCut() throws {
        // A record header claiming 1,000 payload bytes, followed by only 10.
        let header: [UInt8] = [0, 0, 0x03, 0xE8, 1, 2, 3, 4] + [0, 0, 0, 0, 0, 0, 0, 6]
        try assertTailCut(after: header + [UInt8](repeating: 7, count: 10), reason: "payload truncated")
    }

    func testZeroFilledTailIsCut() throws {
        try assertTailCut(after: [UInt8](repeating: 0, count: 100), reason: "CRC mismatch")
    }

    func testShortZeroTailIsCut() throws {
        try assertTailCut(after: [UInt8](repeating: 0, count: 7), reason: "record header truncated")
    }

    func testBadCRCInTheLastRecordIsCut() throws {
        var record = Edits.blob(6...6)
        record[record.count - 1] ^= 0xFF
        try assertTailCut(after: record, reason: "CRC mismatch")
    }

    func testLastRecordWithTheWrongTxIDIsCut() throws {
        try assertTailCut(after: Edits.blob(7...7), reason: "txid 7 where 6 was expected")
    }

    /// A bad record followed by zeros only (a partly written block) is a torn tail too.
    func testBadRecordFollowedByZerosIsCut() throws {
        var record = Edits.blob(6...6)
        record[record.count - 1] ^= 0xFF
        try assertTailCut(after: record + [UInt8](repeating: 0, count: 64), reason: "CRC mismatch")
    }

    /// A segment whose only record is torn loads as an empty in-progress segment.
    func testTornFirstRecordLeavesAnEmptySegment() throws {
        let journal = try openFormatted()
        try journal.perform(.openSegment(start: 1, writerEpoch: 3), edits: nil)
        journal.close()
        try append(Array(Edits.blob(1...1).prefix(10)), to: inProgressPath(1))
        let reopened = try open()
        XCTAssertEqual(reopened.durableState.segments, [Segment(start: 1, end: 0, writerEpoch: 3, finalized: false)])
        XCTAssertEqual(try contents(inProgressPath(1)).count, SegmentHeader.bytes)
        reopened.close()
    }

    /// The same rule holds for a temporary download.
    func testTornTailOfATemporaryDownloadIsCut() throws {
        let journal = try openFormatted()
        try journal.perform(.downloadSegment(TemporarySegment(start: 1, end: 3, acceptedInEpoch: 2, writerEpoch: 1), source: 0),
                            edits: Edits.blob(1...3))
        journal.close()
        let path = currentDirectory + "/edits_inprogress_0000000000000000001.epoch=2"
        try append(Array(Edits.blob(4...4).prefix(9)), to: path)
        let log = LogRecorder()
        let reopened = try open(log: log)
        XCTAssertEqual(reopened.durableState.temporary, [TemporarySegment(start: 1, end: 3, acceptedInEpoch: 2, writerEpoch: 1)])
        XCTAssertTrue(log.lines.contains { $0.contains("Truncated the torn tail of \(path)") })
        reopened.close()
    }
}
