/// The quorum writer of a NameNode that is becoming active, active, or stepping down
/// (upstream: `QuorumJournalManager`, `AsyncLoggerSet`, `QuorumOutputStream`).
public struct Writer: Hashable, Sendable, Codable {
    /// Where the writer is, in the order `startActiveServices` goes through it.
    public enum Phase: Hashable, Sendable, Codable {
        /// `getJournalState` to all: the epoch will be the highest promise + 1.
        case gettingJournalState
        /// `newEpoch` to all.
        case proposingEpoch
        /// Recovery of the last segment: `prepareRecovery`, `acceptRecovery`, `finalizeLogSegment`.
        case preparingRecovery(segmentStart: TxID)
        case acceptingRecovery(SegmentState, writerEpoch: Epoch)
        case finalizingRecovery(SegmentState)
        /// `catchupDuringFailover`: read every finalized edit from a quorum's manifests.
        case catchingUp(call: UInt64)
        case startingSegment(TxID)
        case writing
        /// A roll (or stepping down): finalize the current segment.
        case finalizingSegment(start: TxID, end: TxID)
    }

    /// One JournalNode's answer in the current phase.
    public enum Reply: Hashable, Sendable, Codable {
        case failed
        case done
        case journalState(Epoch)
        case newEpoch(lastSegmentStart: TxID?)
        case prepared(PrepareRecoveryResponse)
        case manifest([Segment])

        /// Matched by case: comparing to `.failed` with `==` would compare payloads too.
        var isFailure: Bool {
            if case .failed = self { return true }
            return false
        }
    }

    /// Edits sent to the JournalNodes and not yet acknowledged by a quorum.
    public struct Batch: Hashable, Sendable, Codable {
        public var first: TxID
        public var count: UInt64
        public var clients: [ClientID]
        public var last: TxID { first + count - 1 }
    }

    public var phase: Phase = .gettingJournalState
    public var epoch: Epoch = 0
    /// Set once `newEpoch` succeeded on a quorum.
    public var epochEstablished = false
    public var replies: [Reply?]
    public var segmentStart: TxID = 0
    /// The last txid sent in a batch.
    public var sentThrough: TxID = 0
    /// The highest txid acknowledged by a quorum (carried on later requests).
    public var committed: TxID?
    /// JournalNodes that missed a write in this segment: skipped until the next one.
    public var outOfSync: [Bool]
    public var inFlight: Batch?
    /// Clients whose edits are applied but not yet sent.
    public var waiting: [ClientID] = []
    /// transitionToStandby arrived: finish the batch, finalize the segment, then stand by.
    public var steppingDown = false

    init(journalCount: Int) {
        replies = Array(repeating: nil, count: journalCount)
        outOfSync = Array(repeating: false, count: journalCount)
    }

    mutating func clearReplies() {
        for index in replies.indices { replies[index] = nil }
    }

    var successCount: Int { replies.reduce(0) { $0 + ($1.map { $0.isFailure ? 0 : 1 } ?? 0) } }
    var failureCount: Int { replies.reduce(0) { $0 + ($1?.isFailure ?? false ? 1 : 0) } }

    /// Client writes are taken while writing or rolling, not while becoming active or stepping down.
    var acceptsWrites: Bool {
        guard !steppingDown else { return false }
        switch phase {
        case .writing, .finalizingSegment, .startingSegment: return epochEstablished && segmentStart > 0
        default: return false
        }
    }
}

extension NameNode {
    enum JournalEvent {
        case response(JournalResponse)
        case unreachable(JournalRequest)
    }

