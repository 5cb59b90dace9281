import XCTest
@testable import Support

final class CRC32CTests: XCTestCase {
    /// The check value of CRC-32C (RFC 3720 appendix B.4 and every CRC catalogue): "123456789".
    func testCheckValue() {
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
    }

    /// RFC 3720 B.4: 32 bytes of zeros, of 0xFF, and an ascending run.
    func testISCSIVectors() {
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0, count: 32)), 0x8A91_36AA)
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)), 0x62A8_AB43)
        XCTAssertEqual(CRC32C.checksum((0..<32).map { UInt8($0) }), 0x46DD_794E)
    }

    /// Slicing-by-8 agrees with the bit-at-a-time definition at every length and split point.
    func testSlicingAgreesWithBitwiseDefinitionAndContinues() {
        func bitwise(_ bytes: [UInt8]) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            }
            return ~crc
        }
        var generator = SystemRandomNumberGenerator()
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            XCTAssertEqual(CRC32C.checksum(bytes), bitwise(bytes), "length \(length)")
            let split = length / 3
            let continued = CRC32C.checksum(bytes[split...], continuing: CRC32C.checksum(bytes[..<split]))
            XCTAssertEqual(continued, bitwise(bytes), "length \(length) split at \(split)")
        }
    }
}

final class BinaryTests: XCTestCase {
    func testRoundTripOfEveryKind() throws {
        var writer = BinaryWriter()
        writer.write(UInt8(7)); writer.write(true); writer.write(UInt16(0xBEEF)); writer.write(UInt32(0xDEAD_BEEF))
        writer.write(UInt64.max - 1); writer.write(Int64(-5)); writer.write(UInt64?(nil)); writer.write(UInt64?(42))
        writer.write("héllo"); writer.writeBytes([1, 2, 3])
        var reader = BinaryReader(writer.bytes)
        XCTAssertEqual(try reader.readUInt8("a"), 7)
        XCTAssertEqual(try reader.readBool("b"), true)
        XCTAssertEqual(try reader.readUInt16("c"), 0xBEEF)
        XCTAssertEqual(try reader.readUInt32("d"), 0xDEAD_BEEF)
        XCTAssertEqual(try reader.readUInt64("e"), UInt64.max - 1)
        XCTAssertEqual(try reader.readInt64("f"), -5)
        XCTAssertNil(try reader.readOptionalUInt64("g"))
        XCTAssertEqual(try reader.readOptionalUInt64("h"), 42)
        XCTAssertEqual(try reader.readString("i"), "héllo")
        XCTAssertEqual(try reader.readBytes("j"), [1, 2, 3])
        XCTAssertTrue(reader.isAtEnd)
    }

    func testTruncationAndLimitsNameTheField() {
        var short = BinaryReader([0, 0, 1])
        XCTAssertThrowsError(try short.readUInt32("frame size")) { error in
            XCTAssertEqual(error as? BinaryError, .truncated(field: "frame size", needed: 4, available: 3))
        }
        var writer = BinaryWriter()
        writer.writeBytes([UInt8](repeating: 9, count: 100))
        var limited = BinaryReader(writer.bytes, lengthMax: 10)
        XCTAssertThrowsError(try limited.readBytes("payload")) { error in
            XCTAssertEqual(error as? BinaryError, .tooLarge(field: "payload length", value: 100, limit: 10))
        }
        var badBool = BinaryReader([2])
        XCTAssertThrowsError(try badBool.readBool("flag")) { error in
            XCTAssertEqual("\(error)", "invalid flag: boolean byte 2")
        }
        var hugeCount = BinaryReader([0, 0, 0, 50])
        XCTAssertThrowsError(try hugeCount.readCount("segments", itemBytesMin: 8))
    }
}

final class DurableFilesTests: XCTestCase {
    func testAtomicWriteReplacesContentAndLeavesNoTemporary() throws {
        let directory = NSTemporaryDirectory() + "support-\(UUID().uuidString)/a/b"
        try DurableFiles.makeDirectories(directory)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/last-promised-epoch"
        XCTAssertNil(try DurableFiles.read(path))
        try DurableFiles.writeAtomically(Array("3\n".utf8), to: path)
        try DurableFiles.writeAtomically(Array("4\n".utf8), to: path)
        XCTAssertEqual(try DurableFiles.read(path), Array("4\n".utf8))
        XCTAssertEqual(try DurableFiles.list(directory), ["last-promised-epoch"])
        XCTAssertThrowsError(try DurableFiles.writeAtomically([1], to: directory + "/missing/x")) { error in
            XCTAssertTrue("\(error)".contains("missing/x.tmp"), "\(error)")
        }
    }
}
