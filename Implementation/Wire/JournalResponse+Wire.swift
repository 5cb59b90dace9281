import Model
import Support

// The model's response-side values of the journal protocol. Tags are listed in README.md; a
// case added to the model breaks these exhaustive switches until it has a tag.

extension PrepareRecoveryResponse: WireCodable {
    public func encode(into writer: inout BinaryWriter) {
        writer.write(optional: segment)
        writer.write(writerEpochOfSegment)
        writer.write(acceptedInEpoch)
        writer.write(lastWriterEpoch)
        writer.write(lastCommittedTxID)
    }

    public static func decode(from reader: inout BinaryReader) throws -> PrepareRecoveryResponse {
        PrepareRecoveryResponse(segment: try reader.readOptional("prepareRecovery.segment", SegmentState.self),
                                writerEpochOfSegment: try reader.readUInt64("prepareRecovery.writerEpochOfSegment"),
                                acceptedInEpoch: try reader.readOptionalUInt64("prepareRecovery.acceptedInEpoch"),
                                lastWriterEpoch: try reader.readUInt64("prepareRecovery.lastWriterEpoch"),
                                lastCommittedTxID: try reader.readOptionalUInt64("prepareRecovery.lastCommittedTxID"))
    }
}

extension JournalResponse: WireCodable {
    /// The most segments one manifest may list.
    public static let manifestSegmentsMax = 1 << 20

    public func encode(into writer: inout BinaryWriter) {
        switch self {
        case .journalState(let lastPromisedEpoch):
            writer.write(UInt8(1))
            writer.write(lastPromisedEpoch)
        case .newEpochAccepted(let epoch, let lastSegmentStart):
            writer.write(UInt8(2))
            writer.write(epoch)
            writer.write(lastSegmentStart)
        case .segmentStarted(let epoch, let txid):
            writer.write(UInt8(3))
            writer.write(epoch)
            writer.write(txid)
        case .written(let epoch, let firstTxID, let count):
            writer.write(UInt8(4))
            writer.write(epoch)
            writer.write(firstTxID)
            writer.write(count)
        case .finalized(let epoch, let start, let end):
            writer.write(UInt8(5))
            writer.write(epoch)
            writer.write(start)
            writer.write(end)
        case .heartbeatAccepted(let epoch):
            writer.write(UInt8(6))
            writer.write(epoch)
        case .recoveryPrepared(let epoch, let segmentStart, let response):
            writer.write(UInt8(7))
            writer.write(epoch)
            writer.write(segmentStart)
            response.encode(into: &writer)
        case .recoveryAccepted(let epoch, let segmentStart):
            writer.write(UInt8(8))
            writer.write(epoch)
            writer.write(segmentStart)
        case .manifest(let call, let segments, let committedTxID):
            writer.write(UInt8(9))
            writer.write(call)
            writer.write(UInt32(segments.count))
            for segment in segments { segment.encode(into: &writer) }
            writer.write(committedTxID)
        case .failed(let request, let epoch, let subject, let error):
            writer.write(UInt8(10))
            writer.write(request)
            writer.write(epoch)
            writer.write(subject)
            error.encode(into: &writer)
        }
    }

    public static func decode(from reader: inout BinaryReader) throws -> JournalResponse {
        switch try reader.readTag("JournalResponse") {
        case 1:
            return .journalState(lastPromisedEpoch: try reader.readUInt64("journalState.lastPromisedEpoch"))
        case 2:
            return .newEpochAccepted(epoch: try reader.readUInt64("newEpochAccepted.epoch"),
                                     lastSegmentStart: try reader.readOptionalUInt64("newEpochAccepted.lastSegmentStart"))
        case 3:
            return .segmentStarted(epoch: try reader.readUInt64("segmentStarted.epoch"),
                                   txid: try reader.readUInt64("segmentStarted.txid"))
        case 4:
            return .written(epoch: try reader.readUInt64("written.epoch"), firstTxID: try reader.readUInt64("written.firstTxID"),
                            count: try reader.readUInt64("written.count"))
        case 5:
            return .finalized(epoch: try reader.readUInt64("finalized.epoch"), start: try reader.readUInt64("finalized.start"),
                              end: try reader.readUInt64("finalized.end"))
        case 6:
            return .heartbeatAccepted(epoch: try reader.readUInt64("heartbeatAccepted.epoch"))
        case 7:
            return .recoveryPrepared(epoch: try reader.readUInt64("recoveryPrepared.epoch"),
                                     segmentStart: try reader.readUInt64("recoveryPrepared.segmentStart"),
                                     try PrepareRecoveryResponse.decode(from: &reader))
        case 8:
            return .recoveryAccepted(epoch: try reader.readUInt64("recoveryAccepted.epoch"),
                                     segmentStart: try reader.readUInt64("recoveryAccepted.segmentStart"))
        case 9:
            let call = try reader.readUInt64("manifest.call")
            let count = try reader.readCount("manifest.segments", itemBytesMin: Segment.encodedBytesMin,
                                             limit: manifestSegmentsMax)
            var segments: [Segment] = []
            segments.reserveCapacity(count)
            for _ in 0..<count { segments.append(try Segment.decode(from: &reader)) }
            return .manifest(call: call, segments: segments,
                             committedTxID: try reader.readOptionalUInt64("manifest.committedTxID"))
        case 10:
            return .failed(request: try reader.readString("failed.request"),
                           epoch: try reader.readOptionalUInt64("failed.epoch"),
                           subject: try reader.readOptionalUInt64("failed.subject"),
                           error: try JournalError.decode(from: &reader))
        case let tag:
            throw WireError.unknownTag(type: "JournalResponse", tag: tag)
        }
    }
}
