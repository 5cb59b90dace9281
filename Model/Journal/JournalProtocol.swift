/// The quorum journal protocol (QJournalProtocol) between a writer NameNode and a JournalNode,
/// as the model sees it: requests, responses and the upstream error texts.
///
/// Edit payload bytes are not part of the model. A segment is identified by its first and last
/// txid and by the epoch of the writer that wrote its edits: within one epoch one writer writes
/// each txid once, so `(txid, writerEpoch)` identifies an edit's content. The hosts ship the bytes
/// beside the metadata.

/// A writer's epoch (Hadoop: the QJM epoch, a proposal number).
public typealias Epoch = UInt64
/// A transaction id: the position of an edit in the namespace's log, from 1.
public typealias TxID = UInt64

/// The index of a JournalNode in the configured quorum (`qjournal://h1:p1;h2:p2;h3:p3/id`).
public typealias JournalNodeID = Int

/// `SegmentStateProto`: a segment's extent and whether it is still open.
public struct SegmentState: Hashable, Sendable, Codable, CustomStringConvertible {
    public var start: TxID
    /// The last txid in the segment; `start - 1` when it holds none.
    public var end: TxID
    public var inProgress: Bool

    public init(start: TxID, end: TxID, inProgress: Bool) {
        self.start = start
        self.end = end
        self.inProgress = inProgress
    }

    public var description: String { "[\(start)-\(end)\(inProgress ? " in-progress" : "")]" }
}

/// One segment file on a JournalNode: `edits_inprogress_<start>` or `edits_<start>-<end>`, with the
/// epoch of the writer whose edits it holds (which stands for its bytes).
public struct Segment: Hashable, Sendable, Codable, CustomStringConvertible {
    public var start: TxID
    /// The last txid written; `start - 1` when the segment is empty.
    public var end: TxID
    /// The epoch of the writer that wrote these edits (after a recovery: of the original writer).
    public var writerEpoch: Epoch
    public var finalized: Bool

    public init(start: TxID, end: TxID, writerEpoch: Epoch, finalized: Bool) {
        self.start = start
        self.end = end
        self.writerEpoch = writerEpoch
        self.finalized = finalized
    }

    public var isEmpty: Bool { end < start }
    public var txCount: UInt64 { isEmpty ? 0 : end - start + 1 }
    public var state: SegmentState { SegmentState(start: start, end: end, inProgress: !finalized) }
    public func contains(_ txid: TxID) -> Bool { txid >= start && txid <= end }

    public var description: String {
        (finalized ? "edits_\(start)-\(end)" : "edits_inprogress_\(start)\(isEmpty ? "(empty)" : "-\(end)")") + "@e\(writerEpoch)"
    }
}

/// `RequestInfoProto`: what every writer RPC carries (the journal id and IPC serial are the host's).
public struct RequestInfo: Hashable, Sendable, Codable {
    public var epoch: Epoch
    /// The highest txid the writer knows a quorum has; nil before it has committed anything.
    public var committedTxID: TxID?

    public init(epoch: Epoch, committedTxID: TxID?) {
        self.epoch = epoch
        self.committedTxID = committedTxID
    }
}

/// A request to a JournalNode.
public enum JournalRequest: Hashable, Sendable, Codable {
    case getJournalState
    case newEpoch(epoch: Epoch)
    case startLogSegment(RequestInfo, txid: TxID)
    /// Edits `firstTxID ..< firstTxID + count` of the segment starting at `segmentStart`, written in
    /// the request's epoch. `count == 0` only pushes the committed txid.
    case journal(RequestInfo, segmentStart: TxID, firstTxID: TxID, count: UInt64)
    case finalizeLogSegment(RequestInfo, start: TxID, end: TxID)
    case heartbeat(RequestInfo)
    case prepareRecovery(RequestInfo, segmentStart: TxID)
    /// Accept `segment`, whose edits were written in `writerEpoch`, copied from JournalNode `source`
    /// (upstream: downloaded from the `fromURL` of the best responder).
    case acceptRecovery(RequestInfo, segment: SegmentState, writerEpoch: Epoch, source: JournalNodeID)
    /// Anyone may ask: finalized segments from `sinceTxID`, and the open one if `inProgressOK`.
    /// `call` is echoed in the answer so a reader can tell its rounds apart (the RPC call id).
    case getEditLogManifest(sinceTxID: TxID, inProgressOK: Bool, call: UInt64)

