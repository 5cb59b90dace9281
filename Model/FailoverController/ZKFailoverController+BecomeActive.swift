// `ActiveStandbyElector.becomeActive` with the ZKFC's callbacks: read the breadcrumb, fence the
// old active it names (graceful transitionToStandby first, then the fencing methods in order),
// write the breadcrumb (create, or setData with the version read: a compare-and-set), then make
// the local NameNode active. Any failure releases the lock and re-joins after 1000 ms.

extension ZKFailoverController {
    /// Where data read from ZooKeeper points (`dataToTarget`).
    enum Target: Hashable {
        case nameNode(NameNodeID)
        /// Why the data names no configured NameNode, in Hadoop's words.
        case invalid(String)
    }

    /// `dataToTarget`: decode, find the NameNode by nameservice and NameNode id, and check that
    /// the stored address is the configured one.
    func target(of data: [UInt8]) -> Target {
        let info: ActiveNodeInfo
        do {
            info = try ActiveNodeInfo.decode(data)
        } catch {
            return .invalid("Invalid data in ZK: \(ActiveNodeInfo.hex(data))")
        }
        let nameNodes = configuration.nameNodes
        guard let id = nameNodes.firstIndex(where: {
            $0.nameserviceID == info.nameserviceID && $0.nameNodeID == info.nameNodeID
        }) else {
            return .invalid("Unable to determine service address for namenode '\(info.nameNodeID)'")
        }
        guard nameNodes[id].hostname == info.hostname && nameNodes[id].port == info.port else {
            return .invalid("Mismatched address stored in ZK for \(configuration.target(id)): Stored protobuf was "
                + "\(info.textFormat), address from our own configuration for this NameNode was \(nameNodes[id].address)")
        }
        return .nameNode(id)
    }

    mutating func becomeActive(origin: BecomeActiveOrigin, _ effects: inout [Effect]) {
        guard electorState != .active else {
            becameActive(origin: origin, &effects)
            return
        }
        effects.append(.log("Checking for any old active which needs to be fenced..."))
        activity = .becomingActive(.readingBreadcrumb(attempt: 1), origin: origin)
        issue(.readBreadcrumb, .getData(path: configuration.breadcrumbPath, watch: false), &effects)
    }

    /// `fenceOldActive`'s read, retried by `zkDoWithRetries`.
    mutating func breadcrumbRead(_ result: CoordinationResult, _ effects: inout [Effect]) {
        guard case .becomingActive(.readingBreadcrumb(let attempt), let origin)? = activity else { return }
        switch result {
        case .data(let bytes, let stat):
            effects.append(.log("Old node exists: \(ActiveNodeInfo.hex(bytes))"))
            if bytes == configuration.appData {
                effects.append(.log("But old node has our own data, so don't need to fence it."))
                writeBreadcrumb(version: stat.version, origin: origin, &effects)
            } else {
                fenceOldActive(bytes, version: stat.version, origin: origin, &effects)
            }
        case .error(.noNode):
            effects.append(.log("No old node to fence"))
            writeBreadcrumb(version: nil, origin: origin, &effects)
        case .error(let code) where ZKFailoverController.shouldRetry(code) && attempt < configuration.maxRetries:
            activity = .becomingActive(.readingBreadcrumb(attempt: attempt + 1), origin: origin)
            issue(.readBreadcrumb, .getData(path: configuration.breadcrumbPath, watch: false), &effects)
        case .error(let code):
            failBecomingActive(ZKFailoverController.keeperMessage(code, configuration.breadcrumbPath), &effects)
        default:
            failBecomingActive("Unexpected reply to the read of \(configuration.breadcrumbPath): \(result)", &effects)
        }
    }

    /// `ZKFailoverController.fenceOldActive` / `doFence`.
    mutating func fenceOldActive(_ data: [UInt8], version: Int32, origin: BecomeActiveOrigin, _ effects: inout [Effect]) {
        let old: NameNodeID
        switch target(of: data) {
        case .nameNode(let id): old = id
        case .invalid(let reason):
            failBecomingActive(reason, &effects)
            return
        }
        let name = configuration.target(old)
        effects.append(.log("Should fence: \(name)"))
        if configuration.mutation == .breadcrumbNotFenced {
            effects.append(.log("(mutant \(Mutation.breadcrumbNotFenced.rawValue)) not fencing \(name)"))
            writeBreadcrumb(version: version, origin: origin, &effects)
            return
        }
        activity = .becomingActive(.gracefulFence(old, breadcrumbVersion: version), origin: origin)
        effects.append(.transitionToStandby(old))
    }

    /// `tryGracefulFence` finished; if it failed, the fencer runs.
    mutating func gracefulFenceFinished(_ old: NameNodeID, version: Int32, origin: BecomeActiveOrigin,
                                        failure: String?, _ effects: inout [Effect]) {
        let name = configuration.target(old)
        guard let failure else {
            effects.append(.log("Successfully transitioned \(name) to standby state without fencing"))
            writeBreadcrumb(version: version, origin: origin, &effects)
            return
        }
        effects.append(.log("Unable to gracefully make \(name) standby (\(failure))"))
        guard configuration.fencingMethods > 0 else {
            effects.append(.log("Couldn't fence old active \(name)"))
            recordActiveAttempt(succeeded: false, status: "Unable to fence old active", &effects)
            failBecomingActive("No fencer configured for \(name)", &effects)
            return
        }
        effects.append(.log("====== Beginning Service Fencing Process... ======"))
        runFenceMethod(old, method: 0, version: version, origin: origin, &effects)
    }

