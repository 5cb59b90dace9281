import Support

/// A value with a binary encoding for frame payloads: `Support.BinaryWriter`/`BinaryReader`,
/// big-endian, one tag byte per enum case. Modules adopt it for their own messages.
public protocol WireCodable {
    func encode(into writer: inout BinaryWriter)
    /// Reads one value; throws `BinaryError` or `WireError` naming what is wrong.
    static func decode(from reader: inout BinaryReader) throws -> Self
}

extension WireCodable {
    /// The value's bytes.
    public func encode() -> [UInt8] {
        var writer = BinaryWriter()
        encode(into: &writer)
        return writer.bytes
    }

    /// Decodes a value that must take all of `bytes`.
    public static func decode(_ bytes: [UInt8]) throws -> Self {
        var reader = BinaryReader(bytes)
        let value = try decode(from: &reader)
        guard reader.isAtEnd else { throw WireError.trailingBytes(type: "\(Self.self)", count: reader.remaining) }
        return value
    }
}

/// Why a payload is not a valid message (beside `BinaryError`'s truncated or oversized fields).
public enum WireError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A tag byte that names no case of `type` (a newer peer, or corruption).
    case unknownTag(type: String, tag: UInt8)
    /// Bytes left over after a whole message.
    case trailingBytes(type: String, count: Int)

    public var description: String {
        switch self {
        case .unknownTag(let type, let tag): return "unknown \(type) tag \(tag)"
        case .trailingBytes(let type, let count): return "\(count) trailing bytes after a \(type)"
        }
    }
}

extension BinaryReader {
    /// One enum tag byte.
    mutating func readTag(_ type: String) throws -> UInt8 { try readUInt8(type + " tag") }

    /// An optional value: a presence byte, then the value.
    mutating func readOptional<Value: WireCodable>(_ field: String, _: Value.Type) throws -> Value? {
        try readBool(field) ? try Value.decode(from: &self) : nil
    }
}

extension BinaryWriter {
    /// An optional value: a presence byte, then the value.
    mutating func write<Value: WireCodable>(optional value: Value?) {
        write(value != nil)
        value?.encode(into: &self)
    }
}

extension NamespaceInfo: WireCodable {}
