@preconcurrency import Glibc
import Foundation
import HadoopConfig
import Hosts
import Namespace
import Support
import Wire

/// `qjm namenode`: the NameNode daemon, and the HA guide's one-off modes.
enum NameNodeCommand {
    static let usage = """
    Usage: qjm namenode [--conf DIR] [-D key=value]... [--trace-dir DIR]
           qjm namenode -format [-clusterid ID] [-force] [-nonInteractive]
           qjm namenode -bootstrapStandby [-force] [-nonInteractive]
           qjm namenode -initializeSharedEdits [-force] [-nonInteractive]
      Which NameNode this process is comes from dfs.ha.namenode.id (e.g. -D dfs.ha.namenode.id=nn1).
      -format                 new namespace in dfs.namenode.name.dir and on every JournalNode of
                              dfs.namenode.shared.edits.dir (all must be running)
      -bootstrapStandby       copy the namespace id and newest checkpoint from the other NameNode
      -initializeSharedEdits  format the JournalNodes with this NameNode's namespace
      --trace-dir DIR         write a JSON-lines trace of every step
    """

    static func run(_ words: [String]) -> Int32 {
        let logger = Logger(name: "namenode")
        do {
            let hadoop = try HadoopOptions(words)
            let arguments = try Arguments(hadoop.rest, valued: ["trace-dir", "clusterid"],
                                          flags: ["help", "h", "format", "force", "nonInteractive", "bootstrapStandby",
                                                  "initializeSharedEdits"])
            if arguments.flag("help") || arguments.flag("h") { print(usage); return 0 }
            guard arguments.operands.isEmpty else {
                throw Arguments.UsageError(description: "unexpected argument '\(arguments.operands[0])'")
            }
            let modes = ["format", "bootstrapStandby", "initializeSharedEdits"].filter { arguments.flag($0) }
            guard modes.count <= 1 else { throw Arguments.UsageError(description: "choose one of -\(modes.joined(separator: ", -"))") }
            let configuration = try hadoop.load()
            let ha = try HAConfiguration(configuration)
            let me = try ha.localNameNode()
            guard let shared = me.sharedEdits else {
                throw Arguments.UsageError(description: "\(ConfigurationKeys.sharedEditsDirectory) is not set: QJM needs a qjournal:// URI")
            }
            guard let nameDirectory = me.nameDirectories.first else {
                throw Arguments.UsageError(description: "\(ConfigurationKeys.nameNodeNameDirectories) is empty")
            }
            let journals = shared.journalNodes.map { (host: $0.host, port: UInt16($0.port)) }
            let admin = JournalAdmin(journals: journals, journalID: shared.journalID)
            switch modes.first {
            case "format":
                return try format(nameDirectory, admin: admin, clusterID: arguments.string("clusterid"),
                                  force: arguments.flag("force"), logger: logger)
            case "bootstrapStandby":
                return try bootstrapStandby(nameDirectory, ha: ha, me: me, force: arguments.flag("force"), logger: logger)
            case "initializeSharedEdits":
                return try initializeSharedEdits(nameDirectory, admin: admin, force: arguments.flag("force"), logger: logger)
            default:
                break
            }
            let tailing = ha.editLogTailing
            var options = NameNodeHost.Options(nameServiceID: me.nameservice, nameNodeID: me.id, host: me.rpcAddress.host,
                                               port: UInt16(me.rpcAddress.port), nameDirectory: nameDirectory,
                                               journals: journals, journalID: shared.journalID,
                                               automaticFailover: me.automaticFailoverEnabled)
            let qjm = ha.quorumJournal
            options.timeouts.writeTransactions = milliseconds(qjm.writeTransactionsTimeout)
            options.timeouts.startSegment = milliseconds(qjm.startSegmentTimeout)
            options.timeouts.prepareRecovery = milliseconds(qjm.prepareRecoveryTimeout)
            options.timeouts.acceptRecovery = milliseconds(qjm.acceptRecoveryTimeout)
            options.timeouts.finalizeSegment = milliseconds(qjm.finalizeSegmentTimeout)
            options.timeouts.selectInputStreams = milliseconds(qjm.selectInputStreamsTimeout)
            options.timeouts.getJournalState = milliseconds(qjm.getJournalStateTimeout)
            options.timeouts.newEpoch = milliseconds(qjm.newEpochTimeout)
            options.tailPeriodMilliseconds = max(1, milliseconds(tailing.tailPeriod))
            options.rollPeriodMilliseconds = max(1, milliseconds(tailing.logRollPeriod))
            options.tailBatchTransactionsMax = UInt32(clamping: qjm.rpcTailingTransactionsMax)
            options.checkpointPeriodMilliseconds = max(1, try configuration.int("dfs.namenode.checkpoint.period", default: 3600) * 1000)
            options.checkpointTransactions = UInt64(max(1, try configuration.int("dfs.namenode.checkpoint.txns", default: 1_000_000)))
            options.traceDirectory = arguments.string("trace-dir")
            let host = try NameNodeHost(options: options, logger: logger)
            try host.start()
            runUntilSignalled(logger) { host.stop() }
        } catch let error as Arguments.UsageError {
            printError("qjm namenode: \(error)\n\(usage)")
            return 2
        } catch {
            logger.fatal("Failed to start namenode: \(error)")
            return 1
        }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }

    /// `hdfs namenode -format`: a new namespace in the name directory and on the JournalNodes.
    static func format(_ directory: String, admin: JournalAdmin, clusterID: String?, force: Bool, logger: Logger) throws -> Int32 {
        let info = NameStorage.newNamespaceInfo(clusterID: clusterID)
        let journalsFormatted = try admin.formatted()
        if journalsFormatted.contains(true) && !force {
            logger.error("Running in non-interactive mode, and data appears to exist in QJM to \(admin.endpoints). Not formatting.")
            return 1
        }
        switch try NameStorage.format(directory, namespaceInfo: info, force: force) {
        case .needsConfirmation(_, let message):
            logger.error(message)
            return 1
        case .formatted(let messages):
            for message in messages { logger.info(message) }
        }
        try admin.format(info, force: true)
        logger.info("Formatted the shared edits \(admin.endpoints) with \(info)")
        return 0
    }

    /// `hdfs namenode -bootstrapStandby`: this NameNode joins the namespace of another one.
    static func bootstrapStandby(_ directory: String, ha: HAConfiguration, me: NameNodeConfiguration, force: Bool,
                                 logger: Logger) throws -> Int32 {
        let others = try ha.nameservice(me.nameservice).nameNodes.filter { $0.id != me.id }
        var failures: [String] = []
        for other in others {
            let answer: ClientResponse
            do {
                answer = try ClientRequest.fetchImage.call(host: other.rpcAddress.host, port: UInt16(other.rpcAddress.port),
                                                           connectTimeout: .seconds(10), timeout: .seconds(60))
            } catch {
                failures.append("\(other.id) (\(other.rpcAddress)): \(error)")
                continue
            }
            guard case .image(let info, let txid, let bytes) = answer else {
                failures.append("\(other.id) (\(other.rpcAddress)): \(answer)")
                continue
            }
            print("""
            =====================================================
            About to bootstrap Standby ID \(me.id) from:
                       Nameservice ID: \(me.nameservice)
                    Other Namenode ID: \(other.id)
              Other NN's IPC  address: \(other.rpcAddress)
                         Namespace ID: \(info.namespaceID)
                        Block pool ID: \(info.blockPoolID)
                           Cluster ID: \(info.clusterID)
                       Layout version: \(info.layoutVersion)
                       isUpgradeFinalized: true
            =====================================================
            """)
            switch try NameStorage.format(directory, namespaceInfo: info, force: force) {
            case .needsConfirmation(_, let message):
                logger.error(message)
                return 5  // upstream ERR_CODE_ALREADY_FORMATTED
            case .formatted:
                break
            }
            let storage = try NameStorage.open(directory)
            defer { storage.close() }
            let image = try FSImage.decode(bytes, file: "fsimage from \(other.id)")
            try storage.saveCheckpoint(image.namespace, txid: txid)
            logger.info("Downloaded checkpoint at txid \(txid) (\(bytes.count) bytes) from \(other.id)")
            return 0
        }
        logger.error("Unable to fetch namespace information from any remote NN: " + failures.joined(separator: "; "))
        return 2  // upstream ERR_CODE_FAILED_CONNECT
    }

    /// `hdfs namenode -initializeSharedEdits`: the JournalNodes join this NameNode's namespace.
    static func initializeSharedEdits(_ directory: String, admin: JournalAdmin, force: Bool, logger: Logger) throws -> Int32 {
        let storage = try NameStorage.open(directory)
        let info = storage.namespaceInfo
        storage.close()
        if try admin.formatted().contains(true) && !force {
            logger.error("Running in non-interactive mode, and data appears to exist in QJM to \(admin.endpoints). Not formatting.")
            return 1
        }
        try admin.format(info, force: true)
        logger.info("Initialized the shared edits \(admin.endpoints) with \(info)")
        return 0
    }
}

extension JournalAdmin {
    var endpoints: String { "[" + journals.map { "\($0.host):\($0.port)" }.joined(separator: ", ") + "]" }
}