    mutating func handleJournal(_ journalNode: JournalNodeID, _ event: JournalEvent, _ effects: inout [Effect]) {
        guard journalNode >= 0 && journalNode < journalCount else { return }
        if writer.isNil {
            handleTail(journalNode, event, &effects)
            return
        }
        if isWriteFailureInSegment(event) {
            // IPCLoggerChannel marks itself out of sync on any failed write of the segment, also
            // one that comes after the quorum went on: it must not finalize a log it did not write.
            writer!.outOfSync[journalNode] = true
        }
        guard let reply = reply(to: event) else { return }
        guard writer!.replies[journalNode].isNil else { return }
        writer!.replies[journalNode] = reply
        if reply.isFailure, case .writing = writer!.phase {
            writer!.outOfSync[journalNode] = true
            effects.append(.log("Remote journal \(journalNode) failed to write txns. Will try to write to this JN again after the next log roll."))
        }
        if writer!.successCount >= quorum {
            advance(&effects)
        } else if writer!.failureCount > journalCount - quorum {
            terminate("Got too many exceptions to achieve quorum size \(quorum)/\(journalCount) (\(phaseName))", &effects)
        }
    }

    private var phaseName: String {
        switch writer?.phase {
        case .gettingJournalState?: return "getJournalState"
        case .proposingEpoch?: return "newEpoch(\(writer!.epoch))"
        case .preparingRecovery(let start)?: return "prepareRecovery(\(start))"
        case .acceptingRecovery(let segment, _)?: return "acceptRecovery(\(segment))"
        case .finalizingRecovery(let segment)?: return "finalizeLogSegment(\(segment.start)-\(segment.end))"
        case .catchingUp?: return "selectInputStreams"
        case .startingSegment(let txid)?: return "startLogSegment(\(txid))"
        case .writing?: return "sendEdits"
        case .finalizingSegment(let start, let end)?: return "finalizeLogSegment(\(start)-\(end))"
        case nil: return "none"
        }
    }

    /// Whether `event` is a failed startLogSegment or journal call of the open segment (in the
    /// writer's epoch), once the segment is started.
    private func isWriteFailureInSegment(_ event: JournalEvent) -> Bool {
        // The writer's fields are read in place: a copy of it retains every array it holds, and
        // this runs for every answer a writer gets.
        switch writer!.phase {
        case .writing, .finalizingSegment: break
        default: return false
        }
        let epoch = writer!.epoch, segmentStart = writer!.segmentStart
        switch event {
        case .response(.failed("startLogSegment", epoch?, let subject, _)):
            return subject == segmentStart
        case .response(.failed("journal", epoch?, let subject?, _)):
            return subject >= segmentStart
        case .unreachable(.startLogSegment(let info, let txid)):
            return info.epoch == epoch && txid == segmentStart
        case .unreachable(.journal(let info, let segment, _, _)):
            return info.epoch == epoch && segment == segmentStart
        default:
            return false
        }
    }

