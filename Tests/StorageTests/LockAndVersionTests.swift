import Foundation
import Model
import Support
import XCTest
@testable import Storage

/// `in_use.lock` (upstream `StorageDirectory.lock`) and `current/VERSION` with the namespace
/// checks of `JNStorage` (format, checkConsistentNamespace).
final class LockAndVersionTests: StorageTestCase {
    func testSecondOpenOfTheSameDirectoryIsRefusedUntilTheFirstCloses() throws {
        let first = try open()
        assertOpenFails(.locked(directory: journalDirectory))
        XCTAssertThrowsError(try open()) { error in
            XCTAssertEqual("\(error)", "Cannot lock storage \(journalDirectory). The directory is already locked")
        }
        first.close()
        let second = try open()
        second.close()
    }

    /// The lock is an flock, so another process sees it too.
    func testAnotherProcessCannotTakeTheLock() throws {
        let flockTool = "/usr/bin/flock"
        guard FileManager.default.isExecutableFile(atPath: flockTool) else { throw XCTSkip("no \(flockTool)") }
        func otherProcessLocks() throws -> Bool {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: flockTool)
            process.arguments = ["-n", journalDirectory + "/in_use.lock", "true"]
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus == 0
        }
        let journal = try open()
        XCTAssertFalse(try otherProcessLocks())
        journal.close()
        XCTAssertTrue(try otherProcessLocks())
    }

    func testUnformattedDirectory() throws {
        let journal = try open()
        XCTAssertFalse(journal.isFormatted)
        XCTAssertNil(journal.namespaceInfo)
        XCTAssertEqual(journal.durableState, JournalDurableState(formatted: false))
        XCTAssertThrowsError(try journal.checkConsistent(with: Self.namespace)) { error in
            XCTAssertEqual("\(error)", "Journal Storage Directory \(journalDirectory) not formatted")
        }
        XCTAssertThrowsError(try journal.perform(.promisedEpoch(1), edits: nil))
        journal.close()
    }

    func testVersionRoundTripAndText() throws {
        let journal = try openFormatted()
        XCTAssertTrue(journal.isFormatted)
        XCTAssertEqual(journal.durableState, JournalDurableState(formatted: true))
        journal.close()
        let text = String(decoding: try contents(currentDirectory + "/VERSION"), as: UTF8.self)
        for line in ["namespaceID=42", "clusterID=CID-test", "cTime=7", "storageType=JOURNAL_NODE", "layoutVersion=-66",
                     "blockpoolID=BP-1-test"] {
            XCTAssertTrue(text.contains(line + "\n"), "\(line) in\n\(text)")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: currentDirectory + "/paxos"))
        let reopened = try open()
        XCTAssertEqual(reopened.namespaceInfo, Self.namespace)
        XCTAssertNoThrow(try reopened.checkConsistent(with: Self.namespace))
        reopened.close()
    }

    /// A VERSION as upstream writes it: a date comment, hash order, no blockpoolID.
    func testUpstreamStyleVersionFileIsRead() throws {
        try openFormatted().close()
        let upstream = """
            #Wed Nov 20 10:00:00 UTC 2024
            layoutVersion=-66
            storageType=JOURNAL_NODE
            cTime=0
            clusterID=CID-1a2b\\:3c
            namespaceID=1209982631

            """
        try replace(currentDirectory + "/VERSION", with: Array(upstream.utf8))
        let journal = try open()
        XCTAssertEqual(journal.namespaceInfo,
                       NamespaceInfo(namespaceID: 1_209_982_631, clusterID: "CID-1a2b:3c", blockPoolID: "", cTime: 0))
        journal.close()
    }

    func testCheckConsistentMismatchTexts() throws {
        let journal = try openFormatted()
        var otherNamespace = Self.namespace
        otherNamespace.namespaceID = 1_209_982_631
        XCTAssertThrowsError(try journal.checkConsistent(with: otherNamespace)) { error in
            XCTAssertEqual("\(error)", "Incompatible namespaceID for journal Storage Directory \(journalDirectory): "
                + "NameNode has nsId 1209982631 but storage has nsId 42")
        }
        var otherCluster = Self.namespace
        otherCluster.clusterID = "CID-other"
        XCTAssertThrowsError(try journal.checkConsistent(with: otherCluster)) { error in
            XCTAssertEqual("\(error)", "Incompatible clusterID for journal Storage Directory \(journalDirectory): "
                + "NameNode has clusterId 'CID-other' but storage has clusterId 'CID-test'")
        }
        journal.close()
    }

    /// Upstream `JNStorage.format` clears the directory: epochs, committed txid, segments, paxos.
    func testFormatClearsOldJournalData() throws {
        let journal = try openFormatted()
        for (write, edits) in RoundTripTests.script { try journal.perform(write, edits: edits) }
        XCTAssertNotEqual(journal.durableState, JournalDurableState(formatted: true))
        var renamed = Self.namespace
        renamed.namespaceID = 43
        try journal.format(renamed)
        XCTAssertEqual(journal.durableState, JournalDurableState(formatted: true))
        journal.close()
        let reopened = try open()
        XCTAssertEqual(reopened.durableState, JournalDurableState(formatted: true))
        XCTAssertEqual(reopened.namespaceInfo, renamed)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: currentDirectory).sorted(), ["VERSION", "paxos"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: currentDirectory + "/paxos"), [])
        reopened.close()
    }

    func testFormatRefusals() throws {
        let journal = try openFormatted()
        XCTAssertThrowsError(try journal.format(Self.namespace, force: false)) { error in
            XCTAssertEqual("\(error)", "Directory \(journalDirectory) is in an inconsistent state: "
                + "Can't format the storage directory because the current directory is not empty.")
        }
        var uninitialized = Self.namespace
        uninitialized.namespaceID = 0
        XCTAssertThrowsError(try journal.format(uninitialized)) { error in
            XCTAssertEqual("\(error)", "can't format with uninitialized namespace info: \(uninitialized)")
        }
        XCTAssertEqual(journal.namespaceInfo, Self.namespace)
        journal.close()
    }

    func testFormatWithoutForceOnAFreshDirectory() throws {
        let journal = try open()
        try journal.format(Self.namespace, force: false)
        XCTAssertTrue(journal.isFormatted)
        journal.close()
    }

    func testRelativeRootAndBadJournalIDAreRefused() {
        XCTAssertThrowsError(try JournalDirectory(root: "relative/dir", journalID: "j")) { error in
            XCTAssertEqual("\(error)", "Journal dir 'relative/dir' should be an absolute path")
        }
        for journalID in ["", ".", "..", "a/b"] {
            XCTAssertThrowsError(try JournalDirectory(root: root, journalID: journalID)) { error in
                XCTAssertEqual(error as? StorageError, .invalidJournalID(journalID))
            }
        }
    }
}
