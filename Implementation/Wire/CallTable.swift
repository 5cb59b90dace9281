/// A call sent (or waiting to be sent) and not yet answered.
struct PendingCall: Sendable {
    let completion: @Sendable (Result<Frame, RPCError>) -> Void
    let deadlineNanoseconds: UInt64
    let timeoutMilliseconds: Int64
    /// The connection the request went out on; 0 while it waits for a connection.
    var connectionID: UInt64
}

/// The client's outstanding calls by call id, with their deadlines in a heap.
struct CallTable {
    /// Stale heap entries (of calls already answered) tolerated beyond twice the live count before
    /// the heap is rebuilt.
    static let staleDeadlinesSlack = 1024

    private var calls: [UInt64: PendingCall] = [:]
    private var deadlines = DeadlineHeap()

    var count: Int { calls.count }

    func contains(_ callID: UInt64) -> Bool { calls[callID] != nil }

    mutating func insert(_ call: PendingCall, callID: UInt64) {
        calls[callID] = call
        deadlines.push(.init(deadlineNanoseconds: call.deadlineNanoseconds, callID: callID))
        if deadlines.count > 2 * calls.count + Self.staleDeadlinesSlack { rebuildDeadlines() }
    }

    mutating func remove(_ callID: UInt64) -> PendingCall? { calls.removeValue(forKey: callID) }

    mutating func assign(_ callID: UInt64, toConnection connectionID: UInt64) {
        calls[callID]?.connectionID = connectionID
    }

    /// Removes the calls sent on `connectionID` (0: those waiting for a connection), in call order.
    mutating func removeAll(connectionID: UInt64) -> [PendingCall] {
        let removed = calls.filter { $0.value.connectionID == connectionID }
        guard !removed.isEmpty else { return [] }
        calls = calls.filter { $0.value.connectionID != connectionID }
        rebuildDeadlines()
        return removed.sorted { $0.key < $1.key }.map(\.value)
    }

    /// Removes every call, in call order.
    mutating func removeAll() -> [PendingCall] {
        let removed = calls.sorted { $0.key < $1.key }.map(\.value)
        calls = [:]
        deadlines.rebuild([])
        return removed
    }

    /// The earliest deadline of a live call, dropping heap entries of answered calls on the way.
    mutating func earliestDeadline() -> UInt64? {
        while let first = deadlines.first {
            if calls[first.callID] != nil { return first.deadlineNanoseconds }
            deadlines.popFirst()
        }
        return nil
    }

    /// Removes the calls whose deadline is at or before `now`, earliest first.
    mutating func removeExpired(now: UInt64) -> [PendingCall] {
        var expired: [PendingCall] = []
        while let first = deadlines.first, first.deadlineNanoseconds <= now {
            deadlines.popFirst()
            if let call = calls.removeValue(forKey: first.callID) { expired.append(call) }
        }
        return expired
    }

    private mutating func rebuildDeadlines() {
        deadlines.rebuild(calls.map { .init(deadlineNanoseconds: $0.value.deadlineNanoseconds, callID: $0.key) })
    }
}
