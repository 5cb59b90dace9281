// Hand-written fingerprints: every stored field in declaration order, each enum as a tag word
// followed by its payload. (Walking the Codable encoding would be about 40× slower.)

extension ZKFailoverController: Fingerprintable {
    public func fingerprint(into hasher: inout FingerprintHasher) {
        hasher.combine(configurationFingerprint)
        hasher.combine(started)
        hasher.combine(failure)
        health.fingerprint(into: &hasher)
        hasher.combine(serviceState.rawValue)
        hasher.combine(joinDelayed)
        gracefulFailoverRun.fingerprint(into: &hasher)
        electorState.fingerprint(into: &hasher)
        hasher.combine(wantToBeInElection)
        hasher.combine(hasAppData)
        connection.fingerprint(into: &hasher)
        hasher.combine(createRetryCount)
        hasher.combine(statRetryCount)
        hasher.combine(outstanding)
        activity.fingerprint(into: &hasher)
        hasher.combine(recheckPending)
        hasher.combine(deferred)
        hasher.combine(armedTimers)
        hasher.combine(serviceStateMismatches)
        hasher.combine(quitElectionOnBadState)
    }
}

extension ZKFailoverController.HealthState: Fingerprintable {
    public func fingerprint(into hasher: inout FingerprintHasher) {
        let ordinal: UInt64 = switch self {
        case .initializing: 0
        case .serviceNotResponding: 1
        case .serviceHealthy: 2
        case .serviceUnhealthy: 3
        case .healthMonitorFailed: 4
        }
        hasher.combine(ordinal)
    }
}

extension ZKFailoverController.ElectorState: Fingerprintable {
    public func fingerprint(into hasher: inout FingerprintHasher) {
        let ordinal: UInt64 = switch self {
        case .initial: 0
        case .active: 1
        case .standby: 2
        case .neutral: 3
        }
        hasher.combine(ordinal)
    }
}

extension ZKFailoverController.Connection: Fingerprintable {
    public func fingerprint(into hasher: inout FingerprintHasher) {
        switch self {
        case .none: hasher.combine(0 as UInt64)
        case .connecting: hasher.combine(1 as UInt64)
        case .connected(let session): hasher.combine(2 as UInt64); hasher.combine(session)
        case .disconnected(let session): hasher.combine(3 as UInt64); hasher.combine(session)
        }
    }
}

extension ZKFailoverController.Activity: Fingerprintable {
    public func fingerprint(into hasher: inout FingerprintHasher) {
        switch self {
        case .connecting(let attempt, let purpose):
            hasher.combine(0 as UInt64); hasher.combine(attempt); hasher.combine(purpose == .startup)
        case .backingOff(let attempt, let purpose):
            hasher.combine(1 as UInt64); hasher.combine(attempt); hasher.combine(purpose == .startup)
        case .checkingParent:
            hasher.combine(2 as UInt64)
        case .sleepingBeforeRejoin:
            hasher.combine(3 as UInt64)
        case .becomingActive(let step, let origin):
            hasher.combine(4 as UInt64); step.fingerprint(into: &hasher); hasher.combine(origin == .lockCreated)
        case .becomingStandby(let thenMonitor):
            hasher.combine(5 as UInt64); hasher.combine(thenMonitor)
        case .ceding(let millis):
            hasher.combine(6 as UInt64); hasher.combine(millis)
        case .yielding(let step, let next):
            hasher.combine(7 as UInt64)
            switch step {
            case .readingOwnBreadcrumb: hasher.combine(0 as UInt64)
            case .deletingBreadcrumb(let version, let attempt):
                hasher.combine(1 as UInt64); hasher.combine(version); hasher.combine(attempt)
            }
            switch next {
            case .nothing: hasher.combine(0 as UInt64)
            case .finishCede(let millis): hasher.combine(1 as UInt64); hasher.combine(millis)
            }
        }
    }
}

extension ZKFailoverController.BecomeActiveStep: Fingerprintable {
    public func fingerprint(into hasher: inout FingerprintHasher) {
        switch self {
        case .readingBreadcrumb(let attempt):
            hasher.combine(0 as UInt64); hasher.combine(attempt)
        case .gracefulFence(let old, let version):
            hasher.combine(1 as UInt64); hasher.combine(old); hasher.combine(version)
        case .fencing(let old, let method, let version):
            hasher.combine(2 as UInt64); hasher.combine(old); hasher.combine(method); hasher.combine(version)
        case .writingBreadcrumb(let version, let attempt):
            hasher.combine(3 as UInt64); hasher.combine(version); hasher.combine(attempt)
        case .activating:
            hasher.combine(4 as UInt64)
        }
    }
}

