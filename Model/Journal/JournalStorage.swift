/// What a JournalNode keeps on disk, and the writes that change it.
///
/// `JournalDurableState` is exactly what survives a crash: the promised and writer epochs, the
/// committed txid, the segment files, the Paxos records of recoveries and any temporary segment
/// a recovery downloaded. It changes only through `apply(_:)`, one `JournalWrite` at a time, and
/// the host performs the same writes on disk, in the same order, each made durable before the
/// next. A crash between two writes of one step leaves the state after the first ones: the
/// checker explores those states too.

/// `PersistedRecoveryPaxosData` for one segment: the value accepted in `acceptedInEpoch`.
public struct PaxosRecord: Hashable, Sendable, Codable, CustomStringConvertible {
    public var segment: SegmentState
    public var acceptedInEpoch: Epoch
    /// The epoch of the writer whose edits the accepted segment holds.
    public var writerEpoch: Epoch

    public init(segment: SegmentState, acceptedInEpoch: Epoch, writerEpoch: Epoch) {
        self.segment = segment
        self.acceptedInEpoch = acceptedInEpoch
        self.writerEpoch = writerEpoch
    }

    public var description: String { "paxos/\(segment.start)=\(segment)@e\(writerEpoch) accepted in \(acceptedInEpoch)" }
}

/// A segment downloaded by acceptRecovery and not yet renamed into place:
/// `edits_inprogress_<start>.epoch=<acceptedInEpoch>`.
public struct TemporarySegment: Hashable, Sendable, Codable, CustomStringConvertible {
    public var end: TxID
    public var start: TxID
    public var acceptedInEpoch: Epoch
    public var writerEpoch: Epoch

    public init(start: TxID, end: TxID, acceptedInEpoch: Epoch, writerEpoch: Epoch) {
        self.start = start
        self.end = end
        self.acceptedInEpoch = acceptedInEpoch
        self.writerEpoch = writerEpoch
    }

    public var description: String { "edits_inprogress_\(start).epoch=\(acceptedInEpoch)(\(start)-\(end)@e\(writerEpoch))" }
}

/// One durable change to a JournalNode's storage.
public enum JournalWrite: Hashable, Sendable, Codable {
    /// `last-promised-epoch` (atomic, fsync'd).
    case promisedEpoch(Epoch)
    /// `last-writer-epoch` (atomic, fsync'd).
    case writerEpoch(Epoch)
    /// `committed-txid` (upstream: best effort, not fsync'd; the model keeps it).
    case committedTxID(TxID)
    /// Create an empty `edits_inprogress_<start>`, replacing an in-progress file with that start.
    case openSegment(start: TxID, writerEpoch: Epoch)
    /// Append edits to the in-progress segment `segmentStart` (fsync'd unless already committed).
    case appendEdits(segmentStart: TxID, firstTxID: TxID, count: UInt64, fsync: Bool)
    /// Rename `edits_inprogress_<start>` to `edits_<start>-<end>`.
    case finalizeSegment(start: TxID, end: TxID)
    /// Move an in-progress segment with no edits aside (`.empty`).
    case moveAsideEmptySegment(start: TxID)
    /// `paxos/<start>` (atomic, fsync'd): the commit point of acceptRecovery.
    case persistPaxos(PaxosRecord)
    case deletePaxos(segmentStart: TxID)
    /// Download the accepted segment from JournalNode `source` into a temporary file.
    case downloadSegment(TemporarySegment, source: JournalNodeID)
    /// Rename the temporary file over `edits_inprogress_<start>`.
    case promoteTemporarySegment(start: TxID, acceptedInEpoch: Epoch)
}

/// Everything a JournalNode keeps across a crash.
public struct JournalDurableState: Hashable, Sendable, Codable {
    public var formatted: Bool
    public var promisedEpoch: Epoch = 0
    public var writerEpoch: Epoch = 0
    public var committedTxID: TxID? = nil
    /// Segment files, sorted by start.
    public var segments: [Segment] = []
    /// Paxos records, sorted by segment start.
    public var paxos: [PaxosRecord] = []
    /// Downloaded segments not yet renamed into place, sorted by start.
    public var temporary: [TemporarySegment] = []

    public init(formatted: Bool) { self.formatted = formatted }

    public func segment(startingAt start: TxID) -> Segment? { segments.first { $0.start == start } }
    public func paxos(for start: TxID) -> PaxosRecord? { paxos.first { $0.segment.start == start } }

    /// The highest txid in any segment file (upstream: `highestWrittenTxId` after a scan).
    public var highestTxID: TxID { segments.filter { !$0.isEmpty }.map(\.end).max() ?? 0 }

    /// The writer epoch of `txid` on this JournalNode, if a segment holds it.
    public func writerEpoch(of txid: TxID) -> Epoch? { segments.first { $0.contains(txid) }?.writerEpoch }

    /// Applies one write, as the host does on disk.
    public mutating func apply(_ write: JournalWrite) {
        switch write {
        case .promisedEpoch(let epoch): promisedEpoch = epoch
        case .writerEpoch(let epoch): writerEpoch = epoch
        case .committedTxID(let txid): committedTxID = txid
        case .openSegment(let start, let epoch):
            segments.removeAll { $0.start == start && !$0.finalized }
            insertSorted(Segment(start: start, end: start &- 1, writerEpoch: epoch, finalized: false))
        case .appendEdits(let segmentStart, _, let count, _):
            guard let index = segments.firstIndex(where: { $0.start == segmentStart && !$0.finalized }) else {
                preconditionFailure("Internal inconsistency: append to a missing segment \(segmentStart)")
            }
            segments[index].end &+= count
        case .finalizeSegment(let start, let end):
            guard let index = segments.firstIndex(where: { $0.start == start }) else {
                preconditionFailure("Internal inconsistency: finalize of a missing segment \(start)")
            }
            segments[index].finalized = true
            // A correct JournalNode only finalizes a segment holding exactly start...end; the
            // mutation without the length check keeps what it really holds.
            if segments[index].end > end { segments[index].end = end }
        case .moveAsideEmptySegment(let start):
            segments.removeAll { $0.start == start && !$0.finalized && $0.isEmpty }
        case .persistPaxos(let record):
            paxos.removeAll { $0.segment.start == record.segment.start }
            paxos.append(record)
            paxos.sort { $0.segment.start < $1.segment.start }
        case .deletePaxos(let start):
            paxos.removeAll { $0.segment.start == start }
        case .downloadSegment(let temporarySegment, _):
            temporary.removeAll { $0.start == temporarySegment.start && $0.acceptedInEpoch == temporarySegment.acceptedInEpoch }
            temporary.append(temporarySegment)
            temporary.sort { ($0.start, $0.acceptedInEpoch) < ($1.start, $1.acceptedInEpoch) }
        case .promoteTemporarySegment(let start, let acceptedInEpoch):
            guard let index = temporary.firstIndex(where: { $0.start == start && $0.acceptedInEpoch == acceptedInEpoch })
            else { preconditionFailure("Internal inconsistency: no temporary segment \(start).epoch=\(acceptedInEpoch)") }
            let promoted = temporary.remove(at: index)
            segments.removeAll { $0.start == start && !$0.finalized }
            insertSorted(Segment(start: start, end: promoted.end, writerEpoch: promoted.writerEpoch, finalized: false))
        }
    }

    private mutating func insertSorted(_ segment: Segment) {
        let index = segments.firstIndex { $0.start > segment.start } ?? segments.count
        segments.insert(segment, at: index)
    }
}
