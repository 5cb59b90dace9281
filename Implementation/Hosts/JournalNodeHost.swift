import Dispatch
import Foundation
import Model
import Storage
import Support
import Synchronization
import Wire

/// The JournalNode daemon: an RPC server in front of one model `JournalNode` per journal id.
///
/// Each journal has a serial queue. A request is decoded, handed to the model's `step`, and the
/// effects are executed in order: every `persist` is made durable by `JournalDirectory` before the
/// next effect, so a reply never leaves before the writes it depends on. Nothing here decides
/// protocol: the host validates bytes (edit records, namespace ids) and moves data (edit bytes,
/// segment downloads) that the model leaves out.
public final class JournalNodeHost: Sendable {
    public struct Options: Sendable {
        /// `dfs.journalnode.edits.dir`: one directory per journal id below it.
        public var editsDirectory: String
        public var host: String
        public var port: UInt16
        /// The JournalNodes of the quorum in `qjournal://` order: acceptRecovery names its source
        /// by index.
        public var peers: [(host: String, port: UInt16)]
        /// Write JSON-lines traces into this directory (one file per journal), if set.
        public var traceDirectory: String?
        /// How long a segment download from another JournalNode may take.
        public var downloadTimeoutMilliseconds: Int = 20_000
        public var framePayloadBytesMax: Int = 64 << 20

        public init(editsDirectory: String, host: String, port: UInt16, peers: [(host: String, port: UInt16)],
                    traceDirectory: String? = nil) {
            self.editsDirectory = editsDirectory
            self.host = host
            self.port = port
            self.peers = peers
            self.traceDirectory = traceDirectory
        }
    }

    let options: Options
    let logger: Logger
    let clock = LamportClock()
    private let journals = Mutex<[String: JournalSlot]>([:])
    private let server = Mutex<RPCServer?>(nil)
    /// This JournalNode's index in the quorum, if its address is among the peers.
    let selfIndex: JournalNodeID

    public init(options: Options, logger: Logger = Logger(name: "journalnode")) {
        self.options = options
        self.logger = logger
        selfIndex = options.peers.firstIndex { $0.port == options.port && ($0.host == options.host || options.host == "0.0.0.0") } ?? -1
    }

    /// The port the server listens on (useful with port 0).
    public var port: UInt16 { server.withLock { $0?.port ?? 0 } }

    /// Binds and starts serving; returns once the socket listens.
    public func start() throws {
        try DurableFiles.makeDirectories(options.editsDirectory)
        let rpc = try RPCServer(host: options.host, port: options.port, framePayloadBytesMax: options.framePayloadBytesMax,
                                log: { [logger] in logger.warn($0) },
                                handler: { [weak self] request, reply in self?.receive(request, reply) })
        server.withLock { $0 = rpc }
        logger.info("JournalNode RPC up at: \(options.host):\(rpc.port); edits in \(options.editsDirectory)")
    }

    public func stop() {
        server.withLock { $0?.stop(); $0 = nil }
        journals.withLock { slots in
            for slot in slots.values { slot.queue.sync { slot.close() } }
            slots.removeAll()
        }
    }

    // MARK: - Requests

    private func receive(_ request: Frame, _ reply: RPCReply) {
        let call: JournalCall
        do {
            call = try JournalCall.decode(request.payload)
        } catch {
            logger.warn("Undecodable journal call \(request.callID): \(error)")
            respond(reply, .error(className: "IOException", message: "Undecodable request: \(error)"))
            return
        }
        let lamport = clock.receive(request.lamport)
        let journalID = call.journalID
        let slot: JournalSlot
        do {
            slot = try journal(journalID)
        } catch {
            logger.error("Cannot open journal \(journalID): \(error)")
            respond(reply, .error(className: "IOException", message: "\(error)"))
            return
        }
        slot.queue.async { [self] in
            let answer = handle(call, in: slot, lamport: lamport)
            respond(reply, answer)
        }
    }

    private func respond(_ reply: RPCReply, _ answer: JournalReply) {
        reply.send(payload: answer.encode(), lamport: clock.send())
    }

    /// The journal's slot, opening its directory on first use (upstream `getOrCreateJournal`).
    private func journal(_ journalID: String) throws -> JournalSlot {
        guard Self.isValidJournalID(journalID) else {
            throw JournalHostError.badJournalID(journalID)
        }
        return try journals.withLock { slots in
            if let slot = slots[journalID] { return slot }
            let root = options.editsDirectory
            let open = { [logger] in
                try JournalDirectory(root: root, journalID: journalID, log: { logger.warn("\(journalID): \($0)") })
            }
            let tracePath = options.traceDirectory.map { "\($0)/journalnode-\(options.port)-\(journalID).jsonl" }
            let trace = try TraceWriter(path: tracePath, node: "journalnode:\(options.host):\(options.port)/\(journalID)")
            let slot = try JournalSlot(journalID: journalID, index: selfIndex, trace: trace, open: open)
            slots[journalID] = slot
            return slot
        }
    }

