@testable import Model

/// Request and segment values the JournalNode and NameNode tests both build.
enum JournalFixtures {
    static func info(_ epoch: Epoch, committed: TxID? = nil) -> RequestInfo {
        RequestInfo(epoch: epoch, committedTxID: committed)
    }

    static func inProgress(_ start: TxID, _ end: TxID, writer: Epoch = 1) -> Segment {
        Segment(start: start, end: end, writerEpoch: writer, finalized: false)
    }

    static func finalized(_ start: TxID, _ end: TxID, writer: Epoch = 1) -> Segment {
        Segment(start: start, end: end, writerEpoch: writer, finalized: true)
    }
}
