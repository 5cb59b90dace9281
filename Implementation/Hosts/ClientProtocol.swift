import Model
import Namespace
import Support
import Wire

/// The NameNode's RPC protocol: ClientProtocol's namespace calls, HAServiceProtocol's calls, and
/// the image transfer that `-bootstrapStandby` uses. One tag byte per case, big-endian fields.
public enum ClientRequest: Hashable, Sendable {
    case mkdirs(path: String, createParent: Bool)
    /// An empty file (`-touchz`).
    case create(path: String, overwrite: Bool)
    case delete(path: String, recursive: Bool)
    case rename(source: String, destination: String)
    case getFileInfo(path: String)
    case getListing(path: String)
    case transitionToActive(source: HARequestSource)
    case transitionToStandby(source: HARequestSource)
    case getServiceStatus
    case monitorHealth
    /// The newest checkpoint on disk (upstream: the image servlet of the NameNode's HTTP server).
    case fetchImage
    /// What upstream's NameNode MXBean reports: state, the last applied txid, the writer's epoch.
    case getNameNodeInfo
    /// A namespace change with the caller's ids, so that repeating it is safe (the retry cache).
    indirect case identified(CallIdentity, ClientRequest)

    /// Whether the call changes the namespace (and so goes to the journal).
    public var isNamespaceWrite: Bool {
        switch self {
        case .mkdirs, .create, .delete, .rename, .identified: return true
        default: return false
        }
    }

    public func encode() -> [UInt8] {
        var writer = BinaryWriter()
        switch self {
        case .mkdirs(let path, let createParent): writer.write(UInt8(1)); writer.write(path); writer.write(createParent)
        case .create(let path, let overwrite): writer.write(UInt8(2)); writer.write(path); writer.write(overwrite)
        case .delete(let path, let recursive): writer.write(UInt8(3)); writer.write(path); writer.write(recursive)
        case .rename(let source, let destination): writer.write(UInt8(4)); writer.write(source); writer.write(destination)
        case .getFileInfo(let path): writer.write(UInt8(5)); writer.write(path)
        case .getListing(let path): writer.write(UInt8(6)); writer.write(path)
        case .transitionToActive(let source): writer.write(UInt8(7)); writer.write(source.rawValue)
        case .transitionToStandby(let source): writer.write(UInt8(8)); writer.write(source.rawValue)
        case .getServiceStatus: writer.write(UInt8(9))
        case .monitorHealth: writer.write(UInt8(10))
        case .fetchImage: writer.write(UInt8(11))
        case .getNameNodeInfo: writer.write(UInt8(12))
        case .identified(let caller, let request):
            writer.write(UInt8(13)); writer.writeRaw(caller.clientID); writer.write(caller.callID)
            writer.writeRaw(request.encode())
        }
        return writer.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws -> ClientRequest {
        var reader = BinaryReader(bytes)
        let tag = try reader.readUInt8("client request tag")
        let request: ClientRequest
        switch tag {
        case 1: request = .mkdirs(path: try reader.readString("path"), createParent: try reader.readBool("createParent"))
        case 2: request = .create(path: try reader.readString("path"), overwrite: try reader.readBool("overwrite"))
        case 3: request = .delete(path: try reader.readString("path"), recursive: try reader.readBool("recursive"))
        case 4: request = .rename(source: try reader.readString("source"), destination: try reader.readString("destination"))
        case 5: request = .getFileInfo(path: try reader.readString("path"))
        case 6: request = .getListing(path: try reader.readString("path"))
        case 7, 8:
            let text = try reader.readString("request source")
            guard let source = HARequestSource(rawValue: text) else {
                throw BinaryError.invalid(field: "request source", detail: "unknown '\(text)'")
            }
            request = tag == 7 ? .transitionToActive(source: source) : .transitionToStandby(source: source)
        case 9: request = .getServiceStatus
        case 10: request = .monitorHealth
        case 11: request = .fetchImage
        case 12: request = .getNameNodeInfo
        case 13:
            let caller = CallIdentity(clientID: Array(try reader.readRaw("rpcClientId", count: 16)), callID: try reader.readUInt32("rpcCallId"))
            let inner = try ClientRequest.decode(Array(try reader.readRaw("request", count: reader.remaining)))
            guard inner.isNamespaceWrite else {
                throw BinaryError.invalid(field: "identified request", detail: "only namespace changes carry call ids")
            }
            request = .identified(caller, inner)
        default: throw BinaryError.invalid(field: "client request tag", detail: "unknown tag \(tag)")
        }
        guard reader.isAtEnd else { throw BinaryError.invalid(field: "client request", detail: "\(reader.remaining) trailing bytes") }
        return request
    }
}

/// The NameNode's answers.
public enum ClientResponse: Hashable, Sendable {
    /// Success without a value (mkdirs, create, a transition, a healthy monitorHealth).
    case done
    /// delete and rename answer a boolean, as HDFS.
    case boolean(Bool)
    case fileStatus(FileStatus?)
    case listing([FileStatus])
    case serviceStatus(state: HAServiceState, readyToBecomeActive: Bool, notReadyReason: String?)
    case image(namespace: NamespaceInfo, txid: UInt64, bytes: [UInt8])
    /// A `RemoteException`: the Java class and the message.
    case failure(className: String, message: String)
    /// A namespace refusal, with what the shell needs to print it as `hdfs dfs` does.
    case namespaceError(NamespaceError)
    case nameNodeInfo(NameNodeInfo)

