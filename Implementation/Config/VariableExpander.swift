/// Hadoop's `${...}` substitution (`Configuration.substituteVars`), done once per value at load.
///
/// The first `${name}` (a name without `}`, `$` or space) is replaced, then the result is
/// scanned again, at most `Configuration.substitutionDepthMax` times. A name is looked up as:
/// `env.NAME` (also `env.NAME:-default`, used when NAME is unset or empty, and `env.NAME-default`,
/// used when NAME is unset) in the environment; the pseudo system properties `user.name`
/// (`$USER`, else `$LOGNAME`) and `user.home` (`$HOME`); then another key's raw value. An
/// unbound name stops expansion and leaves the text as it is, as upstream does. Unlike upstream,
/// which returns a self-referencing expression unexpanded, a loop is an error.
struct VariableExpander {
    let rawValues: [String: String]
    let environment: [String: String]

    /// The fully expanded `expression`, the value of `key`.
    func expand(key: String, expression: String) throws -> String {
        var evaluated = expression
        var seen: Set<String> = [expression]
        for _ in 0..<Configuration.substitutionDepthMax {
            guard let variable = VariableExpander.firstVariable(in: evaluated) else { return evaluated }
            guard let replacement = lookup(variable.name) else { return evaluated }
            if replacement.contains("${" + variable.name + "}") {
                throw ConfigError.substitutionLoop(key: key, expression: expression)
            }
            evaluated.replaceSubrange(variable.range, with: replacement)
            if !seen.insert(evaluated).inserted {
                throw ConfigError.substitutionLoop(key: key, expression: expression)
            }
        }
        if let variable = VariableExpander.firstVariable(in: evaluated), lookup(variable.name) != nil {
            throw ConfigError.substitutionTooDeep(key: key, expression: expression)
        }
        return evaluated
    }

    /// What `${name}` stands for, or nil when it is unbound.
    func lookup(_ name: String) -> String? {
        if name.hasPrefix("env."), name.count > 4 {
            if let value = environmentLookup(String(name.dropFirst(4))) { return value }
        } else if let value = systemProperty(name) {
            return value
        }
        return rawValues[name]
    }

    /// `NAME`, `NAME:-default` or `NAME-default` against the environment (upstream's parsing:
    /// the first `:-` or `-` ends the variable name).
    private func environmentLookup(_ text: String) -> String? {
        let characters = Array(text)
        for index in characters.indices {
            if characters[index] == ":", index + 1 < characters.count, characters[index + 1] == "-" {
                let value = environment[String(characters[..<index])]
                if let value, !value.isEmpty { return value }
                return String(characters[(index + 2)...])
            }
            if characters[index] == "-" {
                return environment[String(characters[..<index])] ?? String(characters[(index + 1)...])
            }
        }
        return environment[text]
    }

    /// The few Java system properties Hadoop configurations commonly use.
    private func systemProperty(_ name: String) -> String? {
        switch name {
        case "user.name": return environment["USER"] ?? environment["LOGNAME"]
        case "user.home": return environment["HOME"]
        default: return nil
        }
    }

    /// The first `${name}` in `text` whose name is non-empty and has no `}`, `$` or space
    /// (upstream's `findSubVariable`), with the range of the whole `${name}`.
    static func firstVariable(in text: String) -> (range: Range<String.Index>, name: String)? {
        var searchStart = text.startIndex
        while let open = text[searchStart...].range(of: "${") {
            var cursor = open.upperBound
            while cursor < text.endIndex {
                let character = text[cursor]
                if character == "}" || character == "$" || character == " " { break }
                cursor = text.index(after: cursor)
            }
            if cursor < text.endIndex, text[cursor] == "}", cursor > open.upperBound {
                let name = String(text[open.upperBound..<cursor])
                return (open.lowerBound..<text.index(after: cursor), name)
            }
            if cursor >= text.endIndex { return nil }
            // A `$`, space or empty name: upstream resumes scanning after that character; a `$`
            // may itself begin the next `${`.
            searchStart = text[cursor] == "$" ? cursor : text.index(after: cursor)
        }
        return nil
    }
}
