/// A JournalNode's journal as a deterministic state machine (upstream: `Journal.java`).
///
/// `step` takes one request and returns effects in order: durable writes (`persist`), each of
/// which the host makes durable before executing the next effect, then the reply. Nothing is
/// decided outside this type: the host decodes, calls `step`, executes.
public struct JournalNode: Hashable, Sendable, Codable {
    /// Who a request came from and a reply goes to (a NameNode index, or a reader's).
    public typealias Peer = Int

    public enum Input: Hashable, Sendable, Codable {
        case request(from: Peer, JournalRequest)
    }

    public enum Effect: Hashable, Sendable, Codable {
        case persist(JournalWrite)
        case reply(to: Peer, JournalResponse)
        case log(String)
    }

    /// What a crash loses.
    public struct Volatile: Hashable, Sendable, Codable {
        /// `curSegmentTxId`: the segment open for writing, if any.
        public var currentSegment: TxID?
        /// `nextTxId` of the open segment.
        public var nextTxID: TxID = 0
        /// Only under `Mutation.promiseNotPersisted`: a promise held in memory alone.
        public var unpersistedPromise: Epoch?
        /// Only under `Mutation.acceptNotPersisted`: accepted recovery values held in memory
        /// alone, sorted by segment start.
        public var unpersistedPaxos: [PaxosRecord] = []

        public init() {}
    }

    public let id: JournalNodeID
    public let mutation: Mutation?
    /// Whether the request being handled came in below the promise (read by the mutation only).
    private var staleRequest = false
    public private(set) var durable: JournalDurableState
    public internal(set) var volatile = Volatile()

    /// A JournalNode starting (or restarting after a crash) from what is on disk.
    public init(id: JournalNodeID, durable: JournalDurableState, mutation: Mutation? = nil) {
        self.id = id
        self.durable = durable
        self.mutation = mutation
    }

    /// The promise this JournalNode acts on.
    public var promisedEpoch: Epoch { max(durable.promisedEpoch, volatile.unpersistedPromise ?? 0) }

    /// The recovery value this JournalNode accepted for the segment at `start` and reports to
    /// prepareRecovery (its Paxos vote): the paxos record on disk, or under
    /// `Mutation.acceptNotPersisted` the one held in memory.
    public func acceptedValue(for start: TxID) -> PaxosRecord? {
        volatile.unpersistedPaxos.first { $0.segment.start == start } ?? durable.paxos(for: start)
    }

    /// The first of `earlier` (accepted values this node reported before) that it no longer
    /// reports, neither as it was nor as accepted in a later epoch. Only `request`, the step in
    /// between, may end a vote: a finalize of its segment, or a new segment started over it.
    /// Nil when every vote is kept (AcceptedRecoveryNeverForgotten, in the checker and trace-check).
    public func forgottenAcceptedValue(of earlier: [PaxosRecord], across request: JournalRequest?) -> PaxosRecord? {
        earlier.first { record in
            let start = record.segment.start
            if let kept = acceptedValue(for: start), kept.acceptedInEpoch >= record.acceptedInEpoch { return false }
            switch request {
            case .finalizeLogSegment(_, let segmentStart, _)?, .startLogSegment(_, let segmentStart)?:
                return segmentStart != start
            default:
                return true
            }
        }
    }

    /// Whether this JournalNode acts on exactly the accepted values `other` acts on (a cheap
    /// test before `forgottenAcceptedValue`: the records on disk and in memory are the same).
    public func hasTheAcceptedValues(of other: JournalNode) -> Bool {
        durable.paxos == other.durable.paxos && volatile.unpersistedPaxos == other.volatile.unpersistedPaxos
    }

    /// Every accepted value this JournalNode acts on, by segment start.
    public var acceptedValues: [PaxosRecord] {
        guard !volatile.unpersistedPaxos.isEmpty else { return durable.paxos }
        let onDiskOnly = durable.paxos.filter { record in
            !volatile.unpersistedPaxos.contains { $0.segment.start == record.segment.start }
        }
        return (volatile.unpersistedPaxos + onDiskOnly)
            .sorted { $0.segment.start < $1.segment.start }
    }

    /// A request's failure: the reply carries the request's name, its epoch and the reason.
    private struct Refusal: Error {
        var error: JournalError
    }

