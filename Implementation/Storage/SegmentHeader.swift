import Model
import Support

/// The 24-byte header at the start of every segment file: the magic `QJMEDITS`, a u32 format
/// version (1), the u64 epoch of the writer whose edits the file holds (for a recovered segment,
/// the original writer's), and a u32 CRC32C of those 20 bytes. Records follow it.
enum SegmentHeader {
    static let magic: [UInt8] = Array("QJMEDITS".utf8)
    static let formatVersion: UInt32 = 1
    static let bytes = 24

    static func encode(writerEpoch: Epoch) -> [UInt8] {
        var writer = BinaryWriter(capacity: bytes)
        writer.writeRaw(magic)
        writer.write(formatVersion)
        writer.write(writerEpoch)
        writer.write(CRC32C.checksum(writer.bytes))
        return writer.bytes
    }

    /// The writer epoch in the header of `file`'s content, or `corruptSegment` naming the offset.
    static func decode(_ content: [UInt8], file: String) throws -> Epoch {
        guard content.count >= bytes else {
            throw StorageError.corruptSegment(file: file, offset: 0,
                                              reason: "header truncated: \(content.count) of \(bytes) bytes")
        }
        guard Array(content[0..<magic.count]) == magic else {
            throw StorageError.corruptSegment(file: file, offset: 0, reason: "bad magic, not a segment file")
        }
        var reader = BinaryReader(Array(content[0..<bytes]), offset: magic.count)
        let version = try reader.readUInt32("format version")
        let writerEpoch = try reader.readUInt64("writer epoch")
        let stored = try reader.readUInt32("header CRC")
        let computed = CRC32C.checksum(content[0..<(bytes - 4)])
        guard stored == computed else {
            throw StorageError.corruptSegment(
                file: file, offset: bytes - 4,
                reason: "header CRC mismatch: stored 0x\(String(stored, radix: 16)), computed 0x\(String(computed, radix: 16))")
        }
        guard version == formatVersion else {
            throw StorageError.corruptSegment(file: file, offset: magic.count,
                                              reason: "unknown format version \(version), expected \(formatVersion)")
        }
        return writerEpoch
    }
}
