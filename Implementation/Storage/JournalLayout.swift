import Model

/// The paths under `<root>/<journalID>/`, named as upstream's `JNStorage` names them.
struct JournalLayout: Sendable {
    /// `<root>/<journalID>`.
    let directory: String

    var lockPath: String { directory + "/in_use.lock" }
    var currentDirectory: String { directory + "/current" }
    var paxosDirectory: String { currentDirectory + "/paxos" }
    var versionPath: String { currentDirectory + "/VERSION" }
    var promisedEpochPath: String { currentDirectory + "/last-promised-epoch" }
    var writerEpochPath: String { currentDirectory + "/last-writer-epoch" }
    var committedTxIDPath: String { currentDirectory + "/committed-txid" }

    func inProgressPath(_ start: TxID) -> String { currentDirectory + "/" + JournalFileName.inProgress(start: start).name }
    func finalizedPath(_ start: TxID, _ end: TxID) -> String {
        currentDirectory + "/" + JournalFileName.finalized(start: start, end: end).name
    }
    func emptyPath(_ start: TxID) -> String { currentDirectory + "/" + JournalFileName.empty(start: start).name }
    /// A download made by acceptRecovery in `acceptedInEpoch`; kept in `current/` as upstream does.
    func temporaryPath(_ start: TxID, _ acceptedInEpoch: Epoch) -> String {
        currentDirectory + "/" + JournalFileName.temporary(start: start, acceptedInEpoch: acceptedInEpoch).name
    }
    /// `paxos/<start>`, decimal and not zero-padded.
    func paxosPath(_ start: TxID) -> String { paxosDirectory + "/" + String(start) }
}

/// What a name in `current/` stands for.
enum JournalFileName: Equatable {
    /// `edits_inprogress_%019d`.
    case inProgress(start: TxID)
    /// `edits_%019d-%019d`.
    case finalized(start: TxID, end: TxID)
    /// `edits_inprogress_%019d.empty`: moved aside, ignored on load.
    case empty(start: TxID)
    /// `edits_inprogress_%019d.epoch=<acceptedInEpoch>`.
    case temporary(start: TxID, acceptedInEpoch: Epoch)

    private static let inProgressPrefix = "edits_inprogress_"
    private static let finalizedPrefix = "edits_"
    private static let emptySuffix = ".empty"
    private static let epochMarker = ".epoch="

    var name: String {
        switch self {
        case .inProgress(let start): return Self.inProgressPrefix + Self.padded(start)
        case .finalized(let start, let end): return Self.finalizedPrefix + Self.padded(start) + "-" + Self.padded(end)
        case .empty(let start): return Self.inProgressPrefix + Self.padded(start) + Self.emptySuffix
        case .temporary(let start, let epoch): return Self.inProgressPrefix + Self.padded(start) + Self.epochMarker + String(epoch)
        }
    }

    /// Parses a file name; nil for anything else (metadata files, `.tmp` leftovers, strangers).
    init?(parsing name: String) {
        if name.hasPrefix(Self.inProgressPrefix) {
            let rest = Substring(name.dropFirst(Self.inProgressPrefix.count))
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard let start = Self.number(digits) else { return nil }
            let suffix = rest.dropFirst(digits.count)
            if suffix.isEmpty {
                self = .inProgress(start: start)
            } else if suffix == Self.emptySuffix {
                self = .empty(start: start)
            } else if suffix.hasPrefix(Self.epochMarker), let epoch = Self.number(suffix.dropFirst(Self.epochMarker.count)) {
                self = .temporary(start: start, acceptedInEpoch: epoch)
            } else {
                return nil
            }
        } else if name.hasPrefix(Self.finalizedPrefix) {
            let parts = name.dropFirst(Self.finalizedPrefix.count).split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, let start = Self.number(parts[0]), let end = Self.number(parts[1]) else { return nil }
            self = .finalized(start: start, end: end)
        } else {
            return nil
        }
    }

    /// `%019d`.
    static func padded(_ value: UInt64) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 19 - digits.count)) + digits
    }

    /// A non-empty run of ASCII digits as a `UInt64`; nil otherwise or on overflow.
    static func number(_ text: Substring) -> UInt64? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(text)
    }
}
