/// Fingerprints any `Encodable` value by walking its `Codable` encoding.
///
/// Hand-written `fingerprint(into:)` is fastest (the checker's examples use it); for the HA
/// model, whose states nest enums, optionals and arrays deeply, the compiler-synthesised
/// `Encodable` conformance walks every field for us, in declaration order, so a new field can
/// never be forgotten. Keys are fed too: they tell enum cases apart and an absent optional from a
/// present one. Every container opens with a marker, so nested arrays of different shapes feed
/// different sequences.
public struct FingerprintEncoding {
    /// Feeds `value` into `hasher`.
    public static func feed<Value: Encodable>(_ value: Value, into hasher: inout FingerprintHasher) {
        let encoder = FingerprintEncoder()
        // Our encoder never throws; a conformance that throws on its own is a bug in the model.
        do {
            try value.encode(to: encoder)
        } catch {
            preconditionFailure("Internal inconsistency: \(Value.self) failed to encode for its fingerprint: \(error)")
        }
        hasher.combine(encoder.hasher.finalize())
    }
}

extension Fingerprintable where Self: Encodable {
    /// The fingerprint of the value's `Codable` encoding (see `FingerprintEncoding`).
    public func fingerprint(into hasher: inout FingerprintHasher) { FingerprintEncoding.feed(self, into: &hasher) }
}

private enum Marker {
    static let keyed: UInt64 = 0x6B65_7965_6400_0001
    static let unkeyed: UInt64 = 0x756E_6B65_7965_0002
    static let null: UInt64 = 0x6E75_6C6C_0000_0003
}

private final class FingerprintEncoder: Encoder {
    var hasher = FingerprintHasher()
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        hasher.combine(Marker.keyed)
        return KeyedEncodingContainer(KeyedContainer<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        hasher.combine(Marker.unkeyed)
        return UnkeyedContainer(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleValue(encoder: self) }

    @inline(__always) func feedKey(_ key: some CodingKey) {
        if let index = key.intValue { hasher.combine(UInt64(bitPattern: Int64(index))) } else { key.stringValue.fingerprint(into: &hasher) }
    }

    @inline(__always) func feed<Value: Encodable>(_ value: Value) throws {
        // Every primitive must end here: the standard library encodes them through a single-value
        // container, which calls back into this method.
        switch value {
        case let number as UInt64: hasher.combine(number)
        case let number as Int: hasher.combine(UInt64(bitPattern: Int64(number)))
        case let flag as Bool: hasher.combine(flag ? 1 : 0)
        case let text as String: text.fingerprint(into: &hasher)
        case let number as UInt8: hasher.combine(UInt64(number))
        case let number as UInt16: hasher.combine(UInt64(number))
        case let number as UInt32: hasher.combine(UInt64(number))
        case let number as UInt: hasher.combine(UInt64(number))
        case let number as Int8: hasher.combine(UInt64(bitPattern: Int64(number)))
        case let number as Int16: hasher.combine(UInt64(bitPattern: Int64(number)))
        case let number as Int32: hasher.combine(UInt64(bitPattern: Int64(number)))
        case let number as Int64: hasher.combine(UInt64(bitPattern: number))
        case let number as Double: hasher.combine(number.bitPattern)
        case let number as Float: hasher.combine(UInt64(number.bitPattern))
        default: try value.encode(to: self)
        }
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: FingerprintEncoder
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws {
        encoder.feedKey(key)
        encoder.hasher.combine(Marker.null)
    }

    mutating func encode<Value: Encodable>(_ value: Value, forKey key: Key) throws {
        encoder.feedKey(key)
        try encoder.feed(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey> {
        encoder.feedKey(key)
        return encoder.container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        encoder.feedKey(key)
        return encoder.unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { encoder }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        encoder.feedKey(key)
        return encoder
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let encoder: FingerprintEncoder
    var codingPath: [any CodingKey] { [] }
    var count = 0

    mutating func encodeNil() throws {
        count += 1
        encoder.hasher.combine(Marker.null)
    }

    mutating func encode<Value: Encodable>(_ value: Value) throws {
        count += 1
        try encoder.feed(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        count += 1
        return encoder.container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        count += 1
        return encoder.unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { encoder }
}

private struct SingleValue: SingleValueEncodingContainer {
    let encoder: FingerprintEncoder
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { encoder.hasher.combine(Marker.null) }
    mutating func encode<Value: Encodable>(_ value: Value) throws { try encoder.feed(value) }
}
