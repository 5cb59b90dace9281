import Support
import XCTest
@testable import Storage

/// The record format shared by `journal` batches, segment files and downloads; validation is what
/// upstream's `Journal.journal` relies on the edit-log reader for (each op's checksum and txid).
final class EditRecordsTests: XCTestCase {
    private let records = Edits.records(5...7)
    private var blob: [UInt8] { EditRecords.encode(records) }
    private func offset(ofRecord index: Int) -> Int { EditRecords.encode(Array(records.prefix(index))).count }

    func testEncodeDecodeRoundTripAndLayout() throws {
        XCTAssertEqual(try EditRecords.decode(blob), records)
        XCTAssertEqual(blob.count, records.reduce(0) { $0 + 16 + $1.payload.count })
        // [u32 length][u32 CRC32C of txid + payload][u64 txid][payload]
        let first = Array(blob[0..<(16 + 4)])
        XCTAssertEqual(Array(first[0..<4]), [0, 0, 0, 4])
        XCTAssertEqual(Array(first[8..<16]), [0, 0, 0, 0, 0, 0, 0, 5])
        XCTAssertEqual(Array(first[16...]), Array("op 5".utf8))
        let crc = CRC32C.checksum(first[8...])
        XCTAssertEqual(Array(first[4..<8]), [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)])
        XCTAssertEqual(try EditRecords.decode([]), [])
    }

    func testValidateAcceptsExactBatchAndEmptyOne() throws {
        XCTAssertNoThrow(try EditRecords.validate(blob, firstTxID: 5, count: 3))
        XCTAssertNoThrow(try EditRecords.validate([], firstTxID: 9, count: 0))
    }

    func testValidateRejectsWrongCount() {
        assertInvalid(blob, first: 5, count: 4, offset: blob.count, reason: "3 records where 4 were expected")
        assertInvalid(blob, first: 5, count: 2, offset: offset(ofRecord: 2), reason: "trailing bytes after the 2 expected records")
    }

    func testValidateRejectsGapsAndWrongFirstTxID() {
        let gap = EditRecords.encode(Edits.records(5...6) + Edits.records(8...8))
        assertInvalid(gap, first: 5, count: 3, offset: offset(ofRecord: 2), reason: "txid 8 where 7 was expected")
        assertInvalid(blob, first: 4, count: 3, offset: 0, reason: "txid 5 where 4 was expected")
    }

    func testValidateRejectsBadCRC() {
        var damaged = blob
        damaged[offset(ofRecord: 1) + 17] ^= 0x01
        assertInvalid(damaged, first: 5, count: 3, offset: offset(ofRecord: 1), reason: "CRC mismatch")
        XCTAssertThrowsError(try EditRecords.decode(damaged))
    }

    func testValidateRejectsTrailingGarbageAndTruncation() {
        assertInvalid(blob + [1, 2, 3], first: 5, count: 3, offset: blob.count, reason: "record header truncated")
        assertInvalid(Array(blob.dropLast()), first: 5, count: 3, offset: offset(ofRecord: 2), reason: "payload truncated")
        var huge = blob
        huge[offset(ofRecord: 2)] = 0xFF
        assertInvalid(huge, first: 5, count: 3, offset: offset(ofRecord: 2), reason: "exceeds the limit")
    }

    private func assertInvalid(_ bytes: [UInt8], first: UInt64, count: UInt64, offset: Int, reason: String,
                               line: UInt = #line) {
        XCTAssertThrowsError(try EditRecords.validate(bytes, firstTxID: first, count: count), line: line) { error in
            guard case .invalidRecords(let actualOffset, let actualReason) = error as? StorageError else {
                return XCTFail("unexpected error \(error)", line: line)
            }
            XCTAssertEqual(actualOffset, offset, line: line)
            XCTAssertTrue(actualReason.contains(reason), "\(actualReason)", line: line)
            XCTAssertTrue("\(error)".contains("at offset \(offset)"), line: line)
        }
    }
}
