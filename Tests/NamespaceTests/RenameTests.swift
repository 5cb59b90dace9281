import XCTest
@testable import Namespace

/// rename with HDFS's original semantics (FSDirRenameOp.renameToInt, dstForRenameTo,
/// unprotectedRenameTo without options).
final class RenameTests: XCTestCase {
    func testRenamesAFile() throws {
        var namespace = makeNamespace([Op.mkdir("/a", time: 1), Op.mkdir("/b", time: 1), Op.touch("/a/f", time: 2)])
        XCTAssertEqual(try namespace.perform(Op.mv("/a/f", "/b/g", time: 50)), Op.mv("/a/f", "/b/g", time: 50))
        XCTAssertEqual(try namespace.status("/b/g").modificationTime, 2, "the moved file keeps its times")
        XCTAssertEqual(try namespace.status("/a").modificationTime, 50)
        XCTAssertEqual(try namespace.status("/b").modificationTime, 50)
        XCTAssertThrowsError(try namespace.status("/a/f"))
    }

    func testExistingDirectoryDestinationMovesInsideAndLogsTheResolvedPath() throws {
        var namespace = makeNamespace([Op.mkdir("/src/x/y"), Op.touch("/src/x/f"), Op.mkdir("/dst")])
        let logged = try namespace.prepare(Op.mv("/src/x", "/dst"))
        XCTAssertEqual(logged, Op.mv("/src/x", "/dst/x"))
        let count = namespace.count
        try namespace.apply(Op.mv("/src/x", "/dst"))
        XCTAssertEqual(try namespace.list("/dst/x").map(\.path), ["/dst/x/f", "/dst/x/y"])
        XCTAssertEqual(namespace.count, count)
        var replayed = makeNamespace([Op.mkdir("/src/x/y"), Op.touch("/src/x/f"), Op.mkdir("/dst")])
        try replayed.apply(logged!)
        XCTAssertEqual(replayed.digest, namespace.digest, "the logged edit replays to the same tree")
    }

    func testRenameOntoItselfIsANoOp() throws {
        // Upstream returns true for dst == src; we neither change nor log anything.
        var namespace = makeNamespace([Op.mkdir("/a"), Op.touch("/a/f")])
        let before = namespace.digest
        XCTAssertNil(try namespace.perform(Op.mv("/a/f", "/a/f")))
        XCTAssertNil(try namespace.perform(Op.mv("/a/f", "/a")), "into its own parent resolves to itself")
        XCTAssertNil(try namespace.perform(Op.mv("/a", "/")))
        XCTAssertEqual(namespace.digest, before)
    }

    func testDestinationExists() {
        let namespace = makeNamespace([Op.touch("/f"), Op.touch("/g"), Op.mkdir("/d"), Op.touch("/d/f")])
        let error = assertRefused(Op.mv("/f", "/g"), in: namespace, .fileAlreadyExists,
                                  "failed to rename /f to /g because destination exists")
        XCTAssertEqual(error?.shellMessage(command: "mv"), "mv: `/g': File exists")
        assertRefused(Op.mv("/f", "/d"), in: namespace, .fileAlreadyExists,
                      "failed to rename /f to /d/f because destination exists")
    }

    func testSourceMissingOrRoot() {
        let namespace = makeNamespace([Op.mkdir("/d"), Op.touch("/f")])
        let error = assertRefused(Op.mv("/x", "/d"), in: namespace, .fileNotFound, "rename source /x is not found.")
        XCTAssertEqual(error?.shellMessage(command: "mv"), "mv: `/x': No such file or directory")
        assertRefused(Op.mv("/", "/d"), in: namespace, .io, "rename source cannot be the root")
        assertRefused(Op.mv("/f/x", "/d"), in: namespace, .accessControl, "/f (is not a directory)")
    }

    func testIntoItsOwnSubtree() {
        let namespace = makeNamespace([Op.mkdir("/a/b")])
        let error = assertRefused(Op.mv("/a", "/a/b"), in: namespace, .io,
                                  "Rename destination /a/b/a is a directory or file under source /a")
        XCTAssertEqual(error?.shellMessage(command: "mv"), "mv: `/a' to `/a/b/a': is a subdirectory of itself")
        assertRefused(Op.mv("/a", "/a/c"), in: namespace, .io,
                      "Rename destination /a/c is a directory or file under source /a")
        assertRefused(Op.mv("/a", "/a"), in: namespace, .io,
                      "Rename destination /a/a is a directory or file under source /a")
    }

    func testDestinationParent() {
        let namespace = makeNamespace([Op.touch("/f"), Op.touch("/g")])
        let error = assertRefused(Op.mv("/f", "/x/y"), in: namespace, .fileNotFound,
                                  "failed to rename /f to /x/y because destination's parent does not exist")
        XCTAssertEqual(error?.shellMessage(command: "mv"), "mv: `/x/y': No such file or directory")
        assertRefused(Op.mv("/f", "/g/y"), in: namespace, .parentNotDirectory, "/g (is not a directory)")
    }

    func testInvalidPaths() {
        let namespace = makeNamespace([Op.touch("/f")])
        assertRefused(Op.mv("/f", "g"), in: namespace, .io, "Invalid name: g")
        assertRefused(Op.mv("/f", "/a/../g"), in: namespace, .io, "Invalid name: /a/../g")
        assertRefused(Op.mv("f", "/g"), in: namespace, .invalidPath, "Invalid path name f")
        assertRefused(Op.mv("/f", String(repeating: "/d", count: 1001)), in: namespace, .io,
                      "rename: Pathname too long.  Limit 8000 characters, 1000 levels.")
        let name = String(repeating: "n", count: 256)
        assertRefused(Op.mv("/f", "/\(name)"), in: namespace, .pathComponentTooLong,
                      "The maximum path component name limit of \(name) in directory / is exceeded: "
                      + "limit=255 length=256")
    }
}
