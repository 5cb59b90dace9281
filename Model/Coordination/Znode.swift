/// ZooKeeper's `Stat` record, in wire order (68 bytes on the wire).
public struct ZnodeStat: Hashable, Sendable, Codable, Fingerprintable {
    /// The zxid of the create.
    public var czxid: Int64
    /// The zxid of the last setData (the create's zxid until then).
    public var mzxid: Int64
    /// Milliseconds since the epoch at creation, as the host's clock gave it.
    public var ctime: Int64
    /// Milliseconds since the epoch at the last setData.
    public var mtime: Int64
    /// The number of setData calls.
    public var version: Int32
    /// The number of children created under this node (deletes do not count, as in 3.8).
    public var cversion: Int32
    /// The number of setACL calls.
    public var aversion: Int32
    /// The owning session of an ephemeral node; 0 for a persistent one.
    public var ephemeralOwner: Int64
    public var dataLength: Int32
    public var numChildren: Int32
    /// The zxid of the last create or delete of a child (the create's zxid until then).
    public var pzxid: Int64

    public init(czxid: Int64, mzxid: Int64, ctime: Int64, mtime: Int64, version: Int32, cversion: Int32,
                aversion: Int32, ephemeralOwner: Int64, dataLength: Int32, numChildren: Int32, pzxid: Int64) {
        self.czxid = czxid
        self.mzxid = mzxid
        self.ctime = ctime
        self.mtime = mtime
        self.version = version
        self.cversion = cversion
        self.aversion = aversion
        self.ephemeralOwner = ephemeralOwner
        self.dataLength = dataLength
        self.numChildren = numChildren
        self.pzxid = pzxid
    }

    public func fingerprint(into hasher: inout FingerprintHasher) {
        hasher.combine(czxid)
        hasher.combine(mzxid)
        hasher.combine(ctime)
        hasher.combine(mtime)
        hasher.combine(version)
        hasher.combine(cversion)
        hasher.combine(aversion)
        hasher.combine(ephemeralOwner)
        hasher.combine(dataLength)
        hasher.combine(numChildren)
        hasher.combine(pzxid)
    }
}

/// One node of the coordination tree: its path, payload and the stored parts of its Stat.
///
/// `dataLength` is not stored (it is `data.count`); `numChildren` is, so that a delete can
/// check NOTEMPTY without scanning.
public struct Znode: Hashable, Sendable, Codable, Fingerprintable {
    public var path: String
    public var data: [UInt8]
    public var czxid: Int64
    public var mzxid: Int64
    public var pzxid: Int64
    public var ctime: Int64
    public var mtime: Int64
    public var version: Int32
    public var cversion: Int32
    public var aversion: Int32
    public var ephemeralOwner: Int64
    public var numChildren: Int32

    /// A node as `DataTree.createStat` makes it: every zxid is the create's, every version 0.
    init(path: String, data: [UInt8], ephemeralOwner: Int64, zxid: Int64, time: Int64) {
        self.path = path
        self.data = data
        self.czxid = zxid
        self.mzxid = zxid
        self.pzxid = zxid
        self.ctime = time
        self.mtime = time
        self.version = 0
        self.cversion = 0
        self.aversion = 0
        self.ephemeralOwner = ephemeralOwner
        self.numChildren = 0
    }

    /// The root as a fresh ZooKeeper database has it: all zeros.
    static var root: Znode {
        Znode(path: ZnodePath.root, data: [], ephemeralOwner: 0, zxid: 0, time: 0)
    }

    public var isEphemeral: Bool { ephemeralOwner != 0 }

    public var stat: ZnodeStat {
        ZnodeStat(czxid: czxid, mzxid: mzxid, ctime: ctime, mtime: mtime, version: version,
                  cversion: cversion, aversion: aversion, ephemeralOwner: ephemeralOwner,
                  dataLength: Int32(clamping: data.count), numChildren: numChildren, pzxid: pzxid)
    }

    public func fingerprint(into hasher: inout FingerprintHasher) {
        hasher.combine(path)
        Znode.combineBytes(data, into: &hasher)
        hasher.combine(czxid)
        hasher.combine(mzxid)
        hasher.combine(pzxid)
        hasher.combine(ctime)
        hasher.combine(mtime)
        hasher.combine(version)
        hasher.combine(cversion)
        hasher.combine(aversion)
        hasher.combine(ephemeralOwner)
        hasher.combine(numChildren)
    }
}

extension Znode {
    /// Feeds a byte string eight bytes to a word, then its length (a payload can be a megabyte).
    static func combineBytes(_ bytes: [UInt8], into hasher: inout FingerprintHasher) {
        var word: UInt64 = 0
        var filled: UInt64 = 0
        for byte in bytes {
            word |= UInt64(byte) << (8 * filled)
            filled += 1
            if filled == 8 {
                hasher.combine(word)
                word = 0
                filled = 0
            }
        }
        if filled > 0 { hasher.combine(word) }
        hasher.combine(UInt64(bytes.count))
    }
}
