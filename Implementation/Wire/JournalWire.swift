import Model
import Support

/// A call to a JournalNode: the model's protocol requests plus the host-level calls around them.
public enum JournalCall: Hashable, Sendable {
    /// A request of the model's protocol. `edits` is the record blob of a `.journal` request
    /// (empty otherwise); `namespace` accompanies newEpoch (upstream checks it).
    case protocolRequest(journalID: String, JournalRequest, edits: [UInt8], namespace: NamespaceInfo?)
    case format(journalID: String, NamespaceInfo, force: Bool)
    case isFormatted(journalID: String)
    /// Tailing: committed edits from `sinceTxID`, at most `maxTransactions`.
    case getJournaledEdits(journalID: String, sinceTxID: UInt64, maxTransactions: UInt32)
    /// acceptRecovery's download from the source JournalNode: the records of segment `segmentStart`
    /// up to `endTxID` (upstream: the GetJournalEditServlet HTTP fetch).
    case fetchSegment(journalID: String, segmentStart: UInt64, endTxID: UInt64)
}

/// A JournalNode's answer to a `JournalCall`.
public enum JournalReply: Hashable, Sendable {
    case protocolResponse(JournalResponse)
    case formatted
    case isFormatted(Bool)
    case journaledEdits(firstTxID: UInt64, count: UInt64, edits: [UInt8])
    case segment(writerEpoch: UInt64, edits: [UInt8])
    /// A host-level failure (IOException-like): the Java class name and the message.
    case error(className: String, message: String)
}

extension JournalCall: WireCodable {
    public func encode(into writer: inout BinaryWriter) {
        switch self {
        case .protocolRequest(let journalID, let request, let edits, let namespace):
            writer.write(UInt8(1))
            writer.write(journalID)
            request.encode(into: &writer)
            writer.writeBytes(edits)
            writer.write(optional: namespace)
        case .format(let journalID, let namespace, let force):
            writer.write(UInt8(2))
            writer.write(journalID)
            namespace.encode(into: &writer)
            writer.write(force)
        case .isFormatted(let journalID):
            writer.write(UInt8(3))
            writer.write(journalID)
        case .getJournaledEdits(let journalID, let sinceTxID, let maxTransactions):
            writer.write(UInt8(4))
            writer.write(journalID)
            writer.write(sinceTxID)
            writer.write(maxTransactions)
        case .fetchSegment(let journalID, let segmentStart, let endTxID):
            writer.write(UInt8(5))
            writer.write(journalID)
            writer.write(segmentStart)
            writer.write(endTxID)
        }
    }

    public static func decode(from reader: inout BinaryReader) throws -> JournalCall {
        switch try reader.readTag("JournalCall") {
        case 1:
            return .protocolRequest(journalID: try reader.readString("journalID"),
                                    try JournalRequest.decode(from: &reader),
                                    edits: try reader.readBytes("edits"),
                                    namespace: try reader.readOptional("namespace", NamespaceInfo.self))
        case 2:
            return .format(journalID: try reader.readString("journalID"), try NamespaceInfo.decode(from: &reader),
                           force: try reader.readBool("force"))
        case 3:
            return .isFormatted(journalID: try reader.readString("journalID"))
        case 4:
            return .getJournaledEdits(journalID: try reader.readString("journalID"),
                                      sinceTxID: try reader.readUInt64("sinceTxID"),
                                      maxTransactions: try reader.readUInt32("maxTransactions"))
        case 5:
            return .fetchSegment(journalID: try reader.readString("journalID"),
                                 segmentStart: try reader.readUInt64("segmentStart"),
                                 endTxID: try reader.readUInt64("endTxID"))
        case let tag:
            throw WireError.unknownTag(type: "JournalCall", tag: tag)
        }
    }
}

extension JournalReply: WireCodable {
    public func encode(into writer: inout BinaryWriter) {
        switch self {
        case .protocolResponse(let response):
            writer.write(UInt8(1))
            response.encode(into: &writer)
        case .formatted:
            writer.write(UInt8(2))
        case .isFormatted(let formatted):
            writer.write(UInt8(3))
            writer.write(formatted)
        case .journaledEdits(let firstTxID, let count, let edits):
            writer.write(UInt8(4))
            writer.write(firstTxID)
            writer.write(count)
            writer.writeBytes(edits)
        case .segment(let writerEpoch, let edits):
            writer.write(UInt8(5))
            writer.write(writerEpoch)
            writer.writeBytes(edits)
        case .error(let className, let message):
            writer.write(UInt8(6))
            writer.write(className)
            writer.write(message)
        }
    }

    public static func decode(from reader: inout BinaryReader) throws -> JournalReply {
        switch try reader.readTag("JournalReply") {
        case 1: return .protocolResponse(try JournalResponse.decode(from: &reader))
        case 2: return .formatted
        case 3: return .isFormatted(try reader.readBool("isFormatted"))
        case 4:
            return .journaledEdits(firstTxID: try reader.readUInt64("firstTxID"), count: try reader.readUInt64("count"),
                                   edits: try reader.readBytes("edits"))
        case 5: return .segment(writerEpoch: try reader.readUInt64("writerEpoch"), edits: try reader.readBytes("edits"))
        case 6: return .error(className: try reader.readString("className"), message: try reader.readString("message"))
        case let tag: throw WireError.unknownTag(type: "JournalReply", tag: tag)
        }
    }
}
