import Model
import XCTest
@testable import Storage

/// Damage anywhere but a torn tail is refused on start, naming the file and the offset, rather
/// than silently dropping edits a quorum may have acknowledged.
final class CorruptionTests: StorageTestCase {
    private func assertCorrupt(_ path: String, offset: Int, reason: String, line: UInt = #line) {
        XCTAssertThrowsError(try open(), line: line) { error in
            guard case .corruptSegment(let file, let actualOffset, let actualReason) = error as? StorageError else {
                return XCTFail("unexpected error \(error)", line: line)
            }
            XCTAssertEqual(file, path, line: line)
            XCTAssertEqual(actualOffset, offset, line: line)
            XCTAssertTrue(actualReason.contains(reason), actualReason, line: line)
            XCTAssertEqual("\(error)", "Corrupt edit log \(path) at offset \(offset): \(actualReason)", line: line)
        }
    }

    func testFlippedByteInAnEarlyRecordOfAnInProgressSegment() throws {
        try makeInProgressSegment(end: 10)
        try flipByte(at: offset(ofRecord: 2) + 17, of: inProgressPath(1))
        assertCorrupt(inProgressPath(1), offset: offset(ofRecord: 2), reason: "CRC mismatch")
    }

    func testTxIDGapInTheMiddleOfAnInProgressSegment() throws {
        try makeInProgressSegment(end: 2)
        try append(Edits.blob(4...6), to: inProgressPath(1))
        assertCorrupt(inProgressPath(1), offset: offset(ofRecord: 3), reason: "txid 4 where 3 was expected")
    }

    func testDamagedLengthFollowedByMoreDataIsNotATornTail() throws {
        try makeInProgressSegment(end: 10)
        var bytes = try contents(inProgressPath(1))
        bytes[offset(ofRecord: 3) + 3] = 0x01  // a length of 1 where 4 was written: the CRC fails, data follows
        try replace(inProgressPath(1), with: bytes)
        assertCorrupt(inProgressPath(1), offset: offset(ofRecord: 3), reason: "CRC mismatch")
    }

    /// A finalized segment has no torn tail: even its last record must be intact.
    func testFinalizedSegmentWithABadLastRecord() throws {
        try makeFinalizedSegment(end: 5)
        try flipByte(at: offset(ofRecord: 5) + 16, of: finalizedPath(1, 5))
        assertCorrupt(finalizedPath(1, 5), offset: offset(ofRecord: 5), reason: "CRC mismatch")
    }

    func testFinalizedSegmentHoldingFewerTxIDsThanItsName() throws {
        try makeFinalizedSegment(end: 5)
        try FileManager.default.moveItem(atPath: finalizedPath(1, 5), toPath: finalizedPath(1, 6))
        let size = try contents(finalizedPath(1, 6)).count
        assertCorrupt(finalizedPath(1, 6), offset: size, reason: "holds txids 1-5 but its name says 1-6")
    }

    func testFinalizedSegmentHoldingMoreTxIDsThanItsName() throws {
        try makeFinalizedSegment(end: 5)
        try FileManager.default.moveItem(atPath: finalizedPath(1, 5), toPath: finalizedPath(1, 4))
        assertCorrupt(finalizedPath(1, 4), offset: offset(ofRecord: 5), reason: "txid 5 is past the end txid 4")
    }

    func testBadSegmentHeader() throws {
        try makeInProgressSegment(end: 2)
        try flipByte(at: 0, of: inProgressPath(1))
        assertCorrupt(inProgressPath(1), offset: 0, reason: "bad magic")
    }

    func testDamagedWriterEpochInTheHeader() throws {
        try makeInProgressSegment(end: 2)
        try flipByte(at: 15, of: inProgressPath(1))
        assertCorrupt(inProgressPath(1), offset: 20, reason: "header CRC mismatch")
    }

    func testGarbageInAnEpochFile() throws {
        let journal = try openFormatted()
        journal.close()
        let path = currentDirectory + "/last-promised-epoch"
        try replace(path, with: Array("twelve\n".utf8))
        assertOpenFails(.badMetadata(file: path, reason: "expected a decimal number, found 'twelve'"))
    }

    func testGarbageInCommittedTxID() throws {
        let journal = try openFormatted()
        journal.close()
        let path = currentDirectory + "/committed-txid"
        try replace(path, with: Array("-12345\n".utf8))
        assertOpenFails(.badMetadata(file: path, reason: "expected a decimal number, found '-12345'"))
    }

    func testGarbageInVersion() throws {
        let journal = try openFormatted()
        journal.close()
        let path = currentDirectory + "/VERSION"
        let text = String(decoding: try contents(path), as: UTF8.self).replacingOccurrences(of: "namespaceID=42", with: "namespaceID=abc")
        try replace(path, with: Array(text.utf8))
        assertOpenFails(.badMetadata(file: path, reason: "key namespaceID: 'abc' is not a 32-bit integer"))
    }

    func testDamagedPaxosRecord() throws {
        let journal = try openFormatted()
        try journal.perform(.persistPaxos(PaxosRecord(segment: SegmentState(start: 3, end: 9, inProgress: true),
                                                      acceptedInEpoch: 2, writerEpoch: 1)), edits: nil)
        journal.close()
        let path = currentDirectory + "/paxos/3"
        try flipByte(at: 20, of: path)
        XCTAssertThrowsError(try open()) { error in
            guard case .badMetadata(let file, let reason) = error as? StorageError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, path)
            XCTAssertTrue(reason.contains("CRC mismatch"), reason)
        }
    }

    /// Files the journal does not know are left alone and logged; `.empty` ones are skipped.
    func testUnknownAndMovedAsideFilesAreIgnored() throws {
        let journal = try openFormatted()
        journal.close()
        try replace(currentDirectory + "/edits_inprogress_0000000000000000009.empty", with: [1, 2, 3])
        try replace(currentDirectory + "/notes.txt", with: [1, 2, 3])
        let log = LogRecorder()
        let reopened = try open(log: log)
        XCTAssertEqual(reopened.durableState, JournalDurableState(formatted: true))
        XCTAssertEqual(log.lines, ["Ignoring unexpected file \(currentDirectory)/notes.txt"])
        reopened.close()
    }
}