    /// The current phase's reading of `event`, or nil if it answers something else.
    private func reply(to event: JournalEvent) -> Writer.Reply? {
        let epoch = writer!.epoch  // fields in place, as above
        // A failure names its request and epoch; a lost request is matched on its fields.
        var failedRequest: String?
        var failedSubject: TxID?
        if case .response(.failed(let name, let failedEpoch, let subject, _)) = event {
            guard failedEpoch == nil || failedEpoch == epoch || name == "getJournalState" else { return nil }
            failedRequest = name
            failedSubject = subject
        }
        switch writer!.phase {
        case .gettingJournalState:
            if case .response(.journalState(let promised)) = event { return .journalState(promised) }
            if failedRequest == "getJournalState" { return .failed }
            if case .unreachable(.getJournalState) = event { return .failed }
        case .proposingEpoch:
            if case .response(.newEpochAccepted(let answered, let last)) = event, answered == epoch {
                return .newEpoch(lastSegmentStart: last)
            }
            if failedRequest == "newEpoch" { return .failed }
            if case .unreachable(.newEpoch(let proposed)) = event, proposed == epoch { return .failed }
        case .preparingRecovery(let start):
            if case .response(.recoveryPrepared(let answered, let segmentStart, let prepared)) = event,
               answered == epoch, segmentStart == start {
                return .prepared(prepared)
            }
            if failedRequest == "prepareRecovery" && failedSubject == start { return .failed }
            if case .unreachable(.prepareRecovery(let info, let requested)) = event, info.epoch == epoch, requested == start {
                return .failed
            }
        case .acceptingRecovery(let segment, _):
            if case .response(.recoveryAccepted(let answered, let start)) = event, answered == epoch, start == segment.start {
                return .done
            }
            if failedRequest == "acceptRecovery" && failedSubject == segment.start { return .failed }
            if case .unreachable(.acceptRecovery(let info, let accepted, _, _)) = event, info.epoch == epoch, accepted == segment {
                return .failed
            }
        case .finalizingRecovery(let segment):
            return finalizeReply(event, failedSubject == segment.start ? failedRequest : nil, start: segment.start, end: segment.end)
        case .finalizingSegment(let start, let end):
            return finalizeReply(event, failedSubject == start ? failedRequest : nil, start: start, end: end)
        case .catchingUp(let call):
            if case .response(.manifest(let answered, let segments, _)) = event, answered == call { return .manifest(segments) }
            if case .unreachable(.getEditLogManifest(_, _, let requested)) = event, requested == call { return .failed }
        case .startingSegment(let txid):
            if case .response(.segmentStarted(let answered, let started)) = event, answered == epoch, started == txid {
                return .done
            }
            if failedRequest == "startLogSegment" && failedSubject == txid { return .failed }
            if case .unreachable(.startLogSegment(let info, let requested)) = event, info.epoch == epoch, requested == txid {
                return .failed
            }
        case .writing:
            guard !writer!.inFlight.isNil else { return nil }
            let batchFirst = writer!.inFlight!.first, batchCount = writer!.inFlight!.count
            if case .response(.written(let answered, let first, let count)) = event, answered == epoch,
               first == batchFirst, count == batchCount {
                return .done
            }
            if failedRequest == "journal" && failedSubject == batchFirst { return .failed }
            if case .unreachable(.journal(let info, _, let first, _)) = event, info.epoch == epoch, first == batchFirst {
                return .failed
            }
        }
        return nil
    }

    private func finalizeReply(_ event: JournalEvent, _ failedRequest: String?, start: TxID, end: TxID) -> Writer.Reply? {
        let epoch = writer!.epoch
        if case .response(.finalized(let answered, let finalizedStart, let finalizedEnd)) = event,
           answered == epoch, finalizedStart == start, finalizedEnd == end {
            return .done
        }
        if failedRequest == "finalizeLogSegment" { return .failed }
        if case .unreachable(.finalizeLogSegment(let info, let requestedStart, let requestedEnd)) = event,
           info.epoch == epoch, requestedStart == start, requestedEnd == end {
            return .failed
        }
        return nil
    }