    public mutating func step(_ input: Input) -> [Effect] {
        guard case .request(let peer, let request) = input else { return [] }
        var effects: [Effect] = []
        let response: JournalResponse
        do {
            response = try handle(request, effects: &effects)
        } catch let refusal as Refusal {
            response = .failed(request: request.name, epoch: request.epoch, subject: request.subject, error: refusal.error)
        } catch {
            fatalError("Internal inconsistency: unexpected error \(error)")
        }
        effects.append(.reply(to: peer, response))
        return effects
    }

    private mutating func write(_ write: JournalWrite, _ effects: inout [Effect]) {
        durable.apply(write)
        effects.append(.persist(write))
    }

    private mutating func handle(_ request: JournalRequest, effects: inout [Effect]) throws -> JournalResponse {
        guard durable.formatted else { throw Refusal(error: .notFormatted) }
        if case .getEditLogManifest(let since, let inProgressOK, let call) = request {
            return manifest(since: since, inProgressOK: inProgressOK, call: call)
        }
        switch request {
        case .getJournalState:
            return .journalState(lastPromisedEpoch: promisedEpoch)
        case .newEpoch(let epoch):
            return try newEpoch(epoch, &effects)
        case .heartbeat(let info):
            try checkRequest(info, &effects)
            return .heartbeatAccepted(epoch: info.epoch)
        case .startLogSegment(let info, let txid):
            return try startLogSegment(info, txid: txid, &effects)
        case .journal(let info, let segmentStart, let firstTxID, let count):
            return try journal(info, segmentStart: segmentStart, firstTxID: firstTxID, count: count, &effects)
        case .finalizeLogSegment(let info, let start, let end):
            return try finalizeLogSegment(info, start: start, end: end, &effects)
        case .prepareRecovery(let info, let segmentStart):
            return try prepareRecovery(info, segmentStart: segmentStart, &effects)
        case .acceptRecovery(let info, let segment, let writerEpoch, let source):
            return try acceptRecovery(info, segment: segment, writerEpoch: writerEpoch, source: source, &effects)
        case .getEditLogManifest:
            fatalError("Internal inconsistency: handled above")
        }
    }

    // MARK: - Epochs

    private mutating func newEpoch(_ epoch: Epoch, _ effects: inout [Effect]) throws -> JournalResponse {
        guard epoch > promisedEpoch else {
            throw Refusal(error: .proposedEpochNotNewer(proposed: epoch, promised: promisedEpoch))
        }
        promise(epoch, &effects)
        abortCurrentSegment()
        // Rescan: empty in-progress segments are moved aside and do not count as the last segment.
        for segment in durable.segments where segment.isEmpty && !segment.finalized {
            write(.moveAsideEmptySegment(start: segment.start), &effects)
        }
        return .newEpochAccepted(epoch: epoch, lastSegmentStart: durable.segments.last { !$0.isEmpty }?.start)
    }

    private mutating func promise(_ epoch: Epoch, _ effects: inout [Effect]) {
        if mutation == .promiseNotPersisted {
            volatile.unpersistedPromise = epoch
        } else {
            write(.promisedEpoch(epoch), &effects)
        }
    }

    /// `checkRequest`: a lower epoch is refused, a higher one silently raises the promise, and the
    /// committed txid the writer carries never moves backward.
    private mutating func checkRequest(_ info: RequestInfo, _ effects: inout [Effect]) throws {
        staleRequest = info.epoch < promisedEpoch
        if info.epoch < promisedEpoch && mutation != .staleEpochAccepted {
            throw Refusal(error: .epochLessThanPromised(epoch: info.epoch, promised: promisedEpoch))
        }
        if info.epoch > promisedEpoch { promise(info.epoch, &effects) }
        if let committed = info.committedTxID {
            if let current = durable.committedTxID, committed < current {
                throw Refusal(error: .committedTxIDBackward(from: current, to: committed))
            }
            if durable.committedTxID != committed { write(.committedTxID(committed), &effects) }
        }
    }

    private mutating func checkWriteRequest(_ info: RequestInfo, _ effects: inout [Effect]) throws {
        try checkRequest(info, &effects)
        if info.epoch != durable.writerEpoch && !(mutation == .staleEpochAccepted && staleRequest) {
            throw Refusal(error: .notWriterEpoch(epoch: info.epoch, writerEpoch: durable.writerEpoch))
        }
    }

    private mutating func abortCurrentSegment() {
        volatile.currentSegment = nil
        volatile.nextTxID = 0
    }

    // MARK: - Writing

