/// The visited set: 64-bit fingerprints in open-addressing regions that grow independently.
///
/// The table is cut into `regionCount` regions by the fingerprint's top bits; each region is a
/// power-of-two array of `UInt64` slots with linear probing that wraps inside the region. Two
/// consequences matter to the engine:
/// - regions are independent, so workers that own disjoint groups of regions insert without
///   atomics or locks, and the visiting order (hence every counterexample) does not depend on
///   the number of workers;
/// - a region grows alone, so growing never holds two copies of the whole table: the memory
///   peak stays near `8 / load` bytes per fingerprint.
///
/// Slot value 0 means empty; the engine never stores fingerprint 0 (see `normalized`).
/// Optionally each slot carries a 32-bit state id (liveness needs to map fingerprints to ids).
final class FingerprintSet: @unchecked Sendable {
    // @unchecked Sendable: each region is mutated only by the worker that owns its group during
    // one phase, and phases are separated by the join of `concurrentPerform`.

    static let regionBits = 8
    static let regionCount = 1 << regionBits
    /// Regions are handed to workers in this many contiguous groups.
    static let groupBits = 5
    static let groupCount = 1 << groupBits
    static let regionsPerGroup = regionCount / groupCount
    static let regionCapacityBitsMin = 4
    static let regionCapacityBitsMax = 31 - regionBits

    struct Region {
        var slots: UnsafeMutablePointer<UInt64>
        var ids: UnsafeMutablePointer<UInt32>?
        var capacityBits: Int
        var count: Int
        var growAt: Int
    }

    private let regions: UnsafeMutablePointer<Region>
    let storesIds: Bool
    /// Maximum fill of a region before it doubles, in percent.
    let loadPercentMax: Int

    /// Creates a set sized so that `expectedCount` fingerprints fit without growing.
    init(expectedCount: Int, loadPercentMax: Int = 80, storesIds: Bool = false) {
        precondition((50...95).contains(loadPercentMax), "load factor out of range")
        self.loadPercentMax = loadPercentMax
        self.storesIds = storesIds
        let perRegion = max(1, expectedCount / FingerprintSet.regionCount) * 100 / loadPercentMax + 1
        var bits = FingerprintSet.regionCapacityBitsMin
        while (1 << bits) < perRegion && bits < FingerprintSet.regionCapacityBitsMax { bits += 1 }
        regions = .allocate(capacity: FingerprintSet.regionCount)
        for index in 0..<FingerprintSet.regionCount {
            (regions + index).initialize(to: FingerprintSet.makeRegion(bits: bits, loadPercentMax: loadPercentMax,
                                                                       storesIds: storesIds))
        }
    }

    deinit {
        for index in 0..<FingerprintSet.regionCount {
            regions[index].slots.deallocate()
            regions[index].ids?.deallocate()
        }
        regions.deallocate()
    }

    private static func makeRegion(bits: Int, loadPercentMax: Int, storesIds: Bool) -> Region {
        let capacity = 1 << bits
        let slots = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        var ids: UnsafeMutablePointer<UInt32>? = nil
        if storesIds {
            ids = .allocate(capacity: capacity)
            ids!.initialize(repeating: UInt32.max, count: capacity)
        }
        return Region(slots: slots, ids: ids, capacityBits: bits, count: 0,
                      growAt: capacity * loadPercentMax / 100)
    }

    /// Maps the one fingerprint value that marks an empty slot onto another.
    @inline(__always)
    static func normalized(_ fingerprint: UInt64) -> UInt64 { fingerprint == 0 ? 1 : fingerprint }

    /// The group of regions that owns `fingerprint`.
    @inline(__always)
    static func group(of fingerprint: UInt64) -> Int { Int(truncatingIfNeeded: fingerprint &>> UInt64(64 - groupBits)) }

    @inline(__always)
    private static func region(of fingerprint: UInt64) -> Int {
        Int(truncatingIfNeeded: fingerprint &>> UInt64(64 - regionBits))
    }

