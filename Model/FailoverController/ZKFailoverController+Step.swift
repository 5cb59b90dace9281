// Dispatch: which inputs are stale, which must wait for the activity in progress (upstream: the
// elector's monitor lock), and the bookkeeping of requests and timers.

extension ZKFailoverController {
    /// Handles one input. `fresh` is false when the input comes out of `deferred`: a connection
    /// loss then does not fail the outstanding requests a second time.
    mutating func handle(_ input: Input, fresh: Bool = true, _ effects: inout [Effect]) {
        switch input {
        case .start:
            effects.append(.log("The failover controller is already running"))
        case .health(let state):
            healthChanged(state, &effects)
        case .serviceStatus(let state):
            guard !deferIfBusy(input, &effects) else { return }
            verifyChangedServiceState(state, &effects)
        case .timerFired(let timer):
            guard isArmed(timer) else {
                effects.append(.log("Ignoring timer \(timer.rawValue), which is not set"))
                return
            }
            armedTimers &= ~timer.bit
            timerFired(timer, &effects)
        case .transitionResult(let target, let failure):
            transitionResult(target, failure: failure, &effects)
        case .fenceResult(let method, let success):
            fenceResult(method: method, success: success, &effects)
        case .cedeResult(let from, let failure):
            cedeResult(from: from, failure: failure, &effects)
        case .zooKeeperConnected(let session):
            zooKeeperConnected(session, input, &effects)
        case .zooKeeperReply(let session, let xid, let result):
            zooKeeperReply(session, xid: xid, result, input, &effects)
        case .zooKeeperWatch(let session, let event):
            guard isCurrent(session, &effects), !deferIfBusy(input, &effects) else { return }
            watchFired(event, &effects)
        case .zooKeeperDisconnected(let session):
            guard isCurrent(session, &effects) else { return }
            if fresh { failOutstanding(session, .connectionLoss, &effects) }
            guard connection.session == session, !deferIfBusy(input, &effects) else { return }
            disconnected(session, &effects)
        case .zooKeeperSessionExpired(let session):
            guard isCurrent(session, &effects) else { return }
            if fresh { failOutstanding(session, .sessionExpired, &effects) }
            guard connection.session == session, !deferIfBusy(input, &effects) else { return }
            expired(&effects)
        case .cedeActive(let millis):
            guard !deferIfBusy(input, &effects) else { return }
            cedeActive(millis, &effects)
        case .gracefulFailover:
            guard !deferIfBusy(input, &effects) else { return }
            gracefulFailover(&effects)
        }
    }

    /// Once no activity holds the elector: re-check electability if asked to, then handle the
    /// deferred inputs in arrival order until one starts a new activity.
    mutating func drainDeferred(_ effects: inout [Effect]) {
        // Each round clears `recheckPending` or consumes an input; neither can come back while
        // no activity runs, so this bound is never reached.
        let roundsMax = deferred.count + 2
        for _ in 0..<roundsMax {
            guard activity == nil, failure == nil else { return }
            if recheckPending {
                recheckPending = false
                recheckElectability(&effects)
            } else if !deferred.isEmpty {
                handle(deferred.removeFirst(), fresh: false, &effects)
            } else {
                return
            }
        }
    }

    /// Queues `input` if an activity holds the elector lock. Returns whether it did.
    mutating func deferIfBusy(_ input: Input, _ effects: inout [Effect]) -> Bool {
        guard activity != nil else { return false }
        if deferred.count >= ZKFailoverController.deferredInputsMax {
            effects.append(.log("Too many events while busy; dropping \(deferred.removeFirst())"))
        }
        deferred.append(input)
        return true
    }

    /// `isStaleClient`: an event of another session than the current client's is ignored.
    mutating func isCurrent(_ session: Int64, _ effects: inout [Effect]) -> Bool {
        guard connection.session != session else { return true }
        effects.append(.log("Ignoring stale result from old client with sessionId 0x\(ZKFailoverController.hex08(session))"))
        return false
    }

    /// A reply: stale session and unexpected xids are dropped; the reply to a request the
    /// current activity is not waiting for waits until the activity is over.
    mutating func zooKeeperReply(_ session: Int64, xid: Int32, _ result: CoordinationResult, _ input: Input,
                                 _ effects: inout [Effect]) {
        guard isCurrent(session, &effects) else { return }
        guard let request = ZooKeeperRequest(rawValue: xid), outstanding & request.bit != 0 else {
            effects.append(.log("Ignoring a reply to xid \(xid), which is not outstanding"))
            return
        }
        if request != .readActive && !activityAwaits(request) && deferIfBusy(input, &effects) { return }
        outstanding &= ~request.bit
        switch request {
        case .checkParent: parentChecked(result, &effects)
        case .createLock: lockCreateAnswered(result, &effects)
        case .monitorLock: lockExistsAnswered(result, &effects)
        case .readBreadcrumb: breadcrumbRead(result, &effects)
        case .writeBreadcrumb: breadcrumbWritten(result, &effects)
        case .readOwnBreadcrumb: ownBreadcrumbRead(result, &effects)
        case .deleteBreadcrumb: ownBreadcrumbDeleted(result, &effects)
        case .readActive: activeRead(result, &effects)
        }
    }

