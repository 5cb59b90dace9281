import Model
import Support

/// The small metadata files: `last-promised-epoch`, `last-writer-epoch` and `committed-txid` as
/// decimal text and a newline (upstream `PersistentLongFile`). `PaxosFile` is the paxos records.
/// All are written with `DurableFiles.writeAtomically` (temporary file, fsync, rename, fsync of
/// the directory), so a crash leaves the old or the new content.
enum MetadataFiles {
    /// The most bytes a decimal file may hold.
    static let decimalBytesMax = 64

    /// The number in `file`, or nil when the file does not exist.
    static func readDecimal(_ file: String) throws -> UInt64? {
        guard let content = try StorageError.wrapping({ try DurableFiles.read(file) }) else { return nil }
        guard content.count <= decimalBytesMax, let text = String(validating: content, as: UTF8.self) else {
            throw StorageError.badMetadata(file: file, reason: "expected a decimal number, found \(content.count) bytes of binary data")
        }
        let trimmed = text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed()
        let digits = String(trimmed)
        guard let value = JournalFileName.number(Substring(digits)) else {
            throw StorageError.badMetadata(file: file, reason: "expected a decimal number, found '\(digits)'")
        }
        return value
    }

    static func writeDecimal(_ value: UInt64, to file: String) throws {
        try StorageError.wrapping { try DurableFiles.writeAtomically(Array((String(value) + "\n").utf8), to: file) }
    }
}
