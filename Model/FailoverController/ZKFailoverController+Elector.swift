// ActiveStandbyElector and the ZKFC's health callbacks (hadoop-ha-protocol.md §4.2, §4.3):
// startup, joining and quitting the election, the lock's create/exists callbacks, watch and
// connection events. Becoming active is in ZKFailoverController+BecomeActive.swift.

extension ZKFailoverController {
    // MARK: - Startup

    /// `initZK`: the first session, then the parent-znode and fencer checks of `doRun`.
    mutating func start(_ effects: inout [Effect]) {
        started = true
        connect(attempt: 1, purpose: .startup, &effects)
    }

    mutating func connect(attempt: Int, purpose: ConnectPurpose, _ effects: inout [Effect]) {
        connection = .connecting
        outstanding = 0
        activity = .connecting(attempt: attempt, purpose: purpose)
        effects.append(.connectZooKeeper(timeoutMs: configuration.sessionTimeoutMs))
        setTimer(.connectionTimeout, Int(configuration.sessionTimeoutMs), &effects)
    }

    mutating func zooKeeperConnected(_ session: Int64, _ input: Input, _ effects: inout [Effect]) {
        if case .connecting(_, let purpose)? = activity {
            cancelTimer(.connectionTimeout, &effects)
            connection = .connected(session: session)
            activity = nil
            effects.append(.log("Session connected."))
            switch purpose {
            case .startup:
                activity = .checkingParent
                issue(.checkParent, .exists(path: configuration.parentZnode, watch: false), &effects)
            case .joinElection:
                createRetryCount = 0
                wantToBeInElection = true
                createLockNode(&effects)
            }
            return
        }
        guard isCurrent(session, &effects), !deferIfBusy(input, &effects) else { return }
        let wasDisconnected = connection == .disconnected(session: session)
        connection = .connected(session: session)
        effects.append(.log("Session connected."))
        if wasDisconnected && wantToBeInElection { monitorActiveStatus(&effects) }
    }

    /// The first event did not come within the session timeout.
    mutating func connectionTimedOut(_ effects: inout [Effect]) {
        guard case .connecting(let attempt, let purpose)? = activity else { return }
        effects.append(.log("Connection timed out: couldn't connect to ZooKeeper in \(configuration.sessionTimeoutMs) milliseconds"))
        effects.append(.closeZooKeeperSession)
        connection = .none
        activity = nil
        switch purpose {
        case .startup:
            stopAtStartup("Unable to start failover controller. Unable to connect to ZooKeeper quorum at "
                + "\(configuration.zooKeeperQuorum). Please check the configured value for ha.zookeeper.quorum "
                + "and ensure that ZooKeeper is running.", &effects)
        case .joinElection:
            effects.append(.log("org.apache.zookeeper.KeeperException$ConnectionLossException: KeeperErrorCode = ConnectionLoss"))
            activity = .backingOff(attempt: attempt, purpose: purpose)
            setTimer(.reconnectBackoff, ZKFailoverController.reconnectSleepMs, &effects)
        }
    }

    /// `reEstablishSession`: up to `maxRetries` attempts, 5 s apart.
    mutating func reconnectBackoffEnded(_ effects: inout [Effect]) {
        guard case .backingOff(let attempt, let purpose)? = activity else { return }
        activity = nil
        if attempt < configuration.maxRetries {
            connect(attempt: attempt + 1, purpose: purpose, &effects)
        } else {
            electorFatal("Failed to reEstablish connection with ZooKeeper", &effects)
        }
    }

    mutating func parentChecked(_ result: CoordinationResult, _ effects: inout [Effect]) {
        guard activity == .checkingParent else { return }
        activity = nil
        switch result {
        case .stat:
            guard configuration.fencingMethods > 0 else {
                stopAtStartup("Fencing is not configured for \(local).\n"
                    + "You must configure a fencing method before using automatic failover.", &effects)
                return
            }
        case .error(.noNode):
            stopAtStartup("Unable to start failover controller. Parent znode does not exist.\n"
                + "Run with -formatZK flag to initialize ZooKeeper.", &effects)
        default:
            stopAtStartup("Couldn't determine existence of znode '\(configuration.parentZnode)'", &effects)
        }
    }

