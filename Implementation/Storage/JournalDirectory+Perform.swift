import Glibc
import Model
import Support

extension JournalDirectory {
    /// Performs one write durably: after it returns, `durableState` equals the old state with
    /// `apply(write)` and the disk agrees. `edits` is the batch blob for `.appendEdits` and the
    /// downloaded segment's records for `.downloadSegment` (both validated again here against
    /// the write's txids), nil otherwise.
    ///
    /// A write that does not fit the state (say, an append to a missing segment) or a bad blob is
    /// refused before the disk is touched. A failure while changing the disk is remembered:
    /// every later write throws `failedEarlier` until the directory is reopened.
    public func perform(_ write: JournalWrite, edits: [UInt8]?) throws {
        try checkUsable()
        guard durableState.formatted else { throw refusal(write, "the journal is not formatted") }
        switch write {
        case .appendEdits, .downloadSegment:
            guard edits != nil else { throw refusal(write, "the write needs its edit records") }
        default:
            guard edits == nil else { throw refusal(write, "the write takes no edit records") }
        }
        switch write {
        case .promisedEpoch(let epoch):
            try durably { try MetadataFiles.writeDecimal(epoch, to: layout.promisedEpochPath) }
        case .writerEpoch(let epoch):
            try durably { try MetadataFiles.writeDecimal(epoch, to: layout.writerEpochPath) }
        case .committedTxID(let txid):
            try durably { try MetadataFiles.writeDecimal(txid, to: layout.committedTxIDPath) }
        case .openSegment(let start, let writerEpoch):
            try openSegment(start: start, writerEpoch: writerEpoch)
        case .appendEdits(let segmentStart, let firstTxID, let count, let fsync):
            try append(write, segmentStart: segmentStart, firstTxID: firstTxID, count: count, fsync: fsync, edits: edits ?? [])
        case .finalizeSegment(let start, let end):
            try finalize(write, start: start, end: end)
        case .moveAsideEmptySegment(let start):
            try moveAside(start: start)
        case .persistPaxos(let record):
            try durably {
                try StorageFiles.makeDirectoryDurably(layout.paxosDirectory)
                try StorageError.wrapping {
                    try DurableFiles.writeAtomically(PaxosFile.encode(record), to: layout.paxosPath(record.segment.start))
                }
            }
        case .deletePaxos(let start):
            try durably { try StorageFiles.unlinkDurably(layout.paxosPath(start)) }
        case .downloadSegment(let temporary, _):
            try download(write, temporary, edits: edits ?? [])
        case .promoteTemporarySegment(let start, let acceptedInEpoch):
            try promote(write, start: start, acceptedInEpoch: acceptedInEpoch)
        }
        durableState.apply(write)
    }

    /// Creates `edits_inprogress_<start>` holding only its header, atomically (temporary file,
    /// fsync, rename over any in-progress file with that start, fsync of `current/`), and keeps
    /// it open for appending. A segment open before is left on disk as it is (upstream's abort).
    private func openSegment(start: TxID, writerEpoch: Epoch) throws {
        closeAppendTarget()
        let path = layout.inProgressPath(start)
        try durably {
            try StorageError.wrapping { try DurableFiles.writeAtomically(SegmentHeader.encode(writerEpoch: writerEpoch), to: path) }
            _ = try appendDescriptor(for: start)
        }
    }

    /// One `write()` of the whole batch at the end of the segment, then `fdatasync` if asked.
    private func append(_ write: JournalWrite, segmentStart: TxID, firstTxID: TxID, count: UInt64, fsync: Bool,
                        edits: [UInt8]) throws {
        guard let segment = durableState.segments.first(where: { $0.start == segmentStart && !$0.finalized }) else {
            throw refusal(write, "no in-progress segment starts at \(segmentStart)")
        }
        guard firstTxID == segment.end &+ 1 else {
            throw refusal(write, "the segment ends at txid \(segment.end), so the next txid is \(segment.end &+ 1)")
        }
        try EditRecords.validate(edits, firstTxID: firstTxID, count: count)
        guard !edits.isEmpty else { return }
        let path = layout.inProgressPath(segmentStart)
        try durably {
            let descriptor = try appendDescriptor(for: segmentStart)
            try StorageError.wrapping { try DurableFiles.writeAll(descriptor, edits, path: path) }
            if fsync && fdatasync(descriptor) != 0 { throw StorageError.system(SystemError("fdatasync", path: path)) }
        }
    }

