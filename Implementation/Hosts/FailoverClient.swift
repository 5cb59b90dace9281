import Dispatch
import Foundation
import Synchronization
import Wire

/// A NameNode client that fails over like Hadoop's proxy providers: ConfiguredFailoverProxyProvider
/// (configured order, round robin on failover) or RequestHedgingProxyProvider (the first call
/// goes to every NameNode at once, the first success is remembered), with RetryPolicies'
/// `failoverOnNetworkException` deciding between failing over, retrying and giving up.
public final class FailoverClient: Sendable {
    public struct NameNodeAddress: Sendable, Equatable {
        public var id: String
        public var host: String
        public var port: UInt16
        public init(id: String, host: String, port: UInt16) {
            self.id = id
            self.host = host
            self.port = port
        }
        var endpoint: String { "\(host):\(port)" }
    }

    /// `dfs.client.failover.*` and the per-call timeout.
    public struct Policy: Sendable {
        public var maxFailovers = 15
        public var maxRetries = 10
        public var sleepBaseMilliseconds = 500
        public var sleepMaxMilliseconds = 15_000
        public var callTimeoutMilliseconds = 60_000
        public var connectTimeoutMilliseconds = 20_000
        public var hedging = false
        public init() {}
    }

    public enum Failure: Error, CustomStringConvertible {
        /// The NameNode answered with an exception that is not a reason to fail over.
        case remote(className: String, message: String)
        /// The retry policy gave up; the last error is the cause.
        case gaveUp(reason: String, last: String)

        public var description: String {
            switch self {
            case .remote(let className, let message): return "\(className): \(message)"
            case .gaveUp(let reason, let last): return "\(last) (\(reason))"
            }
        }
    }

    let nameNodes: [NameNodeAddress]
    let policy: Policy
    let logger: Logger?
    private let clients: [RPCClient]
    private let clock: LamportClock
    /// The proxy in use, and for hedging the ones failed over from.
    private let current = Mutex<(index: Int, hedged: Bool, excluded: Set<Int>)>((0, false, []))

    public init(nameNodes: [NameNodeAddress], policy: Policy = Policy(), clock: LamportClock = LamportClock(), logger: Logger? = nil) {
        precondition(!nameNodes.isEmpty, "a failover client needs NameNodes")
        self.nameNodes = nameNodes
        self.policy = policy
        self.logger = logger
        self.clock = clock
        clients = nameNodes.map { RPCClient(host: $0.host, port: $0.port, connectTimeout: .milliseconds(policy.connectTimeoutMilliseconds),
                                            log: { _ in }) }
    }

    public func close() { for client in clients { client.close() } }

    /// This client's `rpcClientId` and its next `rpcCallId`.
    private let clientID: [UInt8] = (0..<16).map { _ in UInt8.random(in: 0...255) }
    private let nextCallID = Mutex<UInt32>(1)

    /// Calls the active NameNode, failing over as the policy says; throws `Failure`. A namespace
    /// change carries this client's call ids, so every repeat of it is answered at most once.
    public func call(_ request: ClientRequest) throws -> ClientResponse {
        let request = identify(request)
        var failovers = 0
        var retries = 0
        while true {
            let outcome = attempt(request)
            switch outcome {
            case .answered(let response):
                return response
            case .remote(let className, let message):
                throw Failure.remote(className: className, message: message)
            case .failover(let last, let sent):
                // Sent and lost: only calls that are safe to repeat may go again (mkdirs is
                // idempotent; the others would need the retry cache upstream has).
                if sent && !request.isIdempotent {
                    throw Failure.gaveUp(reason: "the invoked method is not idempotent, and unable to determine whether it was invoked",
                                         last: last)
                }
                if failovers >= policy.maxFailovers {
                    throw Failure.gaveUp(reason: "failovers (\(failovers)) exceeded maximum allowed (\(policy.maxFailovers))", last: last)
                }
                if retries - failovers > policy.maxRetries {
                    throw Failure.gaveUp(reason: "retries (\(retries)) exceeded maximum allowed (\(policy.maxRetries))", last: last)
                }
                let delay = failovers == 0 ? 0 : backoff(failovers)
                logger?.info("\(last); failing over (attempt \(failovers + 1)) after \(delay) ms")
                performFailover()
                if delay > 0 { usleep(UInt32(delay) * 1_000) }
                failovers += 1
                retries += 1
            }
        }
    }

