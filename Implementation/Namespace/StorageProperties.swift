import Foundation
import Support

/// The `current/VERSION` file of a name directory, in Java `Properties` format as upstream
/// `Storage.writeProperties` writes it: a "#<date>" comment line, then `key=value` lines.
enum StorageProperties {
    /// The storage type a name directory must declare.
    static let nameNodeStorageType = "NAME_NODE"
    /// The keys, in the order upstream NameNode VERSION files show them.
    static let keys = ["namespaceID", "clusterID", "cTime", "storageType", "blockpoolID", "layoutVersion"]

    /// The text of a NameNode VERSION file for `info`, dated `date`.
    static func versionText(_ info: NamespaceInfo, date: Date) -> String {
        let values = [String(info.namespaceID), info.clusterID, String(info.cTime), nameNodeStorageType,
                      info.blockPoolID, String(info.layoutVersion)]
        var text = "#" + javaDateText(date) + "\n"
        for (key, value) in zip(keys, values) { text += key + "=" + escape(value) + "\n" }
        return text
    }

    /// The namespace identity in a VERSION file's text; `directory` names the storage in errors.
    static func namespaceInfo(fromVersionText text: String, directory: String) throws -> NamespaceInfo {
        let properties = parse(text)
        func value(_ key: String) throws -> String {
            guard let value = properties[key] else {
                throw NameStorageError.inconsistent(directory: directory, detail: "file VERSION has \(key) missing.")
            }
            return value
        }
        func number<Number: FixedWidthInteger>(_ key: String, as type: Number.Type) throws -> Number {
            let text = try value(key)
            guard let number = Number(text) else {
                throw NameStorageError.inconsistent(directory: directory,
                                                    detail: "file VERSION has \(key) with invalid value '\(text)'.")
            }
            return number
        }
        let storageType = try value("storageType")
        guard storageType == nameNodeStorageType else {
            throw NameStorageError.inconsistent(directory: directory, detail: "Incompatible node types: "
                                                + "storageType=\(nameNodeStorageType) but StorageDirectory type=\(storageType)")
        }
        return NamespaceInfo(namespaceID: try number("namespaceID", as: Int32.self),
                             clusterID: try value("clusterID"),
                             blockPoolID: try value("blockpoolID"),
                             cTime: try number("cTime", as: Int64.self),
                             layoutVersion: try number("layoutVersion", as: Int32.self))
    }

    /// `key=value` (or `key:value`) lines; "#" and "!" lines are comments; a backslash escapes the
    /// next character. Line continuations and unicode escapes are not supported.
    static func parse(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = rawLine.drop(while: { $0 == " " || $0 == "\t" })
            guard let first = line.first, first != "#", first != "!" else { continue }
            var key = ""
            var value = ""
            var inValue = false
            var escaped = false
            for character in line {
                if escaped {
                    if inValue { value.append(character) } else { key.append(character) }
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if !inValue && (character == "=" || character == ":") {
                    inValue = true
                } else if inValue {
                    if value.isEmpty && (character == " " || character == "\t") { continue }
                    value.append(character)
                } else {
                    key.append(character)
                }
            }
            result[key.trimmingCharacters(in: .whitespaces)] = value
        }
        return result
    }

    /// Backslash before the characters `Properties.store` escapes in a value.
    static func escape(_ value: String) -> String {
        var text = ""
        for character in value {
            if "\\=:#!".contains(character) { text.append("\\") }
            text.append(character)
        }
        return text
    }

    /// `java.util.Date.toString()` in UTC, e.g. "Thu Aug 17 12:00:00 UTC 2017".
    static func javaDateText(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE MMM dd HH:mm:ss 'UTC' yyyy"
        return formatter.string(from: date)
    }
}
