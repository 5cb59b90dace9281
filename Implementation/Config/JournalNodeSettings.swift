/// What a JournalNode process reads: where it stores journals and where it listens.
public struct JournalNodeSettings: Equatable, Sendable {
    /// Upstream `DFS_JOURNALNODE_EDITS_DIR_DEFAULT`.
    public static let editsDirectoryDefault = "/tmp/hadoop/dfs/journalnode/"
    /// Upstream `DFS_JOURNALNODE_RPC_ADDRESS_DEFAULT`.
    public static let rpcAddressDefault = "0.0.0.0:8485"
    /// Upstream `DFS_JOURNALNODE_HTTP_ADDRESS_DEFAULT`.
    public static let httpAddressDefault = "0.0.0.0:8480"
    public static let rpcPortDefault = 8485
    public static let httpPortDefault = 8480

    /// `dfs.journalnode.edits.dir` (or `.<nameservice>`): an absolute directory.
    public var editsDirectory: String
    /// `dfs.journalnode.rpc-address`.
    public var rpcAddress: SocketAddress
    /// `dfs.journalnode.http-address`.
    public var httpAddress: SocketAddress

    /// Reads the keys; the edits directory may be suffixed with `nameservice`. A relative edits
    /// directory is rejected with upstream's text "Journal dir '<dir>' should be an absolute path".
    public init(_ configuration: Configuration, nameservice: String? = nil) throws {
        let editsKey = configuration.mostSpecificKey(ConfigurationKeys.journalNodeEditsDirectory,
                                                     nameservice: nameservice, nameNode: nil)
        let directory = configuration.string(editsKey, default: JournalNodeSettings.editsDirectoryDefault)
        guard directory.hasPrefix("/") else {
            throw ConfigError.badValue(key: editsKey, value: directory,
                                       reason: "is not absolute (Journal dir '\(directory)' should be an absolute path)")
        }
        editsDirectory = directory
        let rpcKey = ConfigurationKeys.journalNodeRPCAddress
        rpcAddress = try SocketAddress(parsing: configuration.string(rpcKey, default: JournalNodeSettings.rpcAddressDefault),
                                       defaultPort: JournalNodeSettings.rpcPortDefault, key: rpcKey)
        let httpKey = ConfigurationKeys.journalNodeHTTPAddress
        httpAddress = try SocketAddress(parsing: configuration.string(httpKey, default: JournalNodeSettings.httpAddressDefault),
                                        defaultPort: JournalNodeSettings.httpPortDefault, key: httpKey)
    }
}
