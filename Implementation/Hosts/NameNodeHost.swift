import Dispatch
import Foundation
import Model
import Namespace
import Storage
import Support
import Wire

/// The NameNode daemon: the model's `NameNode` (HA state, quorum writer, tailing) driven by RPCs
/// from clients, haadmin and failover controllers, and by JournalNode answers and timers.
///
/// Every input runs on one serial queue (`loop`): decode, `step`, execute the effects in order.
/// The namespace is the host's: an operation is checked against it before the model logs it,
/// applied when the model takes it (as upstream, in memory before the sync) and answered when
/// the model says the edit is on a quorum. Edits the model tells it to apply from a JournalNode
/// (tailing, catch-up) are read from that JournalNode and applied before the next effect.
public final class NameNodeHost: @unchecked Sendable {
    // @unchecked: all mutable state below is touched only on `loop`.

    public struct Options: Sendable {
        public var nameServiceID: String
        public var nameNodeID: String
        public var host: String
        public var port: UInt16
        /// `dfs.namenode.name.dir`: the first holds the checkpoints.
        public var nameDirectory: String
        public var journals: [(host: String, port: UInt16)]
        public var journalID: String
        public var automaticFailover: Bool
        public var timeouts = JournalTimeouts()
        /// `dfs.ha.tail-edits.period`.
        public var tailPeriodMilliseconds: Int = 60_000
        /// `dfs.ha.log-roll.period`: the active rolls its segment this often.
        public var rollPeriodMilliseconds: Int = 120_000
        /// `dfs.namenode.checkpoint.period` and `.txns`: a standby saves a checkpoint after this long
        /// once it has this many new edits.
        public var checkpointPeriodMilliseconds: Int = 3_600_000
        public var checkpointTransactions: UInt64 = 1_000_000
        /// Edits read from a JournalNode per call while tailing or catching up.
        public var tailBatchTransactionsMax: UInt32 = 10_000
        public var traceDirectory: String?
        public var framePayloadBytesMax: Int = 64 << 20

        public init(nameServiceID: String, nameNodeID: String, host: String, port: UInt16, nameDirectory: String,
                    journals: [(host: String, port: UInt16)], journalID: String, automaticFailover: Bool) {
            self.nameServiceID = nameServiceID
            self.nameNodeID = nameNodeID
            self.host = host
            self.port = port
            self.nameDirectory = nameDirectory
            self.journals = journals
            self.journalID = journalID
            self.automaticFailover = automaticFailover
        }
    }

    /// The QJM's per-call timeouts (`dfs.qjournal.*.timeout.ms`).
    public struct JournalTimeouts: Sendable {
        public var writeTransactions = 20_000
        public var startSegment = 20_000
        public var prepareRecovery = 120_000
        public var acceptRecovery = 120_000
        public var finalizeSegment = 120_000
        public var selectInputStreams = 20_000
        public var getJournalState = 120_000
        public var newEpoch = 120_000
        public init() {}

        func milliseconds(for request: JournalRequest) -> Int {
            switch request {
            case .journal, .heartbeat: return writeTransactions
            case .startLogSegment: return startSegment
            case .prepareRecovery: return prepareRecovery
            case .acceptRecovery: return acceptRecovery
            case .finalizeLogSegment: return finalizeSegment
            case .getEditLogManifest: return selectInputStreams
            case .getJournalState: return getJournalState
            case .newEpoch: return newEpoch
            }
        }
    }

    let options: Options
    let logger: Logger
    let clock = LamportClock()
    let loop = DispatchQueue(label: "namenode.loop")
    private var server: RPCServer?
    private var journalClients: [RPCClient] = []
    private var timers: [DispatchSourceTimer] = []
    private let trace: TraceWriter

    private var node: NameNode
    private let storage: NameStorage
    let namespaceInfo: NamespaceInfo
    private(set) var namespace: Namespace
    /// Encoded records of edits taken but not yet sent: `unsentRecords[i]` is txid `unsentFirst + i`.
    private var unsentRecords: [[UInt8]] = []
    private var unsentFirst: TxID = 1
    private var nextClientID: ClientID = 1
    private var pendingClients: [ClientID: PendingClient] = [:]
    private var pendingTransitions: [(reply: RPCReply, wanted: HAServiceState)] = []
    private var lastCheckpointTxID: TxID
    /// Called instead of exiting the process on `terminate` (tests); nil exits with status 1.
    var onTerminate: (@Sendable (String) -> Void)?

