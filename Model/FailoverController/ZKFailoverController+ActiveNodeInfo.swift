/// `hadoop.hdfs.ActiveNodeInfo` (HAZKInfo.proto): what a ZKFC writes into the lock znode and the
/// breadcrumb to name its NameNode.
///
/// ```proto
/// message ActiveNodeInfo {
///   required string nameserviceId = 1;
///   required string namenodeId = 2;
///   required string hostname = 3;
///   required int32 port = 4;
///   required int32 zkfcPort = 5;
/// }
/// ```
///
/// `serialized()` writes the fields in number order, as protobuf-java does, so the bytes equal
/// what an upstream ZKFC writes for the same values; `decode` reads any valid encoding (fields in
/// any order, the last occurrence wins, unknown fields skipped), as a proto2 parser does.
public struct ActiveNodeInfo: Hashable, Sendable, Codable {
    public var nameserviceID: String
    public var nameNodeID: String
    /// The NameNode's RPC (service) host.
    public var hostname: String
    /// The NameNode's RPC (service) port.
    public var port: Int32
    /// The ZKFC's RPC port (`dfs.ha.zkfc.port`, default 8019).
    public var zkfcPort: Int32

    /// `dfs.ha.zkfc.port`'s default.
    public static let zkfcPortDefault: Int32 = 8019

    public init(nameserviceID: String, nameNodeID: String, hostname: String, port: Int32,
                zkfcPort: Int32 = ActiveNodeInfo.zkfcPortDefault) {
        self.nameserviceID = nameserviceID
        self.nameNodeID = nameNodeID
        self.hostname = hostname
        self.port = port
        self.zkfcPort = zkfcPort
    }

    /// The NameNode RPC address, `host:port`.
    public var address: String { "\(hostname):\(port)" }

    /// The message in protobuf's text format on one line, as Hadoop prints it in errors.
    public var textFormat: String {
        "nameserviceId: \"\(nameserviceID)\" namenodeId: \"\(nameNodeID)\" hostname: \"\(hostname)\""
            + " port: \(port) zkfcPort: \(zkfcPort)"
    }

    // MARK: - Encoding

