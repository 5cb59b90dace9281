/// Big-endian binary encoding shared by the wire frames, the journal files and the fsimage.
///
/// Writers append; readers consume and throw `BinaryError` naming what was malformed, so input
/// from a socket or a damaged file never traps.

/// Why bytes could not be decoded.
public enum BinaryError: Error, Equatable, CustomStringConvertible {
    /// Fewer bytes than the field needs.
    case truncated(field: String, needed: Int, available: Int)
    /// A length or count above the decoder's limit.
    case tooLarge(field: String, value: UInt64, limit: UInt64)
    /// A tag or value the decoder does not know.
    case invalid(field: String, detail: String)

    public var description: String {
        switch self {
        case .truncated(let field, let needed, let available):
            return "truncated \(field): needs \(needed) bytes, \(available) left"
        case .tooLarge(let field, let value, let limit):
            return "\(field) of \(value) exceeds the limit of \(limit)"
        case .invalid(let field, let detail):
            return "invalid \(field): \(detail)"
        }
    }
}

/// Appends big-endian values to a byte array.
public struct BinaryWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func write(_ value: UInt8) { bytes.append(value) }
    public mutating func write(_ value: Bool) { bytes.append(value ? 1 : 0) }
    public mutating func write(_ value: UInt16) { appendBigEndian(UInt64(value), width: 2) }
    public mutating func write(_ value: UInt32) { appendBigEndian(UInt64(value), width: 4) }
    public mutating func write(_ value: UInt64) { appendBigEndian(value, width: 8) }
    public mutating func write(_ value: Int64) { appendBigEndian(UInt64(bitPattern: value), width: 8) }

    /// An optional `UInt64`: a presence byte, then the value.
    public mutating func write(_ value: UInt64?) {
        write(value != nil)
        if let value { write(value) }
    }

    /// Raw bytes, without a length.
    public mutating func writeRaw<Bytes: Sequence>(_ raw: Bytes) where Bytes.Element == UInt8 {
        bytes.append(contentsOf: raw)
    }

    /// Bytes preceded by their 32-bit length.
    public mutating func writeBytes<Bytes: Collection>(_ raw: Bytes) where Bytes.Element == UInt8 {
        write(UInt32(raw.count))
        bytes.append(contentsOf: raw)
    }

    /// UTF-8 text preceded by its 32-bit byte length.
    public mutating func write(_ text: String) { writeBytes(Array(text.utf8)) }

    private mutating func appendBigEndian(_ value: UInt64, width: Int) {
        for shift in stride(from: (width - 1) * 8, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }
}

/// Consumes big-endian values from bytes, throwing on truncation or out-of-limit lengths.
public struct BinaryReader {
    public let bytes: [UInt8]
    public private(set) var offset: Int
    /// The largest length a `readBytes`/`readString` accepts.
    public let lengthMax: Int

    public init(_ bytes: [UInt8], offset: Int = 0, lengthMax: Int = 64 << 20) {
        self.bytes = bytes
        self.offset = offset
        self.lengthMax = lengthMax
    }

    public var remaining: Int { bytes.count - offset }
    public var isAtEnd: Bool { offset >= bytes.count }

    public mutating func readUInt8(_ field: String) throws -> UInt8 { UInt8(try readBigEndian(field, width: 1)) }
    public mutating func readUInt16(_ field: String) throws -> UInt16 { UInt16(try readBigEndian(field, width: 2)) }
    public mutating func readUInt32(_ field: String) throws -> UInt32 { UInt32(try readBigEndian(field, width: 4)) }
    public mutating func readUInt64(_ field: String) throws -> UInt64 { try readBigEndian(field, width: 8) }
    public mutating func readInt64(_ field: String) throws -> Int64 { Int64(bitPattern: try readBigEndian(field, width: 8)) }

    public mutating func readBool(_ field: String) throws -> Bool {
        switch try readUInt8(field) {
        case 0: return false
        case 1: return true
        case let other: throw BinaryError.invalid(field: field, detail: "boolean byte \(other)")
        }
    }

    public mutating func readOptionalUInt64(_ field: String) throws -> UInt64? {
        try readBool(field) ? try readUInt64(field) : nil
    }

    /// `count` raw bytes.
    public mutating func readRaw(_ field: String, count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, remaining >= count else {
            throw BinaryError.truncated(field: field, needed: count, available: remaining)
        }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    /// Bytes preceded by their 32-bit length.
    public mutating func readBytes(_ field: String) throws -> [UInt8] {
        let length = Int(try readUInt32(field + " length"))
        guard length <= lengthMax else {
            throw BinaryError.tooLarge(field: field + " length", value: UInt64(length), limit: UInt64(lengthMax))
        }
        return Array(try readRaw(field, count: length))
    }

    public mutating func readString(_ field: String) throws -> String {
        let raw = try readBytes(field)
        guard let text = String(validating: raw, as: UTF8.self) else {
            throw BinaryError.invalid(field: field, detail: "not UTF-8")
        }
        return text
    }

    /// A count of items that follow, each at least `itemBytesMin` long, checked against what is left.
    public mutating func readCount(_ field: String, itemBytesMin: Int = 1, limit: Int = 1 << 20) throws -> Int {
        let count = Int(try readUInt32(field))
        guard count <= limit else { throw BinaryError.tooLarge(field: field, value: UInt64(count), limit: UInt64(limit)) }
        guard count * max(itemBytesMin, 0) <= remaining else {
            throw BinaryError.truncated(field: field, needed: count * itemBytesMin, available: remaining)
        }
        return count
    }

    private mutating func readBigEndian(_ field: String, width: Int) throws -> UInt64 {
        guard remaining >= width else { throw BinaryError.truncated(field: field, needed: width, available: remaining) }
        var value: UInt64 = 0
        for index in offset..<offset + width { value = value << 8 | UInt64(bytes[index]) }
        offset += width
        return value
    }
}
