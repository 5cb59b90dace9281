/// The ZooKeeper failover controller (ZKFC) of one NameNode, as a deterministic state machine.
///
/// Upstream this is `ZKFailoverController` with its `ActiveStandbyElector` and the callbacks of
/// its `HealthMonitor` (hadoop-ha-protocol.md §4). The health monitor's probes, the ZooKeeper
/// client, the HA RPCs to NameNodes, the fencing methods and the ZKFC RPC server are the host's:
/// their requests are effects and their outcomes are inputs. Nothing is durable: a ZKFC restarts
/// from its configuration. Time appears only as the timers of `ZKFCTimer`.
///
/// Upstream serialises the elector behind its monitor lock: fencing, the breadcrumb write and
/// the transition RPCs run synchronously inside a ZooKeeper callback while every other event
/// waits. The model keeps that: while an `activity` is in progress, the inputs that would need the
/// lock are queued in `deferred` (health changes collapse into `recheckPending`) and handled, in
/// order, once it ends. See README.md for the whole contract.
public struct ZKFailoverController: Hashable, Sendable, Codable {
    public let configuration: Configuration
    /// The configuration's fingerprint, computed once: it never changes.
    let configurationFingerprint: UInt64

    // MARK: ZKFailoverController

    /// Whether `start` has been received.
    public internal(set) var started = false
    /// The fatal error that stopped this ZKFC, if any; a stopped ZKFC ignores every input.
    public internal(set) var failure: String?
    /// The last state the health monitor reported (`lastHealthState`).
    public internal(set) var health: HealthState = .initializing
    /// The HA state the ZKFC last put its NameNode in (`serviceState`).
    public internal(set) var serviceState: HAServiceState = .initializing
    /// A cedeActive delay is running: the ZKFC may not join the election until `cedeDelay` fires.
    public internal(set) var joinDelayed = false
    /// A graceful failover to this node, coordinated by this ZKFC.
    public internal(set) var gracefulFailoverRun: GracefulFailoverRun?
    /// Reports of an HA state other than `serviceState` in a row (`serviceStateMismatchCount`).
    public internal(set) var serviceStateMismatches = 0
    /// The ZKFC quit the election because its NameNode changed state behind its back
    /// (`quitElectionOnBadState`): later reports re-check electability.
    public internal(set) var quitElectionOnBadState = false

    // MARK: ActiveStandbyElector

    public internal(set) var electorState: ElectorState = .initial
    public internal(set) var wantToBeInElection = false
    /// Whether the app has supplied its data (`appData != null`): set by the first join, never cleared.
    public internal(set) var hasAppData = false
    public internal(set) var connection: Connection = .none
    public internal(set) var createRetryCount = 0
    public internal(set) var statRetryCount = 0
    /// The ZooKeeper requests awaiting a reply on the current session, one bit per `ZooKeeperRequest`.
    public internal(set) var outstanding: UInt16 = 0
    /// What holds the elector lock, if anything.
    public internal(set) var activity: Activity?
    /// A health change or delay expiry arrived during an activity: re-check electability after it.
    public internal(set) var recheckPending = false
    /// Inputs that arrived during an activity, to be handled in order after it.
    public internal(set) var deferred: [Input] = []
    /// The timers set and not yet fired or cancelled, one bit per `ZKFCTimer`.
    public internal(set) var armedTimers: UInt8 = 0

    /// The most inputs kept while an activity runs; past it the oldest is dropped (and logged).
    public static let deferredInputsMax = 16
    /// `delayJoiningBy(1000)` after the NameNode changed state behind the ZKFC's back.
    public static let badStateRejoinDelayMs = 1000
    /// `SLEEP_AFTER_FAILURE_TO_BECOME_ACTIVE`.
    public static let sleepAfterFailureToBecomeActiveMs = 1000
    /// `reEstablishSession` sleeps this long after a failed connection attempt.
    public static let reconnectSleepMs = 5000
    /// `doGracefulFailover` waits `timeout` plus this long for the local election attempt.
    public static let gracefulFailoverExtraWaitMs = 60_000

    public init(configuration: Configuration) {
        self.configuration = configuration
        self.configurationFingerprint = FingerprintHasher.fingerprint(configuration)
    }

    /// Performs one input and returns its effects, in order.
    public mutating func step(_ input: Input) -> [Effect] {
        var effects: [Effect] = []
        guard failure == nil else { return effects }
        guard started else {
            if case .start = input {
                start(&effects)
            } else {
                effects.append(.log("Ignoring \(input) before the failover controller started"))
            }
            return effects
        }
        handle(input, &effects)
        drainDeferred(&effects)
        return effects
    }

