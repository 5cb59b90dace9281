import XCTest
@testable import Namespace

/// mkdirs as upstream FSDirMkdirOp.mkdirs and the `hdfs dfs -mkdir` shell behave.
final class MkdirsTests: XCTestCase {
    func testCreatesMissingChainWithImplicitUserWriteExecuteOnAncestors() throws {
        // FSDirMkdirOp.addImplicitUwx: directories created on the way get u+wx added.
        var namespace = Namespace()
        let logged = try namespace.perform(Op.mkdir("/a/b/c", permission: 0o500, time: 7))
        XCTAssertEqual(logged, Op.mkdir("/a/b/c", permission: 0o500, time: 7))
        XCTAssertEqual(namespace.count, 4)
        XCTAssertEqual(try namespace.status("/a").permission, 0o700)
        XCTAssertEqual(try namespace.status("/a/b").permission, 0o700)
        let leaf = try namespace.status("/a/b/c")
        XCTAssertEqual(leaf.permission, 0o500)
        XCTAssertTrue(leaf.isDirectory)
        XCTAssertEqual(leaf.owner, "alice")
        XCTAssertEqual(leaf.group, "staff")
        XCTAssertEqual(leaf.modificationTime, 7)
        XCTAssertEqual(leaf.accessTime, 0, "HDFS keeps no access time on directories")
        XCTAssertEqual(try namespace.status("/").modificationTime, 7, "the parent's mtime rises to the child's")
    }

    func testWithoutCreateParentNeedsTheParent() throws {
        var namespace = makeNamespace([Op.mkdir("/a")])
        try namespace.apply(Op.mkdir("/a/b", parents: false))
        XCTAssertTrue(try namespace.status("/a/b").isDirectory)
        let error = assertRefused(Op.mkdir("/x/y", parents: false), in: namespace, .fileNotFound,
                                  "Parent directory doesn't exist: /x")
        XCTAssertEqual(error?.shellMessage(command: "mkdir"), "mkdir: `/x/y': No such file or directory")
        assertRefused(Op.mkdir("/x/y/z", parents: false), in: namespace, .fileNotFound,
                      "Parent directory doesn't exist: /x/y")
    }

    func testExistingDirectoryIsANoOpThatIsNotLogged() throws {
        // mkdirs on an existing directory returns true upstream and logs nothing.
        var namespace = makeNamespace([Op.mkdir("/a/b")])
        let before = namespace.digest
        XCTAssertNil(namespace.validate(Op.mkdir("/a/b", parents: false, time: 99)))
        XCTAssertNil(try namespace.prepare(Op.mkdir("/a/b", time: 99)))
        XCTAssertNil(try namespace.perform(Op.mkdir("/a", time: 99)))
        XCTAssertNil(try namespace.perform(Op.mkdir("/", time: 99)))
        XCTAssertEqual(namespace.digest, before)
        XCTAssertEqual(ShellText.fileExists("mkdir", "/a/b"), "mkdir: `/a/b': File exists",
                       "the shell's own check for mkdir without -p")
    }

    func testOnAFileFails() {
        let namespace = makeNamespace([Op.touch("/f")])
        let error = assertRefused(Op.mkdir("/f"), in: namespace, .fileAlreadyExists, "Path is not a directory: /f")
        XCTAssertEqual(error?.kind, .existsAsFile)
        XCTAssertEqual(error?.shellMessage(command: "mkdir"), "mkdir: `/f': Is not a directory")
    }

    func testBelowAFileFails() {
        // FSPermissionChecker.checkSimpleTraverse names the first ancestor that is not a directory.
        let namespace = makeNamespace([Op.mkdir("/a"), Op.touch("/a/f")])
        let error = assertRefused(Op.mkdir("/a/f/x/y"), in: namespace, .parentNotDirectory,
                                  "/a/f (is not a directory)")
        XCTAssertEqual(error?.shellMessage(command: "mkdir"), "mkdir: /a/f (is not a directory)")
        assertRefused(Op.mkdir("/a/f/x", parents: false), in: namespace, .parentNotDirectory,
                      "/a/f (is not a directory)")
    }

    func testInvalidPathsAreRefusedNamingThePath() {
        let namespace = Namespace()
        for path in ["a/b", "", "/a/../b", "/a/./b", "/a//b", "/a/", "/a:b", "/.reserved", "/.reserved/x", "/.."] {
            let error = assertRefused(Op.mkdir(path), in: namespace, .invalidPath, "Invalid file name: \(path)")
            XCTAssertEqual(error?.path, path)
        }
    }

    func testLimits() {
        // NameNodeRpcServer.checkPathLength, FSDirectory.verifyMaxComponentLength.
        let namespace = makeNamespace([Op.mkdir("/a")])
        let deep = String(repeating: "/d", count: NamespacePath.depthMax + 1)
        assertRefused(Op.mkdir(deep), in: namespace, .io,
                      "mkdirs: Pathname too long.  Limit 8000 characters, 1000 levels.")
        let long = "/" + String(repeating: "x", count: NamespacePath.lengthMax)
        assertRefused(Op.mkdir(long), in: namespace, .io,
                      "mkdirs: Pathname too long.  Limit 8000 characters, 1000 levels.")
        let name = String(repeating: "n", count: 256)
        assertRefused(Op.mkdir("/a/\(name)/c"), in: namespace, .pathComponentTooLong,
                      "The maximum path component name limit of \(name) in directory /a is exceeded: "
                      + "limit=255 length=256")
        var withLongestName = namespace
        XCTAssertNoThrow(try withLongestName.apply(Op.mkdir("/a/" + String(name.dropLast()))))
    }

    func testFullDirectoryIsRefused() {
        // FSDirectory.verifyMaxDirItems; the directory is filled directly to keep the test short.
        var namespace = makeNamespace([Op.mkdir("/full")])
        let full = namespace.resolve([Array("full".utf8)]).last!
        var children: [[UInt8]: UInt64] = [:]
        children.reserveCapacity(Namespace.directoryItemsMax)
        for index in 0..<Namespace.directoryItemsMax { children[Array(String(index).utf8)] = UInt64(index) }
        namespace.inodes[full]?.children = children
        XCTAssertEqual(namespace.validate(Op.mkdir("/full/new"))?.message,
                       "The directory item limit of /full is exceeded: limit=1048576 items=1048576")
        XCTAssertEqual(namespace.validate(Op.mkdir("/full/new"))?.exceptionClass, .maxDirectoryItemsExceeded)
        XCTAssertEqual(namespace.validate(Op.touch("/full/new"))?.kind, .directoryFull)
    }
}
