import Foundation
import Glibc
import Support

/// `hdfs namenode -format` for one name directory, and fresh namespace identities.
extension NameStorage {
    /// What `format` did, or the question it needs answered first.
    public enum FormatResult: Equatable, Sendable {
        /// Formatted; the lines upstream logs, in order.
        case formatted(messages: [String])
        /// The directory holds data and `force` was false: `prompt` is upstream's question
        /// (`NameNode.confirmFormat` + `ToolRunner.confirmPrompt`); answering "Y" means calling
        /// again with `force`. `nonInteractiveMessage` is what `-nonInteractive` prints instead.
        case needsConfirmation(prompt: String, nonInteractiveMessage: String)
    }

    /// Formats `directory`: clears `current/`, writes VERSION, an image of the empty namespace at
    /// txid 0 and seen_txid 0, holding the directory's lock meanwhile. A directory with data in it
    /// (anything but the lock file, as upstream `StorageDirectory.hasSomeData`) is formatted only
    /// with `force`.
    public static func format(_ directory: String, namespaceInfo: NamespaceInfo, force: Bool,
                              rootOwner: String = NameStorage.currentUserName(),
                              rootGroup: String = "supergroup") throws -> FormatResult {
        guard namespaceInfo.namespaceID != 0 else {
            throw NameStorageError.uninitializedNamespace(namespaceInfo.description)
        }
        let storage = "Storage Directory \(directory)"
        let hasData = try hasSomeData(directory)
        if hasData && !force {
            return .needsConfirmation(
                prompt: "Re-format filesystem in \(storage) ? (Y or N) ",
                nonInteractiveMessage: "Running in non-interactive mode, and data appears to exist in \(storage). "
                    + "Not formatting.")
        }
        try DurableFiles.makeDirectories(directory)
        let lock = try StorageLock.acquire(directory)
        defer { lock.release() }
        let current = currentDirectory(of: directory)
        if FileManager.default.fileExists(atPath: current) {
            do {
                try FileManager.default.removeItem(atPath: current)
            } catch {
                throw NameStorageError.inconsistent(directory: directory, detail: "cannot clear \(current): \(error)")
            }
        }
        try DurableFiles.makeDirectories(current)
        try DurableFiles.syncDirectory(directory)
        let version = StorageProperties.versionText(namespaceInfo, date: Date())
        try DurableFiles.writeAtomically(Array(version.utf8), to: current + "/" + versionName)
        let empty = Namespace(rootOwner: rootOwner, rootGroup: rootGroup)
        try FSImage.save(empty, lastAppliedTxID: 0, to: current)
        try writeSeenTxID(0, in: current)
        var messages = ["Formatting using clusterid: \(namespaceInfo.clusterID)"]
        if hasData { messages.append("Data exists in \(storage). Formatting anyway.") }
        messages.append("Storage directory \(directory) has been successfully formatted.")
        return .formatted(messages: messages)
    }

    /// Whether `directory` exists and holds anything besides its lock file (a plain file where the
    /// directory should be counts as data).
    static func hasSomeData(_ directory: String) throws -> Bool {
        var information = stat()
        guard stat(directory, &information) == 0 else {
            if errno == ENOENT { return false }
            throw SystemError("stat", path: directory)
        }
        guard information.st_mode & S_IFMT == S_IFDIR else { return true }
        return try DurableFiles.list(directory).contains { $0 != StorageLock.fileName }
    }

    /// A fresh identity as `hdfs namenode -format` makes one (`NNStorage.newNamespaceInfo`): a
    /// random non-zero namespace id, `clusterID` or "CID-<random uuid>", a block pool id
    /// "BP-<random>-<hostAddress>-<now ms>", cTime 0.
    public static func newNamespaceInfo(clusterID: String? = nil, hostAddress: String = "127.0.0.1") -> NamespaceInfo {
        var generator = SystemRandomNumberGenerator()
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        return newNamespaceInfo(clusterID: clusterID, hostAddress: hostAddress, nowMilliseconds: now,
                                using: &generator)
    }

    /// `newNamespaceInfo` with the clock and the random source given (for reproducible tests).
    public static func newNamespaceInfo<Generator: RandomNumberGenerator>(
        clusterID: String?, hostAddress: String, nowMilliseconds: Int64, using generator: inout Generator
    ) -> NamespaceInfo {
        let namespaceID = Int32.random(in: 1...Int32.max, using: &generator)
        let cluster = clusterID ?? "CID-" + randomUUID(using: &generator)
        let blockPool = "BP-\(Int32.random(in: 0..<Int32.max, using: &generator))-\(hostAddress)-\(nowMilliseconds)"
        return NamespaceInfo(namespaceID: namespaceID, clusterID: cluster, blockPoolID: blockPool, cTime: 0)
    }

    /// A version-4 UUID in Java's lower-case form, e.g. "5f0c7a1e-...".
    static func randomUUID<Generator: RandomNumberGenerator>(using generator: inout Generator) -> String {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = bytes.map { byte -> String in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }
        return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(separator: "-")
    }

    /// The name of the user running the process (the root directory's owner after a format, as
    /// upstream's `fsOwner`), or "hdfs" if it cannot be found.
    public static func currentUserName() -> String {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return "hdfs" }
        return String(cString: name)
    }
}