    // MARK: - Observers for hosts and the checker

    /// The local NameNode's id.
    public var nameNode: NameNodeID { configuration.nameNode }
    /// The current ZooKeeper session, if connected or disconnected within it.
    public var session: Int64? { connection.session }
    /// Whether the elector holds the lock and its NameNode was made active.
    public var isActive: Bool { electorState == .active }
    /// The timers currently armed, in declaration order (the checker fires any of them).
    public var timers: [ZKFCTimer] { ZKFCTimer.allCases.filter { armedTimers & $0.bit != 0 } }
    /// Whether `timer` is armed.
    public func isArmed(_ timer: ZKFCTimer) -> Bool { armedTimers & timer.bit != 0 }
    /// The NameNode whose transition RPC the current activity waits for, if any.
    public var awaitedTransition: NameNodeID? {
        switch activity {
        case .becomingActive(.gracefulFence(let old, _), _)?: old
        case .becomingActive(.activating, _)?, .becomingStandby?, .ceding?: nameNode
        default: nil
        }
    }
    /// The ZooKeeper requests awaiting a reply, in xid order.
    public var outstandingRequests: [ZooKeeperRequest] {
        ZooKeeperRequest.allCases.filter { outstanding & $0.bit != 0 }
    }
}

// MARK: - Vocabulary

extension ZKFailoverController {
    /// `HealthMonitor.State`.
    public enum HealthState: String, Hashable, Sendable, Codable, CaseIterable {
        case initializing = "INITIALIZING"
        case serviceNotResponding = "SERVICE_NOT_RESPONDING"
        case serviceHealthy = "SERVICE_HEALTHY"
        case serviceUnhealthy = "SERVICE_UNHEALTHY"
        case healthMonitorFailed = "HEALTH_MONITOR_FAILED"
    }

    /// `ActiveStandbyElector.State`.
    public enum ElectorState: String, Hashable, Sendable, Codable, CaseIterable {
        case initial = "INIT"
        case active = "ACTIVE"
        case standby = "STANDBY"
        case neutral = "NEUTRAL"
    }

    /// The elector's ZooKeeper client: upstream `zkClient` with `ConnectionState`.
    public enum Connection: Hashable, Sendable, Codable {
        /// No client (TERMINATED).
        case none
        /// A new client is connecting; its session is not known yet.
        case connecting
        /// CONNECTED within `session`.
        case connected(session: Int64)
        /// DISCONNECTED: the client is reconnecting within `session`.
        case disconnected(session: Int64)

        public var session: Int64? {
            switch self {
            case .none, .connecting: nil
            case .connected(let session), .disconnected(let session): session
            }
        }
    }

    /// What the ZKFC sends ZooKeeper. The purpose is the xid: at most one request per purpose is
    /// outstanding, so a reply names the request it answers.
    public enum ZooKeeperRequest: Int32, Hashable, Sendable, Codable, CaseIterable {
        /// `exists(parent)` at startup (`parentZNodeExists`).
        case checkParent = 1
        /// `create(lock, appData, EPHEMERAL)`.
        case createLock = 2
        /// `exists(lock, watch)` (`monitorLockNodeAsync`).
        case monitorLock = 3
        /// `getData(breadcrumb)` in `fenceOldActive`.
        case readBreadcrumb = 4
        /// `create(breadcrumb)` or `setData(breadcrumb, version)` in `writeBreadCrumbNode`.
        case writeBreadcrumb = 5
        /// `getData(breadcrumb)` in `tryDeleteOwnBreadCrumbNode`.
        case readOwnBreadcrumb = 6
        /// `delete(breadcrumb, version)` in `tryDeleteOwnBreadCrumbNode`.
        case deleteBreadcrumb = 7
        /// `getData(lock)` in `getActiveData`, for a graceful failover.
        case readActive = 8

        var bit: UInt16 { 1 << UInt16(rawValue) }
    }

