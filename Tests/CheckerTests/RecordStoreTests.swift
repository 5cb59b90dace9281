@testable import Checker
import XCTest

/// Parent records in 65,536-record blocks: paths that cross block boundaries.
final class RecordStoreTests: XCTestCase {
    private static let blockSize = 1 << 16

    func testChainPathCrossesEveryBlock() {
        let store = RecordStore()
        let count = 3 * RecordStoreTests.blockSize + 17
        store.append(parent: RecordStore.noParent, action: 5)
        for id in 1..<count { store.append(parent: UInt32(id - 1), action: UInt32(id % 7)) }
        XCTAssertEqual(store.count, count)
        XCTAssertEqual(store.memoryBytes, 4 * RecordStoreTests.blockSize * 8, "four blocks of 8-byte records")
        let path = store.path(to: count - 1)
        XCTAssertEqual(path.count, count)
        XCTAssertEqual(path[0], 5, "the initial state's index comes first")
        for id in 1..<count where path[id] != id % 7 {
            XCTFail("step \(id) replays action \(path[id]), expected \(id % 7)")
            break
        }
    }

    func testRecordsAtBlockBoundaries() {
        let store = RecordStore()
        let count = 2 * RecordStoreTests.blockSize + 2
        store.append(parent: RecordStore.noParent, action: 0)
        // A binary heap: parent of id is (id − 1) / 2, action is id's parity.
        for id in 1..<count { store.append(parent: UInt32((id - 1) / 2), action: UInt32(id & 1)) }
        for id in [RecordStoreTests.blockSize - 1, RecordStoreTests.blockSize, RecordStoreTests.blockSize + 1,
                   2 * RecordStoreTests.blockSize - 1, 2 * RecordStoreTests.blockSize, count - 1] {
            let (parent, action) = store.record(id)
            XCTAssertEqual(Int(parent), (id - 1) / 2, "parent of \(id)")
            XCTAssertEqual(Int(action), id & 1, "action of \(id)")
            var expected: [Int] = []
            var current = id
            while current > 0 {
                expected.append(current & 1)
                current = (current - 1) / 2
            }
            XCTAssertEqual(store.path(to: id), [0] + expected.reversed(), "path to \(id)")
        }
    }

    func testFullWidthParentAndActionSurvive() {
        let store = RecordStore()
        store.append(parent: RecordStore.noParent, action: UInt32.max - 1)
        store.append(parent: 0, action: 0xFF_FFFF)
        XCTAssertEqual(store.record(0).parent, RecordStore.noParent)
        XCTAssertEqual(store.record(0).action, UInt32.max - 1)
        XCTAssertEqual(store.path(to: 1), [Int(UInt32.max - 1), 0xFF_FFFF])
    }
}
