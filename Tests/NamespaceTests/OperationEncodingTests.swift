import Support
import XCTest
@testable import Namespace

/// The edit encoding: an op code byte numbered as FSEditLogOpCodes, then the fields.
final class OperationEncodingTests: XCTestCase {
    let operations: [NamespaceOperation] = [
        Op.mkdir("/a/b", parents: false, permission: 0o1750, owner: "ö", group: "g", time: -5),
        Op.touch("/a/f", overwrite: true, replication: 512, blockSize: UInt64.max, permission: 0o600, time: .max),
        Op.rm("/a", recursive: true, time: 0),
        Op.mv("/a/f", "/b/g", time: 123_456_789),
    ]

    func testEveryOperationRoundTrips() throws {
        for operation in operations {
            XCTAssertEqual(try NamespaceOperation.decode(operation.encode()), operation)
        }
    }

    func testOpCodesFollowFSEditLogOpCodes() {
        XCTAssertEqual(operations.map { $0.encode()[0] }, [3, 0, 2, 1], "OP_MKDIR, OP_ADD, OP_DELETE, OP_RENAME_OLD")
    }

    func testAStreamOfEditsDecodesInOrder() throws {
        var writer = BinaryWriter()
        for operation in operations { operation.encode(into: &writer) }
        var reader = BinaryReader(writer.bytes)
        var decoded: [NamespaceOperation] = []
        while !reader.isAtEnd { decoded.append(try NamespaceOperation.decode(from: &reader)) }
        XCTAssertEqual(decoded, operations)
    }

    func testMalformedBytesNameTheField() {
        XCTAssertThrowsError(try NamespaceOperation.decode([9])) { error in
            XCTAssertEqual(error as? BinaryError, .invalid(field: "opCode", detail: "unknown op code 9"))
        }
        let bytes = Op.rm("/a").encode()
        XCTAssertThrowsError(try NamespaceOperation.decode(Array(bytes.dropLast(3)))) { error in
            XCTAssertEqual(error as? BinaryError, .truncated(field: "delete.modificationTime", needed: 8, available: 5))
        }
        XCTAssertThrowsError(try NamespaceOperation.decode(bytes + [0, 0])) { error in
            XCTAssertEqual(error as? BinaryError, .invalid(field: "edit", detail: "2 bytes after the delete op"))
        }
        var badBool = Op.rm("/a").encode()
        badBool[1 + 4 + 2] = 7
        XCTAssertThrowsError(try NamespaceOperation.decode(badBool)) { error in
            XCTAssertEqual(error as? BinaryError, .invalid(field: "delete.recursive", detail: "boolean byte 7"))
        }
    }

    func testErrorsAndStatusesRoundTripForTheWire() throws {
        let namespace = makeNamespace([Op.mkdir("/a/b"), Op.touch("/a/f")])
        let errors = [namespace.validate(Op.mv("/a", "/a/b")), namespace.validate(Op.rm("/x"))].compactMap { $0 }
        XCTAssertEqual(errors.count, 2)
        var writer = BinaryWriter()
        for error in errors { error.encode(into: &writer) }
        let statuses = try namespace.list("/a")
        for status in statuses { status.encode(into: &writer) }
        var reader = BinaryReader(writer.bytes)
        XCTAssertEqual(try errors.map { _ in try NamespaceError.decode(from: &reader) }, errors)
        XCTAssertEqual(try statuses.map { _ in try FileStatus.decode(from: &reader) }, statuses)
        XCTAssertTrue(reader.isAtEnd)
        var foreign = BinaryWriter()
        foreign.write("java.lang.OutOfMemoryError")
        var foreignReader = BinaryReader(foreign.bytes)
        XCTAssertThrowsError(try NamespaceError.decode(from: &foreignReader)) { error in
            XCTAssertEqual(error as? BinaryError,
                           .invalid(field: "error.class", detail: "unknown class java.lang.OutOfMemoryError"))
        }
    }

    func testDescriptionIsReadableInTraces() {
        XCTAssertEqual(Op.mkdir("/a", time: 1).description,
                       "mkdirs /a createParent=true permission=0755 owner=alice group=staff mtime=1")
        XCTAssertEqual(Op.mv("/a", "/b", time: 2).description, "rename /a /b mtime=2")
    }
}