    @inline(__always)
    private static func home(of fingerprint: UInt64, bits: Int) -> Int {
        Int(truncatingIfNeeded: (fingerprint &<< UInt64(regionBits)) &>> UInt64(64 - bits))
    }

    /// Inserts `fingerprint`; returns whether it was new and the slot it occupies (valid until
    /// the region next grows). Only the owner of the fingerprint's group may call this during a phase.
    @inline(__always)
    func insert(_ fingerprint: UInt64) -> (inserted: Bool, slot: Int) {
        assert(fingerprint != 0, "fingerprint 0 marks an empty slot")
        let regionIndex = FingerprintSet.region(of: fingerprint)
        if regions[regionIndex].count >= regions[regionIndex].growAt { grow(regionIndex) }
        let region = regions[regionIndex]
        let mask = (1 << region.capacityBits) - 1
        var position = FingerprintSet.home(of: fingerprint, bits: region.capacityBits)
        while true {
            let present = region.slots[position]
            if present == fingerprint { return (false, regionIndex << 32 | position) }
            if present == 0 {
                region.slots[position] = fingerprint
                regions[regionIndex].count += 1
                return (true, regionIndex << 32 | position)
            }
            position = (position &+ 1) & mask
        }
    }

    /// Whether `fingerprint` is present.
    func contains(_ fingerprint: UInt64) -> Bool { slot(of: fingerprint) != nil }

    private func slot(of fingerprint: UInt64) -> (region: Int, position: Int)? {
        let regionIndex = FingerprintSet.region(of: fingerprint)
        let region = regions[regionIndex]
        let mask = (1 << region.capacityBits) - 1
        var position = FingerprintSet.home(of: fingerprint, bits: region.capacityBits)
        while true {
            let present = region.slots[position]
            if present == fingerprint { return (regionIndex, position) }
            if present == 0 { return nil }
            position = (position &+ 1) & mask
        }
    }

    /// Records the id of `fingerprint`, which must be present.
    func setId(_ id: UInt32, for fingerprint: UInt64) {
        precondition(storesIds, "Internal inconsistency: ids requested from a set without ids")
        guard let (region, position) = slot(of: fingerprint) else {
            preconditionFailure("Internal inconsistency: no fingerprint \(fingerprint) to number")
        }
        regions[region].ids![position] = id
    }

    /// The id recorded for `fingerprint`, if it is present.
    func id(of fingerprint: UInt64) -> UInt32? {
        precondition(storesIds, "Internal inconsistency: ids requested from a set without ids")
        guard let (region, position) = slot(of: fingerprint) else { return nil }
        return regions[region].ids![position]
    }

    private func grow(_ regionIndex: Int) {
        let old = regions[regionIndex]
        precondition(old.capacityBits < FingerprintSet.regionCapacityBitsMax,
                     "the fingerprint set is full (\(count) states); bound the search")
        var grown = FingerprintSet.makeRegion(bits: old.capacityBits + 1, loadPercentMax: loadPercentMax,
                                              storesIds: storesIds)
        let mask = (1 << grown.capacityBits) - 1
        for oldPosition in 0..<(1 << old.capacityBits) {
            let fingerprint = old.slots[oldPosition]
            if fingerprint == 0 { continue }
            var position = FingerprintSet.home(of: fingerprint, bits: grown.capacityBits)
            while grown.slots[position] != 0 { position = (position &+ 1) & mask }
            grown.slots[position] = fingerprint
            if let ids = old.ids { grown.ids![position] = ids[oldPosition] }
        }
        grown.count = old.count
        old.slots.deallocate()
        old.ids?.deallocate()
        regions[regionIndex] = grown
    }

    /// The number of fingerprints stored.
    var count: Int {
        var total = 0
        for index in 0..<FingerprintSet.regionCount { total += regions[index].count }
        return total
    }

    /// Bytes held by the slots (and ids).
    var memoryBytes: Int {
        var total = 0
        let bytesPerSlot = storesIds ? 12 : 8
        for index in 0..<FingerprintSet.regionCount { total += (1 << regions[index].capacityBits) * bytesPerSlot }
        return total
    }
}
