import XCTest
@testable import Model

/// Znode operations of the coordination server, each checked against what ZooKeeper 3.8 does
/// (PrepRequestProcessor's checks and their order, DataTree's Stat bookkeeping).
final class CoordinationTests: XCTestCase {
    private typealias Script = CoordinationScript
    private let bytes = CoordinationScript.bytes

    // MARK: create

    /// DataTree.createStat: czxid = mzxid = pzxid = the create's zxid, versions 0, times from the
    /// request; the parent's cversion and numChildren grow and its pzxid moves. The reference's
    /// byte example: after createSession (zxid 1), `create /cap "hello"` is answered with zxid 2.
    func testCreateSetsTheStatFromItsZxidAndTime() {
        var script = Script()
        let session = script.connect()
        let effects = script.send(session, .create(path: "/cap", data: bytes("hello"), mode: .persistent), time: 1_700)
        let stat = ZnodeStat(czxid: 2, mzxid: 2, ctime: 1_700, mtime: 1_700, version: 0, cversion: 0, aversion: 0,
                             ephemeralOwner: 0, dataLength: 5, numChildren: 0, pzxid: 2)
        XCTAssertEqual(effects.last, .reply(session: session, xid: 1, zxid: 2, result: .created(path: "/cap", stat: stat)))
        let root = script.server.znode(at: "/")!
        XCTAssertEqual(root.cversion, 1)
        XCTAssertEqual(root.numChildren, 1)
        XCTAssertEqual(root.pzxid, 2)
        XCTAssertEqual(script.server.lastZxid, 2)
    }

    /// An ephemeral's ephemeralOwner is its session's id; a persistent node's is 0.
    func testEphemeralOwnerIsTheCreatingSession() {
        var script = Script()
        let session = script.connect()
        script.call(session, .create(path: "/lock", data: [], mode: .ephemeral))
        script.call(session, .create(path: "/crumb", data: [], mode: .persistent))
        XCTAssertEqual(script.server.znode(at: "/lock")?.ephemeralOwner, session)
        XCTAssertEqual(script.server.znode(at: "/crumb")?.ephemeralOwner, 0)
        XCTAssertEqual(script.server.ephemerals(of: session), ["/lock"])
    }

    /// Create errors with their KeeperException codes: NODEEXISTS -110, NONODE -101 for a missing
    /// parent, NOCHILDRENFOREPHEMERALS -108, BADARGUMENTS -8 for a path without `/`, with NUL, or
    /// failing PathUtils once the parent is found; a malformed path whose parent is missing is
    /// NONODE (the reference: `/x/`, `/a/./b` → -101). Container/TTL modes are not modelled.
    func testCreateErrorsInZooKeepersOrder() {
        var script = Script()
        let session = script.connect()
        script.call(session, .create(path: "/x", data: [], mode: .persistent))
        script.call(session, .create(path: "/e", data: [], mode: .ephemeral))
        let cases: [(String, ZnodeCreateMode, CoordinationErrorCode)] = [
            ("/x", .persistent, .nodeExists),
            ("/e", .ephemeral, .nodeExists),
            ("/missing/child", .persistent, .noNode),
            ("/e/child", .persistent, .noChildrenForEphemerals),
            ("/e/child", .ephemeral, .noChildrenForEphemerals),
            ("x", .persistent, .badArguments),
            ("", .persistent, .badArguments),
            ("/a\u{0}b", .persistent, .badArguments),
            ("/x/", .persistent, .badArguments),
            ("/y/", .persistent, .noNode),
            ("/a/./b", .persistent, .noNode),
            ("a/b", .persistent, .noNode),
            ("/.", .persistent, .badArguments),
            ("/x/..", .persistent, .badArguments),
            ("//x", .persistent, .badArguments),
            ("/bell\u{7}", .persistent, .badArguments),
            ("/", .persistent, .nodeExists),
            ("/c", .container, .unimplemented),
            ("/t", .persistentWithTTL, .unimplemented),
        ]
        for (path, mode, code) in cases {
            XCTAssertEqual(script.call(session, .create(path: path, data: [], mode: mode)), .error(code), "create \(path)")
        }
        XCTAssertEqual(script.server.znodes.map(\.path), ["/", "/e", "/x"], "no failed create changed the tree")
    }

