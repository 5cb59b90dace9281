/// An HDFS client with a failover proxy provider (upstream: `ConfiguredFailoverProxyProvider`
/// under `RetryPolicies.failoverOnNetworkException`).
///
/// It sends each operation to its current NameNode; a standby answer or a connection error
/// moves it to the next NameNode in configured order and retries, up to `failoversMax` times.
/// One operation is outstanding at a time.
public struct Client: Hashable, Sendable, Codable {
    public enum Input: Hashable, Sendable {
        case issue(ClientOperation)
        case result(from: NameNodeID, ClientResult)
        /// The RPC failed at the connection level (refused, reset, timed out).
        case unreachable(NameNodeID)
    }

    public enum Effect: Hashable, Sendable {
        case send(to: NameNodeID, ClientOperation)
        case completed(ClientOperation, ClientResult)
        case failed(ClientOperation, ClientFailure)
    }

    public let id: ClientID
    public let nameNodeCount: Int
    public let failoversMax: Int
    /// Index of the NameNode calls go to (round robin, as `performFailover` does).
    public internal(set) var target: NameNodeID = 0
    public private(set) var pending: ClientOperation?
    public private(set) var failovers = 0

    public init(id: ClientID, nameNodeCount: Int, failoversMax: Int = 15) {
        precondition(nameNodeCount >= 1, "a client needs a NameNode")
        self.id = id
        self.nameNodeCount = nameNodeCount
        self.failoversMax = failoversMax
    }

    public mutating func step(_ input: Input) -> [Effect] {
        switch input {
        case .issue(let operation):
            guard pending == nil else { return [] }
            pending = operation
            failovers = 0
            return [.send(to: target, operation)]
        case .result(let nameNode, let result):
            guard let operation = pending, nameNode == target else { return [] }
            if case .standby = result { return failOver(operation, cause: .answer(result)) }
            finish()
            return [.completed(operation, result)]
        case .unreachable(let nameNode):
            guard let operation = pending, nameNode == target else { return [] }
            return failOver(operation, cause: .connectionRefused)
        }
    }

    /// The operation is over: the failover count is per operation (RetryInvocationHandler counts
    /// an invocation's failovers), so nothing of it is kept.
    private mutating func finish() {
        pending = nil
        failovers = 0
    }

    private mutating func failOver(_ operation: ClientOperation, cause: ClientFailure.Cause) -> [Effect] {
        guard failovers < failoversMax else {
            let reached = failovers
            finish()
            return [.failed(operation, ClientFailure(failovers: reached, maximum: failoversMax, cause: cause))]
        }
        failovers += 1
        target = (target + 1) % nameNodeCount
        return [.send(to: target, operation)]
    }
}

/// Why a client gave up on an operation. Its text, upstream's, is built only when read: the
/// checker runs this client millions of times and reads none of them.
public struct ClientFailure: Hashable, Sendable, CustomStringConvertible {
    public enum Cause: Hashable, Sendable {
        /// The last NameNode tried answered this (a standby's refusal).
        case answer(ClientResult)
        case connectionRefused
    }

    public var failovers: Int
    public var maximum: Int
    public var cause: Cause

    public var description: String {
        let reason: String
        switch cause {
        case .answer(let result): reason = result.description
        case .connectionRefused: reason = "Connection refused"
        }
        return "failovers (\(failovers)) exceeded maximum allowed (\(maximum)): \(reason)"
    }
}
