/// Why a configuration could not be loaded, or why one of its values could not be read.
///
/// Every case names where the problem is: the file and line for XML, the key and the value for a
/// bad value, the key and the line of the value for a fencing method.
public enum ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The configuration directory does not exist or is not a directory.
    case missingDirectory(path: String)
    /// A configuration file exists but could not be read.
    case unreadableFile(file: String, reason: String)
    /// A file is not well-formed XML; `line` is the parser's 1-based line number.
    case malformedXML(file: String, line: Int, reason: String)
    /// The top-level element of a file is not `<configuration>`.
    case notConfiguration(file: String, line: Int, element: String)
    /// A `<property>` (starting at `line`) without a `<name>`, or with an empty one.
    case propertyWithoutName(file: String, line: Int)
    /// A `-D` argument that is not `key=value` with a non-empty key.
    case badOverride(argument: String)
    /// A value that cannot be read as what its key needs; `reason` completes the sentence
    /// "Bad value for KEY: 'VALUE' ...", e.g. "is not a boolean".
    case badValue(key: String, value: String, reason: String)
    /// A key that must be set is not; `purpose` completes "Missing required configuration 'KEY' ...".
    case missingKey(key: String, purpose: String)
    /// `${...}` expansion needed more than `Configuration.substitutionDepthMax` steps.
    case substitutionTooDeep(key: String, expression: String)
    /// `${...}` expansion of `key` came back to an expression it had already expanded.
    case substitutionLoop(key: String, expression: String)
    /// A line of a fencing-methods value that upstream's NodeFencer rejects; `line` is 1-based
    /// within the (trimmed) value and `message` is upstream's BadFencingConfigurationException text.
    case badFencingMethod(key: String, line: Int, text: String, message: String)
    /// The configuration is readable but cannot describe a working HA cluster (e.g. the local
    /// NameNode cannot be determined); `message` uses upstream's text where there is one.
    case invalid(message: String)

    public var description: String {
        switch self {
        case .missingDirectory(let path):
            return "Configuration directory \(path) does not exist or is not a directory"
        case .unreadableFile(let file, let reason):
            return "Cannot read configuration file \(file): \(reason)"
        case .malformedXML(let file, let line, let reason):
            return "\(file):\(line): malformed XML: \(reason)"
        case .notConfiguration(let file, let line, let element):
            return "\(file):\(line): bad conf file: top-level element not <configuration> (found <\(element)>)"
        case .propertyWithoutName(let file, let line):
            return "\(file):\(line): <property> without a <name>"
        case .badOverride(let argument):
            return "Bad -D argument '\(argument)': expected key=value"
        case .badValue(let key, let value, let reason):
            return "Bad value for \(key): '\(value)' \(reason)"
        case .missingKey(let key, let purpose):
            return "Missing required configuration '\(key)' \(purpose)"
        case .substitutionTooDeep(let key, let expression):
            return "Variable substitution depth too large: \(Configuration.substitutionDepthMax) \(expression) (in \(key))"
        case .substitutionLoop(let key, let expression):
            return "Variable substitution loop in \(key): \(expression) refers back to itself"
        case .badFencingMethod(let key, let line, let text, let message):
            return "Bad fencing configuration in \(key), line \(line) '\(text)': \(message)"
        case .invalid(let message):
            return message
        }
    }
}