    /// Journal ids become directory names: no path separators, no dot names (upstream `validateJournalId`).
    static func isValidJournalID(_ journalID: String) -> Bool {
        !journalID.isEmpty && journalID.count <= 255 && !journalID.contains("/") && journalID != "." && journalID != ".."
            && !journalID.unicodeScalars.contains { $0.value < 0x20 }
    }

    /// Runs on the journal's queue.
    private func handle(_ call: JournalCall, in slot: JournalSlot, lamport: UInt64) -> JournalReply {
        switch call {
        case .protocolRequest(_, let request, let edits, let namespace):
            return step(request, edits: edits, namespace: namespace, in: slot, lamport: lamport)
        case .format(_, let info, let force):
            return format(info, force: force, in: slot)
        case .isFormatted:
            return .isFormatted(slot.directory.isFormatted)
        case .getJournaledEdits(_, let since, let maxTransactions):
            return journaledEdits(since: since, maxTransactions: UInt64(maxTransactions), in: slot)
        case .fetchSegment(_, let start, let end):
            return segment(start: start, end: end, in: slot)
        }
    }

    private func step(_ request: JournalRequest, edits: [UInt8], namespace: NamespaceInfo?, in slot: JournalSlot,
                      lamport: UInt64) -> JournalReply {
        // Bytes the model does not see are checked before it does: a batch that does not hold
        // exactly the txids it claims, or a writer of another namespace, is refused outright.
        if case .journal(_, _, let first, let count) = request, count > 0 {
            do {
                try EditRecords.validate(edits, firstTxID: first, count: count)
            } catch {
                return .error(className: "IOException", message: "Bad edits batch \(first)-\(first + count - 1): \(error)")
            }
        }
        if case .newEpoch = request, let namespace {
            do { try slot.directory.checkConsistent(with: namespace) } catch {
                return .error(className: "IOException", message: "\(error)")
            }
        }
        let input = JournalNode.Input.request(from: 0, request)
        let effects = slot.node.step(input)
        var answer: JournalReply = .error(className: "IOException", message: "no reply from the journal")
        var hostError: String?
        execution: for effect in effects {
            switch effect {
            case .persist(let write):
                do {
                    try perform(write, edits: edits, in: slot)
                } catch {
                    // The model applied the write in memory; the disk may hold any prefix of this
                    // step's writes. Restart the journal from disk, exactly as after a crash there.
                    hostError = "\(error)"
                    logger.error("\(slot.journalID): \(request.name) failed to persist \(write): \(error); reloading the journal from disk")
                    reloadOrExit(slot)
                    answer = .error(className: "IOException", message: "\(request.name) failed: \(error)")
                    break execution
                }
            case .reply(_, let response):
                answer = .protocolResponse(response)
            case .log(let text):
                logger.info("\(slot.journalID): \(text)")
            }
        }
        slot.trace.record(lamport: lamport, input: input, effects: effects, durable: slot.node.durable.digest,
                          hostError: hostError)
        return answer
    }

    private func perform(_ write: JournalWrite, edits: [UInt8], in slot: JournalSlot) throws {
        switch write {
        case .appendEdits:
            try slot.directory.perform(write, edits: edits)
        case .downloadSegment(let temporary, let source):
            let bytes = try download(temporary, from: source, journalID: slot.journalID)
            try slot.directory.perform(write, edits: bytes)
        default:
            try slot.directory.perform(write, edits: nil)
        }
    }

    /// Restarts a journal from disk; a journal that cannot be reopened cannot serve safely, so
    /// the JournalNode stops (its peers and the writer carry on without it).
    private func reloadOrExit(_ slot: JournalSlot) {
        do {
            try slot.reload()
        } catch {
            logger.fatal("\(slot.journalID): cannot reopen the journal after a failed write: \(error)")
            exit(1)
        }
    }

    /// acceptRecovery's copy of the accepted segment from JournalNode `source`.
    private func download(_ temporary: TemporarySegment, from source: JournalNodeID, journalID: String) throws -> [UInt8] {
        guard source >= 0 && source < options.peers.count else { throw JournalHostError.unknownSource(source) }
        guard source != selfIndex else { throw JournalHostError.downloadFromSelf(source) }
        let peer = options.peers[source]
        let client = RPCClient(host: peer.host, port: peer.port, connectTimeout: .milliseconds(options.downloadTimeoutMilliseconds),
                               log: { [logger] in logger.warn($0) })
        defer { client.close() }
        let call = JournalCall.fetchSegment(journalID: journalID, segmentStart: temporary.start, endTxID: temporary.end)
        let response = try client.call(payload: call.encode(), lamport: clock.send(), timeout: .milliseconds(options.downloadTimeoutMilliseconds))
        _ = clock.receive(response.lamport)
        switch try JournalReply.decode(response.payload) {
        case .segment(let writerEpoch, let edits):
            guard writerEpoch == temporary.writerEpoch else {
                throw JournalHostError.downloadMismatch("segment \(temporary.start) from \(peer.host):\(peer.port) was written in epoch \(writerEpoch), expected \(temporary.writerEpoch)")
            }
            let count = temporary.end >= temporary.start ? temporary.end - temporary.start + 1 : 0
            try EditRecords.validate(edits, firstTxID: temporary.start, count: count)
            logger.info("\(journalID): downloaded \(temporary) from \(peer.host):\(peer.port) (\(edits.count) bytes)")
            return edits
        case .error(let className, let message):
            throw JournalHostError.downloadMismatch("\(peer.host):\(peer.port) answered \(className): \(message)")
        default:
            throw JournalHostError.downloadMismatch("\(peer.host):\(peer.port) answered with the wrong kind of reply")
        }
    }

