import Model
import Support

/// One edit: its transaction id and the opaque bytes of the operation.
public struct EditRecord: Hashable, Sendable {
    public var txid: UInt64
    public var payload: [UInt8]

    public init(txid: UInt64, payload: [UInt8]) {
        self.txid = txid
        self.payload = payload
    }
}

/// Batches of edit records in the on-disk and wire record format (see `EditRecordFormat`):
/// what a NameNode sends in `journal`, what a segment file holds after its header, and what
/// `JournalDirectory.readEdits` returns.
public enum EditRecords {
    /// Serialises records in the record format, in the order given.
    public static func encode(_ records: [EditRecord]) -> [UInt8] {
        let payloadBytes = records.reduce(0) { $0 + $1.payload.count }
        var writer = BinaryWriter(capacity: payloadBytes + records.count * EditRecordFormat.headerBytes)
        for record in records {
            EditRecordFormat.append(txid: record.txid, payload: record.payload, to: &writer)
        }
        return writer.bytes
    }

    /// Checks a batch: every record parses and its CRC holds, the txids are exactly
    /// `firstTxID ..< firstTxID + count` in order, and nothing follows the last record.
    /// Throws `StorageError.invalidRecords` naming the offset of the first problem.
    public static func validate(_ blob: [UInt8], firstTxID: UInt64, count: UInt64) throws {
        guard count == 0 || firstTxID <= UInt64.max - (count - 1) else {
            throw StorageError.invalidRecords(offset: 0, reason: "txids \(firstTxID) + \(count) overflow")
        }
        var offset = 0
        var seen: UInt64 = 0
        // At most blob.count / 16 iterations: every record takes 16 bytes or more.
        while offset < blob.count {
            switch EditRecordFormat.read(blob, at: offset) {
            case .malformed(let reason, _):
                throw StorageError.invalidRecords(offset: offset, reason: reason)
            case .record(let txid, _, let end):
                guard seen < count else {
                    throw StorageError.invalidRecords(
                        offset: offset, reason: "trailing bytes after the \(count) expected records (a record for txid \(txid))")
                }
                let expected = firstTxID + seen
                guard txid == expected else {
                    throw StorageError.invalidRecords(offset: offset, reason: "txid \(txid) where \(expected) was expected")
                }
                seen += 1
                offset = end
            }
        }
        guard seen == count else {
            throw StorageError.invalidRecords(offset: blob.count, reason: "\(seen) records where \(count) were expected")
        }
    }

    /// Parses a batch into records, checking every length and CRC (not the order of txids).
    public static func decode(_ blob: [UInt8]) throws -> [EditRecord] {
        var records: [EditRecord] = []
        var offset = 0
        // At most blob.count / 16 iterations: every record takes 16 bytes or more.
        while offset < blob.count {
            switch EditRecordFormat.read(blob, at: offset) {
            case .malformed(let reason, _):
                throw StorageError.invalidRecords(offset: offset, reason: reason)
            case .record(let txid, let payloadStart, let end):
                records.append(EditRecord(txid: txid, payload: Array(blob[payloadStart..<end])))
                offset = end
            }
        }
        return records
    }
}