    enum PendingClient {
        /// A namespace change taken; answered with `response` once the edit is on a quorum.
        case write(ClientResponse)
        /// Refused before content checks: the model answers standby.
        case refused
        case read(ClientRequest)
    }

    /// Opens the name directory and loads its newest checkpoint; the NameNode starts as standby.
    public init(options: Options, logger: Logger = Logger(name: "namenode")) throws {
        self.options = options
        self.logger = logger
        storage = try NameStorage.open(options.nameDirectory)
        namespaceInfo = storage.namespaceInfo
        let (loaded, txid) = try storage.loadCheckpoint()
        try? storage.writeSeenTxID(txid)
        namespace = loaded
        lastCheckpointTxID = txid
        node = NameNode(id: 0, journalCount: options.journals.count, checkpointTxID: txid,
                        automaticFailover: options.automaticFailover)
        trace = try TraceWriter(path: options.traceDirectory.map { "\($0)/namenode-\(options.nameNodeID).jsonl" },
                                node: "namenode:\(options.nameNodeID)")
        trace.recordStart(lamport: 0, state: NameNodeStart(journalCount: options.journals.count, checkpointTxID: txid,
                                                          automaticFailover: options.automaticFailover))
        logger.info("Loaded checkpoint at txid \(txid) from \(options.nameDirectory) (\(namespaceInfo))")
    }

    public var port: UInt16 { server?.port ?? 0 }

    public func start() throws {
        journalClients = options.journals.map { journal in
            RPCClient(host: journal.host, port: journal.port, connectTimeout: .milliseconds(2_000),
                      log: { [logger] in logger.warn($0) })
        }
        let rpc = try RPCServer(host: options.host, port: options.port, framePayloadBytesMax: options.framePayloadBytesMax,
                                log: { [logger] in logger.warn($0) },
                                handler: { [weak self] frame, reply in self?.receive(frame, reply) })
        server = rpc
        logger.info("NameNode \(options.nameServiceID).\(options.nameNodeID) RPC up at \(options.host):\(rpc.port), state standby")
        schedule(every: options.tailPeriodMilliseconds) { $0.step(.tailEdits, lamport: $0.clock.tick()) }
        schedule(every: options.rollPeriodMilliseconds) { $0.step(.rollEditLog, lamport: $0.clock.tick()) }
        schedule(every: min(options.checkpointPeriodMilliseconds, 60_000)) { $0.checkpointIfDue() }
        loop.async { self.step(.tailEdits, lamport: self.clock.tick()) }
    }

    public func stop() {
        loop.sync {
            for timer in timers { timer.cancel() }
            timers.removeAll()
        }
        server?.stop()
        for client in journalClients { client.close() }
        trace.close()
    }

    private func schedule(every milliseconds: Int, _ action: @escaping (NameNodeHost) -> Void) {
        let timer = DispatchSource.makeTimerSource(queue: loop)
        timer.schedule(deadline: .now() + .milliseconds(milliseconds), repeating: .milliseconds(milliseconds))
        timer.setEventHandler { [weak self] in if let self { action(self) } }
        timer.resume()
        timers.append(timer)
    }

    // MARK: - Inputs

    private func receive(_ frame: Frame, _ reply: RPCReply) {
        let request: ClientRequest
        do {
            request = try ClientRequest.decode(frame.payload)
        } catch {
            reply.send(payload: ClientResponse.failure(className: "RpcServerException", message: "Undecodable request: \(error)").encode(),
                       lamport: clock.send())
            return
        }
        let lamport = clock.receive(frame.lamport)
        loop.async { self.handle(request, reply, lamport: lamport) }
    }

    private func answer(_ reply: RPCReply, _ response: ClientResponse) {
        reply.send(payload: response.encode(), lamport: clock.send())
    }

