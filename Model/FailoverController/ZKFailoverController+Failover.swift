// ZKFCProtocol (hadoop-ha-protocol.md §4.3): `cedeActive(millisToCede)` on any ZKFC, and
// `gracefulFailover()` coordinated by the ZKFC of the failover target.

extension ZKFailoverController {
    /// The cede timeout a graceful failover asks for: twice the graceful-fence timeout.
    var gracefulFailoverCedeMs: Int { configuration.gracefulFenceTimeoutMs * 2 }

    /// How long a graceful failover waits for the local election attempt.
    var gracefulFailoverWaitMs: Int { gracefulFailoverCedeMs + ZKFailoverController.gracefulFailoverExtraWaitMs }

    // MARK: - cedeActive

    /// `doCedeActive`: `millis <= 0` lifts a delay; otherwise make the local NameNode standby,
    /// quit the election (fencing needed iff that failed) and stay out for `millis`.
    mutating func cedeActive(_ millis: Int, _ effects: inout [Effect]) {
        guard millis > 0 else {
            joinDelayed = false
            cancelTimer(.cedeDelay, &effects)
            recheckElectability(&effects)
            effects.append(.reply(.cedeActive(millis: millis), failure: nil))
            return
        }
        effects.append(.log("Requested to cede active role."))
        activity = .ceding(millis: millis)
        effects.append(.transitionToStandby(nameNode))
    }

    mutating func cedeTransitionFinished(millis: Int, failure: String?, _ effects: inout [Effect]) {
        activity = nil
        var needFence = false
        if let failure {
            effects.append(.log("Unable to transition local node to standby: \(failure)"))
            effects.append(.log("Quitting election but indicating that fencing is necessary"))
            needFence = true
        } else {
            effects.append(.log("Successfully ensured local node is in standby mode"))
        }
        joinDelayed = true
        setTimer(.cedeDelay, millis, &effects)
        serviceState = .initializing
        quitElection(needFence: needFence, then: .finishCede(millis: millis), &effects)
    }

    /// After the quit: the re-check finds the delay (the timer re-checks when it ends); answer.
    mutating func finishCede(millis: Int, _ effects: inout [Effect]) {
        if joinDelayed && health == .serviceHealthy {
            effects.append(.log("Would have joined master election, but this node is prohibited from doing so for "
                + "\(millis) more ms"))
        }
        effects.append(.reply(.cedeActive(millis: millis), failure: nil))
    }

    // MARK: - gracefulFailover

    /// `doGracefulFailover`, phases 1 and 2: the local node must be healthy; read the lock.
    mutating func gracefulFailover(_ effects: inout [Effect]) {
        guard gracefulFailoverRun == nil else {
            effects.append(.reply(.gracefulFailover, failure: "A graceful failover to \(local) is already in progress"))
            return
        }
        guard health == .serviceHealthy else {
            effects.append(.reply(.gracefulFailover, failure: "\(local) is not currently healthy. Cannot be failover target"))
            return
        }
        guard connection.session != nil else {
            effects.append(.reply(.gracefulFailover, failure: "Unexpected ZooKeeper issue fetching active node info"))
            return
        }
        gracefulFailoverRun = GracefulFailoverRun(phase: .readingActive(attempt: 1))
        issue(.readActive, .getData(path: configuration.lockPath, watch: false), &effects)
    }

    mutating func activeRead(_ result: CoordinationResult, _ effects: inout [Effect]) {
        guard var run = gracefulFailoverRun, case .readingActive(let attempt) = run.phase else { return }
        switch result {
        case .data(let bytes, _):
            switch target(of: bytes) {
            case .invalid(let reason):
                finishGracefulFailover(failure: reason, &effects)
            case .nameNode(let old) where old == nameNode:
                effects.append(.log("Local node \(local) is already active. No need to failover. Returning success."))
                finishGracefulFailover(failure: nil, &effects)
            case .nameNode(let old):
                // Phase 3: the other nodes first, the old active last.
                run.toCede = configuration.nameNodes.indices.filter { $0 != nameNode && $0 != old } + [old]
                gracefulFailoverRun = run
                askNextToCede(&effects)
            }
        case .error(.noNode):
            finishGracefulFailover(failure: "No other node is currently active.", &effects)
        case .error(let code) where ZKFailoverController.shouldRetry(code) && attempt < configuration.maxRetries:
            run.phase = .readingActive(attempt: attempt + 1)
            gracefulFailoverRun = run
            issue(.readActive, .getData(path: configuration.lockPath, watch: false), &effects)
        default:
            finishGracefulFailover(failure: "Unexpected ZooKeeper issue fetching active node info", &effects)
        }
    }

    /// `cedeRemoteActive`, one ZKFC at a time; then phase 4.
    mutating func askNextToCede(_ effects: inout [Effect]) {
        guard var run = gracefulFailoverRun else { return }
        guard !run.toCede.isEmpty else {
            waitForActiveAttempt(&effects)
            return
        }
        let remote = run.toCede.removeFirst()
        run.phase = .ceding(remote)
        gracefulFailoverRun = run
        effects.append(.log("Asking \(configuration.target(remote)) to cede its active state for \(gracefulFailoverCedeMs)ms"))
        effects.append(.callFailoverController(remote, .cedeActive(millis: gracefulFailoverCedeMs)))
    }

