/// A NameNode's HA core with its quorum writer, as a deterministic state machine.
///
/// Upstream this is spread over `FSNamesystem` (HA states, `startActiveServices`),
/// `QuorumJournalManager` (epochs, recovery, writing), `EditLogTailer` (standby tailing) and
/// `HAState`. Here it is one value: the namespace is the sequence of edits applied (each known
/// by the epoch of the writer that wrote it), and every decision the NameNode takes about the
/// journal is in `step`.
public typealias NameNodeID = Int
public typealias ClientID = Int

/// `HAServiceState` (lower case, as `haadmin -getServiceState` prints it).
public enum HAServiceState: String, Hashable, Sendable, Codable {
    case initializing, active, standby, stopping
}

/// `HARequestSource`: who asks for a state change.
public enum HARequestSource: String, Hashable, Sendable, Codable {
    case user = "REQUEST_BY_USER"
    case userForced = "REQUEST_BY_USER_FORCED"
    case failoverController = "REQUEST_BY_ZKFC"
}

/// What a client asks a NameNode: a namespace write (an edit) or a read.
public enum ClientOperation: String, Hashable, Sendable, Codable {
    case write, read

    /// `NameNode.OperationCategory`.
    public var category: String { self == .write ? "WRITE" : "READ" }
}

/// A NameNode's answer to a client.
public enum ClientResult: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The write is durable on a quorum as edit `txid`.
    case written(txid: TxID)
    /// A read served from a namespace that holds edits `1...appliedThrough`.
    case read(appliedThrough: TxID)
    /// `StandbyException`: the client should try another NameNode.
    case standby(category: String, state: HAServiceState)

    public var description: String {
        switch self {
        case .written(let txid): return "written as txid \(txid)"
        case .read(let through): return "read through txid \(through)"
        case .standby(let category, let state):
            return "Operation category \(category) is not supported in state \(state.rawValue)"
        }
    }
}

public struct NameNode: Hashable, Sendable, Codable {
    public enum Input: Hashable, Sendable, Codable {
        case journal(from: JournalNodeID, JournalResponse)
        /// The IPC to a JournalNode failed (connection lost): the request may or may not have run.
        case journalUnreachable(JournalNodeID, JournalRequest)
        case transitionToActive(source: HARequestSource)
        case transitionToStandby(source: HARequestSource)
        case client(ClientID, ClientOperation)
        /// The EditLogTailer's period elapsed.
        case tailEdits
        /// Roll the edit log (the standby's `rollEditLog` request or the log-roll period).
        case rollEditLog
    }

    public enum Effect: Hashable, Sendable, Codable {
        case send(to: JournalNodeID, JournalRequest)
        case replyClient(ClientID, ClientResult)
        /// The answer to a transitionToActive/Standby request: nil on success, else the failure text.
        case transitionResult(HAServiceState, failure: String?)
        /// Apply edits `first...last` written in `writerEpoch` (the host reads their bytes from
        /// JournalNode `source`, or has them itself when it wrote them).
        case applyEdits(first: TxID, last: TxID, writerEpoch: Epoch, source: JournalNodeID?)
        /// `ExitUtil.terminate`: the process exits.
        case terminate(String)
        case log(String)
    }

    public internal(set) var id: NameNodeID
    public let journalCount: Int
    public let automaticFailover: Bool
    public let mutation: Mutation?

    public internal(set) var state: HAServiceState = .standby
    /// The namespace: `applied[t - 1]` is the writer epoch of edit `t`.
    public internal(set) var applied: [Epoch] = []
    /// The writer while becoming active, active, or stepping down.
    public internal(set) var writer: Writer?
    /// A standby's tail round in progress.
    public internal(set) var tail: ReadRound?
    /// Read rounds started so far (the call id of manifest requests).
    public internal(set) var readCalls: UInt64 = 0
    /// Whether the process has exited (it restarts as a new `NameNode`).
    public internal(set) var terminated = false

    /// A NameNode starting as standby with an empty namespace (it tails everything from the journal).
    public init(id: NameNodeID, journalCount: Int, automaticFailover: Bool = false, mutation: Mutation? = nil) {
        precondition(journalCount >= 1, "a quorum journal needs JournalNodes")
        self.id = id
        self.journalCount = journalCount
        self.automaticFailover = automaticFailover
        self.mutation = mutation
    }

