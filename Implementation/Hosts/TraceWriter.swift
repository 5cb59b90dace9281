import Foundation
import Model
import Support
import Synchronization

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

    /// Writes one step; `durable` (the digest after the step) is computed only when tracing.
    public func record<Input: Codable, Effect: Codable>(lamport: UInt64, input: Input, effects: [Effect],
                                                      durable: @autoclosure () -> UInt64, hostError: String? = nil) {
        write { step in
            step += 1
            return TraceRecord(node: node, step: step, lamport: lamport, input: input, effects: effects,
                               durable: String(durable(), radix: 16), hostError: hostError)
        }
    }

    /// Writes a start line: the state the node's model is (re)built from.
    public func recordStart<State: Codable>(lamport: UInt64, state: State) {
        write { _ in TraceStart(node: node, lamport: lamport, start: state) }
    }

    /// Encodes the line `make` builds (given the step counter) and appends it, if tracing.
    private func write<Line: Encodable>(_ make: (inout UInt64) -> Line) {
        state.withLock { state in
            guard let handle = state.handle else { return }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            guard var data = try? encoder.encode(make(&state.step)) else { return }
            data.append(0x0A)
            try? handle.write(contentsOf: data)
        }
    }

    public func close() { state.withLock { try? $0.handle?.close(); $0.handle = nil } }
}
