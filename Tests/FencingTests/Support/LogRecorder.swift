import Synchronization

/// Collects what a `NodeFencer` logs, from any thread.
final class LogRecorder: Sendable {
    private let storage = Mutex<[String]>([])

    /// The sink to hand to `NodeFencer(log:)`.
    var sink: @Sendable (String) -> Void {
        { [self] line in storage.withLock { $0.append(line) } }
    }

    /// Every line logged so far, in order.
    var lines: [String] { storage.withLock { $0 } }

    /// Whether some line contains `text`.
    func contains(_ text: String) -> Bool { lines.contains { $0.contains(text) } }

    /// Everything logged, for failure messages.
    var transcript: String { lines.joined(separator: "\n") }
}
