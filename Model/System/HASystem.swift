/// The whole HA system as one state for the checker: the nodes, the network between them, the
/// operator's failover in progress, and ghost variables that remember what clients were told.
///
/// The nodes are the very role types the daemons run; this type only composes them with an
/// explicit environment (message loss, crashes, pauses, timeouts) — see `HAProtocol` for the
/// actions. Ghost variables never influence a node; they exist so that properties can speak
/// about the history (what was acknowledged, what was ever on a quorum, who owned an epoch).
public struct HASystem: Hashable, Sendable, Codable, Fingerprintable {
    public struct JournalSlot: Hashable, Sendable, Codable {
        public var node: JournalNode
        public var up: Bool
    }

    public enum NameNodeStatus: String, Hashable, Sendable, Codable {
        case running, paused, down
    }

    public struct NameNodeSlot: Hashable, Sendable, Codable {
        public var node: NameNode
        public var status: NameNodeStatus
        /// The NameNode fails its health checks (automatic failover: the ZKFC's monitor reports it).
        public var unhealthy = false
    }

    /// A ZKFC process and the host around it (automatic failover).
    public struct ControllerSlot: Hashable, Sendable, Codable {
        public var controller: ZKFailoverController
        public var up: Bool
        /// The session of the host's ZooKeeper client, if it has one (it outlives a dropped link).
        public var session: Int64?
        /// Whether the client's TCP connection to ZooKeeper is up.
        public var linked = false
        /// A transition RPC sent to a paused NameNode: it waits in the socket until the NameNode resumes.
        public var queuedCall: QueuedCall?
        /// ZooKeeper requests made while disconnected: the client sends them once it reconnects.
        public var queuedRequests: [QueuedRequest] = []
    }

    public struct QueuedRequest: Hashable, Sendable, Codable {
        public var xid: Int32
        public var operation: CoordinationOperation
    }

    /// A transition RPC waiting at a paused NameNode.
    public struct QueuedCall: Hashable, Sendable, Codable {
        public var nameNode: NameNodeID
        public var toActive: Bool

        /// The NameNode's input for this call (a transition requested by the ZKFC).
        var input: NameNode.Input {
            toActive ? .transitionToActive(source: .failoverController) : .transitionToStandby(source: .failoverController)
        }
    }

    /// A ZooKeeper event on its way to the client of `session`: a watch notification, or a reply
    /// queued behind one (a client sees a session's events in order).
    public struct ZooKeeperDelivery: Hashable, Sendable, Codable, CustomStringConvertible {
        public var session: Int64
        public var watch: CoordinationWatchEvent?
        public var reply: ZooKeeperReply?

        public var description: String {
            let session = HASystem.sessionName(self.session)
            if let watch { return "\(session) ← \(watch.type) \(watch.path)" }
            if let reply { return "\(session) ← reply xid \(reply.xid)" }
            return session
        }
    }

    /// A ZooKeeper session id as ZooKeeper logs it: `0x101`.
    public static func sessionName(_ session: Int64) -> String { "0x" + CoordinationServer.hex(session) }

    public struct ZooKeeperReply: Hashable, Sendable, Codable {
        public var xid: Int32
        public var result: CoordinationResult
    }

    /// A ZKFCProtocol call in progress between two ZKFCs (`caller` nil: haadmin).
    public struct ControllerCall: Hashable, Sendable, Codable {
        public var caller: NameNodeID?
        public var callee: NameNodeID
        public var call: ZKFCCall
    }

    public enum Endpoint: Hashable, Sendable, Codable, CustomStringConvertible {
        case journalNode(JournalNodeID)
        case nameNode(NameNodeID)

        public var description: String {
            switch self {
            case .journalNode(let id): return "jn\(id + 1)"
            case .nameNode(let id): return "nn\(id + 1)"
            }
        }
    }

    /// A message in flight. A response carries the request it answers (so that losing it can be
    /// reported to the sender as that call's failure); `orphaned` marks traffic of a NameNode
    /// process that has since died, whose answers nobody will read.
    public struct Envelope: Hashable, Sendable, Codable, CustomStringConvertible {
        public var from: Endpoint
        public var to: Endpoint
        public var request: JournalRequest
        /// A response waits in the network only for a paused NameNode: it is kept out of line (an
        /// array of at most one), so that the envelopes the checker copies all the time stay small.
        public var response: JournalResponse? {
            get { responseStorage.first }
            set { HASystem.store(newValue, in: &responseStorage) }
        }
        private var responseStorage: [JournalResponse]
        /// Whether a response waits here: `response != nil` without copying the response out.
        public var hasResponse: Bool { !responseStorage.isEmpty }
        public var orphaned = false
        /// Orphaned because its sender process died (kill -9, fencing, exit): bounded by crashes.
        public var senderDied = false

