@preconcurrency import Glibc
import Foundation

/// A fresh directory under /tmp, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init(_ label: String) throws {
        var template = Array("/tmp/qjm-fencing-\(label)-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw TestFailure("mkdtemp: \(String(cString: strerror(errno)))")
        }
        path = String(cString: made)
    }

    /// The path of `name` inside the directory.
    func file(_ name: String) -> String { "\(path)/\(name)" }

    /// The text of `name` inside the directory.
    func read(_ name: String) throws -> String { try String(contentsOfFile: file(name), encoding: .utf8) }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A test set-up step that failed, with the reason.
struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