    /// Whether the activity in progress is waiting for the reply to `request`.
    func activityAwaits(_ request: ZooKeeperRequest) -> Bool {
        switch (activity, request) {
        case (.checkingParent?, .checkParent),
             (.becomingActive(.readingBreadcrumb, _)?, .readBreadcrumb),
             (.becomingActive(.writingBreadcrumb, _)?, .writeBreadcrumb),
             (.yielding(.readingOwnBreadcrumb, _)?, .readOwnBreadcrumb),
             (.yielding(.deletingBreadcrumb, _)?, .deleteBreadcrumb):
            return true
        default:
            return false
        }
    }

    /// The connection of `session` was lost or the session expired: as ZooKeeper's client does,
    /// every request still waiting for a reply fails with `code` (in xid order). A request whose
    /// reply already waits in `deferred` was answered and is left alone.
    mutating func failOutstanding(_ session: Int64, _ code: CoordinationErrorCode, _ effects: inout [Effect]) {
        let pending = outstandingRequests.filter { request in
            !deferred.contains { input in
                if case .zooKeeperReply(session, request.rawValue, _) = input { true } else { false }
            }
        }
        for request in pending {
            handle(.zooKeeperReply(session: session, xid: request.rawValue, .error(code)), &effects)
        }
    }

    mutating func issue(_ request: ZooKeeperRequest, _ operation: CoordinationOperation, _ effects: inout [Effect]) {
        assert(connection.session != nil, "Internal inconsistency: a ZooKeeper request without a session")
        assert(outstanding & request.bit == 0, "Internal inconsistency: \(request) is already outstanding")
        outstanding |= request.bit
        effects.append(.zooKeeper(xid: request.rawValue, operation))
    }

    mutating func setTimer(_ timer: ZKFCTimer, _ milliseconds: Int, _ effects: inout [Effect]) {
        precondition(milliseconds >= 0, "a timer cannot fire in the past")
        armedTimers |= timer.bit
        effects.append(.setTimer(timer, milliseconds: milliseconds))
    }

    mutating func cancelTimer(_ timer: ZKFCTimer, _ effects: inout [Effect]) {
        guard isArmed(timer) else { return }
        armedTimers &= ~timer.bit
        effects.append(.cancelTimer(timer))
    }

    mutating func timerFired(_ timer: ZKFCTimer, _ effects: inout [Effect]) {
        switch timer {
        case .connectionTimeout: connectionTimedOut(&effects)
        case .reconnectBackoff: reconnectBackoffEnded(&effects)
        case .rejoinElection: rejoinSleepEnded(&effects)
        case .cedeDelay:
            joinDelayed = false
            recheckElectability(&effects)
        case .gracefulFailoverWait: gracefulFailoverTimedOut(&effects)
        }
    }

    /// A transition RPC finished: it belongs to the activity that sent it.
    mutating func transitionResult(_ target: NameNodeID, failure: String?, _ effects: inout [Effect]) {
        switch activity {
        case .becomingActive(.gracefulFence(let old, let version), let origin)? where target == old:
            gracefulFenceFinished(old, version: version, origin: origin, failure: failure, &effects)
        case .becomingActive(.activating, let origin)? where target == nameNode:
            activationFinished(origin: origin, failure: failure, &effects)
        case .becomingStandby(let thenMonitor)? where target == nameNode:
            standbyTransitionFinished(thenMonitor: thenMonitor, failure: failure, &effects)
        case .ceding(let millis)? where target == nameNode:
            cedeTransitionFinished(millis: millis, failure: failure, &effects)
        default:
            effects.append(.log("Ignoring the result of a transition of NameNode \(target), which is not awaited"))
        }
    }

    mutating func fenceResult(method: Int, success: Bool, _ effects: inout [Effect]) {
        guard case .becomingActive(.fencing(let old, let running, let version), let origin)? = activity,
              running == method else {
            effects.append(.log("Ignoring the result of fencing method \(method + 1), which is not running"))
            return
        }
        fenceMethodFinished(old, method: method, version: version, origin: origin, success: success, &effects)
    }

    // MARK: - Texts

    /// `NNHAServiceTarget.toString()` of the local NameNode.
    var local: String { configuration.target(nameNode) }

    /// `String.format("0x%08x", sessionId)`.
    static func hex08(_ value: Int64) -> String {
        let digits = String(UInt64(bitPattern: value), radix: 16)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    /// `KeeperException.getMessage()`: `KeeperErrorCode = <text> for <path>`.
    static func keeperMessage(_ code: CoordinationErrorCode, _ path: String) -> String {
        let text: String = switch code {
        case .connectionLoss: "ConnectionLoss"
        case .operationTimeout: "OperationTimeout"
        case .noNode: "NoNode"
        case .nodeExists: "NodeExists"
        case .badVersion: "BadVersion"
        case .notEmpty: "Directory not empty"
        case .sessionExpired: "Session expired"
        case .noAuth: "NoAuth"
        case .badArguments: "BadArguments"
        default: code.name
        }
        return "KeeperErrorCode = \(text) for \(path)"
    }

    /// `shouldRetry`: the codes upstream's `zkDoWithRetries` and its result callbacks retry.
    static func shouldRetry(_ code: CoordinationErrorCode) -> Bool {
        code == .connectionLoss || code == .operationTimeout
    }
}
