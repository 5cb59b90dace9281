import Glibc

/// Readings of `CLOCK_MONOTONIC`, the only clock the transport uses for deadlines: it never jumps
/// when the wall clock is set.
enum MonotonicClock {
    /// Nanoseconds since an arbitrary fixed point (boot).
    static func nowNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }
}

extension Duration {
    /// The duration in whole nanoseconds, 0 when negative, saturating at `UInt64.max`.
    var wireNanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return .max }
        return whole.addingSaturating(UInt64(attoseconds / 1_000_000_000))
    }

    /// The duration in whole milliseconds, for error texts.
    var wireMilliseconds: Int64 { Int64(clamping: wireNanoseconds / 1_000_000) }
}

extension UInt64 {
    /// `self + other`, or `UInt64.max` if that overflows (a deadline "never").
    func addingSaturating(_ other: UInt64) -> UInt64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}