    /// A NameNode starting as standby from a checkpoint holding edits `1...checkpointTxID` (their
    /// writer epochs are not kept in a checkpoint and read as 0); it tails the rest.
    public init(id: NameNodeID, journalCount: Int, checkpointTxID: TxID, automaticFailover: Bool = false) {
        self.init(id: id, journalCount: journalCount, automaticFailover: automaticFailover)
        applied = Array(repeating: 0, count: Int(checkpointTxID))
    }

    /// `n/2 + 1` (under `Mutation.minorityQuorum`, `n/2`).
    public var quorum: Int { mutation == .minorityQuorum ? max(1, journalCount / 2) : journalCount / 2 + 1 }

    /// The epoch this NameNode writes in, once established on a quorum.
    public var establishedEpoch: Epoch? {
        guard writer?.epochEstablished == true else { return nil }  // in place: `let` would copy the writer
        return writer!.epoch
    }

    /// Whether a client operation now would be taken (a write logged, a read served) rather than
    /// refused as from a standby: the host asks before it validates an operation's content.
    public var acceptsClientWrites: Bool { state == .active && !terminated && (writer?.acceptsWrites ?? false) }

    /// Whether this NameNode serves client operations. The properties that run on every state
    /// (NoStaleReads, ServingActiveReachable's goal) read these two stored fields directly, in
    /// place: change them together.
    public var servesClients: Bool { state == .active && !terminated }

    public mutating func step(_ input: Input) -> [Effect] {
        guard !terminated else { return [] }
        var effects: [Effect] = []
        switch input {
        case .client(let client, let operation):
            handleClient(client, operation, &effects)
        case .transitionToActive(let source):
            if let refusal = refusal(for: source) {
                effects.append(.transitionResult(state, failure: refusal))
            } else {
                transitionToActive(&effects)
            }
        case .transitionToStandby(let source):
            if let refusal = refusal(for: source) {
                effects.append(.transitionResult(state, failure: refusal))
            } else {
                transitionToStandby(&effects)
            }
        case .tailEdits:
            startTailRound(&effects)
        case .rollEditLog:
            rollEditLog(&effects)
        case .journal(let journalNode, let response):
            handleJournal(journalNode, .response(response), &effects)
        case .journalUnreachable(let journalNode, let request):
            handleJournal(journalNode, .unreachable(request), &effects)
        }
        return effects
    }

    /// `NameNode.checkHaStateChange`: who may change the HA state.
    private func refusal(for source: HARequestSource) -> String? {
        switch source {
        case .user where automaticFailover:
            return "Manual HA control for this NameNode is disallowed, because automatic HA is enabled."
        case .failoverController where !automaticFailover:
            return "Request from ZK failover controller denied since automatic HA is not enabled"
        default:
            return nil
        }
    }

    // MARK: - Clients

    private mutating func handleClient(_ client: ClientID, _ operation: ClientOperation, _ effects: inout [Effect]) {
        guard acceptsClientWrites, !writer.isNil else {
            effects.append(.replyClient(client, .standby(category: operation.category, state: .standby)))
            return
        }
        switch operation {
        case .read:
            effects.append(.replyClient(client, .read(appliedThrough: TxID(applied.count))))
        case .write:
            // The namespace changes in memory first; the client is answered after the sync. The
            // writer is changed in place: a copy would copy `waiting` on every write.
            while TxID(applied.count) < writer!.sentThrough + TxID(writer!.waiting.count) {
                applied.append(0)  // only under promotionBeforeCatchUp: edits never applied
            }
            applied.append(writer!.epoch)
            writer!.waiting.append(client)
            if mutation == .acknowledgedBeforeSync {
                effects.append(.replyClient(client, .written(txid: TxID(applied.count))))
            }
            if writer!.inFlight.isNil && writer!.phase == .writing { sendBatch(&effects) }
        }
    }

    // MARK: - Transitions

    private mutating func transitionToActive(_ effects: inout [Effect]) {
        if state == .active {
            // Transitions are serialized upstream: one that arrives while stepping down waits it out.
            if writer?.steppingDown ?? false { return }
            effects.append(.transitionResult(.active, failure: nil))
            return
        }
        guard writer.isNil else { return }  // already becoming active; answered when done
        tail = nil
        var newWriter = Writer(journalCount: journalCount)
        newWriter.phase = .gettingJournalState
        writer = newWriter
        effects.append(.log("Starting services required for active state"))
        for journalNode in 0..<journalCount { effects.append(.send(to: journalNode, .getJournalState)) }
    }