    /// The numeric codes travel in ReplyHeader.err; they must be KeeperException.Code's values.
    func testErrorCodesHaveZooKeepersNumbers() {
        let expected: [(CoordinationErrorCode, Int32, String)] = [
            (.ok, 0, "OK"), (.systemError, -1, "SYSTEMERROR"), (.runtimeInconsistency, -2, "RUNTIMEINCONSISTENCY"),
            (.connectionLoss, -4, "CONNECTIONLOSS"), (.unimplemented, -6, "UNIMPLEMENTED"),
            (.operationTimeout, -7, "OPERATIONTIMEOUT"), (.badArguments, -8, "BADARGUMENTS"),
            (.unknownSession, -12, "UNKNOWNSESSION"), (.apiError, -100, "APIERROR"), (.noNode, -101, "NONODE"),
            (.noAuth, -102, "NOAUTH"), (.badVersion, -103, "BADVERSION"),
            (.noChildrenForEphemerals, -108, "NOCHILDRENFOREPHEMERALS"), (.nodeExists, -110, "NODEEXISTS"),
            (.notEmpty, -111, "NOTEMPTY"), (.sessionExpired, -112, "SESSIONEXPIRED"), (.invalidACL, -114, "INVALIDACL"),
            (.authFailed, -115, "AUTHFAILED"), (.sessionMoved, -118, "SESSIONMOVED"), (.quotaExceeded, -125, "QUOTAEXCEEDED"),
            (.throttledOp, -127, "THROTTLEDOP"),
        ]
        for (code, value, name) in expected {
            XCTAssertEqual(code.rawValue, value)
            XCTAssertEqual(code.name, name)
            XCTAssertEqual(CoordinationErrorCode(rawValue: value), code)
        }
        XCTAssertEqual(CoordinationErrorCode.allCases.count, 32)
    }

    /// Sequential names are `path + %010d(parent cversion)`; deletes do not advance the counter
    /// (3.8 counts creates only), and a sequential path may end in `/`.
    func testSequentialNamesCountTheParentsCreates() {
        var script = Script()
        let session = script.connect()
        script.call(session, .create(path: "/q", data: [], mode: .persistent))
        guard case let .created(first, _)? = script.call(session, .create(path: "/q/n-", data: [], mode: .persistentSequential)),
              case let .created(second, _)? = script.call(session, .create(path: "/q/n-", data: [], mode: .ephemeralSequential))
        else { return XCTFail("sequential creates failed") }
        XCTAssertEqual(first, "/q/n-0000000000")
        XCTAssertEqual(second, "/q/n-0000000001")
        XCTAssertEqual(script.server.znode(at: second)?.ephemeralOwner, session)
        script.call(session, .delete(path: first, version: -1))
        XCTAssertEqual(script.call(session, .create(path: "/q/", data: [], mode: .persistentSequential)),
                       .created(path: "/q/0000000002", stat: script.server.znode(at: "/q/0000000002")?.stat ?? ZnodeStat.zero))
        XCTAssertEqual(ZnodePath.sequenceSuffix(-5), "-000000005")
        XCTAssertEqual(ZnodePath.sequenceSuffix(Int32.max), "2147483647")
    }

    // MARK: delete

