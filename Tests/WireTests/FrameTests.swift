import Support
import XCTest
@testable import Wire

/// The frame layout of README.md and the decoder's refusals: each malformed kind is named, and a
/// byte stream cut anywhere still yields the same frames.
final class FrameTests: XCTestCase {
    func testHeaderLayoutIsBigEndianWithPayloadChecksum() {
        let payload: [UInt8] = Array("hello".utf8)
        let bytes = Frame(kind: .response, callID: 0x0102_0304_0506_0708, lamport: 42, payload: payload).encoded()
        XCTAssertEqual(bytes.count, Frame.headerBytes + payload.count)
        XCTAssertEqual(Array(bytes[0..<4]), [0x51, 0x4A, 1, 2], "magic QJ, version 1, kind response")
        XCTAssertEqual(Array(bytes[4..<12]), [1, 2, 3, 4, 5, 6, 7, 8], "call id")
        XCTAssertEqual(Array(bytes[12..<20]), [0, 0, 0, 0, 0, 0, 0, 42], "Lamport clock")
        XCTAssertEqual(Array(bytes[20..<24]), [0, 0, 0, 5], "payload length")
        let checksum = CRC32C.checksum(payload)
        XCTAssertEqual(Array(bytes[24..<28]), [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: checksum >> $0) })
        XCTAssertEqual(Array(bytes[28...]), payload)
    }

    func testRoundTripOfBothKindsAndAnEmptyPayload() throws {
        for frame in [Frame(kind: .request, callID: 1, lamport: 0, payload: []),
                      Frame(kind: .response, callID: .max, lamport: .max, payload: [0, 255, 7])] {
            let bytes = frame.encoded()
            XCTAssertEqual(try Frame.decode(bytes[...]), .frame(frame, byteCount: bytes.count))
        }
    }

    func testIncompleteInputAsksForTheWholeFrame() throws {
        let bytes = Frame(kind: .request, callID: 9, lamport: 1, payload: [1, 2, 3]).encoded()
        XCTAssertEqual(try Frame.decode(bytes[..<0]), .needMoreBytes(totalBytes: Frame.headerBytes))
        XCTAssertEqual(try Frame.decode(bytes[..<27]), .needMoreBytes(totalBytes: Frame.headerBytes))
        XCTAssertEqual(try Frame.decode(bytes[..<28]), .needMoreBytes(totalBytes: 31))
        XCTAssertEqual(try Frame.decode(bytes[..<30]), .needMoreBytes(totalBytes: 31))
    }

    func testBadMagicIsRefusedFromTheFirstTwoBytes() {
        assertDecode(Array("GET / HTTP/1.1\r\n".utf8), throws: .badMagic(0x4745),
                     text: "bad magic 0x4745, expected 0x514A (\"QJ\")")
        assertDecode([0x47, 0x45], throws: .badMagic(0x4745), text: "bad magic 0x4745, expected 0x514A (\"QJ\")")
    }

    func testUnsupportedVersionAndUnknownKind() {
        var bytes = Frame(kind: .request, callID: 1, lamport: 1, payload: []).encoded()
        bytes[2] = 7
        assertDecode(bytes, throws: .unsupportedVersion(7), text: "unsupported version 7 (this build speaks version 1)")
        bytes = Frame(kind: .request, callID: 1, lamport: 1, payload: []).encoded()
        bytes[3] = 9
        assertDecode(Array(bytes[..<4]), throws: .unknownKind(9), text: "unknown kind 9 (1 request, 2 response)")
    }

    func testOversizedPayloadIsRefusedFromTheHeaderAlone() {
        let bytes = Frame(kind: .request, callID: 1, lamport: 1, payload: [UInt8](repeating: 1, count: 100)).encoded()
        XCTAssertThrowsError(try Frame.decode(bytes[..<Frame.headerBytes], framePayloadBytesMax: 99)) { error in
            XCTAssertEqual(error as? FrameError, .payloadTooLarge(bytes: 100, framePayloadBytesMax: 99))
            XCTAssertEqual("\(error)", "payload of 100 bytes exceeds framePayloadBytesMax 99")
        }
        XCTAssertNoThrow(try Frame.decode(bytes[...], framePayloadBytesMax: 100))
    }

    func testChecksumMismatchNamesBothValues() {
        var bytes = Frame(kind: .request, callID: 1, lamport: 1, payload: Array("abc".utf8)).encoded()
        bytes[Frame.headerBytes] ^= 0x01
        let expected = CRC32C.checksum(Array("abc".utf8))
        let actual = CRC32C.checksum(Array("`bc".utf8))
        func hex(_ value: UInt32) -> String {
            let digits = String(value, radix: 16, uppercase: true)
            return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
        }
        assertDecode(bytes, throws: .checksumMismatch(expected: expected, actual: actual),
                     text: "checksum mismatch: expected \(hex(expected)), actual \(hex(actual))")
    }

    func testEndOfStreamInsideAFrameIsTruncated() throws {
        let bytes = Frame(kind: .request, callID: 1, lamport: 1, payload: [1, 2, 3, 4]).encoded()
        var decoder = FrameDecoder()
        decoder.append(bytes[..<30])
        XCTAssertNil(try decoder.next())
        XCTAssertThrowsError(try decoder.finish()) { error in
            XCTAssertEqual(error as? FrameError, .truncated(receivedBytes: 30, neededBytes: 32))
            XCTAssertEqual("\(error)", "truncated frame: the stream ended after 30 of 32 bytes")
        }
        var empty = FrameDecoder()
        empty.append(bytes)
        XCTAssertNotNil(try empty.next())
        XCTAssertNoThrow(try empty.finish(), "a stream that ends between frames is not truncated")
    }

    /// A TCP stream may be cut anywhere: every split point of three frames yields the same frames.
    func testIncrementalDecodingAcrossEverySplitPoint() throws {
        let frames = [Frame(kind: .request, callID: 1, lamport: 10, payload: []),
                      Frame(kind: .request, callID: 2, lamport: 11, payload: [5, 4, 3, 2, 1]),
                      Frame(kind: .response, callID: 3, lamport: 12, payload: (0..<300).map { UInt8($0 % 251) })]
        let stream = frames.flatMap { $0.encoded() }
        for split in 0...stream.count {
            var decoder = FrameDecoder(bufferBytes: 64)
            var decoded: [Frame] = []
            decoder.append(stream[..<split])
            while let frame = try decoder.next() { decoded.append(frame) }
            decoder.append(stream[split...])
            while let frame = try decoder.next() { decoded.append(frame) }
            XCTAssertEqual(decoded, frames, "split at \(split)")
            XCTAssertEqual(decoder.bufferedBytes, 0)
        }
        var byteByByte = FrameDecoder(bufferBytes: 64)
        var decoded: [Frame] = []
        for byte in stream {
            byteByByte.append([byte])
            while let frame = try byteByByte.next() { decoded.append(frame) }
        }
        XCTAssertEqual(decoded, frames)
    }

    /// A frame larger than the resting buffer grows it, and the decoder goes on with the next frames.
    func testFramesLargerThanTheBufferAreReassembled() throws {
        var generator = SystemRandomNumberGenerator()
        let frames = [Frame(kind: .request, callID: 1, lamport: 1, payload: (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &generator) }),
                      Frame(kind: .request, callID: 2, lamport: 2, payload: [1])]
        let stream = frames.flatMap { $0.encoded() }
        var decoder = FrameDecoder()
        var decoded: [Frame] = []
        var offset = 0
        while offset < stream.count {
            let chunk = Int.random(in: 1...70_000, using: &generator)
            let end = min(stream.count, offset + chunk)
            var rest = stream[offset..<end]
            while !rest.isEmpty {
                let count = decoder.receive { free in
                    let count = min(free.count, rest.count)
                    free.copyBytes(from: rest.prefix(count))
                    return count
                }
                rest = rest.dropFirst(count)
                while let frame = try decoder.next() { decoded.append(frame) }
            }
            offset = end
        }
        XCTAssertEqual(decoded, frames)
    }

    /// A header announcing a large payload costs memory only as its bytes arrive (doubling), and
    /// the buffer returns to its resting size once the frame is out.
    func testBufferGrowsWithArrivingBytesNotAnnouncedLength() throws {
        let payload = [UInt8](repeating: 3, count: 1 << 20)
        let bytes = Frame(kind: .request, callID: 1, lamport: 1, payload: payload).encoded()
        var decoder = FrameDecoder()
        decoder.append(bytes[..<100])
        XCTAssertNil(try decoder.next())
        XCTAssertEqual(decoder.capacityBytes, 128 << 10, "one doubling, not 1 MiB")
        decoder.append(bytes[100...])
        XCTAssertEqual(try decoder.next()?.payload, payload)
        XCTAssertEqual(decoder.capacityBytes, 64 << 10)
    }

    private func assertDecode(_ bytes: [UInt8], throws expected: FrameError, text: String,
                              file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Frame.decode(bytes[...]), file: file, line: line) { error in
            XCTAssertEqual(error as? FrameError, expected, file: file, line: line)
            XCTAssertEqual("\(error)", text, file: file, line: line)
        }
        var decoder = FrameDecoder()
        decoder.append(bytes)
        XCTAssertThrowsError(try decoder.next(), "the decoder refuses it too", file: file, line: line)
    }
}