    /// The phase reached a quorum: go on to the next one.
    private mutating func advance(_ effects: inout [Effect]) {
        // The writer's fields are read in place: a copy would hold its arrays, and the phase's
        // change below would then copy them again.
        switch writer!.phase {
        case .gettingJournalState:
            var highest: Epoch = 0
            for case .journalState(let promised)? in writer!.replies { highest = max(highest, promised) }
            writer!.epoch = highest + 1
            enter(.proposingEpoch, &effects)
            for journalNode in 0..<journalCount { effects.append(.send(to: journalNode, .newEpoch(epoch: writer!.epoch))) }
        case .proposingEpoch:
            writer!.epochEstablished = true
            var lastSegment: TxID?
            for case .newEpoch(let last?)? in writer!.replies { lastSegment = max(lastSegment ?? 0, last) }
            if let lastSegment, mutation != .recoverySkipped {
                enter(.preparingRecovery(segmentStart: lastSegment), &effects)
                sendToAll(.prepareRecovery(requestInfo, segmentStart: lastSegment), &effects)
            } else {
                startCatchUp(&effects)
            }
        case .preparingRecovery:
            decideRecovery(&effects)
        case .acceptingRecovery(let segment, _):
            enter(.finalizingRecovery(segment), &effects)
            sendToAll(.finalizeLogSegment(requestInfo, start: segment.start, end: segment.end), &effects)
        case .finalizingRecovery:
            startCatchUp(&effects)
        case .catchingUp:
            var manifests: [(JournalNodeID, [Segment])] = []
            for (journalNode, reply) in writer!.replies.enumerated() {
                if case .manifest(let segments)? = reply { manifests.append((journalNode, segments)) }
            }
            if mutation == .promotionBeforeCatchUp {
                // The seeded bug: continue the journal where it ends without applying its edits.
                let end = manifests.flatMap { $0.1 }.filter(\.finalized).map(\.end).max() ?? TxID(applied.count)
                startSegment(max(end, TxID(applied.count)) + 1, &effects)
                return
            }
            applyFinalized(manifests, &effects)
            startSegment(TxID(applied.count) + 1, &effects)
        case .startingSegment:
            for journalNode in 0..<journalCount where writer!.replies[journalNode]?.isFailure == true {
                writer!.outOfSync[journalNode] = true
            }
            enter(.writing, &effects)
            if state != .active {
                state = .active
                effects.append(.log("Successfully transitioned to active state in epoch \(writer!.epoch)"))
                effects.append(.transitionResult(.active, failure: nil))
            }
            continueWriting(&effects)
        case .writing:
            guard let batch = writer!.inFlight else { return }
            writer!.committed = batch.last
            writer!.inFlight = nil
            writer!.clearReplies()  // late answers for this batch are ignored from now on
            for (offset, client) in batch.clients.enumerated() where mutation != .acknowledgedBeforeSync {
                effects.append(.replyClient(client, .written(txid: batch.first + TxID(offset))))
            }
            continueWriting(&effects)
        case .finalizingSegment(_, let end):
            if writer!.steppingDown && writer!.waiting.isEmpty {
                becomeStandby(&effects)
            } else {
                // Writes taken during the roll are synced in the next segment before stepping down.
                startSegment(end + 1, &effects)
            }
        }
    }

    /// Picks the recovery value (SegmentRecoveryComparator) and proposes it, or skips recovery
    /// when no responder has the segment.
    private mutating func decideRecovery(_ effects: inout [Effect]) {
        var responses: [(JournalNodeID, PrepareRecoveryResponse)] = []
        for (journalNode, reply) in writer!.replies.enumerated() {
            if case .prepared(let response)? = reply { responses.append((journalNode, response)) }
        }
        let chosen: (JournalNodeID, PrepareRecoveryResponse)?
        do {
            chosen = try SegmentRecoveryComparator.best(responses, mutation: mutation)
        } catch {
            terminate("AssertionError: \(error)", &effects)
            return
        }
        guard let (source, best) = chosen, let segment = best.segment else {
            effects.append(.log("None of the responders had a log to recover"))
            startCatchUp(&effects)
            return
        }
        for (journalNode, response) in responses {
            if let committed = response.lastCommittedTxID, committed > segment.end {
                terminate("AssertionError: Decided to synchronize log to \(segment) but logger \(journalNode) had seen txid \(committed) committed", &effects)
                return
            }
        }
        effects.append(.log(best.acceptedInEpoch == nil ? "Using longest log: \(segment) from \(source)"
                                                         : "Using already-accepted recovery: \(segment) from \(source)"))
        enter(.acceptingRecovery(segment, writerEpoch: best.writerEpochOfSegment), &effects)
        sendToAll(.acceptRecovery(requestInfo, segment: segment, writerEpoch: best.writerEpochOfSegment, source: source),
                  &effects)
    }

    private mutating func startCatchUp(_ effects: inout [Effect]) {
        readCalls += 1
        enter(.catchingUp(call: readCalls), &effects)
        sendToAll(.getEditLogManifest(sinceTxID: TxID(applied.count) + 1, inProgressOK: false, call: readCalls), &effects)
    }

