/// A checker configuration: which model, with which parameters, under which bounds.
///
/// Configurations are small text files that we ship (and that users write) so that a run can
/// be named and repeated: `qjm check --config FILE`. One `key = value` per line; `#` starts a
/// comment; keys are the long option names of `qjm check` without the dashes, and a command-line
/// option overrides the same key from the file.
///
/// ```
/// # TwoPhase at the size of the benchmark
/// example = twophase
/// rm = 8
/// workers = 2
/// ```
public struct CheckConfiguration: Sendable, Equatable {
    /// The entries in file order; a key appears once.
    public private(set) var entries: [(key: String, value: String)] = []

    /// Why a configuration could not be read: the line and what is wrong with it.
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// Keys with no meaning are refused, so that a misspelt bound is not silently ignored.
    public init(text: String, allowedKeys: Set<String>) throws {
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = offset + 1
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let trimmed = line.trimmingSpaces
            if trimmed.isEmpty { continue }
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw ParseError(line: lineNumber, message: "expected 'key = value', found '\(trimmed)'")
            }
            let key = String(trimmed[..<equals].trimmingSpaces)
            let value = String(trimmed[trimmed.index(after: equals)...].trimmingSpaces)
            guard !key.isEmpty else { throw ParseError(line: lineNumber, message: "missing key before '='") }
            guard allowedKeys.contains(key) else {
                throw ParseError(line: lineNumber, message: "unknown key '\(key)' (known: \(allowedKeys.sorted().joined(separator: ", ")))")
            }
            guard !value.isEmpty else { throw ParseError(line: lineNumber, message: "key '\(key)' has no value") }
            guard self[key] == nil else { throw ParseError(line: lineNumber, message: "key '\(key)' is given twice") }
            entries.append((key, value))
        }
    }

    public subscript(key: String) -> String? { entries.first { $0.key == key }?.value }

    public static func == (left: CheckConfiguration, right: CheckConfiguration) -> Bool {
        left.entries.map(\.key) == right.entries.map(\.key) && left.entries.map(\.value) == right.entries.map(\.value)
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" || first == "\r" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" || last == "\r" { result = result.dropLast() }
        return result
    }
}