    private func handle(_ request: ClientRequest, _ reply: RPCReply, lamport: UInt64) {
        switch request {
        case .transitionToActive(let source):
            pendingTransitions.append((reply, .active))
            step(.transitionToActive(source: source), lamport: lamport)
        case .transitionToStandby(let source):
            pendingTransitions.append((reply, .standby))
            step(.transitionToStandby(source: source), lamport: lamport)
        case .getServiceStatus:
            answer(reply, .serviceStatus(state: node.state, readyToBecomeActive: !node.terminated && node.writer == nil,
                                         notReadyReason: node.writer != nil ? "NameNode is in transition" : nil))
        case .monitorHealth:
            answer(reply, node.terminated ? .failure(className: "HealthCheckFailedException", message: "The NameNode is shutting down")
                   : .done)
        case .fetchImage:
            answer(reply, latestImage())
        case .getNameNodeInfo:
            answer(reply, .nameNodeInfo(NameNodeInfo(state: node.state, lastAppliedTxID: TxID(node.applied.count),
                                                     writerEpoch: node.establishedEpoch, committedTxID: node.writer?.committed,
                                                     namespaceDigest: namespace.digest)))
        case .getFileInfo, .getListing:
            let id = nextClient()
            pendingClients[id] = .read(request)
            register(reply, for: id)
            step(.client(id, .read), lamport: lamport)
        case .mkdirs, .create, .delete, .rename:
            handleWrite(request, caller: nil, reply, lamport: lamport)
        case .identified(let caller, let inner):
            handleWrite(inner, caller: caller, reply, lamport: lamport)
        }
    }

    /// A namespace change: refused as a standby by the model, answered from the retry cache if it
    /// is a repeat, checked against the namespace, applied, and answered once the model says its
    /// edit is on a quorum.
    private func handleWrite(_ request: ClientRequest, caller: CallIdentity?, _ reply: RPCReply, lamport: UInt64) {
        let id = nextClient()
        register(reply, for: id)
        guard node.acceptsClientWrites else {
            pendingClients[id] = .refused
            step(.client(id, .write), lamport: lamport)
            return
        }
        if let caller, let entry = retryCache[caller] {
            switch entry {
            case .done(let response):
                complete(id, response)
            case .pending(let waiters):
                retryCache.set(caller, .pending(waiters: waiters + [id]))
            }
            return
        }
        guard let operation = NamespaceAdapter.operation(for: request, owner: owner, now: NamespaceAdapter.nowMilliseconds()) else { return }
        let logged: NamespaceOperation?
        do {
            logged = try namespace.perform(operation)
        } catch {
            complete(id, .namespaceError(error))
            return
        }
        guard let logged else {
            complete(id, NamespaceAdapter.success(for: request))  // nothing changes: nothing to log
            return
        }
        let txid = TxID(node.applied.count) + 1
        if unsentRecords.isEmpty { unsentFirst = txid }
        precondition(unsentFirst + TxID(unsentRecords.count) == txid, "Internal inconsistency: unsent edits are not contiguous")
        unsentRecords.append(EditRecords.encode([EditRecord(txid: txid, payload: EditPayload.encode(logged, caller: caller))]))
        pendingClients[id] = .write(NamespaceAdapter.success(for: request))
        if let caller {
            retryCache.set(caller, .pending(waiters: []))
            callers[id] = caller
        }
        step(.client(id, .write), lamport: lamport)
        precondition(TxID(node.applied.count) == txid, "Internal inconsistency: the model took edit \(node.applied.count), the host \(txid)")
    }

    private var replies: [ClientID: RPCReply] = [:]
    private var retryCache = RetryCache()
    /// The call ids of writes waiting for their quorum.
    private var callers: [ClientID: CallIdentity] = [:]
    /// Who owns what this NameNode creates (upstream: the calling user; here the daemon's).
    private let owner = NameStorage.currentUserName()

    private func nextClient() -> ClientID {
        defer { nextClientID += 1 }
        return nextClientID
    }

    private func register(_ reply: RPCReply, for id: ClientID) { replies[id] = reply }

    private func complete(_ id: ClientID, _ response: ClientResponse) {
        pendingClients[id] = nil
        guard let reply = replies.removeValue(forKey: id) else { return }
        answer(reply, response)
    }

    // MARK: - Steps and effects

    /// One model step and its effects, in order. Runs on `loop`.
    func step(_ input: NameNode.Input, lamport: UInt64) {
        let effects = node.step(input)
        var hostError: String?
        for effect in effects {
            switch effect {
            case .send(let journalNode, let request):
                send(request, to: journalNode)
            case .replyClient(let id, let result):
                reply(to: id, result)
            case .transitionResult(let state, let failure):
                finishTransitions(state, failure: failure)
            case .applyEdits(let first, let last, let writerEpoch, let source):
                guard let source else { continue }  // our own edits: already in the namespace
                do {
                    try applyFromJournal(first: first, last: last, source: source)
                } catch {
                    hostError = "\(error)"
                    trace.record(lamport: lamport, input: input, effects: effects, durable: namespace.digest, hostError: hostError)
                    terminate("Error applying edits \(first)-\(last) written in epoch \(writerEpoch): \(error)")
                    return
                }
            case .terminate(let reason):
                trace.record(lamport: lamport, input: input, effects: effects, durable: namespace.digest)
                terminate(reason)
                return
            case .log(let text):
                logger.info(text)
            }
        }
        dropSentRecords()
        trace.record(lamport: lamport, input: input, effects: effects, durable: namespace.digest, hostError: hostError)
    }