    /// The upstream RPC name.
    public var name: String {
        switch self {
        case .getJournalState: return "getJournalState"
        case .newEpoch: return "newEpoch"
        case .startLogSegment: return "startLogSegment"
        case .journal: return "journal"
        case .finalizeLogSegment: return "finalizeLogSegment"
        case .heartbeat: return "heartbeat"
        case .prepareRecovery: return "prepareRecovery"
        case .acceptRecovery: return "acceptRecovery"
        case .getEditLogManifest: return "getEditLogManifest"
        }
    }

    /// The txid that tells this call from others of its kind in one epoch: the batch's first
    /// txid, the segment started, finalized or recovered.
    public var subject: TxID? {
        switch self {
        case .getJournalState, .newEpoch, .heartbeat, .getEditLogManifest: return nil
        case .startLogSegment(_, let txid): return txid
        case .journal(_, _, let first, _): return first
        case .finalizeLogSegment(_, let start, _): return start
        case .prepareRecovery(_, let start): return start
        case .acceptRecovery(_, let segment, _, _): return segment.start
        }
    }

    /// The epoch the request was sent in, if it carries one.
    public var epoch: Epoch? {
        switch self {
        case .getJournalState, .getEditLogManifest: return nil
        case .newEpoch(let epoch): return epoch
        case .startLogSegment(let info, _), .journal(let info, _, _, _), .finalizeLogSegment(let info, _, _),
             .heartbeat(let info), .prepareRecovery(let info, _), .acceptRecovery(let info, _, _, _):
            return info.epoch
        }
    }
}

/// `PrepareRecoveryResponseProto`.
public struct PrepareRecoveryResponse: Hashable, Sendable, Codable {
    /// The JournalNode's copy of the segment (or the value it accepted), if any.
    public var segment: SegmentState?
    /// The epoch of the writer whose edits `segment` holds.
    public var writerEpochOfSegment: Epoch
    /// Set when the JournalNode accepted a recovery value for this segment that is not finalized.
    public var acceptedInEpoch: Epoch?
    public var lastWriterEpoch: Epoch
    public var lastCommittedTxID: TxID?

    public init(segment: SegmentState?, writerEpochOfSegment: Epoch, acceptedInEpoch: Epoch?,
                lastWriterEpoch: Epoch, lastCommittedTxID: TxID?) {
        self.segment = segment
        self.writerEpochOfSegment = writerEpochOfSegment
        self.acceptedInEpoch = acceptedInEpoch
        self.lastWriterEpoch = lastWriterEpoch
        self.lastCommittedTxID = lastCommittedTxID
    }
}

/// A JournalNode's answer; each success echoes what it answers so the writer can match it.
public enum JournalResponse: Hashable, Sendable, Codable {
    case journalState(lastPromisedEpoch: Epoch)
    case newEpochAccepted(epoch: Epoch, lastSegmentStart: TxID?)
    case segmentStarted(epoch: Epoch, txid: TxID)
    case written(epoch: Epoch, firstTxID: TxID, count: UInt64)
    case finalized(epoch: Epoch, start: TxID, end: TxID)
    case heartbeatAccepted(epoch: Epoch)
    case recoveryPrepared(epoch: Epoch, segmentStart: TxID, PrepareRecoveryResponse)
    case recoveryAccepted(epoch: Epoch, segmentStart: TxID)
    case manifest(call: UInt64, segments: [Segment], committedTxID: TxID?)
    /// The request failed; `request`, `epoch` and `subject` identify the call (see
    /// `JournalRequest.subject`), `error` says why.
    case failed(request: String, epoch: Epoch?, subject: TxID?, error: JournalError)
}

