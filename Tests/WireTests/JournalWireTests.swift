import Model
import Support
import XCTest
@testable import Wire

/// Every case of every journal message survives encode → decode, tags are pinned, and bad bytes
/// are refused with an error naming the type, tag or field.
final class JournalWireTests: XCTestCase {
    private let info = RequestInfo(epoch: 3, committedTxID: 17)
    private let infoWithoutCommit = RequestInfo(epoch: 1, committedTxID: nil)
    private let namespace = NamespaceInfo(namespaceID: -12345, clusterID: "CID-test", blockPoolID: "BP-1-127.0.0.1-1",
                                          cTime: 99)

    private var requests: [JournalRequest] {
        [.getJournalState, .newEpoch(epoch: 4), .startLogSegment(info, txid: 18),
         .journal(info, segmentStart: 18, firstTxID: 20, count: 3), .journal(infoWithoutCommit, segmentStart: 1, firstTxID: 1, count: 0),
         .finalizeLogSegment(info, start: 1, end: 17), .heartbeat(infoWithoutCommit), .prepareRecovery(info, segmentStart: 18),
         .acceptRecovery(info, segment: SegmentState(start: 18, end: 25, inProgress: true), writerEpoch: 2, source: 2),
         .getEditLogManifest(sinceTxID: 1, inProgressOK: true, call: 77), .getEditLogManifest(sinceTxID: 5, inProgressOK: false, call: 0)]
    }

    private var errors: [JournalError] {
        [.notFormatted, .proposedEpochNotNewer(proposed: 2, promised: 3), .epochLessThanPromised(epoch: 1, promised: 2),
         .notWriterEpoch(epoch: 3, writerEpoch: 2), .committedTxIDBackward(from: 10, to: 9), .noSegmentOpen,
         .writerOutOfSync(thinks: 1, current: 5), .unexpectedTxID(first: 7, expected: 6), .finalizedSegmentExists(start: 1),
         .segmentHasTransactions(start: 4), .finalizeLength(start: 1, end: 9, written: 8),
         .finalizeOnDiskLength(start: 1, end: 9, onDisk: 7), .noLogToFinalize(start: 3),
         .refinalizeDifferentEnd(start: 1, end: 9, existingEnd: 8),
         .badRecoveryState(segment: SegmentState(start: 5, end: 4, inProgress: false)), .outOfOrderPaxos,
         .wouldDiscardCommitted(txid: 12), .synchronizeOverFinalized,
         .finalizeUnacceptedSegment(start: 1, writerEpoch: 1, epoch: 3)]
    }

    private var responses: [JournalResponse] {
        let prepared = PrepareRecoveryResponse(segment: SegmentState(start: 18, end: 30, inProgress: true), writerEpochOfSegment: 2,
                                               acceptedInEpoch: 3, lastWriterEpoch: 2, lastCommittedTxID: 25)
        let preparedEmpty = PrepareRecoveryResponse(segment: nil, writerEpochOfSegment: 0, acceptedInEpoch: nil,
                                                    lastWriterEpoch: 0, lastCommittedTxID: nil)
        return [.journalState(lastPromisedEpoch: 3), .newEpochAccepted(epoch: 4, lastSegmentStart: 18),
                .newEpochAccepted(epoch: 1, lastSegmentStart: nil), .segmentStarted(epoch: 3, txid: 18),
                .written(epoch: 3, firstTxID: 20, count: 3), .finalized(epoch: 3, start: 1, end: 17),
                .heartbeatAccepted(epoch: 3), .recoveryPrepared(epoch: 4, segmentStart: 18, prepared),
                .recoveryPrepared(epoch: 4, segmentStart: 18, preparedEmpty), .recoveryAccepted(epoch: 4, segmentStart: 18),
                .manifest(call: 9, segments: [Segment(start: 1, end: 17, writerEpoch: 1, finalized: true),
                                              Segment(start: 18, end: 17, writerEpoch: 3, finalized: false)], committedTxID: 17),
                .manifest(call: 0, segments: [], committedTxID: nil)]
            + errors.map { .failed(request: "journal", epoch: 3, subject: 20, error: $0) }
            + [.failed(request: "getJournalState", epoch: nil, subject: nil, error: .notFormatted)]
    }