    // MARK: - Health

    /// `HealthCallbacks.enteredState`: the monitor reports changes only.
    mutating func healthChanged(_ state: HealthState, _ effects: inout [Effect]) {
        guard state != health else { return }
        health = state
        effects.append(.log("Local service \(local) entered state: \(state.rawValue)"))
        if state != .serviceHealthy { gracefulFailoverLostHealth(&effects) }
        recheckElectability(&effects)
    }

    /// `verifyChangedServiceState`: the NameNode reports an HA state. While the ZKFC has put it in
    /// no state yet, nothing to check (after quitting on a bad state, re-check electability).
    /// One mismatch is tolerated (a transition may be under way); a second in a row quits the
    /// election marking fencing necessary, and the ZKFC stays out for a second.
    mutating func verifyChangedServiceState(_ state: HAServiceState, _ effects: inout [Effect]) {
        guard actsOnServiceStatus(state) else { return }
        if serviceState == .initializing {
            recheckElectability(&effects)
            return
        }
        guard state != serviceState else {
            serviceStateMismatches = 0
            return
        }
        guard serviceStateMismatches > 0 else {
            serviceStateMismatches += 1
            return
        }
        serviceStateMismatches = 0
        effects.append(.log("Local service \(local) has changed the serviceState to \(state.rawValue.uppercased()). Expected was "
            + "\(serviceState.rawValue.uppercased()). Quitting election marking fencing necessary."))
        joinDelayed = true
        setTimer(.cedeDelay, ZKFailoverController.badStateRejoinDelayMs, &effects)
        quitElectionOnBadState = true
        quitElection(needFence: true, then: .nothing, &effects)
        serviceState = .initializing
    }

    /// Whether a `serviceStatus(state)` report would change anything: not while the ZKFC expects no
    /// state (unless it quit on a bad state), nor the expected state again after no mismatch.
    /// Hosts may skip the reports that would not (the checker does: the monitor polls forever).
    public func actsOnServiceStatus(_ state: HAServiceState) -> Bool {
        if serviceState == .initializing { return quitElectionOnBadState }
        return state != serviceState || serviceStateMismatches > 0
    }

    /// `recheckElectability`: healthy joins; initializing quits without fencing; unhealthy or
    /// not responding quits marking that fencing is necessary; a failed monitor is fatal.
    mutating func recheckElectability(_ effects: inout [Effect]) {
        guard activity == nil else {
            recheckPending = true
            return
        }
        guard !joinDelayed else { return }  // the cedeDelay timer re-checks
        switch health {
        case .serviceHealthy:
            joinElection(&effects)
        case .initializing:
            effects.append(.log("Ensuring that \(local) does not participate in active master election"))
            serviceState = .initializing
            quitElection(needFence: false, then: .nothing, &effects)
        case .serviceUnhealthy, .serviceNotResponding:
            effects.append(.log("Quitting master election for \(local) and marking that fencing is necessary"))
            serviceState = .initializing
            quitElection(needFence: true, then: .nothing, &effects)
        case .healthMonitorFailed:
            stop("Health monitor failed!", &effects)
        }
    }

    // MARK: - Joining

    mutating func joinElection(_ effects: inout [Effect]) {
        guard !wantToBeInElection else {
            effects.append(.log("Already in election. Not re-connecting."))
            return
        }
        hasAppData = true
        joinElectionInternal(&effects)
    }

    mutating func joinElectionInternal(_ effects: inout [Effect]) {
        guard hasAppData else {
            effects.append(.log("trying to join election without any app data"))
            return
        }
        guard connection != .none else {
            connect(attempt: 1, purpose: .joinElection, &effects)
            return
        }
        createRetryCount = 0
        wantToBeInElection = true
        createLockNode(&effects)
    }

