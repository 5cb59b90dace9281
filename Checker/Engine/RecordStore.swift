/// Parent records of every distinct state, indexed by state id, in fixed-size blocks.
///
/// A record is one `UInt64`: the parent's id in the high half and the action's index in the low
/// half (for an initial state, no parent and its index in `initialStates()`). Blocks never move,
/// so growing never copies what is stored: 8 bytes per state, no transient doubling.
final class RecordStore: @unchecked Sendable {
    // @unchecked Sendable: appended only by the coordinating thread between phases; read after.

    static let noParent = UInt32.max
    private static let blockBits = 16
    private static let blockSize = 1 << blockBits

    private var blocks: [UnsafeMutablePointer<UInt64>] = []
    private(set) var count = 0

    deinit { for block in blocks { block.deallocate() } }

    func append(parent: UInt32, action: UInt32) {
        if count & (RecordStore.blockSize - 1) == 0 && count >> RecordStore.blockBits == blocks.count {
            blocks.append(.allocate(capacity: RecordStore.blockSize))
        }
        blocks[count >> RecordStore.blockBits][count & (RecordStore.blockSize - 1)] =
            UInt64(parent) << 32 | UInt64(action)
        count += 1
    }

    func record(_ id: Int) -> (parent: UInt32, action: UInt32) {
        precondition(id >= 0 && id < count, "Internal inconsistency: no record for state \(id)")
        let word = blocks[id >> RecordStore.blockBits][id & (RecordStore.blockSize - 1)]
        return (UInt32(truncatingIfNeeded: word >> 32), UInt32(truncatingIfNeeded: word))
    }

    /// The indices that replay state `id` from its initial state: the initial state's index first.
    func path(to id: Int) -> [Int] {
        var indices: [Int] = []
        var current = id
        // Every step goes to a strictly smaller id (parents are found first), so this terminates.
        while true {
            let (parent, action) = record(current)
            indices.append(Int(action))
            if parent == RecordStore.noParent { break }
            precondition(Int(parent) < current, "Internal inconsistency: parent id not smaller than child id")
            current = Int(parent)
        }
        return indices.reversed()
    }

    var memoryBytes: Int { blocks.count * RecordStore.blockSize * 8 }
}
