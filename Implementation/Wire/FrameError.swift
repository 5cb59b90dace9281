/// Why bytes from a connection are not a frame; the transport closes that connection.
public enum FrameError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The first two bytes are not `"QJ"`: not our protocol, or the stream lost its framing.
    case badMagic(UInt16)
    case unsupportedVersion(UInt8)
    case unknownKind(UInt8)
    /// The header announces a payload above the receiver's limit.
    case payloadTooLarge(bytes: UInt64, framePayloadBytesMax: Int)
    /// `expected` is the header's checksum, `actual` the payload's.
    case checksumMismatch(expected: UInt32, actual: UInt32)
    /// The stream ended inside a frame: `receivedBytes` of the `neededBytes` the frame (or, while
    /// its header is incomplete, the header) takes.
    case truncated(receivedBytes: Int, neededBytes: Int)
    /// A response sent to a server, or a request sent to a client.
    case unexpectedKind(Frame.Kind)

    public var description: String {
        switch self {
        case .badMagic(let magic):
            return "bad magic \(hex(UInt32(magic), width: 4)), expected \(hex(UInt32(Frame.magic), width: 4)) (\"QJ\")"
        case .unsupportedVersion(let version):
            return "unsupported version \(version) (this build speaks version \(Frame.version))"
        case .unknownKind(let kind):
            return "unknown kind \(kind) (1 request, 2 response)"
        case .payloadTooLarge(let bytes, let limit):
            return "payload of \(bytes) bytes exceeds framePayloadBytesMax \(limit)"
        case .checksumMismatch(let expected, let actual):
            return "checksum mismatch: expected \(hex(expected, width: 8)), actual \(hex(actual, width: 8))"
        case .truncated(let received, let needed):
            return "truncated frame: the stream ended after \(received) of \(needed) bytes"
        case .unexpectedKind(let kind):
            return "unexpected \(kind) frame"
        }
    }
}

private func hex(_ value: UInt32, width: Int) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return "0x" + String(repeating: "0", count: max(0, width - digits.count)) + digits
}