    private func format(_ info: NamespaceInfo, force: Bool, in slot: JournalSlot) -> JournalReply {
        do {
            try slot.directory.format(info, force: force)
        } catch {
            return .error(className: "IOException", message: "\(error)")
        }
        reloadOrExit(slot)
        logger.info("Formatting journal \(slot.journalID) with namespace info: \(info)")
        return .formatted
    }

    /// Tailing reads: the edits from `since` in the segment that holds it.
    private func journaledEdits(since: TxID, maxTransactions: UInt64, in slot: JournalSlot) -> JournalReply {
        guard let segment = slot.node.durable.segments.last(where: { $0.contains(since) }) else {
            return .journaledEdits(firstTxID: since, count: 0, edits: [])
        }
        let count = min(segment.end - since + 1, max(maxTransactions, 1))
        do {
            let edits = try slot.directory.readEdits(segmentStart: segment.start, fromTxID: since, maxCount: Int(count))
            return .journaledEdits(firstTxID: since, count: count, edits: edits)
        } catch {
            return .error(className: "IOException", message: "\(error)")
        }
    }

    /// The source side of acceptRecovery's download (upstream `GetJournalEditServlet`).
    private func segment(start: TxID, end: TxID, in slot: JournalSlot) -> JournalReply {
        guard let segment = slot.node.durable.segment(startingAt: start), segment.end >= end || end < start else {
            return .error(className: "FileNotFoundException", message: "No edits file for segment \(start) up to txid \(end)")
        }
        do {
            let count = end >= start ? Int(end - start + 1) : 0
            let edits = count == 0 ? [] : try slot.directory.readEdits(segmentStart: start, fromTxID: start, maxCount: count)
            return .segment(writerEpoch: segment.writerEpoch, edits: edits)
        } catch {
            return .error(className: "IOException", message: "\(error)")
        }
    }
}

/// One journal's model node, storage and trace, used only on its own serial queue.
final class JournalSlot: @unchecked Sendable {
    // @unchecked: every field is touched only from `queue` (and at close, after it drained).
    let journalID: String
    let index: JournalNodeID
    private(set) var directory: JournalDirectory
    let trace: TraceWriter
    let queue: DispatchQueue
    var node: JournalNode
    private let reopen: () throws -> JournalDirectory

    init(journalID: String, index: JournalNodeID, trace: TraceWriter, open: @escaping () throws -> JournalDirectory) throws {
        self.journalID = journalID
        self.index = index
        self.trace = trace
        reopen = open
        directory = try open()
        queue = DispatchQueue(label: "journal.\(journalID)")
        node = JournalNode(id: index, durable: directory.durableState)
        trace.recordStart(lamport: 0, state: node.durable)
    }

    /// A restart of this journal from what is on disk, as after a crash: the directory is opened
    /// again (its scan cuts a torn tail) and volatile state is lost.
    func reload() throws {
        directory.close()
        directory = try reopen()
        node = JournalNode(id: index, durable: directory.durableState)
        trace.recordStart(lamport: 0, state: node.durable)
    }

    func close() {
        directory.close()
        trace.close()
    }
}

enum JournalHostError: Error, CustomStringConvertible {
    case badJournalID(String)
    case unknownSource(JournalNodeID)
    case downloadFromSelf(JournalNodeID)
    case downloadMismatch(String)

    var description: String {
        switch self {
        case .badJournalID(let id): return "Invalid journal id '\(id)'"
        case .unknownSource(let index): return "acceptRecovery names JournalNode \(index), which is not in the configured quorum"
        case .downloadFromSelf(let index): return "acceptRecovery asks JournalNode \(index) to download a segment from itself"
        case .downloadMismatch(let text): return "Segment download failed: \(text)"
        }
    }
}

extension JournalCall {
    /// The journal a call is for.
    var journalID: String {
        switch self {
        case .protocolRequest(let id, _, _, _), .format(let id, _, _), .isFormatted(let id),
             .getJournaledEdits(let id, _, _), .fetchSegment(let id, _, _):
            return id
        }
    }
}
