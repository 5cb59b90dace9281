/// How a run explores: workers, bounds, and what to report while it goes.
public struct CheckOptions: Sendable {
    /// Threads that expand states and insert fingerprints (1 runs everything on the caller's thread).
    public var workers: Int = 1
    /// Stop expanding after this many BFS levels (TLC's depth: the initial states are level 1).
    public var depthMax: Int? = nil
    /// Stop once this many distinct states have been found.
    public var distinctStatesMax: Int? = nil
    /// Stop after this many seconds of wall time.
    public var secondsMax: Double? = nil
    /// Report a state with no successor as a violation (TLC's deadlock check).
    public var checkDeadlock: Bool = true
    /// Stop at the first violated property (TLC's behaviour); otherwise go on and report the
    /// first counterexample of every property.
    public var stopAtFirstViolation: Bool = true
    /// Distinct states the visited set is sized for before it has to grow.
    public var expectedStates: Int = 1 << 16
    /// Maximum fill of the visited set, in percent, before a region doubles.
    public var tableLoadPercentMax: Int = 85
    /// Seconds between progress reports; nil reports none.
    public var progressIntervalSeconds: Double? = nil
    /// Receives progress reports (called on the exploring thread).
    public var progress: (@Sendable (ProgressReport) -> Void)? = nil

    /// Frontier states expanded between two synchronisation points of the workers.
    static let batchStatesMax = 8_192
    /// Frontier states one worker claims at a time inside a batch.
    static let chunkStatesMax = 512

    public init() {}

    /// The first problem with these options, as a sentence naming the option, or nil.
    public func validationError() -> String? {
        if !(1...64).contains(workers) { return "workers must be between 1 and 64 (got \(workers))" }
        if let depthMax, depthMax < 1 { return "the depth bound must be at least 1 (got \(depthMax))" }
        if let distinctStatesMax, distinctStatesMax < 1 {
            return "the distinct-state bound must be at least 1 (got \(distinctStatesMax))"
        }
        if let secondsMax, !(secondsMax > 0) { return "the time bound must be positive (got \(secondsMax))" }
        if !(50...95).contains(tableLoadPercentMax) {
            return "the table load must be between 50 and 95 percent (got \(tableLoadPercentMax))"
        }
        if expectedStates < 1 { return "the expected state count must be positive (got \(expectedStates))" }
        return nil
    }
}

/// A snapshot of a running search, for progress lines.
public struct ProgressReport: Sendable {
    public var depth: Int
    public var distinctStates: Int
    public var generatedStates: Int
    public var queuedStates: Int
    public var elapsedSeconds: Double
    public var statesPerSecond: Double

    /// TLC-like: `Progress(12) at 3.0s: 1,234 states generated (411/s), 456 distinct states found, 78 states left on queue.`
    public var line: String {
        "Progress(\(depth)) at \(Format.seconds(elapsedSeconds)): \(Format.count(generatedStates)) states generated "
            + "(\(Format.count(Int(statesPerSecond)))/s), \(Format.count(distinctStates)) distinct states found, "
            + "\(Format.count(queuedStates)) states left on queue."
    }
}