    mutating func createLockNode(_ effects: inout [Effect]) {
        guard outstanding & ZooKeeperRequest.createLock.bit == 0 else {
            effects.append(.log("Ignore duplicate create lock-node request."))
            return
        }
        issue(.createLock, .create(path: configuration.lockPath, data: configuration.appData, mode: .ephemeral), &effects)
    }

    mutating func monitorActiveStatus(_ effects: inout [Effect]) {
        statRetryCount = 0
        monitorLockNode(&effects)
    }

    mutating func monitorLockNode(_ effects: inout [Effect]) {
        guard outstanding & ZooKeeperRequest.monitorLock.bit == 0 else {
            effects.append(.log("Ignore duplicate monitor lock-node request."))
            return
        }
        issue(.monitorLock, .exists(path: configuration.lockPath, watch: true), &effects)
    }

    /// The create callback.
    mutating func lockCreateAnswered(_ result: CoordinationResult, _ effects: inout [Effect]) {
        let lock = configuration.lockPath
        switch result {
        case .created:
            becomeActive(origin: .lockCreated, &effects)
        case .error(.nodeExists):
            // After a retried create the node may be our own: the exists callback checks the owner.
            if createRetryCount == 0 {
                becomeStandby(thenMonitor: true, &effects)
            } else {
                monitorActiveStatus(&effects)
            }
        case .error(let code) where ZKFailoverController.shouldRetry(code):
            if createRetryCount < configuration.maxRetries {
                createRetryCount += 1
                createLockNode(&effects)
            } else {
                electorFatal("Received create error from Zookeeper. code:\(code.name) for path \(lock). "
                    + "Not retrying further znode create connection errors.", &effects)
            }
        case .error(.sessionExpired):
            effects.append(.log("Lock acquisition failed because session was lost"))
        case .error(let code):
            electorFatal("Received create error from Zookeeper. code:\(code.name) for path \(lock)", &effects)
        default:
            electorFatal("Unexpected reply to the create of \(lock): \(result)", &effects)
        }
    }

    /// The exists (stat) callback.
    mutating func lockExistsAnswered(_ result: CoordinationResult, _ effects: inout [Effect]) {
        guard wantToBeInElection else {
            effects.append(.log("Ignoring a lock-node stat result outside the election"))
            return
        }
        switch result {
        case .stat(let stat):
            if stat.ephemeralOwner == connection.session {
                becomeActive(origin: .lockOwned, &effects)
            } else {
                becomeStandby(thenMonitor: false, &effects)
            }
        case .error(.noNode):
            enterNeutralMode()
            joinElectionInternal(&effects)
        case .error(let code) where ZKFailoverController.shouldRetry(code):
            if statRetryCount < configuration.maxRetries {
                statRetryCount += 1
                monitorLockNode(&effects)
            } else {
                electorFatal("Received stat error from Zookeeper. code:\(code.name). "
                    + "Not retrying further znode monitoring connection errors.", &effects)
            }
        case .error(.sessionExpired):
            effects.append(.log("Lock monitoring failed because session was lost"))
        case .error(let code):
            electorFatal("Received stat error from Zookeeper. code:\(code.name)", &effects)
        default:
            electorFatal("Unexpected reply to the exists of \(configuration.lockPath): \(result)", &effects)
        }
    }

    // MARK: - Events

    /// A watch on the lock fired (the path is trusted, as upstream does).
    mutating func watchFired(_ event: CoordinationWatchEvent, _ effects: inout [Effect]) {
        guard wantToBeInElection else {
            effects.append(.log("Ignoring watch event \(event.type) for \(event.path) outside the election"))
            return
        }
        switch event.type {
        case .nodeDeleted:
            if electorState == .active { enterNeutralMode() }
            joinElectionInternal(&effects)
        case .nodeCreated, .nodeDataChanged, .nodeChildrenChanged:
            monitorActiveStatus(&effects)
        }
    }

