/// Which JournalNode's copy of a segment a recovering writer synchronises every other to
/// (upstream: `SegmentRecoveryComparator`, ascending; the maximum wins).
public enum SegmentRecoveryComparator {
    /// Why two responses cannot be ordered: the upstream assertions.
    public enum Inconsistency: Error, Hashable, Sendable, CustomStringConvertible {
        case differentStarts(TxID, TxID)
        case finalizedWithDifferentLengths(SegmentState, SegmentState)

        public var description: String {
            switch self {
            case .differentStarts(let left, let right): return "Bad recovery: segments start at \(left) and \(right)"
            case .finalizedWithDifferentLengths: return "finalized segs with different lengths"
            }
        }
    }

    /// -1, 0 or 1 as `left` is worse than, as good as, or better than `right`.
    /// 1. a response with a segment beats one without;
    /// 2. a finalized segment beats an in-progress one (two finalized ones must agree in length);
    /// 3. between in-progress segments, the higher `max(acceptedInEpoch, lastWriterEpoch)` wins,
    ///    then the longer segment (under `Mutation.recoveryPicksLongest`, the longer segment alone).
    public static func compare(_ left: PrepareRecoveryResponse, _ right: PrepareRecoveryResponse,
                               mutation: Mutation? = nil) throws -> Int {
        guard let leftSegment = left.segment else { return right.segment == nil ? 0 : -1 }
        guard let rightSegment = right.segment else { return 1 }
        guard leftSegment.start == rightSegment.start else {
            throw Inconsistency.differentStarts(leftSegment.start, rightSegment.start)
        }
        if !leftSegment.inProgress && rightSegment.inProgress { return 1 }
        if leftSegment.inProgress && !rightSegment.inProgress { return -1 }
        if !leftSegment.inProgress {
            guard leftSegment.end == rightSegment.end else {
                throw Inconsistency.finalizedWithDifferentLengths(leftSegment, rightSegment)
            }
            return 0
        }
        if mutation != .recoveryPicksLongest {
            let leftSeen = max(left.acceptedInEpoch ?? 0, left.lastWriterEpoch)
            let rightSeen = max(right.acceptedInEpoch ?? 0, right.lastWriterEpoch)
            if leftSeen != rightSeen { return order(leftSeen, rightSeen) }
        }
        return order(leftSegment.end, rightSegment.end)
    }

    /// The best response (`Collections.max`: the first maximal one in the given order).
    public static func best(_ responses: [(JournalNodeID, PrepareRecoveryResponse)], mutation: Mutation? = nil) throws
        -> (JournalNodeID, PrepareRecoveryResponse)? {
        guard var best = responses.first else { return nil }
        for candidate in responses.dropFirst() where try compare(candidate.1, best.1, mutation: mutation) > 0 {
            best = candidate
        }
        return best
    }

    private static func order<Value: Comparable>(_ left: Value, _ right: Value) -> Int {
        left < right ? -1 : (left > right ? 1 : 0)
    }
}