    /// The protobuf wire encoding.
    public func serialized() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16 + nameserviceID.utf8.count + nameNodeID.utf8.count + hostname.utf8.count)
        ActiveNodeInfo.appendString(field: 1, nameserviceID, to: &bytes)
        ActiveNodeInfo.appendString(field: 2, nameNodeID, to: &bytes)
        ActiveNodeInfo.appendString(field: 3, hostname, to: &bytes)
        ActiveNodeInfo.appendInt32(field: 4, port, to: &bytes)
        ActiveNodeInfo.appendInt32(field: 5, zkfcPort, to: &bytes)
        return bytes
    }

    static let wireTypeVarint: UInt64 = 0
    static let wireTypeFixed64: UInt64 = 1
    static let wireTypeLengthDelimited: UInt64 = 2
    static let wireTypeFixed32: UInt64 = 5
    /// A varint is at most ten bytes long (64 bits, 7 per byte).
    static let varintBytesMax = 10

    static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    static func appendString(field: UInt64, _ text: String, to bytes: inout [UInt8]) {
        appendVarint(field << 3 | wireTypeLengthDelimited, to: &bytes)
        appendVarint(UInt64(text.utf8.count), to: &bytes)
        bytes.append(contentsOf: text.utf8)
    }

    /// An int32 is written as the varint of its sign extension: a negative value takes ten bytes.
    static func appendInt32(field: UInt64, _ value: Int32, to bytes: inout [UInt8]) {
        appendVarint(field << 3 | wireTypeVarint, to: &bytes)
        appendVarint(UInt64(bitPattern: Int64(value)), to: &bytes)
    }

    // MARK: - Decoding

    /// Parses the wire encoding. A known field with an unexpected wire type is skipped as an
    /// unknown field, as protobuf-java does; a required field that never appears is an error.
    public static func decode(_ bytes: [UInt8]) throws(ActiveNodeInfoDecodingError) -> ActiveNodeInfo {
        var reader = Reader(bytes: bytes)
        var strings: [String?] = [nil, nil, nil]
        var integers: [Int32?] = [nil, nil]
        while !reader.isAtEnd {
            let key = try reader.varint()
            let field = key >> 3
            let wireType = key & 7
            guard field != 0 else { throw .invalidFieldNumber }
            switch (field, wireType) {
            case (1...3, wireTypeLengthDelimited):
                strings[Int(field) - 1] = String(decoding: try reader.lengthDelimited(), as: UTF8.self)
            case (4...5, wireTypeVarint):
                // readInt32 keeps the low 32 bits of the varint.
                integers[Int(field) - 4] = Int32(truncatingIfNeeded: try reader.varint())
            default:
                try reader.skip(wireType: wireType)
            }
        }
        guard let nameserviceID = strings[0] else { throw .missingField(1) }
        guard let nameNodeID = strings[1] else { throw .missingField(2) }
        guard let hostname = strings[2] else { throw .missingField(3) }
        guard let port = integers[0] else { throw .missingField(4) }
        guard let zkfcPort = integers[1] else { throw .missingField(5) }
        return ActiveNodeInfo(nameserviceID: nameserviceID, nameNodeID: nameNodeID, hostname: hostname,
                              port: port, zkfcPort: zkfcPort)
    }

    /// A cursor over an encoded message; every read checks the bounds.
    struct Reader {
        let bytes: [UInt8]
        var offset = 0

        var isAtEnd: Bool { offset >= bytes.count }

        mutating func varint() throws(ActiveNodeInfoDecodingError) -> UInt64 {
            var value: UInt64 = 0
            for index in 0..<ActiveNodeInfo.varintBytesMax {
                guard offset < bytes.count else { throw .truncated }
                let byte = bytes[offset]
                offset += 1
                value |= UInt64(byte & 0x7F) << UInt64(7 * index)
                if byte & 0x80 == 0 { return value }
            }
            throw .malformedVarint
        }

        mutating func lengthDelimited() throws(ActiveNodeInfoDecodingError) -> ArraySlice<UInt8> {
            let length = try varint()
            guard length <= UInt64(bytes.count - offset) else { throw .truncated }
            let end = offset + Int(length)
            defer { offset = end }
            return bytes[offset..<end]
        }

        mutating func skip(wireType: UInt64) throws(ActiveNodeInfoDecodingError) {
            switch wireType {
            case ActiveNodeInfo.wireTypeVarint: _ = try varint()
            case ActiveNodeInfo.wireTypeFixed64: try advance(8)
            case ActiveNodeInfo.wireTypeLengthDelimited: _ = try lengthDelimited()
            case ActiveNodeInfo.wireTypeFixed32: try advance(4)
            default: throw .unsupportedWireType(Int(wireType))  // groups (3, 4) and 6, 7
            }
        }

        private mutating func advance(_ count: Int) throws(ActiveNodeInfoDecodingError) {
            guard bytes.count - offset >= count else { throw .truncated }
            offset += count
        }
    }

    /// Bytes as `StringUtils.byteToHexString` prints them: lower-case hex, no separators.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// Why bytes are not a valid `ActiveNodeInfo` (the ZKFC reports any of them as
/// `Invalid data in ZK: <hex>`).
public enum ActiveNodeInfoDecodingError: Error, Hashable, Sendable {
    /// The message ends inside a field.
    case truncated
    /// A varint runs past ten bytes.
    case malformedVarint
    /// Field number 0, which protobuf reserves.
    case invalidFieldNumber
    /// A group (wire type 3/4) or an undefined wire type.
    case unsupportedWireType(Int)
    /// A required field (by number) never appears.
    case missingField(Int)
}
