import Support
import XCTest
@testable import Namespace

/// A dfs.namenode.name.dir directory: format, VERSION, seen_txid, checkpoints and in_use.lock,
/// with upstream's texts.
final class NameStorageTests: XCTestCase {
    var root: String?
    let info = NamespaceInfo(namespaceID: 1_234_567, clusterID: "CID-test", blockPoolID: "BP-1-127.0.0.1-5")

    override func setUpWithError() throws { root = try makeTemporaryDirectory("name") }
    override func tearDown() { removeTemporaryDirectory(root) }

    private func directory() throws -> String { try XCTUnwrap(root) + "/name" }

    func testFormatWritesVersionImageAndSeenTxID() throws {
        let directory = try directory()
        XCTAssertFalse(NameStorage.isFormatted(directory))
        let result = try NameStorage.format(directory, namespaceInfo: info, force: false, rootOwner: "hdfs")
        XCTAssertEqual(result, .formatted(messages: [
            "Formatting using clusterid: CID-test",
            "Storage directory \(directory) has been successfully formatted.",
        ]))
        XCTAssertTrue(NameStorage.isFormatted(directory))
        XCTAssertEqual(try DurableFiles.list(directory + "/current"), ["VERSION", "fsimage_0000000000000000000", "seen_txid"])
        let version = String(decoding: try XCTUnwrap(try DurableFiles.read(directory + "/current/VERSION")), as: UTF8.self)
        let lines = version.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[0].hasPrefix("#"))
        XCTAssertEqual(Array(lines.dropFirst()), ["namespaceID=1234567", "clusterID=CID-test", "cTime=0",
                                                  "storageType=NAME_NODE", "blockpoolID=BP-1-127.0.0.1-5",
                                                  "layoutVersion=-66"])
        XCTAssertEqual(try DurableFiles.read(directory + "/current/seen_txid"), Array("0\n".utf8))

