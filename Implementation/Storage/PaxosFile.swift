import Model
import Support

/// `paxos/<start>`: one accepted recovery value, binary with a CRC, then a readable line.
///
/// Layout (big-endian): magic `QJMPAXOS`, u32 format version (1), u64 segment start, u64
/// segment end, u8 in-progress flag, u64 acceptedInEpoch, u64 writerEpoch, u32 CRC32C of all the
/// preceding bytes (49 bytes in all); then, as upstream appends `toString()`, a newline, the
/// record's description and a newline, which a reader ignores.
enum PaxosFile {
    static let magic: [UInt8] = Array("QJMPAXOS".utf8)
    static let formatVersion: UInt32 = 1
    static let binaryBytes = 49

    static func encode(_ record: PaxosRecord) -> [UInt8] {
        var writer = BinaryWriter(capacity: binaryBytes + 80)
        writer.writeRaw(magic)
        writer.write(formatVersion)
        writer.write(record.segment.start)
        writer.write(record.segment.end)
        writer.write(record.segment.inProgress)
        writer.write(record.acceptedInEpoch)
        writer.write(record.writerEpoch)
        writer.write(CRC32C.checksum(writer.bytes))
        writer.writeRaw(Array(("\n" + record.description + "\n").utf8))
        return writer.bytes
    }

    static func decode(_ content: [UInt8], file: String) throws -> PaxosRecord {
        guard content.count >= binaryBytes else {
            throw StorageError.badMetadata(file: file, reason: "truncated paxos record: \(content.count) of \(binaryBytes) bytes")
        }
        guard Array(content[0..<magic.count]) == magic else {
            throw StorageError.badMetadata(file: file, reason: "bad magic, not a paxos record")
        }
        let stored = UInt32(content[binaryBytes - 4]) << 24 | UInt32(content[binaryBytes - 3]) << 16
            | UInt32(content[binaryBytes - 2]) << 8 | UInt32(content[binaryBytes - 1])
        let computed = CRC32C.checksum(content[0..<(binaryBytes - 4)])
        guard stored == computed else {
            throw StorageError.badMetadata(file: file, reason: "paxos record CRC mismatch: stored 0x\(String(stored, radix: 16)), computed 0x\(String(computed, radix: 16))")
        }
        do {
            var reader = BinaryReader(Array(content[0..<binaryBytes]), offset: magic.count)
            let version = try reader.readUInt32("format version")
            guard version == formatVersion else {
                throw StorageError.badMetadata(file: file, reason: "unknown paxos format version \(version)")
            }
            let segment = SegmentState(start: try reader.readUInt64("segment start"), end: try reader.readUInt64("segment end"),
                                       inProgress: try reader.readBool("in-progress flag"))
            return PaxosRecord(segment: segment, acceptedInEpoch: try reader.readUInt64("acceptedInEpoch"),
                               writerEpoch: try reader.readUInt64("writerEpoch"))
        } catch let error as BinaryError {
            throw StorageError.badMetadata(file: file, reason: error.description)
        }
    }
}
