import Synchronization

/// A Lamport clock: every message carries the sender's clock, a receiver moves past it, so the
/// trace checker can order steps of different daemons causally.
public final class LamportClock: Sendable {
    private let value = Mutex<UInt64>(0)

    public init() {}

    /// The clock for a message about to be sent (ticks once).
    public func send() -> UInt64 { value.withLock { $0 += 1; return $0 } }

    /// Moves past a received message's clock and returns the receive event's time.
    public func receive(_ remote: UInt64) -> UInt64 {
        value.withLock { $0 = max($0, remote) + 1; return $0 }
    }

    /// A local event (a timer, an operator command).
    public func tick() -> UInt64 { send() }

    public var now: UInt64 { value.withLock { $0 } }
}
