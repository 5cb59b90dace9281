/// A binary min-heap of `(deadline, callID)`: the client's timer queue. Entries of calls that
/// completed stay until they reach the top or the owner rebuilds the heap.
struct DeadlineHeap {
    struct Entry {
        var deadlineNanoseconds: UInt64
        var callID: UInt64
    }

    private(set) var entries: [Entry] = []

    var count: Int { entries.count }
    var first: Entry? { entries.first }

    mutating func push(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].deadlineNanoseconds < entries[parent].deadlineNanoseconds else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    @discardableResult
    mutating func popFirst() -> Entry? {
        guard !entries.isEmpty else { return nil }
        entries.swapAt(0, entries.count - 1)
        let first = entries.removeLast()
        siftDown(from: 0)
        return first
    }

    /// Replaces the content with `entries`, in linear time.
    mutating func rebuild(_ newEntries: [Entry]) {
        entries = newEntries
        var index = entries.count / 2
        while index > 0 {
            index -= 1
            siftDown(from: index)
        }
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < entries.count else { return }
            let right = left + 1
            var smallest = left
            if right < entries.count && entries[right].deadlineNanoseconds < entries[left].deadlineNanoseconds {
                smallest = right
            }
            guard entries[smallest].deadlineNanoseconds < entries[parent].deadlineNanoseconds else { return }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
