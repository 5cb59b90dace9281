import XCTest
@testable import Model

/// One-shot watches, checked against ZooKeeper's WatchManager and DataTree triggers.
final class CoordinationWatchTests: XCTestCase {
    private typealias Script = CoordinationScript

    /// A data watch from getData fires NodeDataChanged once; the second change does not fire
    /// again until the watch is set anew.
    func testDataWatchIsOneShot() {
        var script = Script()
        let watcher = script.connect()
        let writer = script.connect()
        script.call(writer, .create(path: "/d", data: [], mode: .persistent))
        script.call(watcher, .getData(path: "/d", watch: true))
        let first = script.send(writer, .setData(path: "/d", data: [1], version: -1))
        XCTAssertEqual(Script.events(first, for: watcher), [CoordinationWatchEvent(.nodeDataChanged, "/d")])
        let second = script.send(writer, .setData(path: "/d", data: [2], version: -1))
        XCTAssertEqual(Script.allEvents(second), [])
        script.call(watcher, .getData(path: "/d", watch: true))
        let third = script.send(writer, .setData(path: "/d", data: [3], version: -1))
        XCTAssertEqual(Script.events(third, for: watcher), [CoordinationWatchEvent(.nodeDataChanged, "/d")])
    }

    /// exists with a watch on a missing node answers NONODE but registers the watch
    /// (DataTree.statNode adds it before the lookup); the node's creation fires NodeCreated.
    func testExistsWatchOnAMissingNodeFiresNodeCreated() {
        var script = Script()
        let watcher = script.connect()
        let creator = script.connect()
        XCTAssertEqual(script.call(watcher, .exists(path: "/later", watch: true)), .error(.noNode))
        XCTAssertEqual(script.server.session(watcher)?.dataWatches, ["/later"])
        let effects = script.send(creator, .create(path: "/later", data: [], mode: .ephemeral))
        XCTAssertEqual(Script.events(effects, for: watcher), [CoordinationWatchEvent(.nodeCreated, "/later")])
        XCTAssertEqual(script.server.session(watcher)?.dataWatches, [])
    }

    /// getData and getChildren on a missing node set no watch (NONODE is thrown first).
    func testReadsOfMissingNodesSetNoWatch() {
        var script = Script()
        let watcher = script.connect()
        script.call(watcher, .getData(path: "/none", watch: true))
        script.call(watcher, .getChildren(path: "/none", watch: true))
        XCTAssertEqual(script.server.session(watcher)?.dataWatches, [])
        XCTAssertEqual(script.server.session(watcher)?.childWatches, [])
    }

    /// An exists watch on an existing node is a data watch: it fires NodeDeleted on delete.
    func testExistsWatchOnAnExistingNodeFiresNodeDeleted() {
        var script = Script()
        let watcher = script.connect()
        let writer = script.connect()
        script.call(writer, .create(path: "/x", data: [], mode: .persistent))
        script.call(watcher, .exists(path: "/x", watch: true))
        let effects = script.send(writer, .delete(path: "/x", version: -1))
        XCTAssertEqual(Script.events(effects, for: watcher), [CoordinationWatchEvent(.nodeDeleted, "/x")])
    }

    /// A child watch fires NodeChildrenChanged on a child's create or delete (not on a child's
    /// setData), and NodeDeleted when the watched node itself goes; a session with both a data
    /// and a child watch on a deleted node hears NodeDeleted once (DataTree's `processed` set).
    func testChildWatches() {
        var script = Script()
        let watcher = script.connect()
        let writer = script.connect()
        script.call(writer, .create(path: "/p", data: [], mode: .persistent))
        script.call(watcher, .getChildren(path: "/p", watch: true))
        let created = script.send(writer, .create(path: "/p/c", data: [], mode: .persistent))
        XCTAssertEqual(Script.events(created, for: watcher), [CoordinationWatchEvent(.nodeChildrenChanged, "/p")])

        script.call(watcher, .getChildren(path: "/p", watch: true))
        XCTAssertEqual(Script.allEvents(script.send(writer, .setData(path: "/p/c", data: [9], version: -1))), [])
        let deleted = script.send(writer, .delete(path: "/p/c", version: -1))
        XCTAssertEqual(Script.events(deleted, for: watcher), [CoordinationWatchEvent(.nodeChildrenChanged, "/p")])

        script.call(watcher, .getChildren(path: "/p", watch: true))
        script.call(watcher, .getData(path: "/p", watch: true))
        script.call(watcher, .getChildren(path: "/", watch: true))
        let gone = script.send(writer, .delete(path: "/p", version: -1))
        XCTAssertEqual(Script.events(gone, for: watcher), [
            CoordinationWatchEvent(.nodeDeleted, "/p"),
            CoordinationWatchEvent(.nodeChildrenChanged, "/"),
        ])
        XCTAssertEqual(script.server.session(watcher)?.childWatches, [])
    }

    /// The notification comes first: on the writer's own connection the event for its write
    /// precedes the write's reply (the reference: NodeDeleted /cap/lock, then the delete's reply).
    func testNotificationPrecedesTheWritersReply() {
        var script = Script()
        let session = script.connect()
        script.call(session, .create(path: "/cap", data: [], mode: .persistent))
        script.call(session, .create(path: "/cap/lock", data: [], mode: .ephemeral))
        script.call(session, .exists(path: "/cap/lock", watch: true))
        let effects = script.step(.request(session: session, xid: 11, operation: .delete(path: "/cap/lock", version: -1)))
        XCTAssertEqual(effects.dropFirst(), [
            .watchEvent(session: session, event: CoordinationWatchEvent(.nodeDeleted, "/cap/lock")),
            .reply(session: session, xid: 11, zxid: 4, result: .deleted),
        ])
    }

    /// A watch is per (path, session): setting it twice fires once; sessions are notified in
    /// ascending id order.
    func testAWatchSetTwiceFiresOnceAndSessionsAreToldInIDOrder() {
        var script = Script()
        let first = script.connect()
        let second = script.connect()
        let writer = script.connect()
        script.call(writer, .create(path: "/n", data: [], mode: .persistent))
        script.call(second, .getData(path: "/n", watch: true))
        script.call(first, .exists(path: "/n", watch: true))
        script.call(first, .getData(path: "/n", watch: true))
        let effects = script.send(writer, .setData(path: "/n", data: [], version: -1))
        XCTAssertEqual(Script.allEvents(effects), [
            .watchEvent(session: first, event: CoordinationWatchEvent(.nodeDataChanged, "/n")),
            .watchEvent(session: second, event: CoordinationWatchEvent(.nodeDataChanged, "/n")),
        ])
    }
}