    /// What holds the elector lock (upstream: the synchronous part of a callback).
    public enum Activity: Hashable, Sendable, Codable {
        /// Waiting for a new session (`createConnection` / `reEstablishSession` attempt `attempt`).
        case connecting(attempt: Int, purpose: ConnectPurpose)
        /// Sleeping 5 s after failed connection attempt `attempt`.
        case backingOff(attempt: Int, purpose: ConnectPurpose)
        /// Startup: does the parent znode exist?
        case checkingParent
        /// Sleeping `SLEEP_AFTER_FAILURE_TO_BECOME_ACTIVE` before re-joining.
        case sleepingBeforeRejoin
        /// `becomeActive`: fence the old active, write the breadcrumb, make the NameNode active.
        case becomingActive(BecomeActiveStep, origin: BecomeActiveOrigin)
        /// `becomeStandby`: the NameNode's transitionToStandby is in flight.
        case becomingStandby(thenMonitor: Bool)
        /// `cedeActive(millis)`: the NameNode's transitionToStandby is in flight.
        case ceding(millis: Int)
        /// `quitElection(false)` as the active: deleting its own breadcrumb before closing.
        case yielding(YieldStep, then: AfterQuit)
    }

    public enum ConnectPurpose: String, Hashable, Sendable, Codable {
        /// `initZK` at startup: one attempt; failure stops the ZKFC.
        case startup
        /// `joinElectionInternal` without a client: up to `maxRetries` attempts.
        case joinElection
    }

    /// Why the elector is becoming active, which decides what follows success.
    public enum BecomeActiveOrigin: String, Hashable, Sendable, Codable {
        /// The create succeeded: start monitoring the lock afterwards.
        case lockCreated
        /// An exists found the lock owned by this session: the exists already set the watch.
        case lockOwned
    }

    public enum BecomeActiveStep: Hashable, Sendable, Codable {
        case readingBreadcrumb(attempt: Int)
        /// `tryGracefulFence`: transitionToStandby of the old active is in flight.
        case gracefulFence(NameNodeID, breadcrumbVersion: Int32)
        /// Fencing method `method` (0-based) against the old active is running.
        case fencing(NameNodeID, method: Int, breadcrumbVersion: Int32)
        /// Creating (version nil) or compare-and-setting the breadcrumb.
        case writingBreadcrumb(version: Int32?, attempt: Int)
        /// transitionToActive of the local NameNode is in flight.
        case activating
    }

    public enum YieldStep: Hashable, Sendable, Codable {
        case readingOwnBreadcrumb
        case deletingBreadcrumb(version: Int32, attempt: Int)
    }

    /// What remains to do once `quitElection` has finished.
    public enum AfterQuit: Hashable, Sendable, Codable {
        case nothing
        /// Finish `cedeActive(millis)`: re-check electability and answer the caller.
        case finishCede(millis: Int)
    }

    /// `ActiveAttemptRecord`: the outcome of the local node's last attempt to become active.
    public struct ActiveAttempt: Hashable, Sendable, Codable {
        public var succeeded: Bool
        public var status: String
    }

    /// `doGracefulFailover` on the failover target's ZKFC.
    public struct GracefulFailoverRun: Hashable, Sendable, Codable {
        public enum Phase: Hashable, Sendable, Codable {
            /// Reading the lock's data (`getCurrentActive`).
            case readingActive(attempt: Int)
            /// Waiting for `cedeActive(timeout)` of the ZKFC of `NameNodeID`.
            case ceding(NameNodeID)
            /// Waiting for the local election attempt (timer `gracefulFailoverWait`).
            case waiting
            /// Waiting for `cedeActive(-1)` of the ZKFC of `NameNodeID`.
            case releasing(NameNodeID)
        }

        public var phase: Phase
        /// The ZKFCs still to ask to cede, in order (the old active last).
        public var toCede: [NameNodeID] = []
        /// The ZKFCs that ceded, in the order asked (released in that order).
        public var ceded: [NameNodeID] = []
        /// The first attempt recorded since the run began.
        public var attempt: ActiveAttempt?
    }
}

/// The timers a ZKFC sets; the host fires `timerFired(timer)` after the delay unless cancelled.
public enum ZKFCTimer: String, Hashable, Sendable, Codable, CaseIterable {
    /// The wait for a new session's first event (the ZooKeeper session timeout).
    case connectionTimeout
    /// `reEstablishSession`'s 5 s sleep after a failed attempt.
    case reconnectBackoff
    /// `SLEEP_AFTER_FAILURE_TO_BECOME_ACTIVE` (1000 ms) before re-joining.
    case rejoinElection
    /// The end of a cedeActive delay.
    case cedeDelay
    /// `doGracefulFailover`'s wait for the local election attempt (2 × graceful timeout + 60 s).
    case gracefulFailoverWait

