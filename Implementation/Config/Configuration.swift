import Foundation

/// A Hadoop-style configuration: string keys to string values, with `${...}` substitution done.
///
/// Built by `load(directory:overrides:environment:)` from `core-site.xml`, then `hdfs-site.xml`,
/// then `-D key=value` overrides (later layers win unless an earlier file marked the key
/// `<final>`; `-D` overrides win even over final keys, as Hadoop's `conf.set` does), or by
/// `init(properties:environment:)` in tests. Every value is trimmed and fully expanded when the
/// configuration is built, so a substitution loop is an error at load time, not at first use.
/// Typed accessors (`int`, `bool`, `duration`, `strings`) live in `Configuration+Values.swift`.
public struct Configuration: Sendable {
    /// Upstream's `MAX_SUBST`: at most this many `${...}` replacements per value.
    public static let substitutionDepthMax = 20
    /// The environment variable naming the configuration directory when `--conf` is absent.
    public static let directoryEnvironmentVariable = "QJM_CONF_DIR"
    /// The source recorded for values given to `init(properties:)` or `overriding(_:)`.
    public static let programmaticSource = "programmatically"
    /// The source recorded for `-D key=value` overrides.
    public static let commandLineSource = "from command line"

    /// Values as written (trimmed), before substitution.
    private var rawValues: [String: String]
    /// Values after substitution.
    private var values: [String: String]
    /// Where each value came from: a file path or one of the sources above.
    private var sources: [String: String]
    /// Keys a file marked `<final>`.
    private var finalKeys: Set<String>
    /// The environment `${env.NAME}` reads.
    private let environment: [String: String]
    /// Things worth logging that are not errors, e.g. an ignored attempt to override a final key
    /// (upstream's text: "<file>:an attempt to override final parameter: <key>;  Ignoring.").
    public private(set) var warnings: [String]

    /// A configuration holding exactly `properties` (keys and values trimmed), expanded against
    /// `environment`. Throws `ConfigError.substitutionLoop` / `.substitutionTooDeep`.
    public init(properties: [String: String], environment: [String: String] = [:]) throws {
        var raw: [String: String] = [:]
        for (key, value) in properties {
            let name = key.trimmingCharacters(in: .whitespacesAndNewlines)
            precondition(!name.isEmpty, "Configuration keys must not be empty")
            raw[name] = value.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        try self.init(rawValues: raw,
                      sources: raw.mapValues { _ in Configuration.programmaticSource },
                      finalKeys: [], environment: environment, warnings: [])
    }

    /// The designated initialiser: stores the merged layers and expands every value.
    init(rawValues: [String: String], sources: [String: String], finalKeys: Set<String>,
         environment: [String: String], warnings: [String]) throws {
        self.rawValues = rawValues
        self.sources = sources
        self.finalKeys = finalKeys
        self.environment = environment
        self.warnings = warnings
        let expander = VariableExpander(rawValues: rawValues, environment: environment)
        var expanded: [String: String] = [:]
        for key in rawValues.keys.sorted() {
            expanded[key] = try expander.expand(key: key, expression: rawValues[key]!)
        }
        self.values = expanded
    }

    /// Every key, sorted.
    public var keys: [String] { values.keys.sorted() }

    /// Every key with its expanded value, sorted by key.
    public var allProperties: [(key: String, value: String)] {
        values.keys.sorted().map { (key: $0, value: values[$0]!) }
    }

    /// The expanded value of `key`, or nil if it is not set.
    public func string(_ key: String) -> String? { values[key] }

    /// The expanded value of `key`, or `defaultValue` if it is not set.
    public func string(_ key: String, default defaultValue: String) -> String {
        values[key] ?? defaultValue
    }

    /// The value of `key` as written, before `${...}` substitution.
    public func rawValue(_ key: String) -> String? { rawValues[key] }

    /// Where the value of `key` came from: a file path, "from command line" or "programmatically".
    public func source(of key: String) -> String? { sources[key] }

    /// Whether a configuration file marked `key` final.
    public func isFinal(_ key: String) -> Bool { finalKeys.contains(key) }

    /// The most specific of `key.<nameservice>.<nameNode>`, `key.<nameservice>` and `key` that is
    /// set, else `key` (upstream's `DFSUtil.setGenericConf` / `NameNode.initializeGenericKeys`).
    public func mostSpecificKey(_ key: String, nameservice: String?, nameNode: String?) -> String {
        if let nameservice, let nameNode {
            let both = ConfigurationKeys.suffixed(key, nameservice, nameNode)
            if values[both] != nil { return both }
        }
        if let nameservice {
            let one = ConfigurationKeys.suffixed(key, nameservice)
            if values[one] != nil { return one }
        }
        return key
    }

    /// A copy with `properties` set on top (like further `-D` overrides: final keys are
    /// overridden too), re-expanded. Throws as `init(properties:)` does.
    public func overriding(_ properties: [String: String]) throws -> Configuration {
        var raw = rawValues
        var origin = sources
        for (key, value) in properties {
            let name = key.trimmingCharacters(in: .whitespacesAndNewlines)
            precondition(!name.isEmpty, "Configuration keys must not be empty")
            raw[name] = value.trimmingCharacters(in: .whitespacesAndNewlines)
            origin[name] = Configuration.programmaticSource
        }
        return try Configuration(rawValues: raw, sources: origin, finalKeys: finalKeys,
                                 environment: environment, warnings: warnings)
    }
}
