/// Znode path rules: ZooKeeper's `PathUtils.validatePath`, parent lookup, sequence suffixes,
/// and the byte order that keeps znodes sorted.
///
/// Paths are compared by their UTF-8 bytes, never with `String ==` (which identifies
/// canonically equivalent strings that ZooKeeper keeps apart).
public enum ZnodePath {
    /// The root znode.
    public static let root = "/"

    /// Why ZooKeeper rejects `path`, in `PathUtils.validatePath`'s IllegalArgumentException text,
    /// or nil when the path is valid. Indices count UTF-16 code units, as Java's `char` does.
    public static func invalidReason(_ path: String) -> String? {
        let units = Array(path.utf16)
        guard !units.isEmpty else { return "Path length must be > 0" }
        guard units[0] == slash else { return "Path must start with / character" }
        if units.count == 1 { return nil }
        guard units[units.count - 1] != slash else { return "Path must not end with / character" }
        var reason: String?
        var previous = slash
        for index in 1..<units.count {
            let unit = units[index]
            defer { previous = unit }
            if unit == 0 {
                reason = "null character not allowed @\(index)"
            } else if unit == slash && previous == slash {
                reason = "empty node name specified @\(index)"
            } else if unit == dot && previous == dot {
                if units[index - 2] == slash && (index + 1 == units.count || units[index + 1] == slash) {
                    reason = "relative paths not allowed @\(index)"
                }
            } else if unit == dot {
                if units[index - 1] == slash && (index + 1 == units.count || units[index + 1] == slash) {
                    reason = "relative paths not allowed @\(index)"
                }
            } else if isForbidden(unit) {
                reason = "invalid character @\(index)"
            }
            if reason != nil { break }
        }
        guard let reason else { return nil }
        return "Invalid path string \"\(path)\" caused by \(reason)"
    }

    /// `PathUtils.validatePath(path, isSequential)`: a sequential create may end in `/`.
    public static func invalidReason(_ path: String, isSequential: Bool) -> String? {
        invalidReason(isSequential ? path + "1" : path)
    }

    /// Whether `path` is a valid znode path.
    public static func isValid(_ path: String) -> Bool { invalidReason(path) == nil }

    /// The parent of `path` as the server's write pipeline finds it (`lastIndexOf('/')`), or nil
    /// when the path has no `/` or contains NUL, which the server answers with BADARGUMENTS.
    /// The parent of a top-level node (and of the root itself) is the root.
    public static func parentForWrite(_ path: String) -> String? {
        let bytes = path.utf8
        guard !bytes.contains(0), let lastSlash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return nil }
        let parent = String(path[path.startIndex..<lastSlash])
        return parent.isEmpty ? root : parent
    }

    /// The last component of a non-root path.
    public static func name(_ path: String) -> String {
        guard let lastSlash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
        return String(path[path.utf8.index(after: lastSlash)...])
    }

    /// The prefix every descendant of `path` starts with.
    static func childPrefix(_ path: String) -> String {
        isRoot(path) ? root : path + "/"
    }

    /// A sequential node's suffix: the parent's cversion as `String.format("%010d", cversion)`.
    public static func sequenceSuffix(_ cversion: Int32) -> String {
        let digits = String(cversion.magnitude)
        let width = cversion < 0 ? 9 : 10
        let padding = String(repeating: "0", count: max(0, width - digits.count))
        return (cversion < 0 ? "-" : "") + padding + digits
    }

    static func isRoot(_ path: String) -> Bool { equal(path, root) }

    /// Byte-wise equality.
    static func equal(_ left: String, _ right: String) -> Bool {
        left.utf8.elementsEqual(right.utf8)
    }

    /// Byte-wise order: the order of the znode array and of getChildren's answer.
    static func precedes(_ left: String, _ right: String) -> Bool {
        left.utf8.lexicographicallyPrecedes(right.utf8)
    }

    static func hasPrefix(_ path: String, _ prefix: String) -> Bool {
        path.utf8.starts(with: prefix.utf8)
    }

    /// Whether `path` is a direct child of the node whose descendants start with `prefix`.
    static func isDirectChild(_ path: String, prefix: String) -> Bool {
        guard hasPrefix(path, prefix) else { return false }
        return !path.utf8.dropFirst(prefix.utf8.count).contains(UInt8(ascii: "/"))
    }

    private static let slash = UInt16(UInt8(ascii: "/"))
    private static let dot = UInt16(UInt8(ascii: "."))

    /// Control characters, C1 controls, surrogates and the private-use area, and U+FFF0–U+FFFF.
    private static func isForbidden(_ unit: UInt16) -> Bool {
        (unit > 0x0000 && unit <= 0x001F) || (unit >= 0x007F && unit <= 0x009F)
            || (unit >= 0xD800 && unit <= 0xF8FF) || unit >= 0xFFF0
    }
}

extension ZnodePath {
    /// The index where `path` is (`found`) or would be inserted in `elements`, an array kept
    /// sorted by `precedes` on `key`.
    static func search<Element>(_ elements: [Element], _ path: String,
                                key: (Element) -> String) -> (index: Int, found: Bool) {
        var low = 0
        var high = elements.count
        while low < high {
            let middle = (low + high) / 2
            if precedes(key(elements[middle]), path) { low = middle + 1 } else { high = middle }
        }
        let found = low < elements.count && equal(key(elements[low]), path)
        return (low, found)
    }

    /// Inserts `path` into a sorted path list if absent. Returns whether it was inserted.
    @discardableResult
    static func insert(_ path: String, into paths: inout [String]) -> Bool {
        let (index, found) = search(paths, path) { $0 }
        guard !found else { return false }
        paths.insert(path, at: index)
        return true
    }

    /// Removes `path` from a sorted path list. Returns whether it was there.
    static func remove(_ path: String, from paths: inout [String]) -> Bool {
        let (index, found) = search(paths, path) { $0 }
        guard found else { return false }
        paths.remove(at: index)
        return true
    }

    /// Whether a sorted path list holds `path`.
    static func contains(_ paths: [String], _ path: String) -> Bool {
        search(paths, path) { $0 }.found
    }

    /// Whether `paths` is strictly increasing in byte order (no duplicates).
    static func isStrictlySorted(_ paths: [String]) -> Bool {
        var index = 1
        while index < paths.count {
            guard precedes(paths[index - 1], paths[index]) else { return false }
            index += 1
        }
        return true
    }
}
