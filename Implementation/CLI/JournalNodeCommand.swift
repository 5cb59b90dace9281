@preconcurrency import Glibc
import Foundation
import HadoopConfig
import Hosts

/// `qjm journalnode`: the JournalNode daemon.
enum JournalNodeCommand {
    static let usage = """
    Usage: qjm journalnode [--conf DIR] [-D key=value]... [--trace-dir DIR]
      Serves the quorum journal on dfs.journalnode.rpc-address, keeping journals under
      dfs.journalnode.edits.dir. JournalNode indexes follow the qjournal:// URI of
      dfs.namenode.shared.edits.dir (acceptRecovery names its source by index).
      --trace-dir DIR   write a JSON-lines trace of every step (one file per journal)
    """

    static func run(_ words: [String]) -> Int32 {
        let logger = Logger(name: "journalnode")
        do {
            let hadoop = try HadoopOptions(words)
            let arguments = try Arguments(hadoop.rest, valued: ["trace-dir"], flags: ["help", "h"])
            if arguments.flag("help") || arguments.flag("h") { print(usage); return 0 }
            guard arguments.operands.isEmpty else {
                throw Arguments.UsageError(description: "unexpected argument '\(arguments.operands[0])'")
            }
            let configuration = try hadoop.load()
            let settings = try JournalNodeSettings(configuration)
            let peers = try sharedEditsPeers(configuration)
            var options = JournalNodeHost.Options(editsDirectory: settings.editsDirectory, host: settings.rpcAddress.host,
                                                  port: UInt16(settings.rpcAddress.port),
                                                  peers: peers.map { (host: $0.host, port: UInt16($0.port)) },
                                                  traceDirectory: arguments.string("trace-dir"))
            options.traceDirectory = arguments.string("trace-dir")
            let host = JournalNodeHost(options: options, logger: logger)
            try host.start()
            runUntilSignalled(logger) { host.stop() }
        } catch let error as Arguments.UsageError {
            printError("qjm journalnode: \(error)\n\(usage)")
            return 2
        } catch {
            logger.fatal("Failed to start journalnode: \(error)")
            return 1
        }
    }

    /// The quorum's JournalNodes from `dfs.namenode.shared.edits.dir` (the plain key, or the
    /// nameservice's), or none when no NameNode configuration is present.
    static func sharedEditsPeers(_ configuration: Configuration) throws -> [SocketAddress] {
        var keys = [ConfigurationKeys.sharedEditsDirectory]
        for nameservice in configuration.strings(ConfigurationKeys.nameservices) {
            keys.append("\(ConfigurationKeys.sharedEditsDirectory).\(nameservice)")
        }
        for key in keys {
            if let text = configuration.string(key) {
                return try QuorumJournalURI(parsing: text, key: key).journalNodes
            }
        }
        return []
    }
}
