/// The time units Hadoop's `Configuration.getTimeDuration` understands, with their suffixes.
public enum DurationUnit: String, CaseIterable, Sendable {
    // Declaration order is upstream's matching order: "ms" and "us" before "s".
    case nanoseconds = "ns"
    case microseconds = "us"
    case milliseconds = "ms"
    case seconds = "s"
    case minutes = "m"
    case hours = "h"
    case days = "d"

    /// The suffix written after the number, e.g. "ms".
    public var suffix: String { rawValue }

    /// `count` of this unit, or nil if it does not fit.
    public func duration(_ count: Int64) -> Duration? {
        switch self {
        case .nanoseconds: return .nanoseconds(count)
        case .microseconds: return .microseconds(count)
        case .milliseconds: return .milliseconds(count)
        case .seconds: return .seconds(count)
        case .minutes: return DurationUnit.seconds(count, times: 60)
        case .hours: return DurationUnit.seconds(count, times: 3_600)
        case .days: return DurationUnit.seconds(count, times: 86_400)
        }
    }

    private static func seconds(_ count: Int64, times factor: Int64) -> Duration? {
        let (product, overflow) = count.multipliedReportingOverflow(by: factor)
        return overflow ? nil : .seconds(product)
    }
}