    /// delete: version -1 means any; a stale version is BADVERSION; a node with children is
    /// NOTEMPTY; a missing node NONODE; a path without `/` BADARGUMENTS; the root is never deleted.
    func testDeleteChecksVersionAndChildren() {
        var script = Script()
        let session = script.connect()
        script.call(session, .create(path: "/d", data: [], mode: .persistent))
        script.call(session, .create(path: "/d/c", data: [], mode: .persistent))
        script.call(session, .setData(path: "/d/c", data: bytes("1"), version: 0))
        XCTAssertEqual(script.call(session, .delete(path: "/d", version: -1)), .error(.notEmpty))
        XCTAssertEqual(script.call(session, .delete(path: "/d/c", version: 0)), .error(.badVersion))
        XCTAssertEqual(script.call(session, .delete(path: "/d/missing", version: -1)), .error(.noNode))
        XCTAssertEqual(script.call(session, .delete(path: "/nothere/c", version: -1)), .error(.noNode))
        XCTAssertEqual(script.call(session, .delete(path: "d", version: -1)), .error(.badArguments))
        XCTAssertEqual(script.call(session, .delete(path: "/", version: 5)), .error(.badVersion))
        XCTAssertEqual(script.call(session, .delete(path: "/", version: -1)), .error(.notEmpty))
        XCTAssertEqual(script.call(session, .delete(path: "/d/c", version: 1)), .deleted)
        XCTAssertEqual(script.call(session, .delete(path: "/d", version: 0)), .deleted)
        XCTAssertEqual(script.server.znodes.map(\.path), ["/"])
        XCTAssertEqual(script.call(session, .delete(path: "/", version: -1)), .error(.notEmpty),
                       "a real server's root always has /zookeeper")
    }

    /// A delete moves the parent's pzxid to its zxid and lowers numChildren, leaving cversion.
    func testDeleteMovesTheParentsPzxidButNotItsCversion() {
        var script = Script()
        let session = script.connect()                                              // zxid 1
        script.call(session, .create(path: "/p", data: [], mode: .persistent))       // 2
        script.call(session, .create(path: "/p/a", data: [], mode: .persistent))     // 3
        script.call(session, .create(path: "/p/b", data: [], mode: .persistent))     // 4
        let effects = script.send(session, .delete(path: "/p/a", version: -1))      // 5
        XCTAssertEqual(Script.replyZxids(effects), [5])
        let parent = script.server.znode(at: "/p")!.stat
        XCTAssertEqual(parent.pzxid, 5)
        XCTAssertEqual(parent.cversion, 2)
        XCTAssertEqual(parent.numChildren, 1)
        XCTAssertEqual(parent.czxid, 2)
        XCTAssertEqual(parent.mzxid, 2)
    }

    // MARK: setData, getData, exists

    /// setData with a matching version (or -1) replaces the data, bumps version and mzxid, sets
    /// mtime, keeps czxid/ctime, and answers the new Stat; a stale version is BADVERSION; a
    /// malformed path is BADARGUMENTS (PathUtils runs first); a missing node NONODE.
    func testSetDataIsACompareAndSetOnTheVersion() {
        var script = Script()
        let session = script.connect()
        script.call(session, .create(path: "/v", data: bytes("a"), mode: .persistent), time: 10)      // zxid 2
        let first = script.call(session, .setData(path: "/v", data: bytes("bb"), version: 0), time: 20) // zxid 3
        XCTAssertEqual(first, .stat(ZnodeStat(czxid: 2, mzxid: 3, ctime: 10, mtime: 20, version: 1, cversion: 0,
                                              aversion: 0, ephemeralOwner: 0, dataLength: 2, numChildren: 0, pzxid: 2)))
        XCTAssertEqual(script.call(session, .setData(path: "/v", data: bytes("c"), version: 0)), .error(.badVersion))
        XCTAssertEqual(script.call(session, .setData(path: "/v", data: bytes("ccc"), version: -1)).flatMap(Self.version), 2)
        XCTAssertEqual(script.call(session, .setData(path: "/v/", data: [], version: -1)), .error(.badArguments))
        XCTAssertEqual(script.call(session, .setData(path: "v", data: [], version: -1)), .error(.badArguments))
        XCTAssertEqual(script.call(session, .setData(path: "/w", data: [], version: -1)), .error(.noNode))
        guard case let .data(data, stat)? = script.call(session, .getData(path: "/v", watch: false)) else {
            return XCTFail("getData failed")
        }
        XCTAssertEqual(data, bytes("ccc"))
        XCTAssertEqual(stat.version, 2)
        XCTAssertEqual(stat.dataLength, 3)
    }