extension ZKFailoverController.GracefulFailoverRun: Fingerprintable {
    public func fingerprint(into hasher: inout FingerprintHasher) {
        switch phase {
        case .readingActive(let attempt): hasher.combine(0 as UInt64); hasher.combine(attempt)
        case .ceding(let remote): hasher.combine(1 as UInt64); hasher.combine(remote)
        case .waiting: hasher.combine(2 as UInt64)
        case .releasing(let remote): hasher.combine(3 as UInt64); hasher.combine(remote)
        }
        hasher.combine(toCede)
        hasher.combine(ceded)
        hasher.combine(attempt?.succeeded)
        hasher.combine(attempt?.status)
    }
}

extension ZKFailoverController.Input: Fingerprintable {
    public func fingerprint(into hasher: inout FingerprintHasher) {
        switch self {
        case .start:
            hasher.combine(0 as UInt64)
        case .health(let state):
            hasher.combine(1 as UInt64); state.fingerprint(into: &hasher)
        case .zooKeeperConnected(let session):
            hasher.combine(2 as UInt64); hasher.combine(session)
        case .zooKeeperReply(let session, let xid, let result):
            hasher.combine(3 as UInt64); hasher.combine(session); hasher.combine(xid)
            ZKFailoverController.combine(result, into: &hasher)
        case .zooKeeperWatch(let session, let event):
            hasher.combine(4 as UInt64); hasher.combine(session); hasher.combine(event.type.rawValue)
            hasher.combine(event.path)
        case .zooKeeperDisconnected(let session):
            hasher.combine(5 as UInt64); hasher.combine(session)
        case .zooKeeperSessionExpired(let session):
            hasher.combine(6 as UInt64); hasher.combine(session)
        case .transitionResult(let target, let failure):
            hasher.combine(7 as UInt64); hasher.combine(target); hasher.combine(failure)
        case .fenceResult(let method, let success):
            hasher.combine(8 as UInt64); hasher.combine(method); hasher.combine(success)
        case .timerFired(let timer):
            hasher.combine(9 as UInt64); hasher.combine(timer.bit)
        case .cedeActive(let millis):
            hasher.combine(10 as UInt64); hasher.combine(millis)
        case .gracefulFailover:
            hasher.combine(11 as UInt64)
        case .cedeResult(let from, let failure):
            hasher.combine(12 as UInt64); hasher.combine(from); hasher.combine(failure)
        case .serviceStatus(let state):
            hasher.combine(13 as UInt64); hasher.combine(state.rawValue)
        }
    }
}

extension ZKFailoverController {
    /// Feeds a reply body: a tag word, then its payload.
    static func combine(_ result: CoordinationResult, into hasher: inout FingerprintHasher) {
        switch result {
        case .sessionEstablished(let session, let timeoutMs, let password):
            hasher.combine(0 as UInt64); hasher.combine(session); hasher.combine(timeoutMs)
            Znode.combineBytes(password, into: &hasher)
        case .created(let path, let stat):
            hasher.combine(1 as UInt64); hasher.combine(path); hasher.combine(stat)
        case .deleted:
            hasher.combine(2 as UInt64)
        case .stat(let stat):
            hasher.combine(3 as UInt64); hasher.combine(stat)
        case .data(let bytes, let stat):
            hasher.combine(4 as UInt64); Znode.combineBytes(bytes, into: &hasher); hasher.combine(stat)
        case .children(let names, let stat):
            hasher.combine(5 as UInt64); hasher.combine(names); hasher.combine(stat)
        case .acl(let stat):
            hasher.combine(6 as UInt64); hasher.combine(stat)
        case .synced(let path):
            hasher.combine(7 as UInt64); hasher.combine(path)
        case .pong:
            hasher.combine(8 as UInt64)
        case .ok:
            hasher.combine(9 as UInt64)
        case .sessionClosed:
            hasher.combine(10 as UInt64)
        case .error(let code):
            hasher.combine(11 as UInt64); hasher.combine(code.rawValue)
        }
    }
}
