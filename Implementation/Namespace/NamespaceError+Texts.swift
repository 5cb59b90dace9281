/// Every refusal, with its upstream text and the source it comes from (Apache Hadoop 3.x,
/// `hadoop-hdfs-project/hadoop-hdfs/src/main/java/org/apache/hadoop/hdfs/server/namenode/` unless
/// another file is named). Where upstream returns `false` instead of throwing, the text is the
/// NameNode's log line for that case.
extension NamespaceError {
    /// `FSDirectory.resolvePath` for creations, `FSDirStatAndListingOp.getFileInfo`/`getListingInt`:
    /// `InvalidPathException("Invalid file name: " + src)`. Used by mkdirs, status and list.
    static func invalidFileName(_ path: String) -> NamespaceError {
        NamespaceError(.invalidPath, "Invalid file name: \(path)", kind: .invalidPath, path: path)
    }

    /// `FSNamesystem.startFileInt` and `FSDirDeleteOp.delete`: `new InvalidPathException(src)`, whose
    /// constructor (`hadoop-common/.../fs/InvalidPathException.java`) says "Invalid path name " + path.
    /// Used by create, delete and a rename's source.
    static func invalidPathName(_ path: String) -> NamespaceError {
        NamespaceError(.invalidPath, "Invalid path name \(path)", kind: .invalidPath, path: path)
    }

    /// `FSDirRenameOp.renameToInt` (the rename without options): `IOException("Invalid name: " + dst)`.
    static func invalidRenameDestination(_ path: String) -> NamespaceError {
        NamespaceError(.io, "Invalid name: \(path)", kind: .invalidPath, path: path)
    }

    /// `NameNodeRpcServer.mkdirs/create/rename` after `checkPathLength`:
    /// `IOException(op + ": Pathname too long.  Limit 8000 characters, 1000 levels.")`.
    static func pathTooLong(_ path: String, operation: String) -> NamespaceError {
        NamespaceError(.io, "\(operation): Pathname too long.  Limit \(NamespacePath.lengthMax) characters, "
                       + "\(NamespacePath.depthMax) levels.", kind: .pathTooLong, path: path)
    }

    /// `FSDirectory.verifyMaxComponentLength`, text from `FSLimitException.PathComponentTooLongException`.
    static func componentTooLong(_ name: [UInt8], parent: String, path: String) -> NamespaceError {
        NamespaceError(.pathComponentTooLong,
                       "The maximum path component name limit of \(String(decoding: name, as: UTF8.self)) "
                       + "in directory \(parent) is exceeded: limit=\(NamespacePath.componentBytesMax) "
                       + "length=\(name.count)", kind: .componentTooLong, path: path)
    }

    /// `FSDirectory.verifyMaxDirItems`, text from `FSLimitException.MaxDirectoryItemsExceededException`.
    static func directoryFull(_ parent: String, items: Int, path: String) -> NamespaceError {
        NamespaceError(.maxDirectoryItemsExceeded, "The directory item limit of \(parent) is exceeded: "
                       + "limit=\(Namespace.directoryItemsMax) items=\(items)", kind: .directoryFull, path: path)
    }

    /// `FSPermissionChecker.checkIsDirectory` via `checkSimpleTraverse`:
    /// `ParentNotDirectoryException(prefix + " (is not a directory)")` for paths being created
    /// (mkdirs, create, a rename's destination). `FSDirectory.resolvePath` turns it into an
    /// `AccessControlException` with the same message for every other operation.
    static func ancestorIsFile(_ prefix: String, path: String, creating: Bool) -> NamespaceError {
        NamespaceError(creating ? .parentNotDirectory : .accessControl, "\(prefix) (is not a directory)",
                       kind: .ancestorIsFile, path: path)
    }

    /// `FSDirMkdirOp.mkdirs`: `FileAlreadyExistsException("Path is not a directory: " + src)`.
    static func mkdirOnFile(_ path: String) -> NamespaceError {
        NamespaceError(.fileAlreadyExists, "Path is not a directory: \(path)", kind: .existsAsFile, path: path)
    }

    /// `FSDirectory.verifyParentDir` (mkdirs without createParent, create):
    /// `FileNotFoundException("Parent directory doesn't exist: " + parent)`.
    static func parentMissing(_ parent: String, path: String) -> NamespaceError {
        NamespaceError(.fileNotFound, "Parent directory doesn't exist: \(parent)", kind: .parentNotFound, path: path)
    }

    /// `FSDirWriteFileOp.resolvePathForStartFile`:
    /// `FileAlreadyExistsException(path + " already exists as a directory")`.
    static func createOnDirectory(_ path: String) -> NamespaceError {
        NamespaceError(.fileAlreadyExists, "\(path) already exists as a directory", kind: .existsAsDirectory,
                       path: path)
    }

