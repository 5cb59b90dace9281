/// A live ZooKeeper session: its id, negotiated timeout and the one-shot watches of its
/// current connection.
///
/// ZooKeeper keeps one data-watch table (set by getData, and by exists whether or not the node
/// exists) and one child-watch table (getChildren); a watch is per (path, connection), so
/// setting it twice still fires once. Both lists are sorted by path bytes.
public struct CoordinationSession: Hashable, Sendable, Codable, Fingerprintable {
    public var id: Int64
    public var timeoutMs: Int32
    /// Paths with a data or exist watch: fired by NodeCreated, NodeDataChanged, NodeDeleted.
    public var dataWatches: [String]
    /// Paths with a child watch: fired by NodeChildrenChanged, or NodeDeleted of the node itself.
    public var childWatches: [String]

    init(id: Int64, timeoutMs: Int32) {
        self.id = id
        self.timeoutMs = timeoutMs
        self.dataWatches = []
        self.childWatches = []
    }

    public func fingerprint(into hasher: inout FingerprintHasher) {
        hasher.combine(id)
        hasher.combine(timeoutMs)
        hasher.combine(dataWatches)
        hasher.combine(childWatches)
    }
}
