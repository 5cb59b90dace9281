import Model
import Support

extension JournalDirectory {
    /// The records `fromTxID...` (at most `maxCount` of them) of the segment starting at
    /// `segmentStart`, finalized or in progress (the finalized one when both exist), as one blob
    /// in the record format: what a tailing reader gets and what the source of acceptRecovery's
    /// download sends. `fromTxID` may be one past the segment's last txid (an empty answer).
    ///
    /// The file is read whole and every returned record's CRC is checked again.
    public func readEdits(segmentStart: UInt64, fromTxID: UInt64, maxCount: Int) throws -> [UInt8] {
        try checkUsable()
        let candidates = durableState.segments.filter { $0.start == segmentStart }
        guard let segment = candidates.first(where: \.finalized) ?? candidates.first else {
            throw StorageError.noSegment(directory: directory, start: segmentStart)
        }
        let file = segment.finalized ? layout.finalizedPath(segment.start, segment.end) : layout.inProgressPath(segment.start)
        guard maxCount >= 0 else { throw StorageError.invalidCount(file: file, count: maxCount) }
        guard fromTxID >= segment.start && fromTxID <= segment.end &+ 1 else {
            throw StorageError.txidOutOfRange(file: file, requested: fromTxID, first: segment.start, last: segment.end)
        }
        guard maxCount > 0 && fromTxID <= segment.end else { return [] }
        guard let content = try StorageError.wrapping({ try DurableFiles.read(file) }) else {
            throw StorageError.noSegment(directory: directory, start: segmentStart)
        }
        _ = try SegmentHeader.decode(content, file: file)
        let (wanted, overflow) = fromTxID.addingReportingOverflow(UInt64(maxCount) - 1)
        let lastWanted = overflow ? segment.end : min(segment.end, wanted)
        var offset = SegmentHeader.bytes
        var first: Int?
        // At most content.count / 16 iterations: every record takes 16 bytes or more.
        while offset < content.count {
            switch EditRecordFormat.read(content, at: offset) {
            case .malformed(let reason, _):
                throw StorageError.corruptSegment(file: file, offset: offset, reason: reason)
            case .record(let txid, _, let end):
                if txid == fromTxID { first = offset }
                if txid == lastWanted, let first { return Array(content[first..<end]) }
                offset = end
            }
        }
        throw StorageError.corruptSegment(file: file, offset: offset,
                                          reason: "ends before txid \(lastWanted), which the segment holds")
    }
}