    /// getData and exists on a missing node answer NONODE (exists: err -101, no body); on an
    /// existing node exists answers the Stat; a malformed path on a read is just NONODE, except
    /// NUL in exists (BADARGUMENTS).
    func testReadsOfMissingNodesAreNoNode() {
        var script = Script()
        let session = script.connect()
        script.call(session, .create(path: "/here", data: bytes("x"), mode: .persistent))
        XCTAssertEqual(script.call(session, .getData(path: "/gone", watch: false)), .error(.noNode))
        XCTAssertEqual(script.call(session, .exists(path: "/gone", watch: false)), .error(.noNode))
        XCTAssertEqual(script.call(session, .getChildren(path: "/gone", watch: false)), .error(.noNode))
        XCTAssertEqual(script.call(session, .getData(path: "here", watch: false)), .error(.noNode))
        XCTAssertEqual(script.call(session, .exists(path: "/here/", watch: false)), .error(.noNode))
        XCTAssertEqual(script.call(session, .exists(path: "/he\u{0}re", watch: true)), .error(.badArguments))
        XCTAssertEqual(script.server.session(session)?.dataWatches, [], "a rejected exists sets no watch")
        XCTAssertEqual(script.call(session, .exists(path: "/here", watch: false)),
                       .stat(script.server.znode(at: "/here")!.stat))
    }

    /// getChildren answers the names in byte order with the node's Stat (getChildren2).
    func testGetChildrenIsSortedWithTheStat() {
        var script = Script()
        let session = script.connect()
        for path in ["/p", "/p/b", "/p/a-b", "/p/a", "/p/a/deep", "/p/C", "/pp"] {
            script.call(session, .create(path: path, data: [], mode: .persistent))
        }
        let stat = script.server.znode(at: "/p")!.stat
        XCTAssertEqual(stat.numChildren, 4)
        XCTAssertEqual(script.call(session, .getChildren(path: "/p", watch: false)), .children(["C", "a", "a-b", "b"], stat))
        XCTAssertEqual(script.server.children(of: "/"), ["p", "pp"])
        XCTAssertEqual(script.server.children(of: "/p/a"), ["deep"])
        XCTAssertEqual(script.server.children(of: "/p/b"), [])
        XCTAssertNil(script.server.children(of: "/nope"))
    }

    // MARK: setACL, getACL, sync, ping, auth, unknown ops

    /// ACLs are world:anyone only: getACL answers the Stat; setACL is a version-checked write on
    /// the aversion that fires no watch.
    func testSetACLChecksAndBumpsTheAversion() {
        var script = Script()
        let session = script.connect()
        script.call(session, .create(path: "/acl", data: [], mode: .persistent))
        script.call(session, .getData(path: "/acl", watch: true))
        XCTAssertEqual(script.call(session, .setACL(path: "/acl", version: 3)), .error(.badVersion))
        let effects = script.send(session, .setACL(path: "/acl", version: 0))
        XCTAssertEqual(Script.allEvents(effects), [])
        XCTAssertEqual(Script.results(effects).first.flatMap(Self.aversion), 1)
        XCTAssertEqual(script.call(session, .getACL(path: "/acl")), .acl(script.server.znode(at: "/acl")!.stat))
        XCTAssertEqual(script.call(session, .getACL(path: "/none")), .error(.noNode))
        XCTAssertEqual(script.call(session, .setACL(path: "/none", version: -1)), .error(.noNode))
    }