    private mutating func startSegment(_ txid: TxID, _ effects: inout [Effect]) {
        writer!.segmentStart = txid
        writer!.sentThrough = txid - 1
        for journalNode in 0..<journalCount { writer!.outOfSync[journalNode] = false }
        enter(.startingSegment(txid), &effects)
        sendToAll(.startLogSegment(requestInfo, txid: txid), &effects)
    }

    private mutating func continueWriting(_ effects: inout [Effect]) {
        guard writer!.phase == .writing, writer!.inFlight.isNil else { return }
        if !writer!.waiting.isEmpty {
            sendBatch(&effects)
        } else if writer!.steppingDown {
            finishSegmentAndStepDown(&effects)
        }
    }

    /// Group commit: every edit applied since the last batch goes in one `journal` call.
    mutating func sendBatch(_ effects: inout [Effect]) {
        let batch = Writer.Batch(first: writer!.sentThrough + 1, count: UInt64(writer!.waiting.count),
                                 clients: writer!.waiting)
        writer!.waiting = []
        writer!.sentThrough = batch.last
        writer!.inFlight = batch
        writer!.clearReplies()
        effects.append(.applyEdits(first: batch.first, last: batch.last, writerEpoch: writer!.epoch, source: nil))
        sendToInSync(.journal(requestInfo, segmentStart: writer!.segmentStart, firstTxID: batch.first, count: batch.count),
                     &effects)
    }

    mutating func finishSegmentAndStepDown(_ effects: inout [Effect]) {
        let end = TxID(applied.count)
        guard end >= writer!.segmentStart else {
            becomeStandbyAfterStepDown(&effects)
            return
        }
        enter(.finalizingSegment(start: writer!.segmentStart, end: end), &effects)
        sendToInSync(.finalizeLogSegment(requestInfo, start: writer!.segmentStart, end: end), &effects)
    }

    private mutating func becomeStandbyAfterStepDown(_ effects: inout [Effect]) {
        writer = nil
        state = .standby
        effects.append(.transitionResult(.standby, failure: nil))
    }

    private mutating func enter(_ phase: Writer.Phase, _ effects: inout [Effect]) {
        writer!.phase = phase
        writer!.clearReplies()
    }

    private func sendToAll(_ request: JournalRequest, _ effects: inout [Effect]) {
        for journalNode in 0..<journalCount { effects.append(.send(to: journalNode, request)) }
    }

    /// Sends to the JournalNodes in sync; the others fail at once ("Journal disabled until next roll").
    mutating func sendToInSync(_ request: JournalRequest, _ effects: inout [Effect]) {
        for journalNode in 0..<journalCount {
            if writer!.outOfSync[journalNode] {
                writer!.replies[journalNode] = .failed
            } else {
                effects.append(.send(to: journalNode, request))
            }
        }
        if writer!.failureCount > journalCount - quorum {
            terminate("Got too many exceptions to achieve quorum size \(quorum)/\(journalCount) (\(phaseName))", &effects)
        }
    }

    // MARK: - Standby tailing

    private mutating func handleTail(_ journalNode: JournalNodeID, _ event: JournalEvent, _ effects: inout [Effect]) {
        // Changed in place: a copy of the round would make each change copy its arrays.
        guard let call = tail?.call else { return }
        switch event {
        case .response(.manifest(call, let segments, _)):
            guard tail!.manifests[journalNode].isNil, !tail!.failures[journalNode] else { return }
            tail!.manifests[journalNode] = segments
        case .unreachable(.getEditLogManifest(_, _, call)):
            guard tail!.manifests[journalNode].isNil else { return }
            tail!.failures[journalNode] = true
        default:
            return
        }
        if tail!.successCount >= quorum {
            let received = tail!.received
            tail = nil
            applyFinalized(received, &effects)
        } else if tail!.failureCount > journalCount - quorum {
            tail = nil
            effects.append(.log("Edits tailer failed to find any streams. Will try again later."))
        }
    }
}