    /// A remote ZKFC answered; a failed call ends the failover (ceded ZKFCs rejoin when their delay ends).
    mutating func cedeResult(from: NameNodeID, failure: String?, _ effects: inout [Effect]) {
        guard var run = gracefulFailoverRun else {
            effects.append(.log("Ignoring a cedeActive answer from \(configuration.target(from)): no failover in progress"))
            return
        }
        switch run.phase {
        case .ceding(let remote) where remote == from:
            if let failure {
                finishGracefulFailover(failure: failure, &effects)
                return
            }
            run.ceded.append(remote)
            gracefulFailoverRun = run
            askNextToCede(&effects)
        case .releasing(let remote) where remote == from:
            if let failure {
                finishGracefulFailover(failure: failure, &effects)
                return
            }
            releaseNext(after: remote, &effects)
        default:
            effects.append(.log("Ignoring an unexpected cedeActive answer from \(configuration.target(from))"))
        }
    }

    /// Phase 4: wait for the normal election to make the local node active (or fail to).
    mutating func waitForActiveAttempt(_ effects: inout [Effect]) {
        guard var run = gracefulFailoverRun else { return }
        guard health == .serviceHealthy else {
            finishGracefulFailover(failure: ZKFailoverController.unhealthyDuringFailover, &effects)
            return
        }
        guard run.attempt == nil else {
            releaseCeded(&effects)
            return
        }
        run.phase = .waiting
        gracefulFailoverRun = run
        setTimer(.gracefulFailoverWait, gracefulFailoverWaitMs, &effects)
    }

    /// `recordActiveAttempt`: a graceful failover counts the attempts made since it asked others to cede.
    mutating func recordActiveAttempt(succeeded: Bool, status: String, _ effects: inout [Effect]) {
        guard var run = gracefulFailoverRun else { return }
        switch run.phase {
        case .ceding:
            run.attempt = ActiveAttempt(succeeded: succeeded, status: status)
            gracefulFailoverRun = run
        case .waiting:
            run.attempt = ActiveAttempt(succeeded: succeeded, status: status)
            gracefulFailoverRun = run
            cancelTimer(.gracefulFailoverWait, &effects)
            releaseCeded(&effects)
        case .readingActive, .releasing:
            break
        }
    }

    mutating func gracefulFailoverTimedOut(_ effects: inout [Effect]) {
        guard let run = gracefulFailoverRun, run.phase == .waiting else { return }
        effects.append(.log("\(gracefulFailoverWaitMs)ms timeout elapsed waiting for an attempt to become active"))
        let failure = health == .serviceHealthy
            ? "Unable to become active. Local node did not get an opportunity to do so from ZooKeeper, "
                + "or the local node took too long to transition to active."
            : ZKFailoverController.unhealthyDuringFailover
        finishGracefulFailover(failure: failure, &effects)
    }

    /// The wait polls the health state: an unhealthy node gives up at once.
    mutating func gracefulFailoverLostHealth(_ effects: inout [Effect]) {
        guard let run = gracefulFailoverRun, run.phase == .waiting else { return }
        finishGracefulFailover(failure: ZKFailoverController.unhealthyDuringFailover, &effects)
    }

    static let unhealthyDuringFailover = "Unable to become active. Service became unhealthy while trying to failover."

    /// Phase 5: `cedeActive(-1)` to every ZKFC that ceded, in the order asked.
    mutating func releaseCeded(_ effects: inout [Effect]) {
        guard var run = gracefulFailoverRun else { return }
        guard let first = run.ceded.first else {
            concludeGracefulFailover(&effects)
            return
        }
        run.phase = .releasing(first)
        gracefulFailoverRun = run
        effects.append(.callFailoverController(first, .cedeActive(millis: -1)))
    }

    mutating func releaseNext(after remote: NameNodeID, _ effects: inout [Effect]) {
        guard var run = gracefulFailoverRun, let index = run.ceded.firstIndex(of: remote) else { return }
        guard index + 1 < run.ceded.count else {
            concludeGracefulFailover(&effects)
            return
        }
        let next = run.ceded[index + 1]
        run.phase = .releasing(next)
        gracefulFailoverRun = run
        effects.append(.callFailoverController(next, .cedeActive(millis: -1)))
    }

    mutating func concludeGracefulFailover(_ effects: inout [Effect]) {
        guard let attempt = gracefulFailoverRun?.attempt else {
            preconditionFailure("Internal inconsistency: a graceful failover concluded without an attempt")
        }
        if attempt.succeeded {
            effects.append(.log("Successfully became active. \(attempt.status)"))
            finishGracefulFailover(failure: nil, &effects)
        } else {
            finishGracefulFailover(failure: "Failed to become active. \(attempt.status)", &effects)
        }
    }

    mutating func finishGracefulFailover(failure: String?, _ effects: inout [Effect]) {
        gracefulFailoverRun = nil
        cancelTimer(.gracefulFailoverWait, &effects)
        effects.append(.reply(.gracefulFailover, failure: failure))
    }
}