    /// ping answers header-only with the echoed xid (-2) and the last zxid; sync answers its
    /// path; digest and ip auth succeed, an unknown scheme gets AUTHFAILED -115 and a close; an
    /// unknown opcode gets UNIMPLEMENTED -6 with zxid -1 and a close.
    func testPingSyncAuthAndUnknownOperations() {
        var script = Script()
        let session = script.connect()
        let ping = script.step(.request(session: session, xid: -2, operation: .ping))
        XCTAssertEqual(ping.last, .reply(session: session, xid: -2, zxid: 1, result: .pong))
        XCTAssertEqual(script.call(session, .sync(path: "/")), .synced(path: "/"))
        let digest = script.step(.request(session: session, xid: -4, operation: .addAuth(scheme: "digest")))
        XCTAssertEqual(digest.last, .reply(session: session, xid: -4, zxid: 1, result: .ok))
        let unknownScheme = script.send(session, .addAuth(scheme: "kerberos"))
        XCTAssertEqual(Script.results(unknownScheme), [.error(.authFailed)])
        XCTAssertEqual(unknownScheme.last, .closeConnection(session: session))
        let unknownOp = script.step(.request(session: session, xid: 9, operation: .unimplemented(opcode: 77)))
        XCTAssertTrue(unknownOp.contains(.reply(session: session, xid: 9, zxid: -1, result: .error(.unimplemented))))
        XCTAssertEqual(unknownOp.last, .closeConnection(session: session))
    }

    // MARK: the payload limit

    /// jute.maxbuffer: a payload above the limit is an oversized frame, so the connection closes
    /// without a reply and nothing changes (not even the session's timer); at the limit it is fine.
    func testPayloadAboveJuteMaxbufferClosesTheConnection() {
        var script = Script(CoordinationConfiguration(dataBytesMax: 16))
        let session = script.connect()
        let before = script.server
        let tooBig = script.send(session, .create(path: "/big", data: [UInt8](repeating: 7, count: 17), mode: .persistent))
        XCTAssertEqual(Script.results(tooBig), [])
        XCTAssertEqual(tooBig.last, .closeConnection(session: session))
        XCTAssertFalse(tooBig.contains { if case .setSessionTimer = $0 { true } else { false } })
        XCTAssertEqual(script.server, before)
        XCTAssertNotNil(script.call(session, .create(path: "/big", data: [UInt8](repeating: 7, count: 16), mode: .persistent))
            .flatMap(Self.createdPath))
        let grow = script.send(session, .setData(path: "/big", data: [UInt8](repeating: 1, count: 17), version: -1))
        XCTAssertEqual(grow.last, .closeConnection(session: session))
        XCTAssertEqual(CoordinationConfiguration().dataBytesMax, 1_048_575)
    }

    // MARK: zxid

    /// zxids increase by one per txn: createSession, each write (failed ones too, as 3.8 logs an
    /// error txn: the reference's NODEEXISTS reply carried a fresh zxid), closeSession; reads
    /// and pings do not advance it, and every reply carries the last zxid.
    func testZxidAdvancesOnEveryTxnIncludingFailedWrites() {
        var script = Script()
        let first = script.connect()                                                           // 1
        let second = script.connect()                                                          // 2
        var zxids: [Int64] = []
        zxids += Script.replyZxids(script.send(first, .create(path: "/cap", data: [], mode: .persistent)))  // 3
        zxids += Script.replyZxids(script.send(first, .getData(path: "/cap", watch: false)))                // 3
        zxids += Script.replyZxids(script.send(second, .create(path: "/cap", data: [], mode: .persistent))) // 4 (NODEEXISTS)
        zxids += Script.replyZxids(script.send(second, .ping))                                              // 4
        zxids += Script.replyZxids(script.send(first, .setData(path: "/cap", data: [], version: 7)))        // 5 (BADVERSION)
        zxids += Script.replyZxids(script.send(first, .setData(path: "/cap", data: [], version: 0)))        // 6
        zxids += Script.replyZxids(script.send(second, .closeSession))                                      // 7
        XCTAssertEqual(zxids, [3, 3, 4, 4, 5, 6, 7])
        XCTAssertEqual(script.server.znode(at: "/cap")?.mzxid, 6)
        XCTAssertEqual(script.server.lastZxid, 7)
    }