    /// Forgets the records of edits the writer has sent (all of them once it stopped writing).
    private func dropSentRecords() {
        let sentThrough = node.writer?.sentThrough ?? TxID.max
        guard !unsentRecords.isEmpty, sentThrough >= unsentFirst else { return }
        let count = Int(min(UInt64(unsentRecords.count), sentThrough - unsentFirst + 1))
        unsentRecords.removeFirst(count)
        unsentFirst += TxID(count)
    }

    private func terminate(_ reason: String) {
        logger.fatal(reason)
        if let onTerminate { onTerminate(reason); return }
        trace.close()
        exit(1)
    }

    private func send(_ request: JournalRequest, to journalNode: JournalNodeID) {
        var edits: [UInt8] = []
        if case .journal(_, _, let first, let count) = request, count > 0 {
            guard first >= unsentFirst, first + count <= unsentFirst + TxID(unsentRecords.count) else {
                fatalError("Internal inconsistency: edits \(first)-\(first + count - 1) to send are not held (holding \(unsentFirst)-\(unsentFirst + TxID(unsentRecords.count) - 1))")
            }
            edits.reserveCapacity(Int(count) * 64)
            for index in Int(first - unsentFirst)..<Int(first - unsentFirst + count) { edits += unsentRecords[index] }
        }
        var namespaceForEpoch: NamespaceInfo?
        if case .newEpoch = request { namespaceForEpoch = namespaceInfo }
        let call = JournalCall.protocolRequest(journalID: options.journalID, request, edits: edits, namespace: namespaceForEpoch)
        journalClients[journalNode].call(payload: call.encode(), lamport: clock.send(),
                                         timeout: .milliseconds(options.timeouts.milliseconds(for: request))) { [self] result in
            loop.async { [self] in
                switch result {
                case .success(let frame):
                    let lamport = clock.receive(frame.lamport)
                    switch try? JournalReply.decode(frame.payload) {
                    case .protocolResponse(let response)?:
                        step(.journal(from: journalNode, response), lamport: lamport)
                    case .error(let className, let message)?:
                        logger.warn("Journal \(journalNode) (\(endpoint(journalNode))) failed \(request.name): \(className): \(message)")
                        step(.journalUnreachable(journalNode, request), lamport: lamport)
                    default:
                        logger.warn("Journal \(journalNode) (\(endpoint(journalNode))) sent an unexpected answer to \(request.name)")
                        step(.journalUnreachable(journalNode, request), lamport: lamport)
                    }
                case .failure(let error):
                    logger.warn("Journal \(journalNode) (\(endpoint(journalNode))) unreachable for \(request.name): \(error)")
                    step(.journalUnreachable(journalNode, request), lamport: clock.tick())
                }
            }
        }
    }

    private func endpoint(_ journalNode: JournalNodeID) -> String {
        "\(options.journals[journalNode].host):\(options.journals[journalNode].port)"
    }

    private func reply(to id: ClientID, _ result: ClientResult) {
        guard let pending = pendingClients[id] else { return }
        switch (result, pending) {
        case (.written, .write(let response)):
            complete(id, response)
            if let caller = callers.removeValue(forKey: id) {
                for waiter in retryCache.complete(caller, response) { complete(waiter, response) }
            }
        case (.read, .read(let request)):
            complete(id, NamespaceAdapter.read(request, in: namespace))
        case (.standby(let category, let state), _):
            complete(id, .failure(className: "org.apache.hadoop.ipc.StandbyException",
                                  message: "Operation category \(category) is not supported in state \(state.rawValue). Visit https://s.apache.org/sbnn-error"))
        default:
            complete(id, .failure(className: "IOException", message: "Unexpected result \(result)"))
        }
    }