    private mutating func startLogSegment(_ info: RequestInfo, txid: TxID, _ effects: inout [Effect]) throws
        -> JournalResponse {
        try checkRequest(info, &effects)
        if volatile.currentSegment != nil { abortCurrentSegment() }
        if let existing = durable.segment(startingAt: txid) {
            if existing.finalized { throw Refusal(error: .finalizedSegmentExists(start: txid)) }
            if existing.txCount > 1 { throw Refusal(error: .segmentHasTransactions(start: txid)) }
        }
        if durable.writerEpoch != info.epoch { write(.writerEpoch(info.epoch), &effects) }
        forgetAcceptedValue(for: txid, &effects)
        write(.openSegment(start: txid, writerEpoch: info.epoch), &effects)
        volatile.currentSegment = txid
        volatile.nextTxID = txid
        return .segmentStarted(epoch: info.epoch, txid: txid)
    }

    private mutating func journal(_ info: RequestInfo, segmentStart: TxID, firstTxID: TxID, count: UInt64,
                                  _ effects: inout [Effect]) throws -> JournalResponse {
        try checkWriteRequest(info, &effects)
        if count == 0 { return .written(epoch: info.epoch, firstTxID: firstTxID, count: 0) }
        guard let current = volatile.currentSegment else { throw Refusal(error: .noSegmentOpen) }
        guard current == segmentStart else {
            abortCurrentSegment()
            throw Refusal(error: .writerOutOfSync(thinks: segmentStart, current: current))
        }
        guard volatile.nextTxID == firstTxID else {
            throw Refusal(error: .unexpectedTxID(first: firstTxID, expected: volatile.nextTxID))
        }
        let lastTxID = firstTxID + count - 1
        let lagging = durable.committedTxID.map { lastTxID <= $0 } ?? false
        write(.appendEdits(segmentStart: segmentStart, firstTxID: firstTxID, count: count, fsync: !lagging), &effects)
        volatile.nextTxID = lastTxID + 1
        return .written(epoch: info.epoch, firstTxID: firstTxID, count: count)
    }

    private mutating func finalizeLogSegment(_ info: RequestInfo, start: TxID, end: TxID, _ effects: inout [Effect])
        throws -> JournalResponse {
        try checkRequest(info, &effects)
        let checksLength = mutation != .finalizeWithoutLengthCheck
        if volatile.currentSegment == start {
            let written = volatile.nextTxID &- 1
            abortCurrentSegment()
            if checksLength && written != end {
                throw Refusal(error: .finalizeLength(start: start, end: end, written: written))
            }
        }
        guard let segment = durable.segment(startingAt: start) else { throw Refusal(error: .noLogToFinalize(start: start)) }
        if segment.finalized {
            if segment.end != end {
                throw Refusal(error: .refinalizeDifferentEnd(start: start, end: end, existingEnd: segment.end))
            }
        } else {
            if checksLength && segment.end != end {
                throw Refusal(error: .finalizeOnDiskLength(start: start, end: end, onDisk: segment.end))
            }
            // Deviation from upstream, which checks the length alone: the segment must be the
            // requester's own (written in its epoch) or the value it had this JournalNode accept.
            // A JournalNode that missed a recovery's acceptRecovery may hold another writer's
            // edits of the same length (found by the checker in `deep`).
            let accepted = acceptedValue(for: start)
            let acceptedHere = accepted.map { $0.acceptedInEpoch == info.epoch && $0.writerEpoch == segment.writerEpoch } ?? false
            if segment.writerEpoch != info.epoch && !acceptedHere {
                throw Refusal(error: .finalizeUnacceptedSegment(start: start, writerEpoch: segment.writerEpoch, epoch: info.epoch))
            }
            write(.finalizeSegment(start: start, end: end), &effects)
        }
        forgetAcceptedValue(for: start, &effects)
        return .finalized(epoch: info.epoch, start: start, end: end)
    }

    // MARK: - Recovery

    /// A finalized segment, or a new one started over it, ends the recovery's vote.
    private mutating func forgetAcceptedValue(for start: TxID, _ effects: inout [Effect]) {
        volatile.unpersistedPaxos.removeAll { $0.segment.start == start }
        if durable.paxos(for: start) != nil { write(.deletePaxos(segmentStart: start), &effects) }
    }

