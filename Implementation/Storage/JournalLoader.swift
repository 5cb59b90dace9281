import Model
import Support

/// Rebuilds `JournalDurableState` from a journal directory on start, cutting torn tails of
/// in-progress segments and temporary downloads and refusing corruption anywhere else.
struct JournalLoader {
    /// The most entries `current/` or `current/paxos/` may hold.
    static let directoryEntriesMax = 1 << 20

    let layout: JournalLayout
    let log: @Sendable (String) -> Void

    /// The namespace (nil when `current/VERSION` is missing: not formatted) and the state.
    func load() throws -> (NamespaceInfo?, JournalDurableState) {
        guard let version = try StorageError.wrapping({ try DurableFiles.read(layout.versionPath) }) else {
            return (nil, JournalDurableState(formatted: false))
        }
        let info = try VersionFile.decode(version, file: layout.versionPath)
        var state = JournalDurableState(formatted: true)
        state.promisedEpoch = try MetadataFiles.readDecimal(layout.promisedEpochPath) ?? 0
        state.writerEpoch = try MetadataFiles.readDecimal(layout.writerEpochPath) ?? 0
        state.committedTxID = try MetadataFiles.readDecimal(layout.committedTxIDPath)
        for name in try entries(of: layout.currentDirectory) {
            guard let fileName = JournalFileName(parsing: name) else {
                if !Self.isKnownMetadata(name) { log("Ignoring unexpected file \(layout.currentDirectory)/\(name)") }
                continue
            }
            try load(fileName, into: &state)
        }
        state.segments.sort { ($0.start, $0.finalized ? 0 : 1, $0.end) < ($1.start, $1.finalized ? 0 : 1, $1.end) }
        state.temporary.sort { ($0.start, $0.acceptedInEpoch) < ($1.start, $1.acceptedInEpoch) }
        state.paxos = try loadPaxos()
        return (info, state)
    }

    private func load(_ fileName: JournalFileName, into state: inout JournalDurableState) throws {
        switch fileName {
        case .empty:
            return
        case .finalized(let start, let end):
            let contents = try scan(layout.finalizedPath(start, end), start: start, kind: .finalized(end: end))
            state.segments.append(Segment(start: start, end: end, writerEpoch: contents.writerEpoch, finalized: true))
        case .inProgress(let start):
            let contents = try scan(layout.inProgressPath(start), start: start, kind: .open)
            state.segments.append(Segment(start: start, end: contents.lastTxID, writerEpoch: contents.writerEpoch, finalized: false))
        case .temporary(let start, let acceptedInEpoch):
            let contents = try scan(layout.temporaryPath(start, acceptedInEpoch), start: start, kind: .open)
            state.temporary.append(TemporarySegment(start: start, end: contents.lastTxID, acceptedInEpoch: acceptedInEpoch,
                                                    writerEpoch: contents.writerEpoch))
        }
    }

    /// Scans one segment file, cutting a torn tail (fsync'd and logged) when it has one.
    private func scan(_ file: String, start: TxID, kind: SegmentScanner.Kind) throws -> SegmentScanner.Contents {
        let content = try StorageError.wrapping { try DurableFiles.read(file) } ?? []
        let contents = try SegmentScanner.scan(content, file: file, start: start, kind: kind)
        if let torn = contents.tornTail {
            try StorageFiles.truncate(file, to: torn.offset)
            log("Truncated the torn tail of \(file) at offset \(torn.offset), cutting \(content.count - torn.offset) bytes: \(torn.reason)")
        }
        return contents
    }

    private func loadPaxos() throws -> [PaxosRecord] {
        var records: [PaxosRecord] = []
        for name in try entries(of: layout.paxosDirectory) {
            let file = layout.paxosDirectory + "/" + name
            guard let start = JournalFileName.number(Substring(name)) else {
                if !name.hasSuffix(".tmp") { log("Ignoring unexpected file \(file)") }
                continue
            }
            guard let content = try StorageError.wrapping({ try DurableFiles.read(file) }) else { continue }
            let record = try PaxosFile.decode(content, file: file)
            guard record.segment.start == start else {
                throw StorageError.badMetadata(file: file, reason: "holds the record of segment \(record.segment.start)")
            }
            records.append(record)
        }
        return records.sorted { $0.segment.start < $1.segment.start }
    }

    private func entries(of directory: String) throws -> [String] {
        let names = try StorageFiles.list(directory)
        guard names.count <= Self.directoryEntriesMax else {
            throw StorageError.badMetadata(file: directory, reason: "\(names.count) entries exceed the limit of \(Self.directoryEntriesMax)")
        }
        return names
    }

    /// Names in `current/` that are not segments and need no warning.
    private static func isKnownMetadata(_ name: String) -> Bool {
        ["VERSION", "last-promised-epoch", "last-writer-epoch", "committed-txid", "paxos"].contains(name) || name.hasSuffix(".tmp")
    }
}
