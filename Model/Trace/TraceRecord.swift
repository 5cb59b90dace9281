/// The format of the daemons' traces (JSON lines), shared by the hosts that write them and the
/// trace checker that replays them through the model.
///
/// A trace file holds, in order, `TraceLine`s of one node: a `start` line each time the node
/// (re)starts, with the state the model node starts from, then one `step` line per call of `step`.

/// One step of a node: what came in, what the model answered, the durable state after it.
public struct TraceRecord<Input: Codable, Effect: Codable>: Codable {
    /// The node, e.g. `journalnode:127.0.0.1:8485/mycluster` or `namenode:nn1`.
    public var node: String
    /// The step's number within this trace file, from 1.
    public var step: UInt64
    /// The Lamport time of the step (after receiving the input's message, if any).
    public var lamport: UInt64
    public var input: Input
    public var effects: [Effect]
    /// `JournalDurableState.digest` (JournalNodes) or the namespace digest (NameNodes), in hex.
    public var durable: String
    /// How the host fared executing the effects: nil when all were carried out, else the error.
    public var hostError: String?

    public init(node: String, step: UInt64, lamport: UInt64, input: Input, effects: [Effect], durable: String,
                hostError: String?) {
        self.node = node
        self.step = step
        self.lamport = lamport
        self.input = input
        self.effects = effects
        self.durable = durable
        self.hostError = hostError
    }
}

/// A node (re)starting: the state its model node is built from.
public struct TraceStart<State: Codable>: Codable {
    public var node: String
    public var lamport: UInt64
    public var start: State

    public init(node: String, lamport: UInt64, start: State) {
        self.node = node
        self.lamport = lamport
        self.start = start
    }
}

/// What a NameNode starts from: `NameNode(id:journalCount:checkpointTxID:automaticFailover:)`.
public struct NameNodeStart: Codable, Hashable, Sendable {
    public var journalCount: Int
    public var checkpointTxID: TxID
    public var automaticFailover: Bool

    public init(journalCount: Int, checkpointTxID: TxID, automaticFailover: Bool) {
        self.journalCount = journalCount
        self.checkpointTxID = checkpointTxID
        self.automaticFailover = automaticFailover
    }

    public func makeNode() -> NameNode {
        NameNode(id: 0, journalCount: journalCount, checkpointTxID: checkpointTxID, automaticFailover: automaticFailover)
    }
}