    /// `persistPaxosData`: the commit point of acceptRecovery, durable before the download is
    /// put in place and before the answer.
    private mutating func persistAcceptedValue(_ record: PaxosRecord, _ effects: inout [Effect]) {
        guard mutation == .acceptNotPersisted else {
            write(.persistPaxos(record), &effects)
            return
        }
        volatile.unpersistedPaxos.removeAll { $0.segment.start == record.segment.start }
        volatile.unpersistedPaxos.append(record)
        volatile.unpersistedPaxos.sort { $0.segment.start < $1.segment.start }
    }

    /// `getSegmentInfo`: the segment at `start`, with an empty in-progress one moved aside first.
    private mutating func segmentInfo(_ start: TxID, _ effects: inout [Effect]) -> Segment? {
        guard let segment = durable.segment(startingAt: start) else { return nil }
        if segment.isEmpty && !segment.finalized {
            write(.moveAsideEmptySegment(start: start), &effects)
            return nil
        }
        return segment
    }

    private mutating func prepareRecovery(_ info: RequestInfo, segmentStart: TxID, _ effects: inout [Effect]) throws
        -> JournalResponse {
        try checkRequest(info, &effects)
        abortCurrentSegment()
        let accepted = acceptedValue(for: segmentStart)
        // completeHalfDoneAcceptRecovery: a download accepted before a crash is rolled forward.
        if let accepted, durable.temporary.contains(where: { $0.start == segmentStart && $0.acceptedInEpoch == accepted.acceptedInEpoch }) {
            write(.promoteTemporarySegment(start: segmentStart, acceptedInEpoch: accepted.acceptedInEpoch), &effects)
        }
        let segment = segmentInfo(segmentStart, &effects)
        let response: PrepareRecoveryResponse
        if let accepted, !(segment?.finalized ?? false) {
            response = PrepareRecoveryResponse(segment: accepted.segment, writerEpochOfSegment: accepted.writerEpoch,
                                               acceptedInEpoch: accepted.acceptedInEpoch,
                                               lastWriterEpoch: durable.writerEpoch,
                                               lastCommittedTxID: durable.committedTxID)
        } else {
            response = PrepareRecoveryResponse(segment: segment?.state, writerEpochOfSegment: segment?.writerEpoch ?? 0,
                                               acceptedInEpoch: nil, lastWriterEpoch: durable.writerEpoch,
                                               lastCommittedTxID: durable.committedTxID)
        }
        return .recoveryPrepared(epoch: info.epoch, segmentStart: segmentStart, response)
    }

    private mutating func acceptRecovery(_ info: RequestInfo, segment: SegmentState, writerEpoch: Epoch,
                                         source: JournalNodeID, _ effects: inout [Effect]) throws -> JournalResponse {
        try checkRequest(info, &effects)
        abortCurrentSegment()
        guard segment.end > 0 && segment.end >= segment.start else { throw Refusal(error: .badRecoveryState(segment: segment)) }
        if let old = acceptedValue(for: segment.start), old.acceptedInEpoch > info.epoch {
            throw Refusal(error: .outOfOrderPaxos)
        }
        let current = segmentInfo(segment.start, &effects)
        var downloaded = false
        if current == nil || current!.end != segment.end || current!.writerEpoch != writerEpoch {
            if let current {
                if let committed = durable.committedTxID, current.contains(committed),
                   !(committed >= segment.start && committed <= segment.end) {
                    throw Refusal(error: .wouldDiscardCommitted(txid: committed))
                }
                guard !current.finalized else { throw Refusal(error: .synchronizeOverFinalized) }
            }
            write(.downloadSegment(TemporarySegment(start: segment.start, end: segment.end, acceptedInEpoch: info.epoch,
                                                    writerEpoch: writerEpoch), source: source), &effects)
            downloaded = true
        } else {
            effects.append(.log("Skipping download of log \(segment): already have up-to-date logs"))
        }
        persistAcceptedValue(PaxosRecord(segment: segment, acceptedInEpoch: info.epoch, writerEpoch: writerEpoch), &effects)
        if downloaded {
            write(.promoteTemporarySegment(start: segment.start, acceptedInEpoch: info.epoch), &effects)
        }
        return .recoveryAccepted(epoch: info.epoch, segmentStart: segment.start)
    }

    // MARK: - Reading

    private func manifest(since: TxID, inProgressOK: Bool, call: UInt64) -> JournalResponse {
        let segments = durable.segments.filter { segment in
            !segment.isEmpty && segment.end >= since && (segment.finalized || inProgressOK)
        }
        return .manifest(call: call, segments: segments, committedTxID: durable.committedTxID)
    }
}
