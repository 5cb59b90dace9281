import Foundation

/// A command line cut into options and operands, with errors that name the offending word.
///
/// Accepts `--name value`, `--name=value` and bare flags; single-dash spellings of the same
/// names (`-name value`) are accepted too, as Hadoop's tools use them.
struct Arguments {
    private(set) var values: [String: String] = [:]
    private(set) var flags: Set<String> = []
    private(set) var operands: [String] = []

    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    /// Parses `words` given the names that take a value and the names that are flags.
    init(_ words: [String], valued: Set<String>, flags allowedFlags: Set<String>) throws {
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            guard word.hasPrefix("-"), word.count > 1, Double(word) == nil else {
                operands.append(word)
                continue
            }
            var name = String(word.drop { $0 == "-" })
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if valued.contains(name) {
                if let inlineValue {
                    values[name] = inlineValue
                } else {
                    guard index < words.count else { throw UsageError(description: "option --\(name) needs a value") }
                    values[name] = words[index]
                    index += 1
                }
            } else if allowedFlags.contains(name) {
                guard inlineValue == nil else { throw UsageError(description: "option --\(name) takes no value") }
                flags.insert(name)
            } else {
                throw UsageError(description: "unknown option '\(word)'")
            }
        }
    }

    func flag(_ name: String) -> Bool { flags.contains(name) }

    func string(_ name: String) -> String? { values[name] }

    /// An integer option within `range`, or nil when absent.
    func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = values[name] else { return nil }
        guard let value = Int(text.replacingOccurrences(of: "_", with: "")) else {
            throw UsageError(description: "option --\(name) needs an integer, not '\(text)'")
        }
        guard range.contains(value) else {
            throw UsageError(description: "option --\(name) must be between \(range.lowerBound) and \(range.upperBound) (got \(value))")
        }
        return value
    }

    /// A positive number of seconds, or nil when absent.
    func seconds(_ name: String) throws -> Double? {
        guard let text = values[name] else { return nil }
        guard let value = Double(text), value >= 0, value.isFinite else {
            throw UsageError(description: "option --\(name) needs a number of seconds, not '\(text)'")
        }
        return value
    }
}