    private mutating func transitionToStandby(_ effects: inout [Effect]) {
        guard let current = writer else {
            effects.append(.transitionResult(.standby, failure: nil))
            return
        }
        if state != .active {
            // Becoming active is abandoned; the JournalNodes keep the promise, which is harmless.
            writer = nil
            effects.append(.log("Becoming active abandoned: transition to standby requested"))
            effects.append(.transitionResult(.standby, failure: nil))
            return
        }
        var steppingDown = current
        steppingDown.steppingDown = true
        writer = steppingDown
        effects.append(.log("Stopping services started for active state"))
        if steppingDown.phase == .writing && steppingDown.inFlight.isNil && steppingDown.waiting.isEmpty {
            finishSegmentAndStepDown(&effects)
        }
    }

    mutating func becomeStandby(_ effects: inout [Effect]) {
        writer = nil
        state = .standby
        effects.append(.transitionResult(.standby, failure: nil))
    }

    mutating func terminate(_ reason: String, _ effects: inout [Effect]) {
        terminated = true
        state = .stopping
        effects.append(.terminate(reason))
    }

    // MARK: - Tailing

    private mutating func startTailRound(_ effects: inout [Effect]) {
        guard state == .standby, writer.isNil, tail.isNil else { return }
        readCalls += 1
        tail = ReadRound(call: readCalls, journalCount: journalCount)
        let since = TxID(applied.count) + 1
        for journalNode in 0..<journalCount {
            effects.append(.send(to: journalNode, .getEditLogManifest(sinceTxID: since, inProgressOK: false, call: readCalls)))
        }
    }

    /// Applies every finalized edit that follows the namespace without a gap, reading each
    /// segment from the first JournalNode (in index order) whose manifest lists it.
    mutating func applyFinalized(_ manifests: [(JournalNodeID, [Segment])], _ effects: inout [Effect]) {
        while true {
            let next = TxID(applied.count) + 1
            var found: (JournalNodeID, Segment)?
            search: for (journalNode, segments) in manifests {
                for segment in segments where segment.finalized && segment.start <= next && segment.end >= next {
                    found = (journalNode, segment)
                    break search
                }
            }
            guard let (source, segment) = found else { return }
            for _ in next...segment.end { applied.append(segment.writerEpoch) }
            effects.append(.applyEdits(first: next, last: segment.end, writerEpoch: segment.writerEpoch, source: source))
        }
    }

    private mutating func rollEditLog(_ effects: inout [Effect]) {
        guard state == .active, let current = writer, current.phase == .writing, !current.steppingDown,
              current.inFlight.isNil, current.waiting.isEmpty, TxID(applied.count) >= current.segmentStart else { return }
        let end = TxID(applied.count)
        writer!.phase = .finalizingSegment(start: current.segmentStart, end: end)
        writer!.clearReplies()
        sendToInSync(.finalizeLogSegment(requestInfo, start: current.segmentStart, end: end), &effects)
    }

    var requestInfo: RequestInfo { RequestInfo(epoch: writer?.epoch ?? 0, committedTxID: writer?.committed) }
}

extension NameNode {
    /// Whether this NameNode still waits for `journalNode`'s answer to manifest read `call`: a
    /// standby's tail round, or a new writer's catch-up, that has not heard from it yet. Once a
    /// round is decided it is over, and call numbers only grow, so a read not awaited now never
    /// is again.
    public func awaitsRead(call: UInt64, from journalNode: JournalNodeID) -> Bool {
        if let round = tail, round.call == call {
            return round.manifests[journalNode].isNil && !round.failures[journalNode]
        }
        if let writer, case .catchingUp(call) = writer.phase { return writer.replies[journalNode].isNil }
        return false
    }
}

/// A round of manifest reads from every JournalNode, decided on a quorum.
public struct ReadRound: Hashable, Sendable, Codable {
    public var call: UInt64
    public var manifests: [[Segment]?]
    public var failures: [Bool]

    init(call: UInt64, journalCount: Int) {
        self.call = call
        manifests = Array(repeating: nil, count: journalCount)
        failures = Array(repeating: false, count: journalCount)
    }

    var successCount: Int { manifests.reduce(0) { $0 + ($1.isNil ? 0 : 1) } }
    var failureCount: Int { failures.reduce(0) { $0 + ($1 ? 1 : 0) } }
    var received: [(JournalNodeID, [Segment])] {
        manifests.enumerated().compactMap { index, manifest in manifest.map { (index, $0) } }
    }
}
