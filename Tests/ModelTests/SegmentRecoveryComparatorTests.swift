import XCTest
@testable import Model

/// `SegmentRecoveryComparator` (reference §3.2): ascending, the maximum wins. Each test names the
/// ordering rule of the upstream `compare` it checks.
final class SegmentRecoveryComparatorTests: XCTestCase {
    private typealias Comparator = SegmentRecoveryComparator

    private static func response(_ start: TxID, _ end: TxID, inProgress: Bool = true, accepted: Epoch? = nil,
                                 lastWriter: Epoch = 1) -> PrepareRecoveryResponse {
        PrepareRecoveryResponse(segment: SegmentState(start: start, end: end, inProgress: inProgress),
                                writerEpochOfSegment: 1, acceptedInEpoch: accepted, lastWriterEpoch: lastWriter,
                                lastCommittedTxID: nil)
    }

    private static func none(lastWriter: Epoch = 1) -> PrepareRecoveryResponse {
        PrepareRecoveryResponse(segment: nil, writerEpochOfSegment: 0, acceptedInEpoch: nil, lastWriterEpoch: lastWriter,
                                lastCommittedTxID: nil)
    }

    private typealias Tests = SegmentRecoveryComparatorTests

    /// Asserts `compare(left, right) == expected` and the antisymmetric `compare(right, left)`.
    private func assertOrder(_ left: PrepareRecoveryResponse, _ right: PrepareRecoveryResponse, _ expected: Int,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(try Comparator.compare(left, right), expected, file: file, line: line)
        XCTAssertEqual(try Comparator.compare(right, left), -expected, file: file, line: line)
    }

    /// "A response that has data for a segment is always better than one that doesn't"; "Neither has
    /// a segment, so neither can be used for recover. Call them equal." — whatever the epochs.
    func testASegmentBeatsNone() {
        assertOrder(Tests.response(1, 1, lastWriter: 1), Tests.none(lastWriter: 9), 1)
        assertOrder(Tests.response(1, 1, inProgress: false), Tests.none(), 1)
        assertOrder(Tests.none(lastWriter: 1), Tests.none(lastWriter: 9), 0)
    }

    /// "If one is in-progress but the other is finalized, the finalized one is greater" — even when
    /// the in-progress one is longer and from a newer epoch.
    func testFinalizedBeatsInProgress() {
        assertOrder(Tests.response(1, 2, inProgress: false, lastWriter: 1),
                    Tests.response(1, 5, inProgress: true, accepted: 7, lastWriter: 8), 1)
    }

    /// "If both are finalized, they should match lengths", else AssertionError("finalized segs with
    /// different lengths"); with equal lengths they are equal, whatever the epochs.
    func testTwoFinalizedSegmentsMustAgreeInLength() {
        assertOrder(Tests.response(1, 3, inProgress: false, lastWriter: 1),
                    Tests.response(1, 3, inProgress: false, lastWriter: 5), 0)
        let short = Tests.response(1, 2, inProgress: false)
        let long = Tests.response(1, 3, inProgress: false)
        XCTAssertThrowsError(try Comparator.compare(short, long)) { error in
            XCTAssertEqual(error as? Comparator.Inconsistency,
                           .finalizedWithDifferentLengths(short.segment!, long.segment!))
            XCTAssertEqual("\(error)", "finalized segs with different lengths")
        }
    }

    /// "Both are incomplete. If one previously accepted the recovery, it wins": the higher
    /// max(acceptedInEpoch, lastWriterEpoch) wins before length. So an accepted value beats a longer
    /// log from an older writer epoch, and a newer writer epoch beats an older accepted value.
    func testTheHigherSeenEpochWinsBetweenInProgressSegments() {
        // Accepted in 2 beats a longer log last written in 1.
        assertOrder(Tests.response(1, 2, accepted: 2, lastWriter: 1), Tests.response(1, 5, lastWriter: 1), 1)
        // Last written in 3 beats accepted in 2, shorter or not.
        assertOrder(Tests.response(1, 1, lastWriter: 3), Tests.response(1, 5, accepted: 2, lastWriter: 1), 1)
        // max(accepted, lastWriter): accepted 1 with lastWriter 4 counts as 4.
        assertOrder(Tests.response(1, 1, accepted: 1, lastWriter: 4), Tests.response(1, 5, accepted: 3, lastWriter: 3), 1)
    }

    /// "ComparisonChain ... .compare(r1SeenEpoch, r2SeenEpoch).compare(endTxId, endTxId)": with the
    /// same seen epoch the longer segment wins; the same length is a tie.
    func testThenTheLongerSegmentWins() {
        assertOrder(Tests.response(1, 4, lastWriter: 2), Tests.response(1, 3, lastWriter: 2), 1)
        assertOrder(Tests.response(1, 4, accepted: 2, lastWriter: 1), Tests.response(1, 3, lastWriter: 2), 1)
        assertOrder(Tests.response(1, 3, accepted: 2, lastWriter: 1), Tests.response(1, 3, lastWriter: 2), 0)
    }

