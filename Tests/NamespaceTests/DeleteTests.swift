import XCTest
@testable import Namespace

/// delete as upstream FSDirDeleteOp and the `hdfs dfs -rm` shell behave.
final class DeleteTests: XCTestCase {
    func testDeletesAFileAndAnEmptyDirectory() throws {
        var namespace = makeNamespace([Op.mkdir("/d/e", time: 1), Op.touch("/d/f", time: 2)])
        XCTAssertEqual(try namespace.perform(Op.rm("/d/f", time: 30)), Op.rm("/d/f", time: 30))
        try namespace.apply(Op.rm("/d/e", recursive: false, time: 40))
        XCTAssertEqual(try namespace.list("/d"), [])
        XCTAssertEqual(try namespace.status("/d").modificationTime, 40)
        XCTAssertEqual(namespace.count, 2)
    }

    func testRecursiveDeleteRemovesTheSubtree() throws {
        var namespace = makeNamespace([Op.mkdir("/a/b/c"), Op.touch("/a/b/f"), Op.touch("/a/g"), Op.mkdir("/z")])
        XCTAssertEqual(namespace.count, 7)
        try namespace.apply(Op.rm("/a", recursive: true))
        XCTAssertEqual(namespace.count, 2)
        XCTAssertEqual(try namespace.list("/").map(\.path), ["/z"])
        XCTAssertEqual(namespace.digest, makeNamespace([Op.mkdir("/z"), Op.rm("/z"), Op.mkdir("/z")]).digest)
    }

    func testNonEmptyDirectoryNeedsRecursive() {
        let namespace = makeNamespace([Op.mkdir("/d"), Op.touch("/d/f")])
        let error = assertRefused(Op.rm("/d"), in: namespace, .pathIsNotEmptyDirectory, "/d is non empty")
        XCTAssertEqual(error?.shellMessage(command: "rm"), "rm: `/d': Is a directory")
        XCTAssertEqual(error?.shellMessage(command: "rmdir"), "rmdir: `/d': Directory is not empty")
        XCTAssertEqual(ShellText.isDirectory("rm", "/e"), "rm: `/e': Is a directory",
                       "the shell's own check for rm without -r on an empty directory")
    }

    func testMissingPath() {
        // Upstream's delete returns false and logs this line; the shell stats first.
        let namespace = makeNamespace([Op.touch("/f")])
        let error = assertRefused(Op.rm("/x"), in: namespace, .fileNotFound,
                                  "failed to remove /x because it does not exist")
        XCTAssertEqual(error?.shellMessage(command: "rm"), "rm: `/x': No such file or directory")
        let below = assertRefused(Op.rm("/f/x"), in: namespace, .accessControl, "/f (is not a directory)")
        XCTAssertEqual(below?.shellMessage(command: "rm"), "rm: `/f/x': No such file or directory")
    }

    func testRootIsRefused() {
        let empty = Namespace()
        let error = assertRefused(Op.rm("/", recursive: true), in: empty, .io,
                                  "failed to remove / because the root is not allowed to be deleted")
        XCTAssertEqual(error?.shellMessage(command: "rm"), "rm: `/': Input/output error")
        assertRefused(Op.rm("/"), in: empty, .io, "failed to remove / because the root is not allowed to be deleted")
        let full = makeNamespace([Op.mkdir("/a")])
        assertRefused(Op.rm("/"), in: full, .pathIsNotEmptyDirectory, "/ is non empty")
        assertRefused(Op.rm("/", recursive: true), in: full, .io,
                      "failed to remove / because the root is not allowed to be deleted")
    }

    func testInvalidPath() {
        assertRefused(Op.rm("/a/../b"), in: Namespace(), .invalidPath, "Invalid path name /a/../b")
        assertRefused(Op.rm("b"), in: Namespace(), .invalidPath, "Invalid path name b")
    }
}