    mutating func runFenceMethod(_ old: NameNodeID, method: Int, version: Int32, origin: BecomeActiveOrigin,
                                 _ effects: inout [Effect]) {
        precondition(method < configuration.fencingMethods, "Internal inconsistency: no fencing method \(method)")
        effects.append(.log("Trying method \(method + 1)/\(configuration.fencingMethods)"))
        activity = .becomingActive(.fencing(old, method: method, breadcrumbVersion: version), origin: origin)
        effects.append(.fence(old, method: method))
    }

    /// `NodeFencer.fence`: the first method that succeeds wins; if none does, no activation.
    mutating func fenceMethodFinished(_ old: NameNodeID, method: Int, version: Int32, origin: BecomeActiveOrigin,
                                      success: Bool, _ effects: inout [Effect]) {
        if success {
            effects.append(.log("====== Fencing successful by method \(method + 1) ======"))
            writeBreadcrumb(version: version, origin: origin, &effects)
            return
        }
        effects.append(.log("Fencing method \(method + 1) was unsuccessful."))
        if method + 1 < configuration.fencingMethods {
            runFenceMethod(old, method: method + 1, version: version, origin: origin, &effects)
            return
        }
        effects.append(.log("Unable to fence service by any configured method."))
        let reason = "Unable to fence \(configuration.target(old))"
        recordActiveAttempt(succeeded: false, status: "Unable to fence old active: java.lang.RuntimeException: \(reason)",
                            &effects)
        failBecomingActive(reason, &effects)
    }

    /// `writeBreadCrumbNode`: create when there was none, else compare-and-set on the version read.
    mutating func writeBreadcrumb(version: Int32?, origin: BecomeActiveOrigin, _ effects: inout [Effect]) {
        effects.append(.log("Writing znode \(configuration.breadcrumbPath) to indicate that the local node is "
            + "the most recent active..."))
        activity = .becomingActive(.writingBreadcrumb(version: version, attempt: 1), origin: origin)
        issueBreadcrumbWrite(version: version, &effects)
    }

    mutating func issueBreadcrumbWrite(version: Int32?, _ effects: inout [Effect]) {
        let path = configuration.breadcrumbPath
        let data = configuration.appData
        if let version {
            issue(.writeBreadcrumb, .setData(path: path, data: data, version: version), &effects)
        } else {
            issue(.writeBreadcrumb, .create(path: path, data: data, mode: .persistent), &effects)
        }
    }

    mutating func breadcrumbWritten(_ result: CoordinationResult, _ effects: inout [Effect]) {
        guard case .becomingActive(.writingBreadcrumb(let version, let attempt), let origin)? = activity else { return }
        switch result {
        case .created, .stat:
            effects.append(.log("Trying to make \(local) active..."))
            activity = .becomingActive(.activating, origin: origin)
            effects.append(.transitionToActive(nameNode))
        case .error(let code) where ZKFailoverController.shouldRetry(code) && attempt < configuration.maxRetries:
            activity = .becomingActive(.writingBreadcrumb(version: version, attempt: attempt + 1), origin: origin)
            issueBreadcrumbWrite(version: version, &effects)
        case .error(let code):
            // BADVERSION: another node wrote the breadcrumb since we read it, so it won.
            failBecomingActive(ZKFailoverController.keeperMessage(code, configuration.breadcrumbPath), &effects)
        default:
            failBecomingActive("Unexpected reply to the write of \(configuration.breadcrumbPath): \(result)", &effects)
        }
    }

    /// `ZKFailoverController.becomeActive`: transitionToActive(REQUEST_BY_ZKFC) finished.
    mutating func activationFinished(origin: BecomeActiveOrigin, failure: String?, _ effects: inout [Effect]) {
        guard let failure else {
            let message = "Successfully transitioned \(local) to active state"
            effects.append(.log(message))
            serviceState = .active
            recordActiveAttempt(succeeded: true, status: message, &effects)
            electorState = .active
            becameActive(origin: origin, &effects)
            return
        }
        let message = "Couldn't make \(local) active"
        effects.append(.log("\(message): \(failure)"))
        recordActiveAttempt(succeeded: false, status: "\(message)\n\(failure)", &effects)
        failBecomingActive("Couldn't transition to active", &effects)
    }

    /// Success: after a create, start monitoring the lock (an exists already watches it).
    mutating func becameActive(origin: BecomeActiveOrigin, _ effects: inout [Effect]) {
        activity = nil
        if origin == .lockCreated { monitorActiveStatus(&effects) }
    }

    /// `reJoinElectionAfterFailureToBecomeActive`: closing the session releases the lock.
    mutating func failBecomingActive(_ reason: String, _ effects: inout [Effect]) {
        effects.append(.log("Exception handling the winning of election: \(reason)"))
        activity = nil
        reJoinElection(sleepMs: ZKFailoverController.sleepAfterFailureToBecomeActiveMs, &effects)
    }
}
