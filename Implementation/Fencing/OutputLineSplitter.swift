/// Cuts the bytes a child writes to one pipe into lines, as Java's `BufferedReader.readLine`
/// (which upstream's `StreamPumper` uses) does: `\n` ends a line, a `\r` before it is dropped,
/// and a last line without `\n` still counts at end of file.
///
/// A line longer than `lineBytesMax` is cut into pieces of that size, so a child that never
/// writes a newline cannot make the fencer hold unbounded memory.
struct OutputLineSplitter {
    /// The longest line kept whole; longer ones are handed out in pieces.
    static let lineBytesMax = 8_192

    /// Bytes received after the last complete line.
    private var pending: [UInt8] = []

    /// Adds `bytes` and returns every line they complete, without line terminators.
    mutating func append<Bytes: Collection>(_ bytes: Bytes) -> [String] where Bytes.Element == UInt8 {
        var lines: [String] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                lines.append(takePending())
                continue
            }
            pending.append(byte)
            if pending.count >= OutputLineSplitter.lineBytesMax {
                lines.append(takePending())
            }
        }
        return lines
    }

    /// The unterminated last line at end of file, if there is one.
    mutating func finish() -> String? {
        pending.isEmpty ? nil : takePending()
    }

    /// The pending bytes as text (invalid UTF-8 replaced), with one trailing `\r` removed.
    private mutating func takePending() -> String {
        if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
        let line = String(decoding: pending, as: UTF8.self)
        pending.removeAll(keepingCapacity: true)
        return line
    }
}
