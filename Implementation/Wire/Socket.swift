import Glibc

/// Why a socket call failed: the call and its `errno`, or a host name that did not resolve.
enum SocketFailure: Error, Sendable, CustomStringConvertible {
    case call(String, code: Int32)
    case unknownHost(String, reason: String)

    /// The operating system's text, e.g. `Connection reset by peer`.
    var reason: String {
        switch self {
        case .call(_, let code): return String(cString: strerror(code))
        case .unknownHost(let host, let reason): return "\(host): \(reason)"
        }
    }

    var description: String {
        switch self {
        case .call(let call, _): return "\(call): \(reason)"
        case .unknownHost: return reason
        }
    }
}

/// One address `getaddrinfo` returned, copied out of its list.
struct SocketAddress {
    var family: Int32
    var storage: sockaddr_storage
    var length: socklen_t
}

/// How far a non-blocking `connect` has got.
enum ConnectProgress {
    case connected
    case pending
    case failed(code: Int32)
}

/// The POSIX TCP calls the transport makes: blocking reads, `TCP_NODELAY`, and `poll` for the
/// connect timeout (sends are in `SocketConnection`).
enum Socket {
    /// The most addresses one host name may resolve to that a connect or bind tries.
    static let addressesMax = 16
    /// The listen backlog.
    static let backlogMax: Int32 = 128

    static func resolve(host: String, port: UInt16, passive: Bool) throws(SocketFailure) -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host.isEmpty ? nil : host, String(port), &hints, &list)
        guard status == 0, let list else {
            let reason = status == EAI_SYSTEM ? String(cString: strerror(errno)) : String(cString: gai_strerror(status))
            throw .unknownHost(host, reason: reason)
        }
        defer { freeaddrinfo(list) }
        var addresses: [SocketAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = list
        while let entry = cursor, addresses.count < addressesMax {
            var storage = sockaddr_storage()
            let length = min(entry.pointee.ai_addrlen, socklen_t(MemoryLayout<sockaddr_storage>.size))
            withUnsafeMutableBytes(of: &storage) { target in
                target.copyMemory(from: UnsafeRawBufferPointer(start: entry.pointee.ai_addr, count: Int(length)))
            }
            addresses.append(SocketAddress(family: entry.pointee.ai_family, storage: storage, length: length))
            cursor = entry.pointee.ai_next
        }
        return addresses
    }

    /// A listening socket bound to `host:port` (port 0: the kernel picks), with `SO_REUSEADDR`
    /// so a restarted server can take its port back at once; returns it and the bound port.
    static func listen(host: String, port: UInt16) throws(SocketFailure) -> (descriptor: Int32, port: UInt16) {
        var failure = SocketFailure.unknownHost(host, reason: "no address")
        for var address in try resolve(host: host, port: port, passive: true) {
            let descriptor = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else {
                failure = .call("socket", code: errno)
                continue
            }
            setOption(descriptor, SOL_SOCKET, SO_REUSEADDR, 1)
            let bound = withUnsafePointer(to: &address.storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, address.length) }
            }
            guard bound == 0, Glibc.listen(descriptor, backlogMax) == 0 else {
                failure = .call(bound == 0 ? "listen" : "bind", code: errno)
                close(descriptor)
                continue
            }
            return (descriptor, localPort(descriptor))
        }
        throw failure
    }

    /// Waits for a connection on `listener`; the new descriptor and the peer's address, or `errno`.
    static func accept(_ listener: Int32) -> Result<(descriptor: Int32, peer: String), SocketFailure> {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let descriptor = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.accept(listener, $0, &length)
            }
        }
        guard descriptor >= 0 else { return .failure(.call("accept", code: errno)) }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        return .success((descriptor, numericAddress(&storage, length)))
    }

    /// Starts a non-blocking connect; the descriptor and whether it completed at once.
    static func beginConnect(_ address: SocketAddress) throws(SocketFailure) -> (descriptor: Int32, connected: Bool) {
        var address = address
        let descriptor = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
                                    | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { throw .call("socket", code: errno) }
        let result = withUnsafePointer(to: &address.storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, address.length) }
        }
        if result == 0 { return (descriptor, true) }
        let code = errno
        guard code == EINPROGRESS || code == EINTR else {
            close(descriptor)
            throw .call("connect", code: code)
        }
        return (descriptor, false)
    }

    /// Waits up to `timeoutMilliseconds` for a connect begun by `beginConnect` to finish.
    static func awaitConnect(_ descriptor: Int32, timeoutMilliseconds: Int32) -> ConnectProgress {
        var entry = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        let ready = poll(&entry, 1, max(timeoutMilliseconds, 0))
        guard ready > 0 else { return ready == 0 || errno == EINTR ? .pending : .failed(code: errno) }
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &code, &length) == 0 else { return .failed(code: errno) }
        return code == 0 ? .connected : .failed(code: code)
    }

    /// Makes a connected descriptor blocking again (the reader blocks in `recv`; senders pass
    /// `MSG_DONTWAIT`), with `TCP_NODELAY` (HDFS-3898: RPCs are small and latency-bound).
    static func prepareConnected(_ descriptor: Int32) {
        let flags = fcntl(descriptor, F_GETFL)
        if flags >= 0 && flags & O_NONBLOCK != 0 { _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) }
        setOption(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
    }

    /// Receives up to `buffer.count` bytes; 0 at the end of the stream.
    static func receive(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(SocketFailure) -> Int {
        while true {
            let count = recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if count >= 0 { return count }
            let code = errno
            if code != EINTR { throw .call("recv", code: code) }
        }
    }

    /// The port a bound socket got.
    static func localPort(_ descriptor: Int32) -> UInt16 {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return withUnsafeBytes(of: &storage) { raw in
            // sin_port and sin6_port both sit at offset 2, in network byte order.
            UInt16(raw[2]) << 8 | UInt16(raw[3])
        }
    }

    /// `host:port` (`[host]:port` for IPv6) in numeric form.
    static func numericAddress(_ storage: inout sockaddr_storage, _ length: socklen_t) -> String {
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        var service = [CChar](repeating: 0, count: Int(NI_MAXSERV))
        let status = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getnameinfo($0, length, &host, socklen_t(host.count), &service, socklen_t(service.count),
                            NI_NUMERICHOST | NI_NUMERICSERV)
            }
        }
        guard status == 0 else { return "(unknown)" }
        let hostText = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let serviceText = String(decoding: service.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return hostText.contains(":") ? "[\(hostText)]:\(serviceText)" : "\(hostText):\(serviceText)"
    }

    /// `host:port` as a user wrote it, bracketing an IPv6 literal.
    static func display(host: String, port: UInt16) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    private static func setOption(_ descriptor: Int32, _ level: Int32, _ option: Int32, _ value: Int32) {
        var value = value
        setsockopt(descriptor, level, option, &value, socklen_t(MemoryLayout<Int32>.size))
    }
}