    var bit: UInt8 {
        switch self {
        case .connectionTimeout: 1
        case .reconnectBackoff: 2
        case .rejoinElection: 4
        case .cedeDelay: 8
        case .gracefulFailoverWait: 16
        }
    }
}

/// A ZKFCProtocol call (`ZKFCProtocol.proto`).
public enum ZKFCCall: Hashable, Sendable, Codable {
    /// `cedeActive(millisToCede)`; `millis <= 0` cancels a delay.
    case cedeActive(millis: Int)
    /// `gracefulFailover()`, served by the ZKFC of the failover target.
    case gracefulFailover
}

extension ZKFailoverController {
    public enum Input: Hashable, Sendable, Codable {
        /// The process started: connect to ZooKeeper, check the parent znode and the fencer.
        case start
        /// The health monitor entered a state (it reports changes only; a repeat is ignored).
        case health(HealthState)
        /// The health monitor's `getServiceStatus` found the NameNode in this HA state
        /// (`ServiceStateCallback.reportServiceStatus`).
        case serviceStatus(HAServiceState)
        /// The client's session is established (new) or re-established (same id after a disconnect).
        case zooKeeperConnected(session: Int64)
        /// The reply to request `xid` sent on `session`.
        case zooKeeperReply(session: Int64, xid: Int32, CoordinationResult)
        /// A watch set on `session` fired.
        case zooKeeperWatch(session: Int64, CoordinationWatchEvent)
        /// The connection of `session` dropped; the client is reconnecting.
        case zooKeeperDisconnected(session: Int64)
        /// ZooKeeper declared `session` expired.
        case zooKeeperSessionExpired(session: Int64)
        /// A transitionToActive/Standby RPC to NameNode `NameNodeID` finished: nil on success.
        case transitionResult(NameNodeID, failure: String?)
        /// Fencing method `method` (0-based) finished.
        case fenceResult(method: Int, success: Bool)
        case timerFired(ZKFCTimer)
        /// The ZKFCProtocol `cedeActive(millisToCede)` call, from another ZKFC.
        case cedeActive(millis: Int)
        /// The ZKFCProtocol `gracefulFailover()` call, from haadmin.
        case gracefulFailover
        /// The answer of the ZKFC of `from` to a `callFailoverController`: nil on success.
        case cedeResult(from: NameNodeID, failure: String?)
    }

    /// What the ZKFC asks its host to do, in order.
    public enum Effect: Hashable, Sendable {
        /// Open a new ZooKeeper session with this timeout (replacing any client); report
        /// `zooKeeperConnected` when established. The ZKFC times out the attempt itself.
        case connectZooKeeper(timeoutMs: Int32)
        /// Close the current session (or abandon the connection attempt); its later events are stale.
        case closeZooKeeperSession
        /// Send `operation` on the current session with `xid`; echo the xid in the reply.
        case zooKeeper(xid: Int32, CoordinationOperation)
        /// transitionToActive(REQUEST_BY_ZKFC) on the NameNode (new-active RPC timeout, 60 s).
        case transitionToActive(NameNodeID)
        /// transitionToStandby(REQUEST_BY_ZKFC) on the NameNode (graceful-fence timeout, 5 s).
        case transitionToStandby(NameNodeID)
        /// Run fencing method `method` (0-based, in configured order) against the NameNode.
        case fence(NameNodeID, method: Int)
        /// Call the ZKFC of the NameNode; answer with `cedeResult(from:failure:)`.
        case callFailoverController(NameNodeID, ZKFCCall)
        /// Answer the ZKFCProtocol call `call` received earlier: nil failure on success.
        case reply(ZKFCCall, failure: String?)
        /// Fire `timerFired(timer)` after the delay, replacing any earlier setting.
        case setTimer(ZKFCTimer, milliseconds: Int)
        case cancelTimer(ZKFCTimer)
        /// The process exits with this error.
        case fatal(String)
        case log(String)
    }
}

// MARK: - Configuration

