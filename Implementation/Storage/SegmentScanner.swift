import Model

/// Reads a segment file's content and decides what it holds, applying the loading rules:
///
/// - a finalized file must hold exactly the txids its name says; anything else is corruption;
/// - in an in-progress segment or a temporary download, scanning from the start, the first record
///   that does not parse, fails its CRC or is not the next txid is a **torn tail** when it is the
///   last thing in the file: its declared extent reaches or passes the end, or only zero bytes
///   follow that extent (which covers a tail of zeros from the bad record on, and a bad record
///   followed by zero padding, as a crash leaves when the size reached the disk before the
///   data). The file is to be cut at the bad record. Anything else is **corruption**: a bad
///   record with non-zero bytes after it.
///
/// The scanner does no I/O: the loader truncates and logs.
enum SegmentScanner {
    /// What a file is, for the rules above.
    enum Kind: Equatable {
        case finalized(end: TxID)
        /// An in-progress segment or a temporary download.
        case open
    }

    /// A torn tail to cut: the offset of the first bad record and why it is bad.
    struct TornTail: Equatable {
        var offset: Int
        var reason: String
    }

    /// What the file holds.
    struct Contents: Equatable {
        var writerEpoch: Epoch
        /// The last good txid; `start - 1` when there is none.
        var lastTxID: TxID
        /// Where the last good record ends (the header's end when there is none).
        var validBytes: Int
        var tornTail: TornTail?
    }

    static func scan(_ content: [UInt8], file: String, start: TxID, kind: Kind) throws -> Contents {
        let writerEpoch = try SegmentHeader.decode(content, file: file)
        var contents = Contents(writerEpoch: writerEpoch, lastTxID: start &- 1, validBytes: SegmentHeader.bytes, tornTail: nil)
        var offset = SegmentHeader.bytes
        // At most content.count / 16 iterations: every record takes 16 bytes or more.
        while offset < content.count {
            let expected = contents.lastTxID &+ 1
            let problem: (reason: String, declaredEnd: Int)
            switch EditRecordFormat.read(content, at: offset) {
            case .malformed(let reason, let declaredEnd):
                problem = (reason, declaredEnd)
            case .record(let txid, _, let end):
                if case .finalized(let last) = kind, txid == expected, expected > last {
                    problem = ("txid \(txid) is past the end txid \(last) the file name gives", end)
                } else if txid != expected {
                    problem = ("txid \(txid) where \(expected) was expected", end)
                } else {
                    contents.lastTxID = txid
                    contents.validBytes = end
                    offset = end
                    continue
                }
            }
            guard kind == .open, problem.declaredEnd >= content.count || isZero(content[problem.declaredEnd...]) else {
                throw StorageError.corruptSegment(file: file, offset: offset, reason: problem.reason)
            }
            contents.tornTail = TornTail(offset: offset, reason: problem.reason)
            return contents
        }
        if case .finalized(let last) = kind, contents.lastTxID != last {
            let held = contents.lastTxID == start &- 1 ? "no records" : "txids \(start)-\(contents.lastTxID)"
            throw StorageError.corruptSegment(file: file, offset: content.count,
                                              reason: "holds \(held) but its name says \(start)-\(last)")
        }
        return contents
    }

    /// The byte offset just after the record of `txid` (the header's end for `start - 1`), for
    /// cutting a segment back; throws when the file does not hold that txid cleanly.
    static func offset(after txid: TxID, in content: [UInt8], file: String, start: TxID) throws -> Int {
        let contents = try scan(content, file: file, start: start, kind: .open)
        var offset = SegmentHeader.bytes
        var last = start &- 1
        // At most content.count / 16 iterations, as in `scan`.
        while last != txid && offset < contents.validBytes {
            guard case .record(let recordTxID, _, let end) = EditRecordFormat.read(content, at: offset) else { break }
            last = recordTxID
            offset = end
        }
        guard last == txid else {
            throw StorageError.corruptSegment(file: file, offset: offset, reason: "no record for txid \(txid) to cut after")
        }
        return offset
    }

    private static func isZero(_ bytes: ArraySlice<UInt8>) -> Bool { bytes.allSatisfy { $0 == 0 } }
}
