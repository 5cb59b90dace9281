import Glibc
import Support

/// Checkpoints of the namespace: `fsimage_%019d` files named by the last txid they include.
///
/// Layout (big-endian): the magic "QJMFSIMG", a UInt32 format version (1), the UInt64 txid, a
/// UInt32 inode count, the inode records in canonical order (see `Namespace+Canonical.swift` and
/// README.md), then a CRC32C of everything before it. A file is written atomically (temporary
/// file, fsync, rename, fsync of the directory); after a save only the newest `imagesRetainedMax`
/// images are kept.
public enum FSImage {
    /// The first 8 bytes of every image.
    public static let magic: [UInt8] = Array("QJMFSIMG".utf8)
    /// The format version this release writes and reads.
    public static let version: UInt32 = 1
    /// How many images a directory keeps (`dfs.namenode.num.checkpoints.retained`, default 2).
    public static let imagesRetainedMax = 2
    /// The name prefix of an image file.
    public static let fileNamePrefix = "fsimage_"
    /// Magic, version, txid, inode count and checksum.
    static let framingBytes = 8 + 4 + 8 + 4 + 4

    /// "fsimage_" and `txid` as 19 zero-padded digits, e.g. "fsimage_0000000000000000042".
    public static func fileName(txid: UInt64) -> String {
        let digits = String(txid)
        return fileNamePrefix + String(repeating: "0", count: max(0, 19 - digits.count)) + digits
    }

    /// The txid in an image file's name, or nil for any other name (temporary files included).
    public static func txid(fromFileName name: String) -> UInt64? {
        guard name.hasPrefix(fileNamePrefix) else { return nil }
        let digits = name.dropFirst(fileNamePrefix.count)
        guard digits.count == 19, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(digits)
    }

    /// The bytes of an image of `namespace` taken after `txid`.
    public static func encode(_ namespace: Namespace, txid: UInt64) -> [UInt8] {
        var writer = BinaryWriter(capacity: 64 + namespace.count * 48)
        writer.writeRaw(magic)
        writer.write(version)
        writer.write(txid)
        writer.write(UInt32(namespace.count))
        namespace.forEachCanonical { _, parentIndex, inode in
            Namespace.encodeRecord(inode, parentIndex: parentIndex, into: &writer)
        }
        writer.write(CRC32C.checksum(writer.bytes))
        return writer.bytes
    }

    /// Decodes an image; `file` names it in errors, `expectedTxID` (from its name) must match the header.
    public static func decode(_ bytes: [UInt8], file: String,
                              expectedTxID: UInt64? = nil) throws(FSImageError) -> (namespace: Namespace, txid: UInt64) {
        guard bytes.count >= framingBytes else {
            throw FSImageError(file: file, offset: 0,
                               detail: "\(bytes.count) bytes, shorter than the \(framingBytes) of an empty image")
        }
        let bodyCount = bytes.count - 4
        let stored = bytes[bodyCount...].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let computed = CRC32C.checksum(bytes[0..<bodyCount])
        guard stored == computed else {
            throw FSImageError(file: file, offset: bodyCount, detail: "checksum mismatch: stored \(hex(stored)), "
                               + "computed \(hex(computed))")
        }
        var reader = BinaryReader(Array(bytes[0..<bodyCount]))
        do {
            guard Array(try reader.readRaw("magic", count: magic.count)) == magic else {
                throw FSImageError(file: file, offset: 0, detail: "bad magic: not an image of this format")
            }
            let foundVersion = try reader.readUInt32("version")
            guard foundVersion == version else {
                throw FSImageError(file: file, offset: 8, detail: "unsupported version \(foundVersion) "
                                   + "(this release reads \(version))")
            }
            let txid = try reader.readUInt64("txid")
            if let expectedTxID, expectedTxID != txid {
                throw FSImageError(file: file, offset: 12, detail: "txid \(txid) in the header, "
                                   + "\(expectedTxID) in the file name")
            }
            let count = try reader.readCount("inode count", itemBytesMin: Namespace.recordBytesMin,
                                             limit: Int(UInt32.max))
            guard count >= 1 else { throw FSImageError(file: file, offset: 20, detail: "no root inode") }
            var namespace = Namespace()
            for index in 0..<count {
                let start = reader.offset
                do {
                    let (parentIndex, inode) = try Namespace.decodeRecord(from: &reader)
                    if let problem = namespace.load(inode, parentIndex: parentIndex, index: index) {
                        throw FSImageError(file: file, offset: start, detail: "inode \(index): \(problem)")
                    }
                } catch let error as BinaryError {
                    throw FSImageError(file: file, offset: start, detail: "inode \(index): \(error)")
                }
            }
            guard reader.isAtEnd else {
                throw FSImageError(file: file, offset: reader.offset,
                                   detail: "\(reader.remaining) bytes after the last inode")
            }
            return (namespace, txid)
        } catch let error as FSImageError {
            throw error
        } catch {
            throw FSImageError(file: file, offset: reader.offset, detail: "\(error)")
        }
    }