extension ZKFailoverController {
    /// What a ZKFC is started with: its NameNode, the nameservice's NameNodes, the znodes and the
    /// keys of §4.3 that change behaviour. Fixed for the life of the process.
    public struct Configuration: Hashable, Sendable, Codable, Fingerprintable {
        /// The local NameNode: an index into `nameNodes`.
        public let nameNode: NameNodeID
        /// Every NameNode of the nameservice, by `NameNodeID`; the ZKFC maps data read from
        /// ZooKeeper to a NameNode through it (`dataToTarget`).
        public let nameNodes: [ActiveNodeInfo]
        public let nameserviceID: String
        /// `ha.zookeeper.parent-znode` + `/` + the nameservice id.
        public let parentZnode: String
        /// `<parent>/ActiveStandbyElectorLock`.
        public let lockPath: String
        /// `<parent>/ActiveBreadCrumb`.
        public let breadcrumbPath: String
        /// The serialized `ActiveNodeInfo` of the local NameNode.
        public let appData: [UInt8]
        /// The number of entries in `dfs.ha.fencing.methods`.
        public let fencingMethods: Int
        /// `ha.zookeeper.session-timeout.ms`.
        public let sessionTimeoutMs: Int32
        /// `ha.failover-controller.graceful-fence.rpc-timeout.ms`.
        public let gracefulFenceTimeoutMs: Int
        /// `ha.failover-controller.active-standby-elector.zk.op.retries`.
        public let maxRetries: Int
        /// `ha.zookeeper.quorum`, for the startup error text.
        public let zooKeeperQuorum: String
        /// A seeded bug; only `breadcrumbNotFenced` concerns the ZKFC.
        public let mutation: Mutation?

        public static let parentZnodeDefault = "/hadoop-ha"
        public static let lockName = "ActiveStandbyElectorLock"
        public static let breadcrumbName = "ActiveBreadCrumb"
        public static let sessionTimeoutMsDefault: Int32 = 10_000
        public static let gracefulFenceTimeoutMsDefault = 5000
        public static let maxRetriesDefault = 3

        public init(nameNode: NameNodeID, nameNodes: [ActiveNodeInfo], fencingMethods: Int,
                    sessionTimeoutMs: Int32 = Configuration.sessionTimeoutMsDefault,
                    parentZnode root: String = Configuration.parentZnodeDefault,
                    gracefulFenceTimeoutMs: Int = Configuration.gracefulFenceTimeoutMsDefault,
                    maxRetries: Int = Configuration.maxRetriesDefault,
                    zooKeeperQuorum: String = "", mutation: Mutation? = nil) {
            precondition(nameNodes.indices.contains(nameNode), "the local NameNode must be one of the nameservice's")
            precondition(sessionTimeoutMs > 0, "Invalid ZK session timeout \(sessionTimeoutMs)")
            precondition(fencingMethods >= 0, "a negative number of fencing methods")
            precondition(gracefulFenceTimeoutMs >= 0, "timeout should be non-negative.")
            precondition(maxRetries >= 1, "at least one ZooKeeper attempt")
            let nameserviceID = nameNodes[nameNode].nameserviceID
            precondition(nameNodes.allSatisfy { $0.nameserviceID == nameserviceID },
                         "every NameNode must belong to the nameservice \(nameserviceID)")
            self.nameNode = nameNode
            self.nameNodes = nameNodes
            self.nameserviceID = nameserviceID
            self.parentZnode = (root.hasSuffix("/") ? root : root + "/") + nameserviceID
            self.lockPath = parentZnode + "/" + Configuration.lockName
            self.breadcrumbPath = parentZnode + "/" + Configuration.breadcrumbName
            self.appData = nameNodes[nameNode].serialized()
            self.fencingMethods = fencingMethods
            self.sessionTimeoutMs = sessionTimeoutMs
            self.gracefulFenceTimeoutMs = gracefulFenceTimeoutMs
            self.maxRetries = maxRetries
            self.zooKeeperQuorum = zooKeeperQuorum
            self.mutation = mutation
        }

        /// `NNHAServiceTarget.toString()`.
        public func target(_ id: NameNodeID) -> String { "NameNode at \(nameNodes[id].address)" }

        public func fingerprint(into hasher: inout FingerprintHasher) {
            hasher.combine(nameNode)
            hasher.combine(UInt64(nameNodes.count))
            for info in nameNodes {
                hasher.combine(info.nameserviceID)
                hasher.combine(info.nameNodeID)
                hasher.combine(info.hostname)
                hasher.combine(info.port)
                hasher.combine(info.zkfcPort)
            }
            hasher.combine(parentZnode)
            hasher.combine(fencingMethods)
            hasher.combine(sessionTimeoutMs)
            hasher.combine(gracefulFenceTimeoutMs)
            hasher.combine(maxRetries)
            hasher.combine(zooKeeperQuorum)
            hasher.combine(mutation?.rawValue)
        }
    }
}
