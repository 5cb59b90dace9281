import Support

/// `current/VERSION`: the namespace identity as Hadoop storage properties text (`key=value`
/// lines, `#` comments, Java `Properties` escapes), as upstream's `Storage.writeProperties`
/// writes it for a JournalNode:
///
/// ```
/// #QJM JournalNode storage
/// namespaceID=123
/// clusterID=CID-...
/// cTime=0
/// storageType=JOURNAL_NODE
/// layoutVersion=-66
/// blockpoolID=BP-...
/// ```
///
/// Upstream's JournalNode VERSION has no `blockpoolID`; ours keeps it so that `NamespaceInfo`
/// survives a restart whole, and a file without it reads as an empty block pool id.
enum VersionFile {
    static let storageType = "JOURNAL_NODE"
    /// The most lines a VERSION file may have.
    static let linesMax = 1_000

    static func encode(_ info: NamespaceInfo) -> [UInt8] {
        let lines = [
            "#QJM JournalNode storage",
            "namespaceID=" + String(info.namespaceID),
            "clusterID=" + escape(info.clusterID),
            "cTime=" + String(info.cTime),
            "storageType=" + storageType,
            "layoutVersion=" + String(info.layoutVersion),
            "blockpoolID=" + escape(info.blockPoolID),
        ]
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    static func decode(_ content: [UInt8], file: String) throws -> NamespaceInfo {
        let properties = try parse(content, file: file)
        func value(_ key: String) throws -> String {
            guard let value = properties[key] else { throw StorageError.badMetadata(file: file, reason: "missing key \(key)") }
            return value
        }
        func integer<Value: FixedWidthInteger>(_ key: String, _: Value.Type) throws -> Value {
            let text = try value(key)
            guard let number = Value(text) else {
                throw StorageError.badMetadata(file: file, reason: "key \(key): '\(text)' is not a \(Value.bitWidth)-bit integer")
            }
            return number
        }
        let type = try value("storageType")
        guard type == storageType else {
            throw StorageError.badMetadata(file: file, reason: "key storageType: '\(type)' where \(storageType) was expected")
        }
        return NamespaceInfo(namespaceID: try integer("namespaceID", Int32.self), clusterID: try value("clusterID"),
                             blockPoolID: properties["blockpoolID"] ?? "", cTime: try integer("cTime", Int64.self),
                             layoutVersion: try integer("layoutVersion", Int32.self))
    }

    /// The `key=value` (or `key:value`) pairs; a later duplicate wins, as in Java.
    private static func parse(_ content: [UInt8], file: String) throws -> [String: String] {
        guard let text = String(validating: content, as: UTF8.self) else {
            throw StorageError.badMetadata(file: file, reason: "not UTF-8 text")
        }
        // `Character.isNewline` covers "\n", "\r" and "\r\n", Java's line terminators.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        guard lines.count <= linesMax else {
            throw StorageError.badMetadata(file: file, reason: "\(lines.count) lines exceed the limit of \(linesMax)")
        }
        var properties: [String: String] = [:]
        for (index, rawLine) in lines.enumerated() {
            let line = rawLine.drop { $0 == " " || $0 == "\t" }
            if line.isEmpty || line.first == "#" || line.first == "!" { continue }
            guard let separator = unescapedSeparator(in: line) else {
                throw StorageError.badMetadata(file: file, reason: "line \(index + 1): no '=' in '\(line)'")
            }
            let key = unescape(line[..<separator]).trimmingSpaces()
            let value = unescape(line[line.index(after: separator)...]).trimmingLeadingSpaces()
            properties[key] = value
        }
        return properties
    }

    private static func unescapedSeparator(in line: Substring) -> Substring.Index? {
        var escaped = false
        for index in line.indices {
            let character = line[index]
            if escaped { escaped = false; continue }
            if character == "\\" { escaped = true; continue }
            if character == "=" || character == ":" { return index }
        }
        return nil
    }

    private static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "\\", "=", ":", "#", "!": result += "\\" + String(character)
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case " " where result.isEmpty: result += "\\ "
            default: result.append(character)
            }
        }
        return result
    }

    private static func unescape(_ text: Substring) -> String {
        var result = ""
        var escaped = false
        for character in text {
            if escaped {
                switch character {
                case "n": result += "\n"
                case "r": result += "\r"
                case "t": result += "\t"
                default: result.append(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}

private extension String {
    func trimmingLeadingSpaces() -> String { String(drop { $0 == " " || $0 == "\t" }) }
    func trimmingSpaces() -> String {
        String(String(trimmingLeadingSpaces().reversed()).trimmingLeadingSpaces().reversed())
    }
}
