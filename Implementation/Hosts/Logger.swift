import Glibc

/// Log lines in Hadoop's layout (`2026-11-21 09:00:00,123 INFO journalnode: text`), each written to
/// standard error with one `write` so lines from different threads never interleave.
public struct Logger: Sendable {
    public enum Level: String, Sendable { case info = "INFO", warn = "WARN", error = "ERROR", fatal = "FATAL" }

    /// The daemon or tool name printed on every line.
    public let name: String

    public init(name: String) { self.name = name }

    public func info(_ message: String) { write(.info, message) }
    public func warn(_ message: String) { write(.warn, message) }
    public func error(_ message: String) { write(.error, message) }
    public func fatal(_ message: String) { write(.fatal, message) }

    public func write(_ level: Level, _ message: String) {
        var line = Array("\(Logger.timestamp()) \(level.rawValue) \(name): \(message)\n".utf8)
        line.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { if errno == EINTR { continue }; return }
                offset += written
            }
        }
    }

    /// Local wall-clock time with milliseconds, as log4j's ISO8601 layout.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        localtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2)) "
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)),\(pad(Int32(now.tv_nsec / 1_000_000), 3))"
    }
}
