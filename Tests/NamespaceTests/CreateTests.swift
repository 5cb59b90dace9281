import XCTest
@testable import Namespace

/// create (an empty, closed file, as `hdfs dfs -touchz`) as upstream FSNamesystem.startFileInt and
/// FSDirWriteFileOp.startFile behave.
final class CreateTests: XCTestCase {
    func testCreatesAnEmptyFile() throws {
        var namespace = makeNamespace([Op.mkdir("/d", time: 10)])
        let logged = try namespace.perform(Op.touch("/d/f", replication: 2, blockSize: 1_048_576, permission: 0o640,
                                                    owner: "bob", group: "users", time: 20))
        XCTAssertNotNil(logged)
        XCTAssertEqual(try namespace.status("/d/f"),
                       FileStatus(path: "/d/f", isDirectory: false, length: 0, replication: 2, blockSize: 1_048_576,
                                  modificationTime: 20, accessTime: 20, permission: 0o640, owner: "bob",
                                  group: "users", childrenCount: 0))
        XCTAssertEqual(try namespace.status("/d").modificationTime, 20)
        XCTAssertEqual(try namespace.status("/d").childrenCount, 1)
        XCTAssertEqual(namespace.count, 3)
    }

    func testOverwriteReplacesAFile() throws {
        var namespace = makeNamespace([Op.touch("/f", replication: 3, time: 5)])
        try namespace.apply(Op.touch("/f", overwrite: true, replication: 1, time: 9))
        let status = try namespace.status("/f")
        XCTAssertEqual(status.replication, 1)
        XCTAssertEqual(status.modificationTime, 9)
        XCTAssertEqual(namespace.count, 2)
    }

    func testExistingFileWithoutOverwrite() {
        let namespace = makeNamespace([Op.touch("/f")])
        assertRefused(Op.touch("/f"), in: namespace, .fileAlreadyExists, "/f for client 127.0.0.1 already exists")
        let error = assertRefused(Op.touch("/f"), in: namespace, .fileAlreadyExists,
                                  "/f for client 10.0.0.7 already exists", clientMachine: "10.0.0.7")
        XCTAssertEqual(error?.shellMessage(command: "touchz"), "touchz: `/f': File exists")
    }

    func testOnADirectory() {
        let namespace = makeNamespace([Op.mkdir("/d")])
        for overwrite in [false, true] {
            let error = assertRefused(Op.touch("/d", overwrite: overwrite), in: namespace, .fileAlreadyExists,
                                      "/d already exists as a directory")
            XCTAssertEqual(error?.shellMessage(command: "touchz"), "touchz: `/d': Is a directory")
        }
        assertRefused(Op.touch("/"), in: namespace, .fileAlreadyExists, "/ already exists as a directory")
    }

    func testParentMustExistAndBeADirectory() {
        let namespace = makeNamespace([Op.touch("/f")])
        let error = assertRefused(Op.touch("/a/f"), in: namespace, .fileNotFound, "Parent directory doesn't exist: /a")
        XCTAssertEqual(error?.shellMessage(command: "touchz"), "touchz: `/a/f': No such file or directory")
        assertRefused(Op.touch("/f/g"), in: namespace, .parentNotDirectory, "/f (is not a directory)")
    }

    func testArgumentsAreChecked() {
        // BlockManager.verifyReplication and the minimum block size of FSNamesystem.startFileInt.
        let namespace = Namespace()
        assertRefused(Op.touch("/f", replication: 0), in: namespace, .io,
                      "Requested replication factor of 0 is less than the required minimum of 1 for /f, "
                      + "clientName=127.0.0.1")
        assertRefused(Op.touch("/f", replication: 513), in: namespace, .io,
                      "Requested replication factor of 513 exceeds maximum of 512 for /f, clientName=127.0.0.1")
        assertRefused(Op.touch("/f", blockSize: 1024), in: namespace, .io,
                      "Specified block size is less than configured minimum value "
                      + "(dfs.namenode.fs-limits.min-block-size): 1024 < 1048576")
        assertRefused(Op.touch("f"), in: namespace, .invalidPath, "Invalid path name f")
        assertRefused(Op.touch("/a/../f"), in: namespace, .invalidPath, "Invalid path name /a/../f")
        assertRefused(Op.touch(String(repeating: "/d", count: 1001)), in: namespace, .io,
                      "create: Pathname too long.  Limit 8000 characters, 1000 levels.")
    }

    func testPermissionKeepsOnlyTheBitsFsPermissionReads() throws {
        // FsPermission.fromShort keeps rwx for three classes and the sticky bit.
        var namespace = Namespace()
        try namespace.apply(Op.touch("/f", permission: 0o7644))
        XCTAssertEqual(try namespace.status("/f").permission, 0o1644)
        XCTAssertEqual(try namespace.status("/f").symbolicPermission, "-rw-r--r-T")
    }
}