    /// `FSDirWriteFileOp.startFile` without OVERWRITE:
    /// `FileAlreadyExistsException(src + " for client " + clientMachine + " already exists")`.
    static func fileExists(_ path: String, clientMachine: String) -> NamespaceError {
        NamespaceError(.fileAlreadyExists, "\(path) for client \(clientMachine) already exists",
                       kind: .alreadyExists, path: path)
    }

    /// `BlockManager.verifyReplication`: "Requested replication factor of R exceeds maximum of 512
    /// for P, clientName=C" or "... is less than the required minimum of 1 for P, clientName=C".
    static func badReplication(_ replication: UInt16, path: String, clientMachine: String) -> NamespaceError {
        let reason = replication > Namespace.replicationMax
            ? " exceeds maximum of \(Namespace.replicationMax)"
            : " is less than the required minimum of \(Namespace.replicationMin)"
        return NamespaceError(.io, "Requested replication factor of \(replication)\(reason) for \(path), "
                              + "clientName=\(clientMachine)", kind: .badReplication, path: path)
    }

    /// `FSNamesystem.startFileInt`: "Specified block size is less than configured minimum value
    /// (dfs.namenode.fs-limits.min-block-size): B < 1048576".
    static func badBlockSize(_ blockSize: UInt64, path: String) -> NamespaceError {
        NamespaceError(.io, "Specified block size is less than configured minimum value "
                       + "(dfs.namenode.fs-limits.min-block-size): \(blockSize) < \(Namespace.blockSizeMin)",
                       kind: .badBlockSize, path: path)
    }

    /// `FSDirDeleteOp.delete`: `PathIsNotEmptyDirectoryException(path + " is non empty")`.
    static func notEmpty(_ path: String) -> NamespaceError {
        NamespaceError(.pathIsNotEmptyDirectory, "\(path) is non empty", kind: .notEmpty, path: path)
    }

    /// `FSDirDeleteOp.deleteAllowed` returns false and logs "DIR* FSDirectory.unprotectedDelete:
    /// failed to remove P because it does not exist"; we raise that line.
    static func deleteMissing(_ path: String) -> NamespaceError {
        NamespaceError(.fileNotFound, "failed to remove \(path) because it does not exist", kind: .notFound,
                       path: path)
    }

    /// `FSDirDeleteOp.deleteAllowed` returns false and warns "... failed to remove / because the
    /// root is not allowed to be deleted"; we raise that line.
    static func deleteRoot() -> NamespaceError {
        NamespaceError(.io, "failed to remove / because the root is not allowed to be deleted", kind: .rootRefused,
                       path: "/")
    }

    /// `FSDirRenameOp.validateRenameSource`: "rename source S is not found."
    static func renameSourceMissing(_ source: String) -> NamespaceError {
        NamespaceError(.fileNotFound, "rename source \(source) is not found.", kind: .notFound, path: source)
    }

    /// `FSDirRenameOp.validateRenameSource`: "rename source cannot be the root".
    static func renameRoot() -> NamespaceError {
        NamespaceError(.io, "rename source cannot be the root", kind: .rootRefused, path: "/")
    }

    /// `FSDirRenameOp.validateDestination`: "Rename destination D is a directory or file under source S".
    static func renameUnderSource(_ source: String, destination: String) -> NamespaceError {
        NamespaceError(.io, "Rename destination \(destination) is a directory or file under source \(source)",
                       kind: .destinationUnderSource, path: source, targetPath: destination)
    }

    /// `FSDirRenameOp.unprotectedRenameTo` (old rename) returns false and warns "... failed to
    /// rename S to D because destination exists"; we raise that line.
    static func renameDestinationExists(_ source: String, destination: String) -> NamespaceError {
        NamespaceError(.fileAlreadyExists, "failed to rename \(source) to \(destination) because destination exists",
                       kind: .destinationExists, path: destination)
    }

    /// `FSDirRenameOp.unprotectedRenameTo` (old rename) returns false and warns "... failed to
    /// rename S to D because destination's parent does not exist"; we raise that line.
    static func renameParentMissing(_ source: String, destination: String) -> NamespaceError {
        NamespaceError(.fileNotFound,
                       "failed to rename \(source) to \(destination) because destination's parent does not exist",
                       kind: .destinationParentNotFound, path: destination)
    }

    /// `DistributedFileSystem.getFileStatus` (hadoop-hdfs-client) when `getFileInfo` returns null:
    /// `FileNotFoundException("File does not exist: " + p)`.
    static func statusMissing(_ path: String) -> NamespaceError {
        NamespaceError(.fileNotFound, "File does not exist: \(path)", kind: .notFound, path: path)
    }

    /// `DistributedFileSystem.listStatusInternal` when `getListing` returns null:
    /// `FileNotFoundException("File " + p + " does not exist.")`.
    static func listMissing(_ path: String) -> NamespaceError {
        NamespaceError(.fileNotFound, "File \(path) does not exist.", kind: .notFound, path: path)
    }
}