    /// Writes an image of `namespace` after `lastAppliedTxID` into `directory` atomically, then
    /// deletes all but the newest `imagesRetainedMax` images and any leftover temporary image.
    public static func save(_ namespace: Namespace, lastAppliedTxID: UInt64, to directory: String) throws {
        let path = directory + "/" + fileName(txid: lastAppliedTxID)
        try DurableFiles.writeAtomically(encode(namespace, txid: lastAppliedTxID), to: path)
        try purge(directory)
    }

    /// The txids of the images in `directory`, oldest first.
    public static func txids(in directory: String) throws -> [UInt64] {
        try DurableFiles.list(directory).compactMap(txid(fromFileName:)).sorted()
    }

    /// Loads the image at `path`, checking its name's txid against its header.
    public static func load(file path: String) throws -> (namespace: Namespace, txid: UInt64) {
        guard let bytes = try DurableFiles.read(path) else {
            throw FSImageError(file: path, offset: nil, detail: "no such file")
        }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return try decode(bytes, file: path, expectedTxID: txid(fromFileName: name))
    }

    /// Loads the newest image in `directory`, or nil if it has none. A corrupt newest image is an
    /// error naming the file (upstream would fall back to an older image; we refuse to guess).
    public static func loadLatest(from directory: String) throws -> (namespace: Namespace, txid: UInt64)? {
        guard let newest = try txids(in: directory).last else { return nil }
        return try load(file: directory + "/" + fileName(txid: newest))
    }

    /// Deletes images beyond the newest `imagesRetainedMax` and leftover "fsimage_N.tmp" files.
    static func purge(_ directory: String) throws {
        let names = try DurableFiles.list(directory)
        let images = names.compactMap(txid(fromFileName:)).sorted()
        var doomed = images.dropLast(imagesRetainedMax).map { fileName(txid: $0) }
        doomed += names.filter { $0.hasSuffix(".tmp") && txid(fromFileName: String($0.dropLast(4))) != nil }
        guard !doomed.isEmpty else { return }
        for name in doomed {
            let path = directory + "/" + name
            guard unlink(path) == 0 || errno == ENOENT else { throw SystemError("unlink", path: path) }
        }
        try DurableFiles.syncDirectory(directory)
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}

/// A damaged or foreign image file, named with the offset of the problem when known.
public struct FSImageError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var offset: Int?
    public var detail: String

    public init(file: String, offset: Int?, detail: String) {
        self.file = file
        self.offset = offset
        self.detail = detail
    }

    /// Worded after upstream's "Failed to load image from FSImageFile(file=...)".
    public var description: String {
        let place = offset.map { " at offset \($0)" } ?? ""
        return "Failed to load image from \(file)\(place): \(detail)"
    }
}