        public init(from: Endpoint, to: Endpoint, request: JournalRequest, response: JournalResponse? = nil,
                    orphaned: Bool = false, senderDied: Bool = false) {
            self.from = from
            self.to = to
            self.request = request
            self.responseStorage = []
            HASystem.store(response, in: &responseStorage)
            self.orphaned = orphaned
            self.senderDied = senderDied
        }

        public var description: String {
            if let response { return "\(from)→\(to) \(HASystem.describe(response))" }
            return "\(from)→\(to) \(HASystem.describe(request))"
        }
    }

    /// An edit: its txid and the epoch of the writer that wrote it.
    public struct Edit: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
        public var txid: TxID
        public var epoch: Epoch
        public static func < (left: Edit, right: Edit) -> Bool { (left.txid, left.epoch) < (right.txid, right.epoch) }
        public var description: String { "\(txid)@e\(epoch)" }
    }

    /// A NameNode that established an epoch on a quorum.
    public struct EpochOwner: Hashable, Sendable, Codable, Comparable {
        public var epoch: Epoch
        public var nameNode: NameNodeID
        public static func < (left: EpochOwner, right: EpochOwner) -> Bool {
            (left.epoch, left.nameNode) < (right.epoch, right.nameNode)
        }
    }

    /// History the properties read; never read by a node. Only what the current state cannot
    /// tell is kept here (every extra flag multiplies the state space).
    public struct Ghost: Hashable, Sendable, Codable {
        /// Edits acknowledged to a client, sorted.
        public var acknowledged: [Edit] = []
        /// Edits that were ever durable on a majority of JournalNodes at once, sorted.
        public var chosen: [Edit] = []
        /// (epoch, NameNode) for every epoch a NameNode established on a quorum, sorted.
        public var epochOwners: [EpochOwner] = []
        /// A JournalNode lost an edit it held (a recovery or a new writer discarded an uncommitted tail).
        public var uncommittedTailDiscarded = false
    }

    public var journalNodes: [JournalSlot]
    public var nameNodes: [NameNodeSlot]
    public var clients: [Client]
    public var network: [Envelope] = []
    /// The operator's `haadmin -failover` in progress, with the fencing method it waits for.
    public var failover: ManualFailover? {
        get { failoverStorage.first }
        set { HASystem.store(newValue, in: &failoverStorage) }
    }
    public var crashes: Int { get { Int(counters.crashes) } set { counters.crashes = UInt8(newValue) } }
    public var pauses: Int { get { Int(counters.pauses) } set { counters.pauses = UInt8(newValue) } }
    /// Messages lost so far (bounded by `lossesMax`).
    public var losses: Int { get { Int(counters.losses) } set { counters.losses = UInt8(newValue) } }
    public var editsIssued: Int { get { Int(counters.editsIssued) } set { counters.editsIssued = UInt8(newValue) } }
    public var ghost = Ghost()

    // Automatic failover (nil and empty without it).
    /// The ZooKeeper server.
    public var coordination: CoordinationServer? {
        get { coordinationStorage.first }
        set { HASystem.store(newValue, in: &coordinationStorage) }
    }
    /// One ZKFC per NameNode, by NameNode id.
    public var controllers: [ControllerSlot] = []
    /// ZooKeeper events in flight to clients, in order per session.
    public var zooKeeperQueue: [ZooKeeperDelivery] = []
    /// ZKFCProtocol calls in progress (haadmin's gracefulFailover and the cedeActive calls it makes).
    public var controllerCalls: [ControllerCall] = []
    /// Dropped ZooKeeper connections so far (bounded by `sessionFaultsMax`).
    public var sessionFaults: Int { get { Int(counters.sessionFaults) } set { counters.sessionFaults = UInt8(newValue) } }
    /// Health failures so far (bounded by `healthFaultsMax`).
    public var healthFaults: Int { get { Int(counters.healthFaults) } set { counters.healthFaults = UInt8(newValue) } }
    /// haadmin -failover runs (through the ZKFCs) so far (bounded by `gracefulFailoversMax`).
    public var gracefulFailovers: Int {
        get { Int(counters.gracefulFailovers) }
        set { counters.gracefulFailovers = UInt8(newValue) }
    }
    /// Inputs for ZKFCs produced during a step, handled before it ends (always empty between steps).
    var controllerInbox: [ControllerInput] = []

    // The checker copies a state for every successor it generates and keeps whole levels of them:
    // the two optional parts, large and often absent, live out of line (an array of at most one
    // element), and the fault counters in bytes (`HAConfiguration.validationError` bounds them at
    // 64), which took the state from 296 bytes to 120.
    private(set) var failoverStorage: [ManualFailover] = []
    private(set) var coordinationStorage: [CoordinationServer] = []
    private var counters = Counters()

    struct Counters: Hashable, Sendable, Codable {
        var crashes: UInt8 = 0
        var pauses: UInt8 = 0
        var losses: UInt8 = 0
        var editsIssued: UInt8 = 0
        var sessionFaults: UInt8 = 0
        var healthFaults: UInt8 = 0
        var gracefulFailovers: UInt8 = 0
    }

    /// Sets an out-of-line optional, in place when its storage is not shared.
    private static func store<Value>(_ value: Value?, in storage: inout [Value]) {
        guard let value else { storage.removeAll(); return }
        if storage.isEmpty { storage.append(value) } else { storage[0] = value }
    }

    struct ControllerInput: Hashable, Sendable, Codable {
        var controller: NameNodeID
        var input: ZKFailoverController.Input
    }

    /// Every node freshly started: JournalNodes formatted and empty, NameNodes standby.
    public init(configuration: HAConfiguration) {
        journalNodes = (0..<configuration.journalNodes).map { id in
            JournalSlot(node: JournalNode(id: id, durable: JournalDurableState(formatted: true),
                                          mutation: configuration.mutation), up: true)
        }
        nameNodes = (0..<configuration.nameNodes).map { id in
            NameNodeSlot(node: NameNode(id: id, journalCount: configuration.journalNodes,
                                        automaticFailover: configuration.automaticFailover,
                                        mutation: configuration.mutation), status: .running)
        }
        clients = (0..<configuration.clients).map { id in
            Client(id: id, nameNodeCount: configuration.nameNodes, failoversMax: configuration.nameNodes)
        }
    }

    /// The NameNodes that serve clients right now (active and running).
    public var servingNameNodes: [NameNodeID] {
        nameNodes.indices.filter { nameNodes[$0].status == .running && nameNodes[$0].node.servesClients }
    }

    /// The highest epoch any JournalNode promised or any NameNode holds.
    public var highestEpoch: Epoch {
        // By index, in place: a closure over the slots copies each one, and this bounds every successor.
        var highest: Epoch = 0
        for id in journalNodes.indices { highest = max(highest, journalNodes[id].node.promisedEpoch) }
        for id in nameNodes.indices { highest = max(highest, nameNodes[id].node.writer?.epoch ?? 0) }
        return highest
    }

    /// The edits a JournalNode holds on disk, by txid.
    public func edits(onJournalNode id: JournalNodeID) -> [Edit] {
        var edits: [Edit] = []
        for segment in journalNodes[id].node.durable.segments where !segment.isEmpty {
            for txid in segment.start...segment.end { edits.append(Edit(txid: txid, epoch: segment.writerEpoch)) }
        }
        return edits
    }

    static func describe(_ request: JournalRequest) -> String {
        switch request {
        case .getJournalState: return "getJournalState"
        case .newEpoch(let epoch): return "newEpoch(\(epoch))"
        case .startLogSegment(let info, let txid): return "startLogSegment(e\(info.epoch), \(txid))"
        case .journal(let info, let segment, let first, let count):
            return "journal(e\(info.epoch), seg \(segment), txids \(first)-\(first + count - 1)\(committedText(info)))"
        case .finalizeLogSegment(let info, let start, let end): return "finalizeLogSegment(e\(info.epoch), \(start)-\(end))"
        case .heartbeat(let info): return "heartbeat(e\(info.epoch))"
        case .prepareRecovery(let info, let start): return "prepareRecovery(e\(info.epoch), \(start))"
        case .acceptRecovery(let info, let segment, let writerEpoch, let source):
            return "acceptRecovery(e\(info.epoch), \(segment)@e\(writerEpoch) from jn\(source + 1))"
        case .getEditLogManifest(let since, _, _): return "getEditLogManifest(since \(since))"
        }
    }

    private static func committedText(_ info: RequestInfo) -> String {
        info.committedTxID.map { ", committed \($0)" } ?? ""
    }

    static func describe(_ response: JournalResponse) -> String {
        switch response {
        case .journalState(let promised): return "journalState(promised \(promised))"
        case .newEpochAccepted(let epoch, let last): return "newEpoch ok(e\(epoch), last segment \(last.map(String.init) ?? "none"))"
        case .segmentStarted(let epoch, let txid): return "startLogSegment ok(e\(epoch), \(txid))"
        case .written(let epoch, let first, let count): return "journal ok(e\(epoch), \(first)-\(first + count - 1))"
        case .finalized(let epoch, let start, let end): return "finalize ok(e\(epoch), \(start)-\(end))"
        case .heartbeatAccepted(let epoch): return "heartbeat ok(e\(epoch))"
        case .recoveryPrepared(let epoch, let start, let prepared):
            let segment = prepared.segment.map { "\($0)@e\(prepared.writerEpochOfSegment)" } ?? "no segment"
            let accepted = prepared.acceptedInEpoch.map { ", accepted in \($0)" } ?? ""
            return "prepareRecovery ok(e\(epoch), \(start): \(segment)\(accepted), writer e\(prepared.lastWriterEpoch))"
        case .recoveryAccepted(let epoch, let start): return "acceptRecovery ok(e\(epoch), \(start))"
        case .manifest(_, let segments, _): return "manifest(\(segments.map(\.description).joined(separator: ", ")))"
        case .failed(let request, _, _, let error): return "\(request) failed: \(error)"
        }
    }
}
