import Foundation
import Namespace

/// Turns client calls into namespace operations and namespace answers into client responses.
/// Nothing here is protocol: the model decides whether a call is taken, this only says what
/// the call means for the tree.
enum NamespaceAdapter {
    /// HDFS's defaults for what a client does not say: `dfs.replication`, `dfs.blocksize`, and
    /// the permissions after the default umask 022.
    static let replicationDefault: UInt16 = 3
    static let blockSizeDefault: UInt64 = 128 << 20
    static let directoryPermission: UInt16 = 0o755
    static let filePermission: UInt16 = 0o644
    static let supergroup = "supergroup"

    /// The operation a namespace write asks for, stamped with the owner and the time.
    static func operation(for request: ClientRequest, owner: String, now milliseconds: Int64) -> NamespaceOperation? {
        switch request {
        case .mkdirs(let path, let createParent):
            return .mkdirs(path: path, createParent: createParent, permission: directoryPermission, owner: owner,
                           group: supergroup, modificationTime: milliseconds)
        case .create(let path, let overwrite):
            return .create(path: path, overwrite: overwrite, replication: replicationDefault, blockSize: blockSizeDefault,
                           permission: filePermission, owner: owner, group: supergroup, modificationTime: milliseconds)
        case .delete(let path, let recursive):
            return .delete(path: path, recursive: recursive, modificationTime: milliseconds)
        case .rename(let source, let destination):
            return .rename(source: source, destination: destination, modificationTime: milliseconds)
        default:
            return nil
        }
    }

    /// What the client hears when the operation succeeded: mkdirs and create return nothing,
    /// delete and rename return true.
    static func success(for request: ClientRequest) -> ClientResponse {
        switch request {
        case .delete, .rename: return .boolean(true)
        default: return .done
        }
    }

    /// The answer to the call that logged `operation` (for a standby's retry cache).
    static func success(for operation: NamespaceOperation) -> ClientResponse {
        switch operation {
        case .delete, .rename: return .boolean(true)
        case .mkdirs, .create: return .done
        }
    }

    /// Answers a read from the namespace.
    static func read(_ request: ClientRequest, in namespace: Namespace) -> ClientResponse {
        do {
            switch request {
            case .getFileInfo(let path): return .fileStatus(try namespace.status(path))
            case .getListing(let path): return .listing(try namespace.list(path))
            default: return .failure(className: "java.io.IOException", message: "\(request) is not a read")
            }
        } catch {
            if error.kind == .notFound, case .getFileInfo = request { return .fileStatus(nil) }
            return .namespaceError(error)
        }
    }

    static func nowMilliseconds() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}