    private var calls: [JournalCall] {
        requests.map { .protocolRequest(journalID: "myjournal", $0, edits: [], namespace: nil) }
            + [.protocolRequest(journalID: "j", .journal(info, segmentStart: 18, firstTxID: 20, count: 2), edits: [1, 2, 3, 0, 255],
                                namespace: nil),
               .protocolRequest(journalID: "j", .newEpoch(epoch: 5), edits: [], namespace: namespace),
               .format(journalID: "j", namespace, force: true), .format(journalID: "ünïcode", namespace, force: false),
               .isFormatted(journalID: "j"), .getJournaledEdits(journalID: "j", sinceTxID: 18, maxTransactions: 5000),
               .fetchSegment(journalID: "j", segmentStart: 18, endTxID: 30)]
    }

    private var replies: [JournalReply] {
        responses.map { .protocolResponse($0) }
            + [.formatted, .isFormatted(true), .isFormatted(false), .journaledEdits(firstTxID: 18, count: 2, edits: [9, 8, 7]),
               .journaledEdits(firstTxID: 18, count: 0, edits: []), .segment(writerEpoch: 2, edits: [1, 2]),
               .error(className: "java.io.IOException", message: "Journal /data/jn/j not formatted ; journal id: j")]
    }

    /// The samples cover every case: these switches stop compiling when the model adds one.
    func testSamplesCoverEveryCase() {
        func name(_ request: JournalRequest) -> String { request.name }
        func name(_ error: JournalError) -> String {
            switch error {
            case .notFormatted: return "notFormatted"
            case .proposedEpochNotNewer: return "proposedEpochNotNewer"
            case .epochLessThanPromised: return "epochLessThanPromised"
            case .notWriterEpoch: return "notWriterEpoch"
            case .committedTxIDBackward: return "committedTxIDBackward"
            case .noSegmentOpen: return "noSegmentOpen"
            case .writerOutOfSync: return "writerOutOfSync"
            case .unexpectedTxID: return "unexpectedTxID"
            case .finalizedSegmentExists: return "finalizedSegmentExists"
            case .segmentHasTransactions: return "segmentHasTransactions"
            case .finalizeLength: return "finalizeLength"
            case .finalizeOnDiskLength: return "finalizeOnDiskLength"
            case .noLogToFinalize: return "noLogToFinalize"
            case .refinalizeDifferentEnd: return "refinalizeDifferentEnd"
            case .badRecoveryState: return "badRecoveryState"
            case .outOfOrderPaxos: return "outOfOrderPaxos"
            case .wouldDiscardCommitted: return "wouldDiscardCommitted"
            case .synchronizeOverFinalized: return "synchronizeOverFinalized"
            case .finalizeUnacceptedSegment: return "finalizeUnacceptedSegment"
            }
        }
        func name(_ response: JournalResponse) -> String {
            switch response {
            case .journalState: return "journalState"
            case .newEpochAccepted: return "newEpochAccepted"
            case .segmentStarted: return "segmentStarted"
            case .written: return "written"
            case .finalized: return "finalized"
            case .heartbeatAccepted: return "heartbeatAccepted"
            case .recoveryPrepared: return "recoveryPrepared"
            case .recoveryAccepted: return "recoveryAccepted"
            case .manifest: return "manifest"
            case .failed: return "failed"
            }
        }
        func name(_ call: JournalCall) -> String {
            switch call {
            case .protocolRequest: return "protocolRequest"
            case .format: return "format"
            case .isFormatted: return "isFormatted"
            case .getJournaledEdits: return "getJournaledEdits"
            case .fetchSegment: return "fetchSegment"
            }
        }
        func name(_ reply: JournalReply) -> String {
            switch reply {
            case .protocolResponse: return "protocolResponse"
            case .formatted: return "formatted"
            case .isFormatted: return "isFormatted"
            case .journaledEdits: return "journaledEdits"
            case .segment: return "segment"
            case .error: return "error"
            }
        }
        XCTAssertEqual(Set(requests.map(name)).count, 9)
        XCTAssertEqual(Set(errors.map(name)).count, 19)
        XCTAssertEqual(Set(responses.map(name)).count, 10)
        XCTAssertEqual(Set(calls.map(name)).count, 5)
        XCTAssertEqual(Set(replies.map(name)).count, 6)
    }