    public func encode() -> [UInt8] {
        var writer = BinaryWriter()
        switch self {
        case .done: writer.write(UInt8(1))
        case .boolean(let value): writer.write(UInt8(2)); writer.write(value)
        case .fileStatus(let status):
            writer.write(UInt8(3))
            writer.write(status != nil)
            if let status { status.encode(into: &writer) }
        case .listing(let statuses):
            writer.write(UInt8(4))
            writer.write(UInt32(statuses.count))
            for status in statuses { status.encode(into: &writer) }
        case .serviceStatus(let state, let ready, let reason):
            writer.write(UInt8(5)); writer.write(state.rawValue); writer.write(ready)
            writer.write(reason != nil); if let reason { writer.write(reason) }
        case .image(let namespace, let txid, let bytes):
            writer.write(UInt8(6)); namespace.encode(into: &writer); writer.write(txid); writer.writeBytes(bytes)
        case .failure(let className, let message):
            writer.write(UInt8(7)); writer.write(className); writer.write(message)
        case .namespaceError(let error):
            writer.write(UInt8(8)); error.encode(into: &writer)
        case .nameNodeInfo(let info):
            writer.write(UInt8(9)); writer.write(info.state.rawValue); writer.write(info.lastAppliedTxID)
            writer.write(info.writerEpoch); writer.write(info.committedTxID); writer.write(info.namespaceDigest)
        }
        return writer.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws -> ClientResponse {
        var reader = BinaryReader(bytes, lengthMax: 1 << 30)
        let tag = try reader.readUInt8("client response tag")
        let response: ClientResponse
        switch tag {
        case 1: response = .done
        case 2: response = .boolean(try reader.readBool("result"))
        case 3: response = .fileStatus(try reader.readBool("present") ? try FileStatus.decode(from: &reader) : nil)
        case 4:
            let count = try reader.readCount("listing count", itemBytesMin: 8)
            var statuses: [FileStatus] = []
            for _ in 0..<count { statuses.append(try FileStatus.decode(from: &reader)) }
            response = .listing(statuses)
        case 5:
            let text = try reader.readString("state")
            guard let state = HAServiceState(rawValue: text) else {
                throw BinaryError.invalid(field: "state", detail: "unknown '\(text)'")
            }
            let ready = try reader.readBool("readyToBecomeActive")
            let reason = try reader.readBool("notReadyReason present") ? try reader.readString("notReadyReason") : nil
            response = .serviceStatus(state: state, readyToBecomeActive: ready, notReadyReason: reason)
        case 6:
            response = .image(namespace: try NamespaceInfo.decode(from: &reader), txid: try reader.readUInt64("txid"),
                              bytes: try reader.readBytes("image"))
        case 7: response = .failure(className: try reader.readString("className"), message: try reader.readString("message"))
        case 8: response = .namespaceError(try NamespaceError.decode(from: &reader))
        case 9:
            let text = try reader.readString("state")
            guard let state = HAServiceState(rawValue: text) else {
                throw BinaryError.invalid(field: "state", detail: "unknown '\(text)'")
            }
            response = .nameNodeInfo(NameNodeInfo(state: state, lastAppliedTxID: try reader.readUInt64("lastAppliedTxID"),
                                                  writerEpoch: try reader.readOptionalUInt64("writerEpoch"),
                                                  committedTxID: try reader.readOptionalUInt64("committedTxID"),
                                                  namespaceDigest: try reader.readUInt64("namespaceDigest")))
        default: throw BinaryError.invalid(field: "client response tag", detail: "unknown tag \(tag)")
        }
        guard reader.isAtEnd else { throw BinaryError.invalid(field: "client response", detail: "\(reader.remaining) trailing bytes") }
        return response
    }
}

/// A NameNode's vital figures (upstream: the NameNode MXBean's HAState and
/// LastAppliedOrWrittenTxId), for operators, tests and benchmarks.
public struct NameNodeInfo: Hashable, Sendable {
    public var state: HAServiceState
    public var lastAppliedTxID: UInt64
    /// The epoch it writes in, once established.
    public var writerEpoch: UInt64?
    /// The highest txid it knows a quorum holds, while writing.
    public var committedTxID: UInt64?
    /// `Namespace.digest`: equal trees have equal digests.
    public var namespaceDigest: UInt64

    public init(state: HAServiceState, lastAppliedTxID: UInt64, writerEpoch: UInt64?, committedTxID: UInt64?, namespaceDigest: UInt64) {
        self.state = state
        self.lastAppliedTxID = lastAppliedTxID
        self.writerEpoch = writerEpoch
        self.committedTxID = committedTxID
        self.namespaceDigest = namespaceDigest
    }
}

extension ClientRequest {
    /// Sends this request to the NameNode at `host:port` on a connection of its own and decodes
    /// the answer (tools, benchmarks and tests; clients that fail over use `FailoverClient`).
    public func call(host: String, port: UInt16, connectTimeout: Duration? = nil, timeout: Duration) throws -> ClientResponse {
        let client = RPCClient(host: host, port: port, connectTimeout: connectTimeout ?? timeout, log: { _ in })
        defer { client.close() }
        return try ClientResponse.decode(try client.call(payload: encode(), lamport: 0, timeout: timeout).payload)
    }
}
