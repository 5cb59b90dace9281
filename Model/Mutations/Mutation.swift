/// Seeded bugs: each one turns off a single check or step of the protocol, so that the checker
/// can show that some named property catches it. A property no mutant can break is suspect;
/// a mutant no property catches shows a hole in the specification.
///
/// Roles consult the active mutation only at the one place it changes; with `nil` every role
/// runs the protocol as specified.
public enum Mutation: String, Sendable, Codable, CaseIterable, Hashable {
    /// A JournalNode accepts writer RPCs whose epoch is below its promise.
    case staleEpochAccepted = "stale-epoch-accepted"
    /// A JournalNode raises its promise in memory without persisting it.
    case promiseNotPersisted = "promise-not-persisted"
    /// A JournalNode answers acceptRecovery without persisting the accepted value (the paxos
    /// record), holding it in memory alone.
    case acceptNotPersisted = "accept-not-persisted"
    /// A JournalNode finalizes a segment without checking that it holds the requested length.
    case finalizeWithoutLengthCheck = "finalize-without-length-check"
    /// A new writer skips the recovery of the last unfinalized segment.
    case recoverySkipped = "recovery-skipped"
    /// The writer counts a minority (n/2 JournalNodes) as a quorum.
    case minorityQuorum = "minority-quorum"
    /// A NameNode becomes active continuing the journal where it ends, without applying the edits it lacks.
    case promotionBeforeCatchUp = "promotion-before-catch-up"
    /// The active answers a client write before a quorum has it (ack before logSync).
    case acknowledgedBeforeSync = "acknowledged-before-sync"
    /// The failover controller makes its NameNode active without fencing the previous active.
    case breadcrumbNotFenced = "breadcrumb-not-fenced"
    /// The recovering writer takes the longest in-progress segment, ignoring the epochs it was
    /// written or accepted in.
    case recoveryPicksLongest = "recovery-picks-longest"

    /// One sentence on what the seeded bug does.
    public var summary: String {
        switch self {
        case .staleEpochAccepted: return "a JournalNode accepts writer RPCs from an epoch below its promise"
        case .promiseNotPersisted: return "a JournalNode does not persist its promised epoch"
        case .acceptNotPersisted: return "a JournalNode does not persist the recovery value it accepted"
        case .finalizeWithoutLengthCheck: return "a JournalNode finalizes a segment without checking its length"
        case .recoverySkipped: return "a new writer skips recovery of the last unfinalized segment"
        case .minorityQuorum: return "the writer takes n/2 JournalNodes for a quorum"
        case .promotionBeforeCatchUp: return "a NameNode becomes active without applying the edits it lacks"
        case .acknowledgedBeforeSync: return "the active acknowledges a write before a quorum has it"
        case .breadcrumbNotFenced: return "the failover controller does not fence the previous active"
        case .recoveryPicksLongest: return "recovery takes the longest in-progress segment, whatever its epochs"
        }
    }
}
