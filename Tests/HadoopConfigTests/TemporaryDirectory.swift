import Foundation
import HadoopConfig
import XCTest

/// A directory of its own for one test, removed at the end.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "hadoop-config-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` inside the directory.
    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path + "/" + name))
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A configuration file with one `<property>` per (name, value) pair.
func siteXML(_ properties: [(String, String)], final finalKeys: Set<String> = []) -> String {
    var text = "<?xml version=\"1.0\"?>\n<configuration>\n"
    for (name, value) in properties {
        text += "  <property>\n    <name>\(name)</name>\n    <value>\(value)</value>\n"
        if finalKeys.contains(name) { text += "    <final>true</final>\n" }
        text += "  </property>\n"
    }
    return text + "</configuration>\n"
}

/// Asserts that `body` throws exactly `expected`, and that its text is `text` when given.
func XCTAssertConfigError<T>(_ body: @autoclosure () throws -> T, _ expected: ConfigErrorMatcher,
                             file: StaticString = #filePath, line: UInt = #line) {
    do {
        _ = try body()
        XCTFail("expected an error", file: file, line: line)
    } catch {
        expected.check(error, file: file, line: line)
    }
}

/// What an expected error must be: a whole ConfigError, or only its description.
enum ConfigErrorMatcher {
    case error(ConfigError)
    case text(String)

    func check(_ error: Error, file: StaticString, line: UInt) {
        guard let configError = error as? ConfigError else {
            XCTFail("not a ConfigError: \(error)", file: file, line: line)
            return
        }
        switch self {
        case .error(let expected): XCTAssertEqual(configError, expected, file: file, line: line)
        case .text(let expected): XCTAssertEqual(configError.description, expected, file: file, line: line)
        }
    }
}
