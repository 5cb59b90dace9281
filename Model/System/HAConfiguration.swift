/// The bounds and faults of one exploration of the HA system.
public struct HAConfiguration: Hashable, Sendable, Codable {
    /// Faults the environment may inject; each one switchable.
    public struct Faults: Hashable, Sendable, Codable {
        /// A message is lost (its connection breaks: the sender learns the call failed).
        public var messageLoss = true
        /// A message is delivered twice.
        public var duplication = false
        /// Messages on one link overtake each other (off: each link is FIFO, as TCP is).
        public var reordering = false
        /// JournalNodes and NameNodes crash (kill -9) and restart.
        public var crashes = true
        /// A JournalNode crashes in the middle of a step, after some of its durable writes.
        public var tornSteps = true
        /// An active NameNode pauses (a GC pause or SIGSTOP) and later resumes with its old state.
        public var pauses = false
        /// A fencing method fails (sshfence cannot reach the host).
        public var fencingFailures = false

        public init() {}
    }

    /// How an operator's failover fences the old active.
    public enum Fencing: String, Hashable, Sendable, Codable {
        /// `sshfence` (or any method that kills the process): success means the old active is dead.
        case kill
        /// `shell(/bin/true)`: reports success and does nothing.
        case noop = "shell(/bin/true)"
    }

    public var nameNodes = 2
    public var journalNodes = 3
    public var clients = 1
    /// No writer proposes an epoch above this.
    public var epochMax: Epoch = 3
    /// Client writes issued in all.
    public var editsMax = 2
    /// Crashes (and torn steps) in all.
    public var crashesMax = 1
    /// Pauses in all.
    public var pausesMax = 1
    /// Lost messages (requests or replies) in all, when loss is on; like `crashesMax`, a fault
    /// budget. The default is no budget beyond the in-flight bound.
    public var lossesMax = HAConfiguration.lossesUnbounded
    public static let lossesUnbounded = 64
    /// Messages in flight at once.
    public var inFlightMax = 10
    public var faults = Faults()
    public var fencing = Fencing.kill
    public var mutation: Mutation?
    /// Automatic failover: a ZKFC per NameNode and a ZooKeeper server elect the active; the
    /// operator's haadmin transitions are off (NameNodes refuse them, as upstream).
    public var automaticFailover = false
    /// Dropped ZooKeeper connections in all (automatic failover); a session whose client is
    /// disconnected or dead may expire at any time.
    public var sessionFaultsMax = 1
    /// NameNode health failures in all (automatic failover).
    public var healthFaultsMax = 1
    /// haadmin -failover through the ZKFCs (gracefulFailover) in all (automatic failover).
    public var gracefulFailoversMax = 1
    /// ZooKeeper sessions opened after the ZKFCs' first ones (a rejoin after a failed attempt, a
    /// restarted ZKFC); like `epochMax`, states needing more are not explored.
    public var newSessionsMax = 2
    /// Explore one representative per renaming of JournalNodes (and of the two NameNodes, under
    /// manual failover with two).
    public var symmetry = true
    /// The operator may run `haadmin -transitionToStandby` on its own (not only inside a failover).
    public var standbyTransitions = true

    public init() {}

    /// A majority of the JournalNodes.
    public var majority: Int { journalNodes / 2 + 1 }

    /// The first problem with these bounds, as a sentence naming it, or nil.
    public func validationError() -> String? {
        if !(1...5).contains(nameNodes) { return "namenodes must be between 1 and 5 (got \(nameNodes))" }
        if !(1...7).contains(journalNodes) { return "journalnodes must be between 1 and 7 (got \(journalNodes))" }
        if !(0...3).contains(clients) { return "clients must be between 0 and 3 (got \(clients))" }
        if !(1...10).contains(epochMax) { return "the epoch bound must be between 1 and 10 (got \(epochMax))" }
        if !(0...10).contains(editsMax) { return "the edit bound must be between 0 and 10 (got \(editsMax))" }
        if !(0...5).contains(crashesMax) { return "the crash bound must be between 0 and 5 (got \(crashesMax))" }
        if !(0...5).contains(pausesMax) { return "the pause bound must be between 0 and 5 (got \(pausesMax))" }
        if !(0...HAConfiguration.lossesUnbounded).contains(lossesMax) {
            return "the loss bound must be between 0 and \(HAConfiguration.lossesUnbounded) (got \(lossesMax))"
        }
        if !(0...5).contains(sessionFaultsMax) { return "the session fault bound must be between 0 and 5 (got \(sessionFaultsMax))" }
        if !(0...5).contains(healthFaultsMax) { return "the health fault bound must be between 0 and 5 (got \(healthFaultsMax))" }
        if !(0...5).contains(gracefulFailoversMax) {
            return "the graceful failover bound must be between 0 and 5 (got \(gracefulFailoversMax))"
        }
        if !(0...10).contains(newSessionsMax) { return "the new-session bound must be between 0 and 10 (got \(newSessionsMax))" }
        if automaticFailover && nameNodes > 3 { return "automatic failover is modelled for at most 3 NameNodes (got \(nameNodes))" }
        if !(1...64).contains(inFlightMax) { return "the in-flight bound must be between 1 and 64 (got \(inFlightMax))" }
        return nil
    }
}
