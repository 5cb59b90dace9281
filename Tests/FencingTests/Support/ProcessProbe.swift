@preconcurrency import Glibc
import Foundation

/// Questions about processes that are not this test's children.
enum ProcessProbe {
    /// How long `waitUntilGone` waits for the kernel to finish a process already sent SIGKILL.
    static let goneWaitMax: Duration = .seconds(10)
    /// The pause between two looks at /proc while waiting.
    static let lookInterval: Duration = .milliseconds(10)

    /// Whether `pid` is gone: no such process, or a zombie (an orphan's zombie lingers until
    /// init reaps it, and init in a container may never do so).
    static func isGone(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return errno == ESRCH }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        // "pid (comm) S ...": the state letter follows the last ')'.
        return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
    }

    /// Waits (at most `goneWaitMax`) for `pid`, already signalled, to be gone; says whether it is.
    static func waitUntilGone(_ pid: pid_t) -> Bool {
        let deadline = ContinuousClock.now + goneWaitMax
        while ContinuousClock.now < deadline {
            if isGone(pid) { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return isGone(pid)
    }

    /// A TCP port on 127.0.0.1 that nothing listens on right now (the kernel's choice for port 0).
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw TestFailure("bind 127.0.0.1:0: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
