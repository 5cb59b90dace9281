import Support

/// One message on the wire: a 28-byte header, then a payload checked by CRC32C.
///
/// | offset | bytes | field                                   |
/// |-------:|------:|-----------------------------------------|
/// |      0 |     2 | magic `"QJ"` (0x51 0x4A)                |
/// |      2 |     1 | version (1)                             |
/// |      3 |     1 | kind: 1 request, 2 response             |
/// |      4 |     8 | call id                                 |
/// |     12 |     8 | Lamport clock of the sender             |
/// |     20 |     4 | payload length in bytes                 |
/// |     24 |     4 | CRC32C of the payload                   |
/// |     28 |     n | payload                                 |
///
/// All integers are big-endian. The transport only carries the Lamport clock; the daemons
/// advance it (`max(local, received) + 1`) and write it into their traces.
public struct Frame: Hashable, Sendable {
    /// Whether a frame asks or answers.
    public enum Kind: UInt8, Hashable, Sendable, CustomStringConvertible {
        case request = 1
        case response = 2

        public var description: String {
            switch self {
            case .request: return "request"
            case .response: return "response"
            }
        }
    }

    /// `"QJ"`.
    public static let magic: UInt16 = 0x514A
    /// The only version this build speaks.
    public static let version: UInt8 = 1
    public static let headerBytes = 28
    /// The default `framePayloadBytesMax`: 64 MiB.
    public static let payloadBytesMaxDefault = 64 << 20

    public var kind: Kind
    /// Pairs a response with its request on one connection.
    public var callID: UInt64
    /// The sender's Lamport clock when it sent the frame.
    public var lamport: UInt64
    public var payload: [UInt8]

    public init(kind: Kind, callID: UInt64, lamport: UInt64, payload: [UInt8]) {
        self.kind = kind
        self.callID = callID
        self.lamport = lamport
        self.payload = payload
    }

    /// The header and the payload in one array, ready for one `send`.
    public func encoded() -> [UInt8] {
        precondition(payload.count <= Int(UInt32.max), "payload of \(payload.count) bytes does not fit a frame")
        let checksum = CRC32C.checksum(payload)
        let total = Self.headerBytes + payload.count
        return [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            func put(_ value: UInt64, at offset: Int, width: Int) {
                for index in 0..<width {
                    buffer[offset + index] = UInt8(truncatingIfNeeded: value >> UInt64((width - 1 - index) * 8))
                }
            }
            put(UInt64(Self.magic), at: 0, width: 2)
            buffer[2] = Self.version
            buffer[3] = kind.rawValue
            put(callID, at: 4, width: 8)
            put(lamport, at: 12, width: 8)
            put(UInt64(payload.count), at: 20, width: 4)
            put(UInt64(checksum), at: 24, width: 4)
            payload.withUnsafeBufferPointer { source in
                guard let base = source.baseAddress, let target = buffer.baseAddress else { return }
                (target + Self.headerBytes).update(from: base, count: source.count)
            }
            initialized = total
        }
    }

    /// Decodes the frame at the start of `bytes`: the frame and how many bytes it took, or how many
    /// bytes the frame needs in all when `bytes` holds less. Header fields are checked as soon as
    /// they have arrived, so garbage or an oversized length is refused before any payload is read.
    public static func decode(_ bytes: ArraySlice<UInt8>,
                              framePayloadBytesMax: Int = payloadBytesMaxDefault) throws(FrameError) -> FrameDecoding {
        let base = bytes.startIndex
        func read(_ offset: Int, width: Int) -> UInt64 {
            var value: UInt64 = 0
            for index in base + offset..<base + offset + width { value = value << 8 | UInt64(bytes[index]) }
            return value
        }
        let available = bytes.count
        if available >= 2, read(0, width: 2) != UInt64(magic) { throw .badMagic(UInt16(read(0, width: 2))) }
        if available >= 3, bytes[base + 2] != version { throw .unsupportedVersion(bytes[base + 2]) }
        if available >= 4, Kind(rawValue: bytes[base + 3]) == nil { throw .unknownKind(bytes[base + 3]) }
        guard available >= headerBytes else { return .needMoreBytes(totalBytes: headerBytes) }
        let length = read(20, width: 4)
        guard length <= UInt64(framePayloadBytesMax) else {
            throw .payloadTooLarge(bytes: length, framePayloadBytesMax: framePayloadBytesMax)
        }
        let total = headerBytes + Int(length)
        guard available >= total else { return .needMoreBytes(totalBytes: total) }
        let payload = bytes[(base + headerBytes)..<(base + total)]
        let expected = UInt32(read(24, width: 4))
        let actual = CRC32C.checksum(payload)
        guard expected == actual else { throw .checksumMismatch(expected: expected, actual: actual) }
        let frame = Frame(kind: Kind(rawValue: bytes[base + 3])!, callID: read(4, width: 8),
                          lamport: read(12, width: 8), payload: Array(payload))
        return .frame(frame, byteCount: total)
    }
}

/// What `Frame.decode` found at the start of a buffer.
public enum FrameDecoding: Hashable, Sendable {
    /// A whole frame, which took the first `byteCount` bytes.
    case frame(Frame, byteCount: Int)
    /// Not a whole frame yet: the frame will take `totalBytes` bytes in all (the header's size
    /// while the header is incomplete).
    case needMoreBytes(totalBytes: Int)
}
