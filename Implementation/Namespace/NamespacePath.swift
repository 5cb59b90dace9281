/// Absolute, normalised HDFS paths: splitting into components, the limits the NameNode enforces,
/// and the normalisation a client's `org.apache.hadoop.fs.Path` applies before a path is sent.
///
/// A valid path starts with "/", has no empty component ("//" or a trailing "/", except the root
/// "/" itself), no "." or ".." component, no ":" in a component (upstream `DFSUtil.isValidName`),
/// and does not start with the reserved component ".reserved" (`FSDirectory.isReservedName`).
/// Components are kept as UTF-8 bytes: the NameNode compares names byte for byte, while Swift's
/// `String` equality would merge canonically equivalent but different names.
public enum NamespacePath {
    /// The longest path, in UTF-16 code units as Java counts them (`HdfsServerConstants.MAX_PATH_LENGTH`).
    public static let lengthMax = 8000
    /// The most components a path may have (`HdfsServerConstants.MAX_PATH_DEPTH`).
    public static let depthMax = 1000
    /// The longest component in bytes (`dfs.namenode.fs-limits.max-component-length`, default 255).
    public static let componentBytesMax = 255

    /// The reserved first component upstream keeps for `/.reserved/.inodes` and `/.reserved/raw`.
    static let reservedComponent = Array(".reserved".utf8)

    /// The components of `path`, or nil when it is not an absolute, normalised, valid path.
    /// The root "/" has no components.
    public static func components(of path: String) -> [[UInt8]]? {
        let bytes = Array(path.utf8)
        guard bytes.first == UInt8(ascii: "/") else { return nil }
        if bytes.count == 1 { return [] }
        let components = bytes.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        var result: [[UInt8]] = []
        result.reserveCapacity(components.count)
        for component in components {
            let name = Array(component)
            guard isValidName(name) else { return nil }
            result.append(name)
        }
        if result.first == reservedComponent { return nil }
        return result
    }

    /// Whether `path` is absolute, normalised and valid.
    public static func isValid(_ path: String) -> Bool { components(of: path) != nil }

    /// Whether `name` may be one component: not empty, not "." or "..", without "/" or ":".
    static func isValidName(_ name: [UInt8]) -> Bool {
        if name.isEmpty || name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] {
            return false
        }
        return !name.contains(UInt8(ascii: "/")) && !name.contains(UInt8(ascii: ":"))
    }

    /// Whether `path` is longer or deeper than the NameNode accepts for mkdirs, create and rename
    /// (`NameNodeRpcServer.checkPathLength`: length in UTF-16 units, depth in components).
    static func exceedsLimits(_ path: String) -> Bool {
        if path.utf16.count > lengthMax { return true }
        var depth = 0
        var previous: UInt8 = UInt8(ascii: "/")
        for byte in path.utf8 {
            if previous == UInt8(ascii: "/") && byte != UInt8(ascii: "/") { depth += 1 }
            previous = byte
        }
        return depth > depthMax
    }

    /// The path made of `components` ("/" for none).
    public static func join<Components: Collection>(_ components: Components) -> String
    where Components.Element == [UInt8] {
        if components.isEmpty { return "/" }
        var bytes: [UInt8] = []
        for component in components {
            bytes.append(UInt8(ascii: "/"))
            bytes.append(contentsOf: component)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `parent` + "/" + `name`, without doubling the root's slash.
    static func child(of parent: String, named name: [UInt8]) -> String {
        let separator = parent == "/" ? "" : "/"
        return parent + separator + String(decoding: name, as: UTF8.self)
    }

    /// What a client's `org.apache.hadoop.fs.Path` sends for `text`: repeated slashes collapsed, a
    /// trailing slash removed (except for the root), and "." and ".." segments resolved as
    /// `java.net.URI.normalize` does (a ".." that would climb above the root is kept, so the
    /// NameNode then refuses the path). A relative `text` stays relative.
    public static func normalise(_ text: String) -> String {
        let isAbsolute = text.hasPrefix("/")
        var segments: [Substring] = []
        for segment in text.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == "..", let last = segments.last, last != ".." {
                segments.removeLast()
                continue
            }
            segments.append(segment)
        }
        let joined = segments.joined(separator: "/")
        if isAbsolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