    private func finishTransitions(_ state: HAServiceState, failure: String?) {
        if state == .standby {
            // Writes not acknowledged as active never will be here; if their edits reached the
            // log, tailing fills their retry-cache entries again.
            for caller in callers.values { retryCache.forget(caller) }
            callers.removeAll()
        }
        let waiting = pendingTransitions
        pendingTransitions.removeAll()
        for (reply, wanted) in waiting {
            if let failure {
                answer(reply, .failure(className: "org.apache.hadoop.security.AccessControlException", message: failure))
            } else if wanted == state {
                answer(reply, .done)
            } else {
                answer(reply, .failure(className: "org.apache.hadoop.ha.ServiceFailedException",
                                       message: "Transition to \(wanted.rawValue) did not complete: the NameNode is \(state.rawValue)"))
            }
        }
        if state == .active { logger.info("NameNode \(options.nameNodeID) is active") }
    }

    /// Reads edits `first...last` from JournalNode `source` (then the others, in order) and applies them.
    private func applyFromJournal(first: TxID, last: TxID, source: JournalNodeID) throws {
        var next = first
        var failures: [String] = []
        let order = [source] + (0..<options.journals.count).filter { $0 != source }
        var index = 0
        while next <= last {
            guard index < order.count else {
                throw JournalHostError.downloadMismatch("no JournalNode served edits from \(next): " + failures.joined(separator: "; "))
            }
            let journalNode = order[index]
            let wanted = UInt32(min(UInt64(options.tailBatchTransactionsMax), last - next + 1))
            let call = JournalCall.getJournaledEdits(journalID: options.journalID, sinceTxID: next, maxTransactions: wanted)
            do {
                let response = try journalClients[journalNode].call(payload: call.encode(), lamport: clock.send(),
                                                                    timeout: .milliseconds(options.timeouts.selectInputStreams))
                _ = clock.receive(response.lamport)
                guard case .journaledEdits(let firstTxID, let count, let bytes) = try JournalReply.decode(response.payload),
                      firstTxID == next, count > 0 else {
                    throw JournalHostError.downloadMismatch("\(endpoint(journalNode)) has no edits from \(next)")
                }
                let records = try EditRecords.decode(bytes)
                for record in records where record.txid <= last {
                    guard record.txid == next else {
                        throw JournalHostError.downloadMismatch("\(endpoint(journalNode)) sent txid \(record.txid), expected \(next)")
                    }
                    let (operation, caller) = try EditPayload.decode(record.payload)
                    do { try namespace.apply(operation) } catch {
                        throw JournalHostError.downloadMismatch("edit \(record.txid) (\(operation)) does not apply: \(error)")
                    }
                    if let caller { _ = retryCache.complete(caller, NamespaceAdapter.success(for: operation)) }
                    next += 1
                }
            } catch {
                failures.append("\(endpoint(journalNode)): \(error)")
                index += 1
            }
        }
    }

    // MARK: - Checkpoints

    /// A standby saves its namespace (every edit in it is committed) when enough edits came in.
    private func checkpointIfDue() {
        guard node.state == .standby, node.writer == nil else { return }
        let txid = TxID(node.applied.count)
        guard txid > lastCheckpointTxID, txid - lastCheckpointTxID >= options.checkpointTransactions else { return }
        saveCheckpoint(txid)
    }

    /// Saves a checkpoint now if this NameNode is standby (tests and shutdown).
    public func checkpointNow() {
        loop.sync {
            guard node.state == .standby, node.writer == nil, TxID(node.applied.count) > lastCheckpointTxID else { return }
            saveCheckpoint(TxID(node.applied.count))
        }
    }

    private func saveCheckpoint(_ txid: TxID) {
        do {
            try storage.saveCheckpoint(namespace, txid: txid)
            lastCheckpointTxID = txid
            logger.info("Saved checkpoint at txid \(txid)")
        } catch {
            logger.error("Checkpoint at txid \(txid) failed: \(error)")
        }
    }

    private func latestImage() -> ClientResponse {
        do {
            guard let txid = try FSImage.txids(in: storage.currentDirectory).max() else {
                return .failure(className: "java.io.IOException", message: "No image in \(storage.currentDirectory)")
            }
            let path = storage.currentDirectory + "/" + FSImage.fileName(txid: txid)
            guard let bytes = try DurableFiles.read(path) else {
                return .failure(className: "java.io.FileNotFoundException", message: path)
            }
            return .image(namespace: namespaceInfo, txid: txid, bytes: bytes)
        } catch {
            return .failure(className: "IOException", message: "\(error)")
        }
    }
}
