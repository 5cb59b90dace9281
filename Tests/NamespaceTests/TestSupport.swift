import Foundation
import XCTest
@testable import Namespace

/// Operation builders with the defaults a test does not care about.
enum Op {
    static func mkdir(_ path: String, parents: Bool = true, permission: UInt16 = 0o755, owner: String = "alice",
                      group: String = "staff", time: Int64 = 1_000) -> NamespaceOperation {
        .mkdirs(path: path, createParent: parents, permission: permission, owner: owner, group: group,
                modificationTime: time)
    }

    static func touch(_ path: String, overwrite: Bool = false, replication: UInt16 = 3,
                      blockSize: UInt64 = 134_217_728, permission: UInt16 = 0o644, owner: String = "alice",
                      group: String = "staff", time: Int64 = 2_000) -> NamespaceOperation {
        .create(path: path, overwrite: overwrite, replication: replication, blockSize: blockSize,
                permission: permission, owner: owner, group: group, modificationTime: time)
    }

    static func rm(_ path: String, recursive: Bool = false, time: Int64 = 3_000) -> NamespaceOperation {
        .delete(path: path, recursive: recursive, modificationTime: time)
    }

    static func mv(_ source: String, _ destination: String, time: Int64 = 4_000) -> NamespaceOperation {
        .rename(source: source, destination: destination, modificationTime: time)
    }
}

/// A namespace built by applying `operations`, failing the test if one is refused.
func makeNamespace(_ operations: [NamespaceOperation], file: StaticString = #filePath,
                   line: UInt = #line) -> Namespace {
    var namespace = Namespace()
    for operation in operations {
        do {
            try namespace.apply(operation)
        } catch {
            XCTFail("\(operation) refused: \(error)", file: file, line: line)
        }
    }
    return namespace
}

/// Asserts that `operation` is refused with `exceptionClass` and `message`, by `validate` and by
/// `apply` alike, and that the refused `apply` changes nothing. Returns the error.
@discardableResult
func assertRefused(_ operation: NamespaceOperation, in namespace: Namespace,
                   _ exceptionClass: NamespaceError.ExceptionClass, _ message: String,
                   clientMachine: String = Namespace.defaultClientMachine,
                   file: StaticString = #filePath, line: UInt = #line) -> NamespaceError? {
    let validated = namespace.validate(operation, clientMachine: clientMachine)
    XCTAssertEqual(validated?.exceptionClass, exceptionClass, "class", file: file, line: line)
    XCTAssertEqual(validated?.message, message, "message", file: file, line: line)
    var copy = namespace
    do {
        try copy.apply(operation, clientMachine: clientMachine)
        XCTFail("apply accepted \(operation)", file: file, line: line)
    } catch {
        XCTAssertEqual(error, validated, "apply and validate disagree", file: file, line: line)
    }
    XCTAssertEqual(copy.digest, namespace.digest, "a refused operation changed the tree", file: file, line: line)
    XCTAssertEqual(copy.count, namespace.count, file: file, line: line)
    return validated
}

/// A fresh directory under the system's temporary directory, removed by `removeTemporaryDirectory`.
func makeTemporaryDirectory(_ label: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.path + "/qjm-namespace-\(label)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func removeTemporaryDirectory(_ path: String?) {
    guard let path else { return }
    try? FileManager.default.removeItem(atPath: path)
}

/// SplitMix64: a small seeded generator, so a randomized test reproduces from its printed seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
