/// A `host:port` address from the configuration, parsed as Hadoop's `NetUtils.createSocketAddr`
/// parses it, without resolving the host.
///
/// Accepted: `host:port`, `host` (when a default port is given), `[v6]:port`, and a URI with a
/// scheme (`hdfs://host:port/path`: the authority is used). Rejected with upstream's text
/// "does not contain a valid host:port authority": an empty or malformed host (letters, digits,
/// `-` and `.` only, as `java.net.URI` accepts), a port that is not 0...65535, a missing port
/// without a default, and a path after a host without a scheme.
public struct SocketAddress: Hashable, Sendable, CustomStringConvertible {
    /// The largest TCP port.
    public static let portMax = 65_535

    /// A host name or IP literal (IPv6 without brackets).
    public var host: String
    /// 0...65535.
    public var port: Int

    /// An address from parts; `port` must be a TCP port (a programmer contract).
    public init(host: String, port: Int) {
        precondition((0...SocketAddress.portMax).contains(port), "port \(port) out of range")
        self.host = host
        self.port = port
    }

    /// Parses `text`, using `defaultPort` when it names no port; `key` names the property in the
    /// error (`ConfigError.badValue`).
    public init(parsing text: String, defaultPort: Int? = nil, key: String) throws {
        guard let address = SocketAddress.parse(text, defaultPort: defaultPort) else {
            throw ConfigError.badValue(key: key, value: text, reason: "does not contain a valid host:port authority")
        }
        self = address
    }

    /// `text` as an address, or nil if it is not one.
    public static func parse(_ text: String, defaultPort: Int?) -> SocketAddress? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var authority = Substring(trimmed)
        if let schemeEnd = trimmed.range(of: "://") {
            authority = trimmed[schemeEnd.upperBound...]
            if let slash = authority.firstIndex(of: "/") { authority = authority[..<slash] }
        } else if authority.contains("/") {
            return nil
        }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let rest = authority[authority.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { return nil }
                portText = rest.dropFirst()
            }
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return nil }
        } else {
            let parts = authority.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count <= 2 else { return nil }
            host = parts[0]
            portText = parts.count == 2 ? parts[1] : nil
            guard isHostName(host) else { return nil }
        }
        let port: Int
        if let portText, !portText.isEmpty {
            guard portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let number = Int(portText), number <= portMax else { return nil }
            port = number
        } else if let defaultPort {
            port = defaultPort
        } else {
            return nil
        }
        return SocketAddress(host: String(host), port: port)
    }

    /// Whether the host is the wildcard address (0.0.0.0 or ::), which listens on every interface.
    public var isWildcard: Bool { host == "0.0.0.0" || host == "::" || host == "0:0:0:0:0:0:0:0" }

    /// This address with a wildcard host replaced by `host` (upstream's
    /// `substituteForWildcardAddress`), e.g. to connect to an HTTP address configured as 0.0.0.0.
    public func replacingWildcard(with host: String) -> SocketAddress {
        isWildcard ? SocketAddress(host: host, port: port) : self
    }

    /// "host:port", or "[v6]:port".
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    private static func isHostName(_ host: Substring) -> Bool {
        guard let first = host.first, let last = host.last, first != "-", first != ".", last != "-" else {
            return false
        }
        return host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }
    }
}
