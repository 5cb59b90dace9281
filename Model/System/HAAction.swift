/// One step of the HA system: a node receiving something, or the environment doing something.
public enum HAAction: Hashable, Sendable, CustomStringConvertible {
    /// Deliver message `index` of the network.
    case deliver(Int, HASystem.Envelope)
    /// Deliver message `index` to its JournalNode (restarted first if it is down), which crashes
    /// after `writes` of its durable writes.
    case deliverAndCrash(Int, HASystem.Envelope, writes: Int)
    case drop(Int, HASystem.Envelope)
    /// Deliver request `index`; the JournalNode handles it, but its reply is lost.
    case deliverLosingReply(Int, HASystem.Envelope)
    case duplicate(Int, HASystem.Envelope)
    case crashJournalNode(JournalNodeID)
    /// Message `index` reaches its JournalNode, which is down: the JournalNode restarts and
    /// handles it (and its reply is lost on the way back when `losingReply`, a fault).
    case restartJournalNode(Int, HASystem.Envelope, losingReply: Bool)
    case crashNameNode(NameNodeID)
    /// A NameNode that is down starts again: under automatic failover, or while an operator's
    /// failover may still call it (`ManualFailover.mayCall`).
    case restartNameNode(NameNodeID)
    /// Under manual failover: the NameNodes listed, all down, start again for a step that needs
    /// them running, which follows at once: they tail edits, or haadmin's transitionToActive
    /// or failover asks them (see `HAProtocol.operatorActions`).
    indirect case restartNameNodes([NameNodeID], then: HAAction)
    case pause(NameNodeID)
    case resume(NameNodeID)
    /// `haadmin -transitionToActive <nn>` (its check that no other NameNode is active passed).
    case transitionToActive(NameNodeID)
    case transitionToStandby(NameNodeID)
    /// `haadmin -failover <from> <to>`.
    case failover(from: NameNodeID, to: NameNodeID)
    /// The RPC the failover waits for times out (its target is paused).
    case failoverTimeout
    /// The fencing method the failover runs finishes.
    case fenceResult(success: Bool)
    case clientWrite(ClientID)
    /// The standby's EditLogTailer runs.
    case tailEdits(NameNodeID)
    /// The active rolls its edit log.
    case rollEditLog(NameNodeID)

    // Automatic failover.
    /// The first ZooKeeper event queued for a session reaches its ZKFC (index into the queue).
    case deliverZooKeeperEvent(Int, HASystem.ZooKeeperDelivery)
    /// The ZKFC's health monitor reports its NameNode's current health.
    case reportHealth(NameNodeID, ZKFailoverController.HealthState)
    /// The ZKFC's health monitor reports the HA state `getServiceStatus` found.
    case reportServiceStatus(NameNodeID, HAServiceState)
    /// The NameNode starts failing its health checks (e.g. low on disk), or passes them again.
    case healthChange(NameNodeID, healthy: Bool)
    /// The ZKFC's connection to ZooKeeper drops (its session lives on until it expires).
    case disconnectController(NameNodeID)
    /// The ZKFC's client reconnects within its session (or learns that it expired).
    case reconnectController(NameNodeID)
    /// ZooKeeper expires a session whose client is disconnected or dead.
    case expireSession(Int64)
    /// A timer the ZKFC set fires.
    case controllerTimer(NameNodeID, ZKFCTimer)
    /// The transition RPC the ZKFC sent to a paused NameNode times out.
    case controllerCallTimeout(NameNodeID)
    /// The fencing method the ZKFC runs finishes.
    case controllerFenceResult(NameNodeID, success: Bool)
    case crashController(NameNodeID)
    case restartController(NameNodeID)
    /// `haadmin -failover <from> <to>` with automatic failover: gracefulFailover on `to`'s ZKFC.
    case gracefulFailover(to: NameNodeID)

