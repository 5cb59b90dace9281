import Model
import Support
import Wire

/// The administrative calls a NameNode makes on every JournalNode of its quorum:
/// `namenode -format` and `-initializeSharedEdits` format the shared edits (upstream
/// `QuorumJournalManager.format`, which needs every JournalNode up), and `hasSomeData` asks first.
public struct JournalAdmin {
    public let journals: [(host: String, port: UInt16)]
    public let journalID: String
    public var timeout: Duration = .seconds(20)

    public init(journals: [(host: String, port: UInt16)], journalID: String) {
        self.journals = journals
        self.journalID = journalID
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Whether each JournalNode holds a formatted journal, in quorum order.
    public func formatted() throws -> [Bool] {
        try journals.map { journal in
            switch try call(.isFormatted(journalID: journalID), journal) {
            case .isFormatted(let value): return value
            case .error(let className, let message): throw Failure(description: "\(endpoint(journal)): \(className): \(message)")
            default: throw Failure(description: "\(endpoint(journal)): unexpected answer to isFormatted")
            }
        }
    }

    /// Formats the journal on every JournalNode; all must answer (upstream formats all or fails).
    public func format(_ info: NamespaceInfo, force: Bool) throws {
        for journal in journals {
            switch try call(.format(journalID: journalID, info, force: force), journal) {
            case .formatted: continue
            case .error(let className, let message): throw Failure(description: "\(endpoint(journal)): \(className): \(message)")
            default: throw Failure(description: "\(endpoint(journal)): unexpected answer to format")
            }
        }
    }

    private func call(_ request: JournalCall, _ journal: (host: String, port: UInt16)) throws -> JournalReply {
        let client = RPCClient(host: journal.host, port: journal.port, connectTimeout: timeout, log: { _ in })
        defer { client.close() }
        do {
            let response = try client.call(payload: request.encode(), lamport: 0, timeout: timeout)
            return try JournalReply.decode(response.payload)
        } catch {
            throw Failure(description: "Unable to reach JournalNode \(endpoint(journal)): \(error)")
        }
    }

    private func endpoint(_ journal: (host: String, port: UInt16)) -> String { "\(journal.host):\(journal.port)" }
}
