import Foundation
import Model
import Support
import Synchronization
import XCTest
@testable import Storage

/// Collects what a `JournalDirectory` logs.
final class LogRecorder: Sendable {
    private let storage = Mutex<[String]>([])

    var lines: [String] { storage.withLock { $0 } }
    func record(_ line: String) { storage.withLock { $0.append(line) } }
}

/// Edit records with recognisable payloads.
enum Edits {
    static func records(_ txids: ClosedRange<UInt64>, tag: String = "op") -> [EditRecord] {
        txids.map { EditRecord(txid: $0, payload: Array("\(tag) \($0)".utf8)) }
    }

    static func blob(_ txids: ClosedRange<UInt64>, tag: String = "op") -> [UInt8] {
        EditRecords.encode(records(txids, tag: tag))
    }
}

/// A test with its own storage root under the temporary directory, removed at the end.
class StorageTestCase: XCTestCase {
    static let journalID = "journal"
    static let namespace = NamespaceInfo(namespaceID: 42, clusterID: "CID-test", blockPoolID: "BP-1-test", cTime: 7)

    private(set) var root = ""
    var journalDirectory: String { root + "/" + Self.journalID }
    var currentDirectory: String { journalDirectory + "/current" }

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "qjm-storage-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: root)
        super.tearDown()
    }

    func open(log: LogRecorder? = nil) throws -> JournalDirectory {
        guard let log else { return try JournalDirectory(root: root, journalID: Self.journalID) }
        return try JournalDirectory(root: root, journalID: Self.journalID, log: { log.record($0) })
    }

    func openFormatted() throws -> JournalDirectory {
        let journal = try open()
        try journal.format(Self.namespace)
        return journal
    }

    /// A formatted journal with the in-progress segment 1...`end` written in epoch 1, closed.
    func makeInProgressSegment(end: UInt64) throws {
        let journal = try openFormatted()
        try journal.perform(.openSegment(start: 1, writerEpoch: 1), edits: nil)
        try journal.perform(.appendEdits(segmentStart: 1, firstTxID: 1, count: end, fsync: true), edits: Edits.blob(1...end))
        journal.close()
    }

    /// A formatted journal with the finalized segment 1...`end`, closed.
    func makeFinalizedSegment(end: UInt64) throws {
        let journal = try openFormatted()
        try journal.perform(.openSegment(start: 1, writerEpoch: 1), edits: nil)
        try journal.perform(.appendEdits(segmentStart: 1, firstTxID: 1, count: end, fsync: true), edits: Edits.blob(1...end))
        try journal.perform(.finalizeSegment(start: 1, end: end), edits: nil)
        journal.close()
    }

    func inProgressPath(_ start: UInt64) -> String { currentDirectory + "/" + JournalFileName.inProgress(start: start).name }
    func finalizedPath(_ start: UInt64, _ end: UInt64) -> String {
        currentDirectory + "/" + JournalFileName.finalized(start: start, end: end).name
    }

    /// The byte offset of record `txid` in a segment file whose records start at `start`.
    func offset(ofRecord txid: UInt64, start: UInt64 = 1) -> Int {
        txid == start ? SegmentHeader.bytes : SegmentHeader.bytes + Edits.blob(start...(txid - 1)).count
    }

    func contents(_ path: String) throws -> [UInt8] { try XCTUnwrap(try DurableFiles.read(path)) }

    func replace(_ path: String, with bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    func append(_ bytes: [UInt8], to path: String) throws {
        try replace(path, with: try contents(path) + bytes)
    }

    func flipByte(at offset: Int, of path: String) throws {
        var bytes = try contents(path)
        bytes[offset] ^= 0x5A
        try replace(path, with: bytes)
    }

    /// Asserts that opening fails with `expected`.
    func assertOpenFails(_ expected: StorageError, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try open(), file: file, line: line) { error in
            XCTAssertEqual(error as? StorageError, expected, file: file, line: line)
        }
    }
}
