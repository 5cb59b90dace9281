import Model
import Support

/// The layout of one edit record, shared by segment files, `journal` batches and downloads:
/// `[u32 payload length][u32 CRC32C][u64 txid][payload]`, big-endian, where the CRC covers the
/// txid's 8 bytes and the payload (the 8 + length bytes that follow it).
enum EditRecordFormat {
    /// Length, CRC and txid: the bytes before the payload.
    static let headerBytes = 16
    /// The largest payload accepted (upstream's `dfs.namenode.max.op.size` default, 50 MiB).
    static let payloadBytesMax = 50 << 20

    /// What `read(_:at:)` found at an offset.
    enum Read: Equatable {
        /// A record whose CRC holds: its txid, where its payload starts and where it ends.
        case record(txid: TxID, payloadStart: Int, end: Int)
        /// Bytes that are no valid record. `declaredEnd` is where the record would end by its
        /// length field (past the buffer when that field itself is cut off).
        case malformed(reason: String, declaredEnd: Int)
    }

    /// Appends one record to `writer`.
    static func append(txid: TxID, payload: [UInt8], to writer: inout BinaryWriter) {
        precondition(payload.count <= payloadBytesMax, "edit payload of \(payload.count) bytes exceeds \(payloadBytesMax)")
        var txidWriter = BinaryWriter(capacity: 8)
        txidWriter.write(txid)
        let checksum = CRC32C.checksum(payload, continuing: CRC32C.checksum(txidWriter.bytes))
        writer.write(UInt32(payload.count))
        writer.write(checksum)
        writer.writeRaw(txidWriter.bytes)
        writer.writeRaw(payload)
    }

    /// Reads the record starting at `offset` of `bytes`, checking its length and CRC (not its txid).
    static func read(_ bytes: [UInt8], at offset: Int) -> Read {
        let available = bytes.count - offset
        guard available >= headerBytes else {
            return .malformed(reason: "record header truncated: needs \(headerBytes) bytes, \(available) left",
                              declaredEnd: offset + headerBytes)
        }
        let length = Int(bigEndian32(bytes, offset))
        let declaredEnd = offset + headerBytes + length
        guard length <= payloadBytesMax else {
            return .malformed(reason: "payload length \(length) exceeds the limit of \(payloadBytesMax)",
                              declaredEnd: declaredEnd)
        }
        guard declaredEnd <= bytes.count else {
            return .malformed(reason: "payload truncated: needs \(length) bytes, \(available - headerBytes) left",
                              declaredEnd: declaredEnd)
        }
        let stored = bigEndian32(bytes, offset + 4)
        let computed = CRC32C.checksum(bytes[(offset + 8)..<declaredEnd])
        guard stored == computed else {
            return .malformed(reason: "CRC mismatch: stored 0x\(String(stored, radix: 16)), computed 0x\(String(computed, radix: 16))",
                              declaredEnd: declaredEnd)
        }
        let txid = UInt64(bigEndian32(bytes, offset + 8)) << 32 | UInt64(bigEndian32(bytes, offset + 12))
        return .record(txid: txid, payloadStart: offset + headerBytes, end: declaredEnd)
    }

    private static func bigEndian32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
            | UInt32(bytes[offset + 3])
    }
}
