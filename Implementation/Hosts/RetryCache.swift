import Model
import Namespace
import Support

/// The caller of a namespace change: upstream's `rpcClientId` (16 bytes) and `rpcCallId`. A
/// client sends the same ids when it repeats a call after a lost answer or a failover.
public struct CallIdentity: Hashable, Sendable {
    public var clientID: [UInt8]
    public var callID: UInt32

    public init(clientID: [UInt8], callID: UInt32) {
        self.clientID = clientID
        self.callID = callID
    }
}

/// What an edit record carries: the operation and, when the call had ids, who made it (upstream
/// logs `rpcClientId`/`rpcCallId` in each op so that a standby rebuilds the retry cache).
enum EditPayload {
    static let version: UInt8 = 1

    static func encode(_ operation: NamespaceOperation, caller: CallIdentity?) -> [UInt8] {
        var writer = BinaryWriter()
        writer.write(version)
        writer.write(caller != nil)
        if let caller {
            writer.writeRaw(caller.clientID)
            writer.write(caller.callID)
        }
        operation.encode(into: &writer)
        return writer.bytes
    }

    static func decode(_ bytes: [UInt8]) throws -> (NamespaceOperation, CallIdentity?) {
        var reader = BinaryReader(bytes)
        let found = try reader.readUInt8("edit payload version")
        guard found == version else { throw BinaryError.invalid(field: "edit payload version", detail: "\(found)") }
        var caller: CallIdentity?
        if try reader.readBool("caller present") {
            caller = CallIdentity(clientID: Array(try reader.readRaw("rpcClientId", count: 16)), callID: try reader.readUInt32("rpcCallId"))
        }
        let operation = try NamespaceOperation.decode(from: &reader)
        guard reader.isAtEnd else { throw BinaryError.invalid(field: "edit payload", detail: "\(reader.remaining) trailing bytes") }
        return (operation, caller)
    }
}

/// Upstream's RetryCache for `@AtMostOnce` calls (create, delete, rename): a repeated call is
/// answered from the cache instead of being run twice. An entry is pending while its edit waits
/// for the quorum (a repeat waits with it) and done once acknowledged; a standby fills it from
/// the edits it tails, so a call repeated after a failover finds its answer on the new active.
/// Bounded: the oldest entries go first.
struct RetryCache {
    enum Entry {
        case pending(waiters: [ClientID])
        case done(ClientResponse)
    }

    static let entriesMax = 100_000

    private(set) var entries: [CallIdentity: Entry] = [:]
    private var order: [CallIdentity] = []
    private var orderStart = 0

    subscript(caller: CallIdentity) -> Entry? { entries[caller] }

    mutating func set(_ caller: CallIdentity, _ entry: Entry) {
        if entries.updateValue(entry, forKey: caller) == nil {
            order.append(caller)
            if entries.count > RetryCache.entriesMax {
                entries[order[orderStart]] = nil
                orderStart += 1
                if orderStart > RetryCache.entriesMax { order.removeFirst(orderStart); orderStart = 0 }
            }
        }
    }

    /// Drops a pending entry (its waiters are answered by the model's own replies).
    mutating func forget(_ caller: CallIdentity) {
        if case .pending? = entries[caller] { entries[caller] = nil }
    }

    /// Marks a call done and returns who else waited for its answer.
    mutating func complete(_ caller: CallIdentity, _ response: ClientResponse) -> [ClientID] {
        var waiters: [ClientID] = []
        if case .pending(let waiting)? = entries[caller] { waiters = waiting }
        set(caller, .done(response))
        return waiters
    }
}
