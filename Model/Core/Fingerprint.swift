/// A deterministic 64-bit hash of a model state, the key of the checker's visited set.
///
/// Swift's `Hasher` is seeded per process, so two runs of the checker would visit states in a
/// different order and print different counterexamples. This hasher is fixed: the same state
/// gives the same fingerprint in every process, on every machine. For a state that feeds a single
/// word it is a bijection, so such models cannot suffer a fingerprint collision at all.
public struct FingerprintHasher: Sendable {
    @usableFromInline var accumulator: UInt64

    @inlinable public init() { accumulator = 0x9E37_79B9_7F4A_7C15 }

    /// The SplitMix64 finaliser: a bijection on `UInt64` with full avalanche.
    @inlinable @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z &>> 31)
    }

    /// Feeds one 64-bit word.
    @inlinable @inline(__always)
    public mutating func combine(_ word: UInt64) {
        accumulator = FingerprintHasher.mix(accumulator ^ word) &+ 0x632B_E59B_D9B4_E019
    }

    /// Feeds any fingerprintable value.
    @inlinable @inline(__always)
    public mutating func combine<Value: Fingerprintable>(_ value: Value) {
        value.fingerprint(into: &self)
    }

    /// The fingerprint of everything fed so far.
    @inlinable @inline(__always)
    public func finalize() -> UInt64 { FingerprintHasher.mix(accumulator) }

    /// The fingerprint of one value.
    @inlinable
    public static func fingerprint<Value: Fingerprintable>(_ value: Value) -> UInt64 {
        var hasher = FingerprintHasher()
        value.fingerprint(into: &hasher)
        return hasher.finalize()
    }
}

/// A value that can feed itself to a `FingerprintHasher`, in a fixed order.
///
/// Conformances must feed every field that distinguishes two states and must never iterate a
/// hash-ordered collection (`Set`, `Dictionary`) without sorting it first.
public protocol Fingerprintable {
    func fingerprint(into hasher: inout FingerprintHasher)
}

extension Bool: Fingerprintable {
    @inlinable public func fingerprint(into hasher: inout FingerprintHasher) { hasher.combine(self ? 1 : 0) }
}

extension Int: Fingerprintable {
    @inlinable public func fingerprint(into hasher: inout FingerprintHasher) { hasher.combine(UInt64(bitPattern: Int64(self))) }
}

extension UInt64: Fingerprintable {
    @inlinable public func fingerprint(into hasher: inout FingerprintHasher) { hasher.combine(self) }
}

extension UInt32: Fingerprintable {
    @inlinable public func fingerprint(into hasher: inout FingerprintHasher) { hasher.combine(UInt64(self)) }
}

extension UInt16: Fingerprintable {
    @inlinable public func fingerprint(into hasher: inout FingerprintHasher) { hasher.combine(UInt64(self)) }
}

extension UInt8: Fingerprintable {
    @inlinable public func fingerprint(into hasher: inout FingerprintHasher) { hasher.combine(UInt64(self)) }
}

extension Int64: Fingerprintable {
    @inlinable public func fingerprint(into hasher: inout FingerprintHasher) { hasher.combine(UInt64(bitPattern: self)) }
}

extension Int32: Fingerprintable {
    @inlinable public func fingerprint(into hasher: inout FingerprintHasher) { hasher.combine(UInt64(UInt32(bitPattern: self))) }
}

extension String: Fingerprintable {
    @inlinable public func fingerprint(into hasher: inout FingerprintHasher) {
        var word: UInt64 = 0
        var filled = 0
        var count: UInt64 = 0
        for byte in utf8 {
            word |= UInt64(byte) << (8 * UInt64(filled))
            filled += 1
            count += 1
            if filled == 8 { hasher.combine(word); word = 0; filled = 0 }
        }
        if filled > 0 { hasher.combine(word) }
        hasher.combine(count)
    }
}

extension Optional: Fingerprintable where Wrapped: Fingerprintable {
    @inlinable public func fingerprint(into hasher: inout FingerprintHasher) {
        switch self {
        case .none: hasher.combine(0 as UInt64)
        case .some(let value): hasher.combine(1 as UInt64); value.fingerprint(into: &hasher)
        }
    }
}

extension Array: Fingerprintable where Element: Fingerprintable {
    @inlinable public func fingerprint(into hasher: inout FingerprintHasher) {
        hasher.combine(UInt64(count))
        for element in self { element.fingerprint(into: &hasher) }
    }
}
