import Foundation
import Support
import Synchronization

/// One step of a daemon's node: what came in, what the model answered, and the durable state
/// after it. A trace file holds one JSON object per line; see Implementation/Hosts/README.md.
public struct TraceRecord<Input: Codable, Effect: Codable>: Codable {
    /// The node, e.g. `journalnode:127.0.0.1:8485/mycluster` or `namenode:nn1`.
    public var node: String
    /// The step's number within this trace file, from 1.
    public var step: UInt64
    /// The Lamport time of the step (after receiving the input's message, if any).
    public var lamport: UInt64
    public var input: Input
    public var effects: [Effect]
    /// `JournalDurableState.digest` (JournalNodes) or the namespace digest (NameNodes), in hex.
    public var durable: String
    /// How the host fared executing the effects: nil when all were carried out, else the error.
    public var hostError: String?
}

/// Appends trace records to a JSON-lines file, thread-safe; a no-op when tracing is off.
public final class TraceWriter: Sendable {
    private let state: Mutex<(handle: FileHandle?, step: UInt64)>
    public let node: String

    /// Opens (appending) `path`, or traces nothing when `path` is nil.
    public init(path: String?, node: String) throws {
        self.node = node
        var handle: FileHandle?
        if let path {
            if !FileManager.default.fileExists(atPath: path) {
                guard FileManager.default.createFile(atPath: path, contents: nil) else {
                    throw SystemError("create", path: path)
                }
            }
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle?.seekToEnd()
        }
        state = Mutex((handle, 0))
    }

    public var isEnabled: Bool { state.withLock { $0.handle != nil } }

    /// Writes one step; `durable` is the digest after the step.
    public func record<Input: Codable, Effect: Codable>(lamport: UInt64, input: Input, effects: [Effect],
                                                      durable: UInt64, hostError: String? = nil) {
        state.withLock { state in
            guard let handle = state.handle else { return }
            state.step += 1
            let record = TraceRecord(node: node, step: state.step, lamport: lamport, input: input, effects: effects,
                                     durable: String(durable, radix: 16), hostError: hostError)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            guard var line = try? encoder.encode(record) else { return }
            line.append(0x0A)
            try? handle.write(contentsOf: line)
        }
    }

    public func close() { state.withLock { try? $0.handle?.close(); $0.handle = nil } }
}