    /// With failedWritesConsumeZxid off (for the checker), a rejected write leaves the state equal.
    func testFailedWritesCanLeaveTheStateUnchanged() {
        var script = Script(CoordinationConfiguration(failedWritesConsumeZxid: false))
        let session = script.connect()
        script.call(session, .create(path: "/a", data: [], mode: .persistent))
        let before = script.server
        let effects = script.send(session, .create(path: "/a", data: [], mode: .persistent))
        XCTAssertEqual(Script.results(effects), [.error(.nodeExists)])
        XCTAssertEqual(Script.replyZxids(effects), [2])
        XCTAssertEqual(script.server, before)
        XCTAssertEqual(FingerprintHasher.fingerprint(script.server), FingerprintHasher.fingerprint(before))
    }

    // MARK: paths

    /// PathUtils.validatePath's IllegalArgumentException texts, which a client prints.
    func testPathValidationMatchesPathUtils() {
        XCTAssertNil(ZnodePath.invalidReason("/"))
        XCTAssertNil(ZnodePath.invalidReason("/hadoop-ha/ns1/ActiveStandbyElectorLock"))
        XCTAssertNil(ZnodePath.invalidReason("/a/.b/..c/b.."))
        XCTAssertEqual(ZnodePath.invalidReason(""), "Path length must be > 0")
        XCTAssertEqual(ZnodePath.invalidReason("a"), "Path must start with / character")
        XCTAssertEqual(ZnodePath.invalidReason("/a/"), "Path must not end with / character")
        XCTAssertEqual(ZnodePath.invalidReason("/a//b"), "Invalid path string \"/a//b\" caused by empty node name specified @3")
        XCTAssertEqual(ZnodePath.invalidReason("/a/./b"), "Invalid path string \"/a/./b\" caused by relative paths not allowed @3")
        XCTAssertEqual(ZnodePath.invalidReason("/a/.."), "Invalid path string \"/a/..\" caused by relative paths not allowed @4")
        XCTAssertEqual(ZnodePath.invalidReason("/a\u{0}"), "Invalid path string \"/a\u{0}\" caused by null character not allowed @2")
        XCTAssertEqual(ZnodePath.invalidReason("/a\u{1F}"), "Invalid path string \"/a\u{1F}\" caused by invalid character @2")
        XCTAssertEqual(ZnodePath.invalidReason("/\u{E000}"), "Invalid path string \"/\u{E000}\" caused by invalid character @1")
        XCTAssertNotNil(ZnodePath.invalidReason("/\u{1F600}"), "non-BMP characters are surrogate pairs in Java")
        XCTAssertNil(ZnodePath.invalidReason("/é"))
        XCTAssertNil(ZnodePath.invalidReason("/q/", isSequential: true))
        XCTAssertEqual(ZnodePath.parentForWrite("/a"), "/")
        XCTAssertEqual(ZnodePath.parentForWrite("/a/b"), "/a")
        XCTAssertEqual(ZnodePath.parentForWrite("/"), "/")
        XCTAssertNil(ZnodePath.parentForWrite("ab"))
    }

    // MARK: helpers

    private static func version(_ result: CoordinationResult) -> Int32? {
        if case let .stat(stat) = result { stat.version } else { nil }
    }

    private static func aversion(_ result: CoordinationResult) -> Int32? {
        if case let .stat(stat) = result { stat.aversion } else { nil }
    }

    private static func createdPath(_ result: CoordinationResult) -> String? {
        if case let .created(path, _) = result { path } else { nil }
    }
}

extension ZnodeStat {
    /// A placeholder for comparisons that must fail loudly when a node is missing.
    static let zero = ZnodeStat(czxid: 0, mzxid: 0, ctime: 0, mtime: 0, version: 0, cversion: 0, aversion: 0,
                                ephemeralOwner: 0, dataLength: 0, numChildren: 0, pzxid: 0)
}