    /// Renames the segment to `edits_<start>-<end>` after an fsync of its content (appends made
    /// without fsync must not hide under a finalized name), then fsyncs `current/`. When the
    /// model's `apply` would keep fewer txids (a finalize below what is written, which only a
    /// mutation asks for), the file is cut to match first.
    private func finalize(_ write: JournalWrite, start: TxID, end: TxID) throws {
        guard let segment = durableState.segments.first(where: { $0.start == start }) else {
            throw refusal(write, "no segment starts at \(start)")
        }
        let keptEnd = segment.end > end ? end : segment.end
        guard keptEnd &+ 1 >= start else { throw refusal(write, "the segment would end before it starts") }
        guard !segment.finalized || keptEnd != segment.end else { return }
        let source = segment.finalized ? layout.finalizedPath(start, segment.end) : layout.inProgressPath(start)
        if appendTarget?.start == start { closeAppendTarget() }
        let cut: Int?
        if keptEnd != segment.end {
            let content = try StorageError.wrapping { try DurableFiles.read(source) } ?? []
            cut = try SegmentScanner.offset(after: keptEnd, in: content, file: source, start: start)
        } else {
            cut = nil
        }
        try durably {
            if let cut { try StorageFiles.truncate(source, to: cut) } else { try StorageFiles.sync(source) }
            try StorageFiles.renameDurably(source, to: layout.finalizedPath(start, keptEnd))
        }
    }

    /// Renames an empty in-progress segment to `.empty`; does nothing where `apply` does nothing.
    private func moveAside(start: TxID) throws {
        guard durableState.segments.contains(where: { $0.start == start && !$0.finalized && $0.isEmpty }) else { return }
        if appendTarget?.start == start { closeAppendTarget() }
        try durably { try StorageFiles.renameDurably(layout.inProgressPath(start), to: layout.emptyPath(start)) }
    }

    /// Writes the downloaded records, under a header with the original writer's epoch, to
    /// `current/edits_inprogress_<start>.epoch=<acceptedInEpoch>` atomically.
    private func download(_ write: JournalWrite, _ temporary: TemporarySegment, edits: [UInt8]) throws {
        guard temporary.end &+ 1 >= temporary.start else {
            throw refusal(write, "the segment ends before it starts")
        }
        try EditRecords.validate(edits, firstTxID: temporary.start, count: temporary.end &+ 1 - temporary.start)
        let path = layout.temporaryPath(temporary.start, temporary.acceptedInEpoch)
        try durably {
            try StorageError.wrapping {
                try DurableFiles.writeAtomically(SegmentHeader.encode(writerEpoch: temporary.writerEpoch) + edits, to: path)
            }
        }
    }

    /// Renames the temporary download over `edits_inprogress_<start>`, then fsyncs `current/`.
    private func promote(_ write: JournalWrite, start: TxID, acceptedInEpoch: Epoch) throws {
        guard durableState.temporary.contains(where: { $0.start == start && $0.acceptedInEpoch == acceptedInEpoch }) else {
            throw refusal(write, "no temporary segment \(start).epoch=\(acceptedInEpoch)")
        }
        if appendTarget?.start == start { closeAppendTarget() }
        try durably {
            try StorageFiles.renameDurably(layout.temporaryPath(start, acceptedInEpoch), to: layout.inProgressPath(start))
        }
    }

    private func refusal(_ write: JournalWrite, _ reason: String) -> StorageError {
        StorageError.inconsistentWrite(directory: directory, write: "\(write)", reason: reason)
    }
}
