import Model
import Support

// The model's request-side values of the journal protocol. Tags are listed in README.md; a
// case added to the model breaks these exhaustive switches until it has a tag.

extension SegmentState: WireCodable {
    public func encode(into writer: inout BinaryWriter) {
        writer.write(start)
        writer.write(end)
        writer.write(inProgress)
    }

    public static func decode(from reader: inout BinaryReader) throws -> SegmentState {
        SegmentState(start: try reader.readUInt64("segment.start"), end: try reader.readUInt64("segment.end"),
                     inProgress: try reader.readBool("segment.inProgress"))
    }
}

extension Segment: WireCodable {
    /// The smallest encoding, for bounding a count of segments by the bytes left.
    static let encodedBytesMin = 8 + 8 + 8 + 1

    public func encode(into writer: inout BinaryWriter) {
        writer.write(start)
        writer.write(end)
        writer.write(writerEpoch)
        writer.write(finalized)
    }

    public static func decode(from reader: inout BinaryReader) throws -> Segment {
        Segment(start: try reader.readUInt64("segment.start"), end: try reader.readUInt64("segment.end"),
                writerEpoch: try reader.readUInt64("segment.writerEpoch"),
                finalized: try reader.readBool("segment.finalized"))
    }
}

extension RequestInfo: WireCodable {
    public func encode(into writer: inout BinaryWriter) {
        writer.write(epoch)
        writer.write(committedTxID)
    }

    public static func decode(from reader: inout BinaryReader) throws -> RequestInfo {
        RequestInfo(epoch: try reader.readUInt64("requestInfo.epoch"),
                    committedTxID: try reader.readOptionalUInt64("requestInfo.committedTxID"))
    }
}

extension JournalRequest: WireCodable {
    public func encode(into writer: inout BinaryWriter) {
        switch self {
        case .getJournalState:
            writer.write(UInt8(1))
        case .newEpoch(let epoch):
            writer.write(UInt8(2))
            writer.write(epoch)
        case .startLogSegment(let info, let txid):
            writer.write(UInt8(3))
            info.encode(into: &writer)
            writer.write(txid)
        case .journal(let info, let segmentStart, let firstTxID, let count):
            writer.write(UInt8(4))
            info.encode(into: &writer)
            writer.write(segmentStart)
            writer.write(firstTxID)
            writer.write(count)
        case .finalizeLogSegment(let info, let start, let end):
            writer.write(UInt8(5))
            info.encode(into: &writer)
            writer.write(start)
            writer.write(end)
        case .heartbeat(let info):
            writer.write(UInt8(6))
            info.encode(into: &writer)
        case .prepareRecovery(let info, let segmentStart):
            writer.write(UInt8(7))
            info.encode(into: &writer)
            writer.write(segmentStart)
        case .acceptRecovery(let info, let segment, let writerEpoch, let source):
            writer.write(UInt8(8))
            info.encode(into: &writer)
            segment.encode(into: &writer)
            writer.write(writerEpoch)
            writer.write(Int64(source))
        case .getEditLogManifest(let sinceTxID, let inProgressOK, let call):
            writer.write(UInt8(9))
            writer.write(sinceTxID)
            writer.write(inProgressOK)
            writer.write(call)
        }
    }

    public static func decode(from reader: inout BinaryReader) throws -> JournalRequest {
        switch try reader.readTag("JournalRequest") {
        case 1:
            return .getJournalState
        case 2:
            return .newEpoch(epoch: try reader.readUInt64("newEpoch.epoch"))
        case 3:
            return .startLogSegment(try RequestInfo.decode(from: &reader), txid: try reader.readUInt64("startLogSegment.txid"))
        case 4:
            return .journal(try RequestInfo.decode(from: &reader), segmentStart: try reader.readUInt64("journal.segmentStart"),
                            firstTxID: try reader.readUInt64("journal.firstTxID"),
                            count: try reader.readUInt64("journal.count"))
        case 5:
            return .finalizeLogSegment(try RequestInfo.decode(from: &reader),
                                       start: try reader.readUInt64("finalizeLogSegment.start"),
                                       end: try reader.readUInt64("finalizeLogSegment.end"))
        case 6:
            return .heartbeat(try RequestInfo.decode(from: &reader))
        case 7:
            return .prepareRecovery(try RequestInfo.decode(from: &reader),
                                    segmentStart: try reader.readUInt64("prepareRecovery.segmentStart"))
        case 8:
            let info = try RequestInfo.decode(from: &reader)
            let segment = try SegmentState.decode(from: &reader)
            let writerEpoch = try reader.readUInt64("acceptRecovery.writerEpoch")
            let source = try reader.readInt64("acceptRecovery.source")
            guard let sourceIndex = JournalNodeID(exactly: source), sourceIndex >= 0 else {
                throw BinaryError.invalid(field: "acceptRecovery.source", detail: "journal node index \(source)")
            }
            return .acceptRecovery(info, segment: segment, writerEpoch: writerEpoch, source: sourceIndex)
        case 9:
            return .getEditLogManifest(sinceTxID: try reader.readUInt64("getEditLogManifest.sinceTxID"),
                                       inProgressOK: try reader.readBool("getEditLogManifest.inProgressOK"),
                                       call: try reader.readUInt64("getEditLogManifest.call"))
        case let tag:
            throw WireError.unknownTag(type: "JournalRequest", tag: tag)
        }
    }
}
