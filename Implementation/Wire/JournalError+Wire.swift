import Model
import Support

// Every refusal of a JournalNode, tags 1-19 in the model's declaration order. The text is not
// sent: `description` rebuilds the upstream message from the fields.

extension JournalError: WireCodable {
    public func encode(into writer: inout BinaryWriter) {
        switch self {
        case .notFormatted:
            writer.write(UInt8(1))
        case .proposedEpochNotNewer(let proposed, let promised):
            writer.write(UInt8(2))
            writer.write(proposed)
            writer.write(promised)
        case .epochLessThanPromised(let epoch, let promised):
            writer.write(UInt8(3))
            writer.write(epoch)
            writer.write(promised)
        case .notWriterEpoch(let epoch, let writerEpoch):
            writer.write(UInt8(4))
            writer.write(epoch)
            writer.write(writerEpoch)
        case .committedTxIDBackward(let from, let to):
            writer.write(UInt8(5))
            writer.write(from)
            writer.write(to)
        case .noSegmentOpen:
            writer.write(UInt8(6))
        case .writerOutOfSync(let thinks, let current):
            writer.write(UInt8(7))
            writer.write(thinks)
            writer.write(current)
        case .unexpectedTxID(let first, let expected):
            writer.write(UInt8(8))
            writer.write(first)
            writer.write(expected)
        case .finalizedSegmentExists(let start):
            writer.write(UInt8(9))
            writer.write(start)
        case .segmentHasTransactions(let start):
            writer.write(UInt8(10))
            writer.write(start)
        case .finalizeLength(let start, let end, let written):
            writer.write(UInt8(11))
            writer.write(start)
            writer.write(end)
            writer.write(written)
        case .finalizeOnDiskLength(let start, let end, let onDisk):
            writer.write(UInt8(12))
            writer.write(start)
            writer.write(end)
            writer.write(onDisk)
        case .noLogToFinalize(let start):
            writer.write(UInt8(13))
            writer.write(start)
        case .refinalizeDifferentEnd(let start, let end, let existingEnd):
            writer.write(UInt8(14))
            writer.write(start)
            writer.write(end)
            writer.write(existingEnd)
        case .badRecoveryState(let segment):
            writer.write(UInt8(15))
            segment.encode(into: &writer)
        case .outOfOrderPaxos:
            writer.write(UInt8(16))
        case .wouldDiscardCommitted(let txid):
            writer.write(UInt8(17))
            writer.write(txid)
        case .synchronizeOverFinalized:
            writer.write(UInt8(18))
        case .finalizeUnacceptedSegment(let start, let writerEpoch, let epoch):
            writer.write(UInt8(19))
            writer.write(start)
            writer.write(writerEpoch)
            writer.write(epoch)
        }
    }

    public static func decode(from reader: inout BinaryReader) throws -> JournalError {
        switch try reader.readTag("JournalError") {
        case 1: return .notFormatted
        case 2: return .proposedEpochNotNewer(proposed: try reader.readUInt64("proposed"), promised: try reader.readUInt64("promised"))
        case 3: return .epochLessThanPromised(epoch: try reader.readUInt64("epoch"), promised: try reader.readUInt64("promised"))
        case 4: return .notWriterEpoch(epoch: try reader.readUInt64("epoch"), writerEpoch: try reader.readUInt64("writerEpoch"))
        case 5: return .committedTxIDBackward(from: try reader.readUInt64("from"), to: try reader.readUInt64("to"))
        case 6: return .noSegmentOpen
        case 7: return .writerOutOfSync(thinks: try reader.readUInt64("thinks"), current: try reader.readUInt64("current"))
        case 8: return .unexpectedTxID(first: try reader.readUInt64("first"), expected: try reader.readUInt64("expected"))
        case 9: return .finalizedSegmentExists(start: try reader.readUInt64("start"))
        case 10: return .segmentHasTransactions(start: try reader.readUInt64("start"))
        case 11:
            return .finalizeLength(start: try reader.readUInt64("start"), end: try reader.readUInt64("end"),
                                   written: try reader.readUInt64("written"))
        case 12:
            return .finalizeOnDiskLength(start: try reader.readUInt64("start"), end: try reader.readUInt64("end"),
                                         onDisk: try reader.readUInt64("onDisk"))
        case 13: return .noLogToFinalize(start: try reader.readUInt64("start"))
        case 14:
            return .refinalizeDifferentEnd(start: try reader.readUInt64("start"), end: try reader.readUInt64("end"),
                                           existingEnd: try reader.readUInt64("existingEnd"))
        case 15: return .badRecoveryState(segment: try SegmentState.decode(from: &reader))
        case 16: return .outOfOrderPaxos
        case 17: return .wouldDiscardCommitted(txid: try reader.readUInt64("txid"))
        case 18: return .synchronizeOverFinalized
        case 19:
            return .finalizeUnacceptedSegment(start: try reader.readUInt64("start"), writerEpoch: try reader.readUInt64("writerEpoch"),
                                              epoch: try reader.readUInt64("epoch"))
        case let tag: throw WireError.unknownTag(type: "JournalError", tag: tag)
        }
    }
}
