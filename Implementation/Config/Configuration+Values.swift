/// Typed accessors. Each reads the expanded, trimmed value; an unset key gives the default, and a
/// value that is set but unreadable throws `ConfigError.badValue` naming the key and the value.
extension Configuration {
    /// The value of `key` as an integer (decimal, or hexadecimal with `0x`, optionally signed,
    /// as Hadoop's `getInt`/`getLong`), or nil if it is not set.
    public func int(_ key: String) throws -> Int? {
        guard let text = string(key) else { return nil }
        guard let value = Configuration.parseInteger(text) else {
            throw ConfigError.badValue(key: key, value: text, reason: "is not an integer")
        }
        return value
    }

    /// The value of `key` as an integer, or `defaultValue` if it is not set.
    public func int(_ key: String, default defaultValue: Int) throws -> Int {
        try int(key) ?? defaultValue
    }

    /// The value of `key` as a boolean (`true`/`false`, any case, as Hadoop's `getBoolean`), or
    /// nil if it is not set or empty. Upstream silently falls back to the default on any other
    /// text; this throws instead.
    public func bool(_ key: String) throws -> Bool? {
        guard let text = string(key), !text.isEmpty else { return nil }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: throw ConfigError.badValue(key: key, value: text, reason: "is not a boolean")
        }
    }

    /// The value of `key` as a boolean, or `defaultValue` if it is not set or empty.
    public func bool(_ key: String, default defaultValue: Bool) throws -> Bool {
        try bool(key) ?? defaultValue
    }

    /// The value of `key` as a duration: an integer with an optional suffix ns, us, ms, s, m, h or
    /// d (any case); a bare number is in `unit` (Hadoop's `getTimeDuration`). Nil if not set.
    public func duration(_ key: String, unit: DurationUnit) throws -> Duration? {
        guard let text = string(key) else { return nil }
        guard let value = Configuration.parseDuration(text, unit: unit) else {
            throw ConfigError.badValue(
                key: key, value: text,
                reason: "is not a duration (an integer with an optional unit ns, us, ms, s, m, h or d; default \(unit.suffix))")
        }
        return value
    }

    /// The value of `key` as a duration, or `defaultValue` if it is not set.
    public func duration(_ key: String, default defaultValue: Duration, unit: DurationUnit) throws -> Duration {
        try duration(key, unit: unit) ?? defaultValue
    }

    /// The comma-separated values of `key`, each trimmed, empty ones dropped (Hadoop's
    /// `getTrimmedStrings`); empty if the key is not set.
    public func strings(_ key: String) -> [String] {
        guard let text = string(key) else { return [] }
        return text.split(separator: ",", omittingEmptySubsequences: true)
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
    }

    /// `text` as Java's `Long.parseLong` (after Hadoop's `0x` handling) reads it, or nil.
    static func parseInteger(_ text: String) -> Int? {
        var body = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        var negative = false
        if body.hasPrefix("-") {
            negative = true
            body = body.dropFirst()
        } else if body.hasPrefix("+") {
            body = body.dropFirst()
        }
        var radix = 10
        if body.hasPrefix("0x") || body.hasPrefix("0X") {
            radix = 16
            body = body.dropFirst(2)
        }
        let digitsOnly = !body.isEmpty && body.allSatisfy { $0.isASCII && ($0.isHexDigit && (radix == 16 || $0.isNumber)) }
        guard digitsOnly, let magnitude = UInt64(body, radix: radix) else { return nil }
        if negative {
            return magnitude <= UInt64(Int.max) + 1 ? Int(truncatingIfNeeded: 0 &- magnitude) : nil
        }
        return magnitude <= UInt64(Int.max) ? Int(magnitude) : nil
    }

    /// `text` as Hadoop's `getTimeDuration` reads it (lower-cased, suffix stripped, the rest a
    /// decimal integer), or nil.
    static func parseDuration(_ text: String, unit defaultUnit: DurationUnit) -> Duration? {
        let lowered = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        var number = Substring(lowered)
        var unit = defaultUnit
        if let suffixed = DurationUnit.allCases.first(where: { lowered.hasSuffix($0.suffix) }) {
            unit = suffixed
            number = number.dropLast(suffixed.suffix.count)
        }
        var negative = false
        if number.hasPrefix("-") {
            negative = true
            number = number.dropFirst()
        } else if number.hasPrefix("+") {
            number = number.dropFirst()
        }
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && $0.isNumber }),
              let magnitude = Int64(number) else { return nil }
        return unit.duration(negative ? -magnitude : magnitude)
    }
}