        let storage = try NameStorage.open(directory)
        defer { storage.close() }
        XCTAssertEqual(storage.namespaceInfo, info)
        let checkpoint = try storage.loadCheckpoint()
        XCTAssertEqual(checkpoint.txid, 0)
        XCTAssertEqual(checkpoint.namespace.digest, Namespace(rootOwner: "hdfs").digest)
        XCTAssertEqual(try storage.readSeenTxID(), 0)
    }

    func testOpenTakesAnExclusiveLock() throws {
        let directory = try directory()
        _ = try NameStorage.format(directory, namespaceInfo: info, force: false)
        let first = try NameStorage.open(directory)
        XCTAssertThrowsError(try NameStorage.open(directory)) { error in
            XCTAssertEqual("\(error)", "Cannot lock storage \(directory). The directory is already locked")
        }
        XCTAssertThrowsError(try NameStorage.format(directory, namespaceInfo: info, force: true)) { error in
            XCTAssertEqual(error as? NameStorageError, .locked(directory: directory), "no format under a running node")
        }
        first.close()
        let second = try NameStorage.open(directory)
        second.close()
    }

    func testReformatNeedsForce() throws {
        let directory = try directory()
        _ = try NameStorage.format(directory, namespaceInfo: info, force: false)
        let storage = try NameStorage.open(directory)
        var namespace = try storage.loadCheckpoint().namespace
        try namespace.apply(Op.mkdir("/data"))
        try storage.saveCheckpoint(namespace, txid: 8)
        storage.close()

        let other = NamespaceInfo(namespaceID: 99, clusterID: "CID-other", blockPoolID: "BP-2-127.0.0.1-6")
        let refused = try NameStorage.format(directory, namespaceInfo: other, force: false)
        XCTAssertEqual(refused, .needsConfirmation(
            prompt: "Re-format filesystem in Storage Directory \(directory) ? (Y or N) ",
            nonInteractiveMessage: "Running in non-interactive mode, and data appears to exist in Storage Directory "
                + "\(directory). Not formatting."))
        XCTAssertEqual(try NameStorage.open(directory).namespaceInfo, info, "a refused format changes nothing")

        let forced = try NameStorage.format(directory, namespaceInfo: other, force: true)
        XCTAssertEqual(forced, .formatted(messages: [
            "Formatting using clusterid: CID-other",
            "Data exists in Storage Directory \(directory). Formatting anyway.",
            "Storage directory \(directory) has been successfully formatted.",
        ]))
        let reopened = try NameStorage.open(directory)
        defer { reopened.close() }
        XCTAssertEqual(reopened.namespaceInfo, other)
        XCTAssertEqual(try reopened.loadCheckpoint().txid, 0)
        XCTAssertEqual(try FSImage.txids(in: reopened.currentDirectory), [0])
    }

    func testCheckpointsAndSeenTxID() throws {
        let directory = try directory()
        _ = try NameStorage.format(directory, namespaceInfo: info, force: false)
        let storage = try NameStorage.open(directory)
        defer { storage.close() }
        var namespace = try storage.loadCheckpoint().namespace
        for txid: UInt64 in 1...3 {
            try namespace.apply(Op.mkdir("/d\(txid)"))
            try storage.saveCheckpoint(namespace, txid: txid)
            try storage.writeSeenTxID(txid)
        }
        XCTAssertEqual(try FSImage.txids(in: storage.currentDirectory), [2, 3])
        let latest = try storage.loadCheckpoint()
        XCTAssertEqual(latest.txid, 3)
        XCTAssertEqual(latest.namespace.digest, namespace.digest)
        XCTAssertEqual(try storage.readSeenTxID(), 3)
        try DurableFiles.writeAtomically(Array("x\n".utf8), to: storage.currentDirectory + "/seen_txid")
        XCTAssertThrowsError(try storage.readSeenTxID()) { error in
            XCTAssertEqual("\(error)", "Directory \(directory) is in an inconsistent state: "
                           + "file seen_txid has invalid content 'x\n'.")
        }
    }

    func testOpenRefusesMissingUnformattedAndForeignDirectories() throws {
        let directory = try directory()
        XCTAssertThrowsError(try NameStorage.open(directory)) { error in
            XCTAssertEqual("\(error)", "Directory \(directory) is in an inconsistent state: "
                           + "storage directory does not exist or is not accessible.")
        }
        try DurableFiles.makeDirectories(directory)
        XCTAssertThrowsError(try NameStorage.open(directory)) { error in
            XCTAssertEqual("\(error)", "NameNode is not formatted.")
        }
        _ = try NameStorage.format(directory, namespaceInfo: info, force: false)
        let versionPath = directory + "/current/VERSION"
        let version = String(decoding: try XCTUnwrap(try DurableFiles.read(versionPath)), as: UTF8.self)
        try DurableFiles.writeAtomically(Array(version.replacingOccurrences(of: "NAME_NODE", with: "JOURNAL_NODE").utf8),
                                         to: versionPath)
        XCTAssertThrowsError(try NameStorage.open(directory)) { error in
            XCTAssertEqual("\(error)", "Directory \(directory) is in an inconsistent state: Incompatible node types: "
                           + "storageType=NAME_NODE but StorageDirectory type=JOURNAL_NODE")
        }
        try DurableFiles.writeAtomically(Array("storageType=NAME_NODE\n".utf8), to: versionPath)
        XCTAssertThrowsError(try NameStorage.open(directory)) { error in
            XCTAssertEqual("\(error)", "Directory \(directory) is in an inconsistent state: "
                           + "file VERSION has namespaceID missing.")
        }
        let second = try NameStorage.format(directory, namespaceInfo: info, force: true)
        guard case .formatted = second else { return XCTFail("\(second)") }
        XCTAssertNoThrow(try NameStorage.open(directory).close(), "the lock was released after each refusal")
    }

    func testVersionPropertiesEscapeAndParse() {
        let odd = NamespaceInfo(namespaceID: -3, clusterID: "CID=a:b#c", blockPoolID: "BP", cTime: 7)
        let text = StorageProperties.versionText(odd, date: Date(timeIntervalSince1970: 0))
        XCTAssertTrue(text.hasPrefix("#Thu Jan 01 00:00:00 UTC 1970\n"))
        XCTAssertTrue(text.contains("clusterID=CID\\=a\\:b\\#c\n"))
        XCTAssertEqual(try StorageProperties.namespaceInfo(fromVersionText: text, directory: "d"), odd)
    }

    func testNewNamespaceInfoLooksLikeUpstreams() {
        var random = SplitMix64(seed: 7)
        let info = NameStorage.newNamespaceInfo(clusterID: nil, hostAddress: "127.0.0.1", nowMilliseconds: 1_700_000_000_000,
                                                using: &random)
        XCTAssertGreaterThan(info.namespaceID, 0)
        XCTAssertTrue(info.clusterID.hasPrefix("CID-"))
        let uuid = String(info.clusterID.dropFirst(4))
        XCTAssertEqual(uuid.split(separator: "-").map(\.count), [8, 4, 4, 4, 12])
        XCTAssertEqual(uuid, uuid.lowercased())
        let parts = info.blockPoolID.split(separator: "-")
        XCTAssertEqual(parts.count, 4)
        XCTAssertEqual(parts[0], "BP")
        XCTAssertNotNil(Int32(parts[1]))
        XCTAssertEqual(parts[2], "127.0.0.1")
        XCTAssertEqual(parts[3], "1700000000000")
        XCTAssertEqual(NameStorage.newNamespaceInfo(clusterID: "CID-given").clusterID, "CID-given")
        XCTAssertNotEqual(NameStorage.newNamespaceInfo().clusterID, NameStorage.newNamespaceInfo().clusterID)
    }

    func testFormatRefusesAnUninitializedNamespace() throws {
        let zero = NamespaceInfo(namespaceID: 0, clusterID: "CID-x", blockPoolID: "BP")
        XCTAssertThrowsError(try NameStorage.format(try directory(), namespaceInfo: zero, force: true)) { error in
            XCTAssertEqual("\(error)", "can't format with uninitialized namespace info: \(zero)")
        }
    }
}
