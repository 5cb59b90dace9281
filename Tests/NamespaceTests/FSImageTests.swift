import Support
import XCTest
@testable import Namespace

/// fsimage_%019d checkpoints: round trip, retention of the newest two, and refusal of a damaged
/// file with an error naming it.
final class FSImageTests: XCTestCase {
    var directory: String?

    override func setUpWithError() throws { directory = try makeTemporaryDirectory("fsimage") }
    override func tearDown() { removeTemporaryDirectory(directory) }

    let sample = makeNamespace([Op.mkdir("/user/alice", permission: 0o700), Op.touch("/user/alice/f", replication: 2),
                                Op.mkdir("/tmp", permission: 0o1777), Op.touch("/tmp/é")])

    func testFileNames() {
        XCTAssertEqual(FSImage.fileName(txid: 42), "fsimage_0000000000000000042")
        XCTAssertEqual(FSImage.txid(fromFileName: "fsimage_0000000000000000042"), 42)
        XCTAssertNil(FSImage.txid(fromFileName: "fsimage_0000000000000000042.tmp"))
        XCTAssertNil(FSImage.txid(fromFileName: "fsimage_42"))
    }

    func testSaveAndLoadRoundTrip() throws {
        let directory = try XCTUnwrap(directory)
        try FSImage.save(sample, lastAppliedTxID: 17, to: directory)
        XCTAssertEqual(try DurableFiles.list(directory), ["fsimage_0000000000000000017"])
        let loaded = try XCTUnwrap(try FSImage.loadLatest(from: directory))
        XCTAssertEqual(loaded.txid, 17)
        XCTAssertEqual(loaded.namespace.digest, sample.digest)
        XCTAssertEqual(loaded.namespace.count, sample.count)
        XCTAssertEqual(try loaded.namespace.list("/tmp"), try sample.list("/tmp"))
        var continued = loaded.namespace
        XCTAssertNoThrow(try continued.apply(Op.mkdir("/user/bob")), "a loaded namespace takes new edits")
    }

    func testKeepsTheNewestTwoImages() throws {
        let directory = try XCTUnwrap(directory)
        _ = FileManager.default.createFile(atPath: directory + "/fsimage_0000000000000000001.tmp", contents: Data([1]))
        for txid: UInt64 in [5, 1, 9, 7] { try FSImage.save(sample, lastAppliedTxID: txid, to: directory) }
        XCTAssertEqual(try FSImage.txids(in: directory), [7, 9])
        XCTAssertEqual(try DurableFiles.list(directory), ["fsimage_0000000000000000007", "fsimage_0000000000000000009"],
                       "leftover temporary images are removed")
        XCTAssertEqual(try FSImage.loadLatest(from: directory)?.txid, 9)
    }

    func testEmptyDirectoryHasNoImage() throws {
        XCTAssertNil(try FSImage.loadLatest(from: try XCTUnwrap(directory)))
    }

    func testCorruptionIsRefusedNamingTheFile() throws {
        let directory = try XCTUnwrap(directory)
        try FSImage.save(sample, lastAppliedTxID: 3, to: directory)
        let path = directory + "/" + FSImage.fileName(txid: 3)
        var bytes = try XCTUnwrap(try DurableFiles.read(path))
        bytes[40] ^= 0x01
        try DurableFiles.writeAtomically(bytes, to: path)
        XCTAssertThrowsError(try FSImage.loadLatest(from: directory)) { error in
            let imageError = error as? FSImageError
            XCTAssertEqual(imageError?.file, path)
            XCTAssertTrue(imageError?.detail.hasPrefix("checksum mismatch: stored 0x") ?? false, "\(error)")
            XCTAssertTrue("\(error)".hasPrefix("Failed to load image from \(path) at offset \(bytes.count - 4): "))
        }
        try DurableFiles.writeAtomically(Array(bytes.prefix(10)), to: path)
        XCTAssertThrowsError(try FSImage.loadLatest(from: directory)) { error in
            XCTAssertEqual(error as? FSImageError, FSImageError(
                file: path, offset: 0, detail: "10 bytes, shorter than the 28 of an empty image"))
        }
    }

    func testStructuralDamageUnderAValidChecksumIsRefused() throws {
        let good = FSImage.encode(sample, txid: 3)
        XCTAssertThrowsError(try FSImage.decode(resealed(good) { $0[0] = UInt8(ascii: "X") }, file: "f")) { error in
            XCTAssertEqual((error as? FSImageError)?.detail, "bad magic: not an image of this format")
        }
        XCTAssertThrowsError(try FSImage.decode(resealed(good) { $0[11] = 2 }, file: "f")) { error in
            XCTAssertEqual((error as? FSImageError)?.detail, "unsupported version 2 (this release reads 1)")
        }
        XCTAssertThrowsError(try FSImage.decode(good, file: "f", expectedTxID: 4)) { error in
            XCTAssertEqual((error as? FSImageError)?.detail, "txid 3 in the header, 4 in the file name")
        }
        // The second record starts after the header (24 bytes) and the root's record.
        let rootRecordBytes = 4 + 1 + 4 + 8 + 8 + 2 + (4 + 4) + (4 + 10)
        XCTAssertThrowsError(try FSImage.decode(resealed(good) { $0[24 + rootRecordBytes + 3] = 9 }, file: "f")) {
            error in
            XCTAssertEqual(error as? FSImageError, FSImageError(
                file: "f", offset: 24 + rootRecordBytes,
                detail: "inode 1: parent index 9 does not name an earlier inode"))
        }
        XCTAssertThrowsError(try FSImage.decode(resealed(good) { $0.removeLast(3) }, file: "f")) { error in
            XCTAssertEqual((error as? FSImageError)?.detail,
                           "inode \(sample.count - 1): truncated block size: needs 8 bytes, 5 left")
        }
        XCTAssertThrowsError(try FSImage.decode(resealed(good) { $0.append(0) }, file: "f")) { error in
            XCTAssertEqual((error as? FSImageError)?.detail, "1 bytes after the last inode")
        }
    }

    /// `image` with `change` applied to its body and a fresh checksum.
    private func resealed(_ image: [UInt8], _ change: (inout [UInt8]) -> Void) -> [UInt8] {
        var body = Array(image.dropLast(4))
        change(&body)
        var writer = BinaryWriter()
        writer.writeRaw(body)
        writer.write(CRC32C.checksum(body))
        return writer.bytes
    }
}
