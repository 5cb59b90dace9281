import XCTest
@testable import Namespace

/// status and list as FSDirStatAndListingOp and DistributedFileSystem report them.
final class ReadTests: XCTestCase {
    func testStatusOfTheRootAndOfEntries() throws {
        let namespace = makeNamespace([Op.mkdir("/d", time: 5), Op.touch("/d/f", time: 6)])
        let root = try namespace.status("/")
        XCTAssertEqual(root.path, "/")
        XCTAssertEqual(root.owner, "hdfs")
        XCTAssertEqual(root.group, "supergroup")
        XCTAssertEqual(root.permission, 0o755)
        XCTAssertEqual(root.symbolicPermission, "drwxr-xr-x")
        XCTAssertEqual(root.childrenCount, 1)
        XCTAssertEqual(try namespace.status("/d/f").symbolicPermission, "-rw-r--r--")
        XCTAssertEqual(try namespace.status("/d").replication, 0)
    }

    func testListSortsByNameBytesAndAFileListsItself() throws {
        let namespace = makeNamespace([Op.mkdir("/d/b"), Op.touch("/d/a"), Op.touch("/d/C"), Op.touch("/d/é")])
        XCTAssertEqual(try namespace.list("/d").map(\.path), ["/d/C", "/d/a", "/d/b", "/d/é"])
        XCTAssertEqual(try namespace.list("/").map(\.path), ["/d"])
        XCTAssertEqual(try namespace.list("/d/a"), [try namespace.status("/d/a")])
    }

    func testMissingPaths() {
        let namespace = makeNamespace([Op.touch("/f")])
        XCTAssertThrowsError(try namespace.status("/x")) { error in
            XCTAssertEqual((error as? NamespaceError)?.message, "File does not exist: /x")
            XCTAssertEqual((error as? NamespaceError)?.exceptionClass, .fileNotFound)
        }
        XCTAssertThrowsError(try namespace.status("/f/x")) { error in
            XCTAssertEqual((error as? NamespaceError)?.message, "File does not exist: /f/x",
                           "getFileInfo returns null to a superuser below a file")
        }
        XCTAssertThrowsError(try namespace.list("/x")) { error in
            XCTAssertEqual((error as? NamespaceError)?.message, "File /x does not exist.")
            XCTAssertEqual((error as? NamespaceError)?.shellMessage(command: "ls"),
                           "ls: `/x': No such file or directory")
        }
        XCTAssertThrowsError(try namespace.list("/f/x")) { error in
            XCTAssertEqual((error as? NamespaceError)?.exceptionClass, .accessControl)
            XCTAssertEqual((error as? NamespaceError)?.message, "/f (is not a directory)")
            XCTAssertEqual((error as? NamespaceError)?.shellMessage(command: "ls"),
                           "ls: `/f/x': No such file or directory")
        }
        XCTAssertThrowsError(try namespace.list("x")) { error in
            XCTAssertEqual((error as? NamespaceError)?.message, "Invalid file name: x")
            XCTAssertEqual((error as? NamespaceError)?.description,
                           "org.apache.hadoop.fs.InvalidPathException: Invalid file name: x")
        }
    }

    func testClientSideNormalisationAsHadoopPath() {
        XCTAssertEqual(NamespacePath.normalise("/a//b/"), "/a/b")
        XCTAssertEqual(NamespacePath.normalise("/a/./b/../c"), "/a/c")
        XCTAssertEqual(NamespacePath.normalise("/"), "/")
        XCTAssertEqual(NamespacePath.normalise("/../a"), "/../a", "a .. above the root stays and is refused")
        XCTAssertEqual(NamespacePath.normalise("a/b/"), "a/b")
        XCTAssertFalse(NamespacePath.isValid(NamespacePath.normalise("/../a")))
        XCTAssertTrue(NamespacePath.isValid(NamespacePath.normalise("//a///b//")))
    }

    func testSymbolicPermissionShowsTheStickyBit() {
        var status = FileStatus(path: "/tmp", isDirectory: true, replication: 0, blockSize: 0, modificationTime: 0,
                                accessTime: 0, permission: 0o1777, owner: "hdfs", group: "supergroup",
                                childrenCount: 0)
        XCTAssertEqual(status.symbolicPermission, "drwxrwxrwt")
        status.permission = 0o1770
        XCTAssertEqual(status.symbolicPermission, "drwxrwx--T")
    }
}
