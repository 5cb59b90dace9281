@preconcurrency import Glibc

/// The NameNode to fence: its nameservice, its id, and its RPC address (upstream's
/// `NNHAServiceTarget`, whose `getFencingParameters()` become the `target_*` environment of a
/// `shell(...)` command and whose RPC port `sshfence` looks for).
public struct FenceTarget: Sendable, Equatable {
    /// The nameservice the NameNode belongs to (`target_nameserviceid`).
    public var nameserviceID: String
    /// The NameNode's id within it (`target_namenodeid`).
    public var nameNodeID: String
    /// The host of its RPC address (`target_host`; the host `sshfence` connects to).
    public var host: String
    /// The port of its RPC address (`target_port`; the port `sshfence` frees).
    public var port: Int

    public init(nameserviceID: String, nameNodeID: String, host: String, port: Int) {
        self.nameserviceID = nameserviceID
        self.nameNodeID = nameNodeID
        self.host = host
        self.port = port
    }

    /// The fencing parameters in upstream's names (`HAServiceTarget.addFencingParameters` and
    /// `NNHAServiceTarget.addFencingParameters`), before the `target_` prefix.
    public var fencingParameters: [(name: String, value: String)] {
        [("address", addressText), ("host", host), ("port", String(port)),
         ("nameserviceid", nameserviceID), ("namenodeid", nameNodeID)]
    }

    /// The address as Java's `InetSocketAddress.toString()` writes a resolved address,
    /// `host/ip:port` (e.g. `nn1.example.com/10.0.0.5:8020`), or `host:port` when the host does
    /// not resolve (Java 8's text for an unresolved address). The first IPv4 address is
    /// preferred, as Java does by default.
    public var addressText: String {
        guard let ip = FenceTarget.resolve(host) else { return "\(host):\(port)" }
        return "\(host)/\(ip):\(port)"
    }

    /// The first address `getaddrinfo` gives for `host` (IPv4 first), as text; nil if none.
    static func resolve(_ host: String) -> String? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(first) }
        var addresses: [(family: Int32, text: String)] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        // getaddrinfo returns a short list; the bound only guards against a malformed one.
        let entriesMax = 64
        while let current = entry, addresses.count < entriesMax {
            if let text = numericText(current.pointee) { addresses.append((current.pointee.ai_family, text)) }
            entry = current.pointee.ai_next
        }
        return (addresses.first { $0.family == AF_INET } ?? addresses.first)?.text
    }

    /// The numeric form of one `getaddrinfo` entry.
    private static func numericText(_ info: addrinfo) -> String? {
        guard let address = info.ai_addr else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let status = getnameinfo(address, info.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST)
        guard status == 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
