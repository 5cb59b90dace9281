/// The shared edits location `qjournal://h1:p1;h2:p2;h3:p3/<journalId>` (reference §3.1).
///
/// Hosts keep their order; a host without a port gets the JournalNode RPC port 8485, as
/// upstream's `QuorumJournalManager.getLoggerAddresses` does. Errors are
/// `ConfigError.badValue` with upstream's texts: "Bad URI '<uri>': must identify journal in path
/// component", "bad journal id: <id>" (empty, containing `/`, or starting with `.`),
/// "Does not contain a valid host:port authority: <host>". A scheme other than `qjournal`
/// (e.g. `file://` shared storage) is rejected: only the Quorum Journal Manager is built here.
public struct QuorumJournalURI: Hashable, Sendable, CustomStringConvertible {
    /// The URI scheme.
    public static let scheme = "qjournal"
    /// The port of a JournalNode listed without one (`dfs.journalnode.rpc-address`'s default port).
    public static let journalNodePortDefault = 8485

    /// The JournalNodes' RPC addresses, in the order written.
    public var journalNodes: [SocketAddress]
    /// The journal id: the URI path without its leading `/` (usually the nameservice).
    public var journalID: String

    /// A URI from parts (a programmer contract: at least one JournalNode).
    public init(journalNodes: [SocketAddress], journalID: String) {
        precondition(!journalNodes.isEmpty, "a quorum journal needs at least one JournalNode")
        self.journalNodes = journalNodes
        self.journalID = journalID
    }

    /// Parses `text`; `key` names the property in errors.
    public init(parsing text: String, key: String = ConfigurationKeys.sharedEditsDirectory) throws {
        let uri = text.trimmingCharacters(in: .whitespacesAndNewlines)
        func bad(_ detail: String) -> ConfigError {
            .badValue(key: key, value: text, reason: "is not a valid quorum journal URI: \(detail)")
        }
        guard let schemeEnd = uri.range(of: "://"),
              uri[..<schemeEnd.lowerBound].lowercased() == QuorumJournalURI.scheme else {
            throw ConfigError.badValue(
                key: key, value: text,
                reason: "is not a qjournal:// URI (only Quorum Journal Manager shared edits are supported)")
        }
        var rest = uri[schemeEnd.upperBound...]
        if let cut = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<cut] }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        let path = rest[slash...]
        guard !path.isEmpty else { throw bad("Bad URI '\(uri)': must identify journal in path component") }
        let journalID = String(path.dropFirst())
        guard !journalID.isEmpty, !journalID.contains("/"), !journalID.hasPrefix(".") else {
            throw bad("bad journal id: \(journalID)")
        }
        guard !authority.isEmpty else { throw bad("no JournalNode addresses") }
        var nodes: [SocketAddress] = []
        for piece in authority.split(separator: ";", omittingEmptySubsequences: false) {
            guard let node = SocketAddress.parse(String(piece), defaultPort: QuorumJournalURI.journalNodePortDefault) else {
                throw bad("Does not contain a valid host:port authority: \(piece)")
            }
            guard !nodes.contains(node) else { throw bad("JournalNode \(node) is listed twice") }
            nodes.append(node)
        }
        self.init(journalNodes: nodes, journalID: journalID)
    }

    /// The number of JournalNodes whose acknowledgement makes a write durable: n/2 + 1.
    public var majority: Int { journalNodes.count / 2 + 1 }

    /// Upstream's `getMajorityString`, e.g. "2/3".
    public var majorityDescription: String { "\(majority)/\(journalNodes.count)" }

    /// Upstream's WARN for an even number of JournalNodes, or nil.
    public var evenCountWarning: String? {
        journalNodes.count % 2 == 0
            ? "Quorum journal URI '\(self)' has an even number of Journal Nodes specified. This is not recommended!"
            : nil
    }

    /// `qjournal://h1:p1;h2:p2/<journalId>`.
    public var description: String {
        "\(QuorumJournalURI.scheme)://\(journalNodes.map(\.description).joined(separator: ";"))/\(journalID)"
    }
}
