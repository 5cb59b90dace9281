import Foundation
import Support

/// Loading a configuration directory, with `-D` overrides.
extension Configuration {
    /// The files read from a configuration directory, in order: later files override earlier
    /// ones unless an earlier file marked the key final.
    public static let fileNames = ["core-site.xml", "hdfs-site.xml"]
    /// The largest configuration file read (upstream has no limit; real ones are a few KB).
    public static let fileBytesMax = 16 << 20

    /// Loads `core-site.xml` then `hdfs-site.xml` from `directory` (a missing file counts as
    /// empty; a missing directory is an error), then applies `overrides` (`-D` arguments,
    /// "key=value", later ones winning; they override final keys too, as upstream's `conf.set`
    /// does), then expands `${...}` against `environment`.
    public static func load(directory: String, overrides: [String] = [],
                            environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> Configuration
    {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
              isDirectory.boolValue else {
            throw ConfigError.missingDirectory(path: directory)
        }
        var raw: [String: String] = [:]
        var sources: [String: String] = [:]
        var finalKeys: Set<String> = []
        var warnings: [String] = []
        for name in fileNames {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            let bytes: [UInt8]?
            do {
                bytes = try DurableFiles.read(path)
            } catch {
                throw ConfigError.unreadableFile(file: path, reason: "\(error)")
            }
            guard let bytes else { continue }
            guard bytes.count <= fileBytesMax else {
                throw ConfigError.unreadableFile(file: path, reason: "larger than \(fileBytesMax) bytes")
            }
            for property in try ConfigurationFile.parse(bytes, file: path) {
                guard let value = property.value else {
                    if property.isFinal { finalKeys.insert(property.name) }
                    continue
                }
                if finalKeys.contains(property.name) {
                    if raw[property.name] != value {
                        warnings.append("\(path):an attempt to override final parameter: \(property.name);  Ignoring.")
                    }
                    continue
                }
                raw[property.name] = value
                sources[property.name] = path
                if property.isFinal { finalKeys.insert(property.name) }
            }
        }
        for argument in overrides {
            let (key, value) = try parseOverride(argument)
            raw[key] = value
            sources[key] = commandLineSource
        }
        return try Configuration(rawValues: raw, sources: sources, finalKeys: finalKeys,
                                 environment: environment, warnings: warnings)
    }

    /// Splits a `-D` argument "key=value" at its first `=`; the key (trimmed) must be non-empty
    /// and contain no whitespace; the value is trimmed and may be empty.
    public static func parseOverride(_ argument: String) throws -> (key: String, value: String) {
        guard let equals = argument.firstIndex(of: "=") else {
            throw ConfigError.badOverride(argument: argument)
        }
        let key = argument[..<equals].trimmingCharacters(in: .whitespacesAndNewlines)
        guard !key.isEmpty, !key.contains(where: { $0.isWhitespace }) else {
            throw ConfigError.badOverride(argument: argument)
        }
        let value = argument[argument.index(after: equals)...].trimmingCharacters(in: .whitespacesAndNewlines)
        return (key, value)
    }

    /// The configuration directory: `explicit` (from `--conf DIR`) if given, else the
    /// `QJM_CONF_DIR` environment variable if set and non-empty, else nil.
    public static func directory(explicit: String?, environment: [String: String]) -> String? {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment[directoryEnvironmentVariable], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return nil
    }
}