    /// "Preconditions.checkArgument(r1Seg.getStartTxId() == r2Seg.getStartTxId(), ...)": responses
    /// for different segments cannot be ordered, checked before finalized-ness.
    func testDifferentStartsThrow() {
        let pairs = [(Tests.response(1, 3), Tests.response(2, 3)),
                     (Tests.response(1, 3, inProgress: false), Tests.response(2, 3, inProgress: false)),
                     (Tests.response(1, 3, inProgress: false), Tests.response(2, 3))]
        for (left, right) in pairs {
            XCTAssertThrowsError(try Comparator.compare(left, right)) { error in
                XCTAssertEqual(error as? Comparator.Inconsistency, .differentStarts(1, 2))
            }
        }
    }

    /// `best` is `Collections.max`: "if (comp.compare(next, candidate) > 0) candidate = next", so the
    /// FIRST maximal response in the given order wins; nothing to choose from gives nil.
    func testBestReturnsTheFirstMaximum() throws {
        XCTAssertNil(try Comparator.best([]))
        let tied = Tests.response(1, 3, lastWriter: 2)
        let responses: [(JournalNodeID, PrepareRecoveryResponse)] = [
            (0, Tests.response(1, 2, lastWriter: 2)), (1, tied), (2, Tests.none()), (3, tied), (4, Tests.response(1, 9)),
        ]
        let best = try XCTUnwrap(try Comparator.best(responses))
        XCTAssertEqual(best.0, 1)
        XCTAssertEqual(best.1, tied)
        XCTAssertEqual(try Comparator.best([(2, Tests.none()), (0, Tests.none())])?.0, 2)
        XCTAssertThrowsError(try Comparator.best([(0, Tests.response(1, 2, inProgress: false)),
                                                  (1, Tests.response(1, 3, inProgress: false))]))
    }

    /// `recoveryPicksLongest`: between in-progress segments only the length counts. The classic
    /// case the seen-epoch rule exists for: a recovery in epoch 2 accepted 1-2 (its JournalNode
    /// answers acceptedInEpoch 2), while another JournalNode still holds a longer tail 1-3 that the
    /// deposed writer of epoch 1 left. The real comparator keeps epoch 2's value; the mutant takes
    /// the longer, older log. Finalized-beats-in-progress and the other rules are unchanged.
    func testRecoveryPicksLongestIgnoresTheSeenEpoch() throws {
        let accepted = Tests.response(1, 2, accepted: 2, lastWriter: 1)
        let olderLonger = Tests.response(1, 3, lastWriter: 1)
        let responses: [(JournalNodeID, PrepareRecoveryResponse)] = [(0, olderLonger), (1, accepted)]
        XCTAssertEqual(try Comparator.best(responses)?.0, 1)
        XCTAssertEqual(try Comparator.best(responses, mutation: .recoveryPicksLongest)?.0, 0)
        XCTAssertEqual(try Comparator.compare(accepted, olderLonger), 1)
        XCTAssertEqual(try Comparator.compare(accepted, olderLonger, mutation: .recoveryPicksLongest), -1)
        // A newer writer's log loses to an older, longer one too; equal lengths tie (the first wins).
        XCTAssertEqual(try Comparator.compare(Tests.response(1, 1, lastWriter: 2), Tests.response(1, 2, lastWriter: 1),
                                              mutation: .recoveryPicksLongest), -1)
        XCTAssertEqual(try Comparator.compare(Tests.response(1, 2, lastWriter: 2), Tests.response(1, 2, lastWriter: 1),
                                              mutation: .recoveryPicksLongest), 0)
        // Unchanged: a finalized segment still beats a longer in-progress one; a segment beats none.
        XCTAssertEqual(try Comparator.compare(Tests.response(1, 2, inProgress: false), olderLonger,
                                              mutation: .recoveryPicksLongest), 1)
        XCTAssertEqual(try Comparator.compare(Tests.none(lastWriter: 9), accepted, mutation: .recoveryPicksLongest), -1)
        // Every other mutation leaves the comparator alone.
        for mutation in Mutation.allCases where mutation != .recoveryPicksLongest {
            XCTAssertEqual(try Comparator.compare(accepted, olderLonger, mutation: mutation), 1, mutation.rawValue)
        }
    }

    /// The comparator is a total preorder on responses for one segment: antisymmetric and
    /// transitive over a grid of in-progress and finalized responses (finalized ones of one length).
    func testTheOrderIsConsistentOverAGrid() throws {
        var grid: [PrepareRecoveryResponse] = [Tests.none(), Tests.response(1, 4, inProgress: false)]
        for end: TxID in [1, 2, 3] {
            for lastWriter: Epoch in [1, 2, 3] {
                for accepted: Epoch? in [nil, 1, 2, 3] { grid.append(Tests.response(1, end, accepted: accepted, lastWriter: lastWriter)) }
            }
        }
        for a in grid {
            for b in grid {
                let ab = try Comparator.compare(a, b)
                XCTAssertEqual(ab, -(try Comparator.compare(b, a)))
                for c in grid where ab >= 0 {
                    let bc = try Comparator.compare(b, c)
                    if bc >= 0 { XCTAssertGreaterThanOrEqual(try Comparator.compare(a, c), 0) }
                }
            }
        }
    }
}