    public var description: String {
        switch self {
        case .deliver(_, let envelope): return "deliver \(envelope)"
        case .deliverAndCrash(_, let envelope, let writes):
            return "deliver \(envelope), then \(envelope.to) crashes after \(writes) durable write\(writes == 1 ? "" : "s")"
        case .drop(_, let envelope): return "lose \(envelope)"
        case .deliverLosingReply(_, let envelope): return "deliver \(envelope), but the reply is lost"
        case .duplicate(_, let envelope): return "duplicate \(envelope)"
        case .crashJournalNode(let id): return "kill -9 jn\(id + 1)"
        case .restartJournalNode(_, let envelope, let losingReply):
            return "restart \(envelope.to), then deliver \(envelope)" + (losingReply ? ", but the reply is lost" : "")
        case .crashNameNode(let id): return "kill -9 nn\(id + 1)"
        case .restartNameNode(let id): return "restart nn\(id + 1)"
        case .restartNameNodes(let ids, let then):
            return "restart " + ids.map { "nn\($0 + 1)" }.joined(separator: " and ") + ", then \(then)"
        case .pause(let id): return "pause nn\(id + 1) (SIGSTOP / GC pause)"
        case .resume(let id): return "resume nn\(id + 1) (SIGCONT)"
        case .transitionToActive(let id): return "haadmin -transitionToActive nn\(id + 1)"
        case .transitionToStandby(let id): return "haadmin -transitionToStandby nn\(id + 1)"
        case .failover(let from, let to): return "haadmin -failover nn\(from + 1) nn\(to + 1)"
        case .failoverTimeout: return "the failover's RPC times out"
        case .fenceResult(let success): return "fencing method " + (success ? "succeeds" : "fails")
        case .clientWrite(let id): return "client\(id + 1) writes"
        case .tailEdits(let id): return "nn\(id + 1) tails edits"
        case .rollEditLog(let id): return "nn\(id + 1) rolls its edit log"
        case .deliverZooKeeperEvent(_, let delivery): return "deliver ZooKeeper event \(delivery)"
        case .reportHealth(let id, let health): return "zkfc\(id + 1)'s health monitor reports \(health.rawValue)"
        case .reportServiceStatus(let id, let state): return "zkfc\(id + 1)'s health monitor finds nn\(id + 1) \(state.rawValue)"
        case .healthChange(let id, let healthy): return "nn\(id + 1) " + (healthy ? "passes its health checks again" : "fails its health checks")
        case .disconnectController(let id): return "zkfc\(id + 1) loses its ZooKeeper connection"
        case .reconnectController(let id): return "zkfc\(id + 1) reconnects to ZooKeeper"
        case .expireSession(let session): return "ZooKeeper expires session \(HASystem.sessionName(session))"
        case .controllerTimer(let id, let timer): return "zkfc\(id + 1)'s timer \(timer.rawValue) fires"
        case .controllerCallTimeout(let id): return "zkfc\(id + 1)'s transition RPC times out"
        case .controllerFenceResult(let id, let success): return "zkfc\(id + 1)'s fencing method " + (success ? "succeeds" : "fails")
        case .crashController(let id): return "kill -9 zkfc\(id + 1)"
        case .restartController(let id): return "restart zkfc\(id + 1)"
        case .gracefulFailover(let to): return "haadmin -failover to nn\(to + 1) (gracefulFailover on zkfc\(to + 1))"
        }
    }

    /// Whether this step is a fault (liveness is judged "once faults stop": along the others).
    public var isFault: Bool {
        switch self {
        case .deliverAndCrash, .drop, .deliverLosingReply, .duplicate, .crashJournalNode, .crashNameNode, .pause, .failoverTimeout,
             .disconnectController, .controllerCallTimeout, .crashController:
            return true
        case .healthChange(_, let healthy):
            return !healthy
        case .restartJournalNode(_, _, let losingReply):
            return losingReply
        case .restartNameNodes(_, let then):
            return then.isFault
        case .fenceResult(let success), .controllerFenceResult(_, let success):
            return !success
        default:
            return false
        }
    }

    /// Names of the kinds of step, for coverage.
    public static let kindNames = [
        "deliver", "deliverAndCrash", "drop", "deliverLosingReply", "duplicate", "crashJournalNode", "restartJournalNode", "crashNameNode",
        "restartNameNode", "pause", "resume", "transitionToActive", "transitionToStandby", "failover",
        "failoverTimeout", "fenceResult", "clientWrite", "tailEdits", "rollEditLog",
        "deliverZooKeeperEvent", "reportHealth", "healthChange", "disconnectController", "reconnectController",
        "expireSession", "controllerTimer", "controllerCallTimeout", "controllerFenceResult", "crashController",
        "restartController", "gracefulFailover", "reportServiceStatus",
    ]

    public var kind: Int {
        switch self {
        case .deliver: return 0
        case .deliverAndCrash: return 1
        case .drop: return 2
        case .deliverLosingReply: return 3
        case .duplicate: return 4
        case .crashJournalNode: return 5
        case .restartJournalNode: return 6
        case .crashNameNode: return 7
        case .restartNameNode, .restartNameNodes: return 8
        case .pause: return 9
        case .resume: return 10
        case .transitionToActive: return 11
        case .transitionToStandby: return 12
        case .failover: return 13
        case .failoverTimeout: return 14
        case .fenceResult: return 15
        case .clientWrite: return 16
        case .tailEdits: return 17
        case .rollEditLog: return 18
        case .deliverZooKeeperEvent: return 19
        case .reportHealth: return 20
        case .healthChange: return 21
        case .disconnectController: return 22
        case .reconnectController: return 23
        case .expireSession: return 24
        case .controllerTimer: return 25
        case .controllerCallTimeout: return 26
        case .controllerFenceResult: return 27
        case .crashController: return 28
        case .restartController: return 29
        case .gracefulFailover: return 30
        case .reportServiceStatus: return 31
        }
    }
}