    /// Neutral mode only: the NameNode keeps its state while ZooKeeper is unreachable.
    mutating func disconnected(_ session: Int64, _ effects: inout [Effect]) {
        effects.append(.log("Session disconnected. Entering neutral mode..."))
        connection = .disconnected(session: session)
        enterNeutralMode()
    }

    mutating func expired(_ effects: inout [Effect]) {
        effects.append(.log("Session expired. Entering neutral mode and rejoining..."))
        enterNeutralMode()
        reJoinElection(sleepMs: 0, &effects)
    }

    /// `enterNeutralMode`: the ZKFC's callback does nothing.
    mutating func enterNeutralMode() {
        if electorState != .neutral { electorState = .neutral }
    }

    /// `becomeStandby`: on a state change only, tell the NameNode (errors are only logged).
    mutating func becomeStandby(thenMonitor: Bool, _ effects: inout [Effect]) {
        guard electorState != .standby else {
            if thenMonitor { monitorActiveStatus(&effects) }
            return
        }
        electorState = .standby
        effects.append(.log("ZK Election indicated that \(local) should become standby"))
        activity = .becomingStandby(thenMonitor: thenMonitor)
        effects.append(.transitionToStandby(nameNode))
    }

    mutating func standbyTransitionFinished(thenMonitor: Bool, failure: String?, _ effects: inout [Effect]) {
        activity = nil
        if let failure {
            effects.append(.log("Couldn't transition \(local) to standby state: \(failure)"))
        } else {
            effects.append(.log("Successfully transitioned \(local) to standby state"))
        }
        serviceState = .standby
        if thenMonitor { monitorActiveStatus(&effects) }
    }

    // MARK: - Leaving

    /// `reJoinElection`: close the session, sleep, join again with a new one.
    mutating func reJoinElection(sleepMs: Int, _ effects: inout [Effect]) {
        effects.append(.log("Trying to re-establish ZK session"))
        terminateConnection(&effects)
        if sleepMs > 0 {
            activity = .sleepingBeforeRejoin
            setTimer(.rejoinElection, sleepMs, &effects)
        } else {
            rejoinAfterSleep(&effects)
        }
    }

    mutating func rejoinSleepEnded(_ effects: inout [Effect]) {
        guard activity == .sleepingBeforeRejoin else { return }
        activity = nil
        rejoinAfterSleep(&effects)
    }

    mutating func rejoinAfterSleep(_ effects: inout [Effect]) {
        if hasAppData {
            joinElectionInternal(&effects)
        } else {
            effects.append(.log("Not joining election since service has not yet been reported as healthy."))
        }
    }

    /// `quitElection(needFence)`: an active leaving gracefully first deletes its own breadcrumb
    /// (so that nobody fences it), then the session closes.
    mutating func quitElection(needFence: Bool, then next: AfterQuit, _ effects: inout [Effect]) {
        effects.append(.log("Yielding from election"))
        if !needFence && electorState == .active && connection.session != nil {
            effects.append(.log("Deleting bread-crumb of active node..."))
            activity = .yielding(.readingOwnBreadcrumb, then: next)
            issue(.readOwnBreadcrumb, .getData(path: configuration.breadcrumbPath, watch: false), &effects)
            return
        }
        finishQuit(then: next, &effects)
    }