    /// A namespace change without ids gets this client's ids and a new call id; anything else
    /// goes as it is.
    private func identify(_ request: ClientRequest) -> ClientRequest {
        if case .identified = request { return request }
        guard request.isNamespaceWrite else { return request }
        let callID = nextCallID.withLock { id -> UInt32 in defer { id &+= 1 }; return id }
        return .identified(CallIdentity(clientID: clientID, callID: callID), request)
    }

    enum Outcome {
        case answered(ClientResponse)
        case remote(className: String, message: String)
        /// A reason to try another NameNode; `sent` when the call may have run.
        case failover(String, sent: Bool)
    }

    private func attempt(_ request: ClientRequest) -> Outcome {
        let state = current.withLock { $0 }
        if policy.hedging && !state.hedged {
            return hedge(request, excluding: state.excluded)
        }
        return single(request, index: state.index)
    }

    private func single(_ request: ClientRequest, index: Int) -> Outcome {
        let address = nameNodes[index]
        do {
            let frame = try clients[index].call(payload: request.encode(), lamport: clock.send(),
                                                timeout: .milliseconds(policy.callTimeoutMilliseconds))
            _ = clock.receive(frame.lamport)
            let response = try ClientResponse.decode(frame.payload)
            if case .failure(let className, let message) = response {
                if className.hasSuffix("StandbyException") {
                    return .failover("\(address.id) (\(address.endpoint)): \(message)", sent: false)
                }
                return .remote(className: className, message: message)
            }
            return .answered(response)
        } catch let error as RPCError {
            return .failover("\(address.id) (\(address.endpoint)): \(error)", sent: !error.requestNotSent)
        } catch {
            return .failover("\(address.id) (\(address.endpoint)): \(error)", sent: true)
        }
    }

    /// RequestHedgingProxyProvider: every remaining NameNode at once, the first success wins.
    private func hedge(_ request: ClientRequest, excluding excluded: Set<Int>) -> Outcome {
        let candidates = nameNodes.indices.filter { !excluded.contains($0) }
        if candidates.isEmpty {
            return .remote(className: "java.io.IOException", message: "No valid proxies left. All NameNode proxies have failed over.")
        }
        if candidates.count == 1 {
            current.withLock { $0.index = candidates[0]; $0.hedged = true }
            return single(request, index: candidates[0])
        }
        let results = Mutex<[Int: Outcome]>([:])
        let group = DispatchGroup()
        for index in candidates {
            DispatchQueue.global().async(group: group) { [self] in
                let outcome = single(request, index: index)
                results.withLock { $0[index] = outcome }
            }
        }
        group.wait()
        let outcomes = results.withLock { $0 }
        for index in candidates {
            if case .answered = outcomes[index]! {
                current.withLock { $0.index = index; $0.hedged = true }
                return outcomes[index]!
            }
        }
        for index in candidates {
            if case .remote = outcomes[index]! { current.withLock { $0.index = index; $0.hedged = true }; return outcomes[index]! }
        }
        let texts = candidates.compactMap { index -> String? in
            if case .failover(let text, _) = outcomes[index]! { return text } else { return nil }
        }
        let sent = candidates.contains { if case .failover(_, true) = outcomes[$0]! { return true } else { return false } }
        return .failover(texts.joined(separator: "; "), sent: sent)
    }

    private func performFailover() {
        current.withLock { state in
            if policy.hedging {
                if state.hedged { state.excluded.insert(state.index) }
                state.hedged = false
            } else {
                state.index = (state.index + 1) % nameNodes.count
            }
        }
    }

    /// `calculateExponentialTime(base, failovers, max)`: min(base·2^failovers, max) × U[0.5, 1.5).
    private func backoff(_ failovers: Int) -> Int {
        let exponential = min(Double(policy.sleepBaseMilliseconds) * pow(2, Double(min(failovers, 30))), Double(policy.sleepMaxMilliseconds))
        return Int(exponential * Double.random(in: 0.5..<1.5))
    }
}

extension ClientRequest {
    /// `@Idempotent` in ClientProtocol / HAServiceProtocol, or `@AtMostOnce` with call ids (the
    /// retry cache answers a repeat): safe to send again after a lost answer.
    public var isIdempotent: Bool {
        switch self {
        case .create, .delete, .rename: return false
        default: return true
        }
    }
}