    func testEveryCaseRoundTrips() throws {
        for request in requests { XCTAssertEqual(try JournalRequest.decode(request.encode()), request) }
        for error in errors {
            let decoded = try JournalError.decode(error.encode())
            XCTAssertEqual(decoded, error)
            XCTAssertEqual(decoded.description, error.description, "the upstream text is rebuilt from the fields")
        }
        for response in responses { XCTAssertEqual(try JournalResponse.decode(response.encode()), response) }
        for call in calls { XCTAssertEqual(try JournalCall.decode(call.encode()), call) }
        for reply in replies { XCTAssertEqual(try JournalReply.decode(reply.encode()), reply) }
        XCTAssertEqual(try NamespaceInfo.decode(namespace.encode()), namespace)
    }

    /// Tags are part of the wire format: pin some encodings byte for byte.
    func testTagsAndLayoutArePinned() {
        XCTAssertEqual(JournalRequest.newEpoch(epoch: 7).encode(), [2, 0, 0, 0, 0, 0, 0, 0, 7])
        XCTAssertEqual(JournalRequest.heartbeat(RequestInfo(epoch: 1, committedTxID: nil)).encode(),
                       [6, 0, 0, 0, 0, 0, 0, 0, 1, 0])
        XCTAssertEqual(JournalError.synchronizeOverFinalized.encode(), [18])
        XCTAssertEqual(JournalResponse.failed(request: "x", epoch: nil, subject: nil, error: .notFormatted).encode(),
                       [10, 0, 0, 0, 1, UInt8(ascii: "x"), 0, 0, 1])
        XCTAssertEqual(JournalCall.isFormatted(journalID: "j").encode(), [3, 0, 0, 0, 1, UInt8(ascii: "j")])
        XCTAssertEqual(JournalReply.formatted.encode(), [2])
    }

    func testUnknownTagsAreNamed() {
        XCTAssertThrowsError(try JournalCall.decode([99])) { error in
            XCTAssertEqual(error as? WireError, .unknownTag(type: "JournalCall", tag: 99))
            XCTAssertEqual("\(error)", "unknown JournalCall tag 99")
        }
        XCTAssertThrowsError(try JournalReply.decode([1, 0])) { error in
            XCTAssertEqual(error as? WireError, .unknownTag(type: "JournalResponse", tag: 0))
        }
        XCTAssertThrowsError(try JournalReply.decode([1, 10, 0, 0, 0, 0, 0, 0, 20])) { error in
            XCTAssertEqual(error as? WireError, .unknownTag(type: "JournalError", tag: 20))
        }
        XCTAssertThrowsError(try JournalCall.decode([1, 0, 0, 0, 0, 10])) { error in
            XCTAssertEqual(error as? WireError, .unknownTag(type: "JournalRequest", tag: 10))
        }
    }

    func testTruncatedAndTrailingBytesAndBadValuesAreRefused() {
        let bytes = JournalRequest.newEpoch(epoch: 7).encode()
        XCTAssertThrowsError(try JournalRequest.decode(Array(bytes.dropLast()))) { error in
            XCTAssertEqual(error as? BinaryError, .truncated(field: "newEpoch.epoch", needed: 8, available: 7))
        }
        XCTAssertThrowsError(try JournalRequest.decode(bytes + [0, 0])) { error in
            XCTAssertEqual(error as? WireError, .trailingBytes(type: "JournalRequest", count: 2))
            XCTAssertEqual("\(error)", "2 trailing bytes after a JournalRequest")
        }
        XCTAssertThrowsError(try JournalReply.decode([3, 2])) { error in
            XCTAssertEqual(error as? BinaryError, .invalid(field: "isFormatted", detail: "boolean byte 2"))
        }
        var manifest = BinaryWriter()
        manifest.write(UInt8(9))
        manifest.write(UInt64(1))
        manifest.write(UInt32(1000))
        XCTAssertThrowsError(try JournalResponse.decode(manifest.bytes), "a count larger than the bytes left") { error in
            guard case .truncated(let field, _, _)? = error as? BinaryError else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "manifest.segments")
        }
        var recovery = BinaryWriter()
        JournalRequest.acceptRecovery(info, segment: SegmentState(start: 1, end: 2, inProgress: false), writerEpoch: 1, source: 0)
            .encode(into: &recovery)
        var negative = recovery.bytes
        negative.replaceSubrange((negative.count - 8)..., with: [UInt8](repeating: 0xFF, count: 8))
        XCTAssertThrowsError(try JournalRequest.decode(negative)) { error in
            XCTAssertEqual(error as? BinaryError, .invalid(field: "acceptRecovery.source", detail: "journal node index -1"))
        }
    }
}