    mutating func ownBreadcrumbRead(_ result: CoordinationResult, _ effects: inout [Effect]) {
        guard case .yielding(.readingOwnBreadcrumb, let next)? = activity else { return }
        switch result {
        case .data(let bytes, let stat) where bytes == configuration.appData:
            activity = .yielding(.deletingBreadcrumb(version: stat.version, attempt: 1), then: next)
            issue(.deleteBreadcrumb, .delete(path: configuration.breadcrumbPath, version: stat.version), &effects)
        case .data(let bytes, let stat):
            keepOwnBreadcrumb("We thought we were active, but in fact the active znode had the wrong data: "
                + "\(ActiveNodeInfo.hex(bytes)) (version=\(stat.version))", then: next, &effects)
        case .error(let code):
            keepOwnBreadcrumb(ZKFailoverController.keeperMessage(code, configuration.breadcrumbPath), then: next, &effects)
        default:
            keepOwnBreadcrumb("Unexpected reply: \(result)", then: next, &effects)
        }
    }

    mutating func ownBreadcrumbDeleted(_ result: CoordinationResult, _ effects: inout [Effect]) {
        guard case .yielding(.deletingBreadcrumb(let version, let attempt), let next)? = activity else { return }
        switch result {
        case .deleted:
            activity = nil
            finishQuit(then: next, &effects)
        case .error(let code) where ZKFailoverController.shouldRetry(code) && attempt < configuration.maxRetries:
            activity = .yielding(.deletingBreadcrumb(version: version, attempt: attempt + 1), then: next)
            issue(.deleteBreadcrumb, .delete(path: configuration.breadcrumbPath, version: version), &effects)
        case .error(let code):
            keepOwnBreadcrumb(ZKFailoverController.keeperMessage(code, configuration.breadcrumbPath), then: next, &effects)
        default:
            keepOwnBreadcrumb("Unexpected reply: \(result)", then: next, &effects)
        }
    }

    /// The breadcrumb could not be deleted: only a warning, the next active will fence us.
    mutating func keepOwnBreadcrumb(_ cause: String, then next: AfterQuit, _ effects: inout [Effect]) {
        effects.append(.log("Unable to delete our own bread-crumb of being active at \(configuration.breadcrumbPath).. "
            + "Expecting to be fenced by the next active."))
        effects.append(.log(cause))
        activity = nil
        finishQuit(then: next, &effects)
    }

    mutating func finishQuit(then next: AfterQuit, _ effects: inout [Effect]) {
        reset(&effects)
        wantToBeInElection = false
        switch next {
        case .nothing: break
        case .finishCede(let millis): finishCede(millis: millis, &effects)
        }
    }

    /// `reset`: state INIT and no client.
    mutating func reset(_ effects: inout [Effect]) {
        electorState = .initial
        terminateConnection(&effects)
    }

    /// `terminateConnection`: close the client; its later events are stale.
    mutating func terminateConnection(_ effects: inout [Effect]) {
        guard connection != .none else { return }
        effects.append(.closeZooKeeperSession)
        connection = .none
        outstanding = 0
        wantToBeInElection = false
    }

    // MARK: - Fatal errors

    /// The elector's `fatalError`: reset, then the ZKFC stops.
    mutating func electorFatal(_ message: String, _ effects: inout [Effect]) {
        effects.append(.log(message))
        reset(&effects)
        stop(message, &effects)
    }

    /// The ZKFC's `fatalError`: the main loop exits, quitting the election (needFence) on the way.
    mutating func stop(_ error: String, _ effects: inout [Effect]) {
        effects.append(.log("Fatal error occurred:\(error)"))
        effects.append(.log("Yielding from election"))
        reset(&effects)
        halt(error)
        effects.append(.fatal("ZK Failover Controller failed: \(error)"))
    }

    /// A startup check failed: `doRun` returns its error code before the election starts.
    mutating func stopAtStartup(_ error: String, _ effects: inout [Effect]) {
        effects.append(.log(error))
        terminateConnection(&effects)
        halt(error)
        effects.append(.fatal(error))
    }

    /// The process is gone: nothing is pending any more.
    mutating func halt(_ error: String) {
        failure = error
        wantToBeInElection = false
        activity = nil
        deferred = []
        recheckPending = false
        gracefulFailoverRun = nil
        armedTimers = 0
    }
}