/// Why a JournalNode refused a request, with the upstream exception texts.
public enum JournalError: Hashable, Sendable, Codable, CustomStringConvertible {
    case notFormatted
    case proposedEpochNotNewer(proposed: Epoch, promised: Epoch)
    case epochLessThanPromised(epoch: Epoch, promised: Epoch)
    case notWriterEpoch(epoch: Epoch, writerEpoch: Epoch)
    case committedTxIDBackward(from: TxID, to: TxID)
    case noSegmentOpen
    case writerOutOfSync(thinks: TxID, current: TxID)
    case unexpectedTxID(first: TxID, expected: TxID)
    case finalizedSegmentExists(start: TxID)
    case segmentHasTransactions(start: TxID)
    case finalizeLength(start: TxID, end: TxID, written: TxID)
    case finalizeOnDiskLength(start: TxID, end: TxID, onDisk: TxID)
    case noLogToFinalize(start: TxID)
    case refinalizeDifferentEnd(start: TxID, end: TxID, existingEnd: TxID)
    case badRecoveryState(segment: SegmentState)
    case outOfOrderPaxos
    case wouldDiscardCommitted(txid: TxID)
    case synchronizeOverFinalized
    /// Ours (upstream finalizes any in-progress segment of the right length): the segment was
    /// written in another epoch and not accepted in the requester's.
    case finalizeUnacceptedSegment(start: TxID, writerEpoch: Epoch, epoch: Epoch)

    /// The text of the upstream exception (`Journal.java`), journal id left to the host.
    public var description: String {
        switch self {
        case .notFormatted: return "Journal not formatted"
        case .proposedEpochNotNewer(let proposed, let promised):
            return "Proposed epoch \(proposed) <= last promise \(promised)"
        case .epochLessThanPromised(let epoch, let promised):
            return "IPC's epoch \(epoch) is less than the last promised epoch \(promised)"
        case .notWriterEpoch(let epoch, let writerEpoch):
            return "IPC's epoch \(epoch) is not the current writer epoch  \(writerEpoch)"
        case .committedTxIDBackward(let from, let to):
            return "Client trying to move committed txid backward from \(from) to \(to)"
        case .noSegmentOpen: return "Can't write, no segment open"
        case .writerOutOfSync(let thinks, let current):
            return "Writer out of sync: it thinks it is writing segment \(thinks) but current segment is \(current)"
        case .unexpectedTxID(let first, let expected): return "Can't write txid \(first) expecting nextTxId=\(expected)"
        case .finalizedSegmentExists(let start):
            return "Already have a finalized segment edits_\(start) beginning at \(start)"
        case .segmentHasTransactions(let start):
            return "The log file edits_inprogress_\(start) seems to contain valid transactions"
        case .finalizeLength(let start, let end, let written):
            return "Trying to finalize in-progress log segment \(start) to end at txid \(end) but only written up to txid \(written)"
        case .finalizeOnDiskLength(let start, let end, let onDisk):
            return "Trying to finalize in-progress log segment \(start) to end at txid \(end) but log edits_inprogress_\(start) on disk only contains up to txid \(onDisk)"
        case .noLogToFinalize(let start): return "No log file to finalize at transaction ID \(start)"
        case .refinalizeDifferentEnd(let start, let end, let existingEnd):
            return "Trying to re-finalize already finalized log edits_\(start)-\(existingEnd) with different endTxId \(end)"
        case .badRecoveryState(let segment): return "bad recovery state for segment \(segment.start): \(segment)"
        case .outOfOrderPaxos: return "Bad paxos transition, out-of-order epochs."
        case .wouldDiscardCommitted(let txid): return "Cannot replace segment: would discard already-committed txn \(txid)"
        case .synchronizeOverFinalized:
            return "Should never be asked to synchronize a different log on top of an already-finalized segment"
        case .finalizeUnacceptedSegment(let start, let writerEpoch, let epoch):
            return "Trying to finalize in-progress log segment \(start) written in epoch \(writerEpoch), "
                + "which epoch \(epoch) neither wrote nor accepted"
        }
    }
}
