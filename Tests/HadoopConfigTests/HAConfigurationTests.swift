import HadoopConfig
import XCTest

/// The typed HA view: nameservices, NameNodes, per-nameservice and per-NameNode keys,
/// upstream defaults, and validation errors naming the key.
final class HAConfigurationTests: XCTestCase {
    /// A minimal two-NameNode nameservice.
    private let base: [String: String] = [
        "dfs.nameservices": "mycluster",
        "dfs.ha.namenodes.mycluster": "nn1, nn2",
        "dfs.namenode.rpc-address.mycluster.nn1": "host1:8020",
        "dfs.namenode.rpc-address.mycluster.nn2": "host2",
    ]

    private func ha(_ extra: [String: String] = [:]) throws -> HAConfiguration {
        try HAConfiguration(Configuration(properties: base.merging(extra) { $1 }))
    }

    /// Unset keys get upstream's defaults (DFSConfigKeys, CommonConfigurationKeys, HdfsClientConfigKeys).
    func testDefaults() throws {
        let configuration = try ha()
        let service = try configuration.nameservice("mycluster")
        XCTAssertEqual(service.nameNodeIDs, ["nn1", "nn2"])
        XCTAssertTrue(service.isHAEnabled)
        let nn2 = try XCTUnwrap(service.nameNode("nn2"))
        XCTAssertEqual(nn2.rpcAddress, SocketAddress(host: "host2", port: 8020))
        XCTAssertEqual(nn2.httpAddress.description, "0.0.0.0:9870")
        XCTAssertEqual(nn2.httpConnectAddress.description, "host2:9870")
        XCTAssertEqual(nn2.nameDirectories, ["/tmp/hadoop/dfs/name"])
        XCTAssertNil(nn2.sharedEdits)
        XCTAssertFalse(nn2.automaticFailoverEnabled)
        XCTAssertNil(nn2.fencingMethods)
        XCTAssertEqual(nn2.zkfcPort, 8019)
        XCTAssertNil(service.failoverProxyProvider)
        XCTAssertFalse(service.randomOrder)
        XCTAssertEqual(configuration.defaultFileSystem, "file:///")
        XCTAssertNil(configuration.defaultNameservice)

        XCTAssertEqual(configuration.journalNode.editsDirectory, "/tmp/hadoop/dfs/journalnode/")
        XCTAssertEqual(configuration.journalNode.rpcAddress.description, "0.0.0.0:8485")
        XCTAssertEqual(configuration.journalNode.httpAddress.description, "0.0.0.0:8480")

        XCTAssertNil(configuration.zooKeeper.quorum)
        XCTAssertEqual(configuration.zooKeeper.sessionTimeout, .seconds(10))
        XCTAssertEqual(configuration.zooKeeper.parentZnode, "/hadoop-ha")
        XCTAssertEqual(configuration.zooKeeper.acl, "world:anyone:rwcda")
        XCTAssertEqual(configuration.zooKeeper.electionZnode(scope: "mycluster"), "/hadoop-ha/mycluster")

        XCTAssertEqual(configuration.sshFence.privateKeyFiles, [])
        XCTAssertEqual(configuration.sshFence.connectTimeout, .seconds(30))

        let client = configuration.clientFailover
        XCTAssertEqual([client.maxAttempts, client.connectionRetries, client.connectionRetriesOnTimeouts, client.retryMaxAttempts],
                       [15, 0, 0, 10])
        XCTAssertEqual(client.sleepBase, .milliseconds(500))
        XCTAssertEqual(client.sleepMax, .milliseconds(15_000))

        let qjm = configuration.quorumJournal
        XCTAssertEqual([qjm.startSegmentTimeout, qjm.selectInputStreamsTimeout, qjm.writeTransactionsTimeout],
                       [.seconds(20), .seconds(20), .seconds(20)])
        XCTAssertEqual([qjm.prepareRecoveryTimeout, qjm.acceptRecoveryTimeout, qjm.finalizeSegmentTimeout,
                        qjm.getJournalStateTimeout, qjm.newEpochTimeout], Array(repeating: .seconds(120), count: 5))
        XCTAssertEqual(qjm.operationsTimeout, .seconds(60))
        XCTAssertEqual(qjm.queuedEditsLimitBytes, 10 * 1_048_576)
        XCTAssertEqual(qjm.rpcTailingTransactionsMax, 5_000)

        let tailing = configuration.editLogTailing
        XCTAssertEqual(tailing.tailPeriod, .seconds(60))
        XCTAssertEqual(tailing.logRollPeriod, .seconds(120))
        XCTAssertEqual(tailing.rollEditsTimeout, .seconds(60))
        XCTAssertEqual(tailing.nameNodeRetries, 3)
        XCTAssertFalse(tailing.inProgress)
        XCTAssertEqual(tailing.logRollRPCTimeout, .seconds(20))
        XCTAssertTrue(tailing.standbyCheckpoints)

        XCTAssertEqual(configuration.failoverController.gracefulFenceRPCTimeout, .seconds(5))
        XCTAssertEqual(configuration.failoverController.newActiveRPCTimeout, .seconds(60))
    }

    /// The most specific of key.<ns>.<nn>, key.<ns>, key wins (upstream `initializeGenericKeys`).
    func testPerNameserviceAndPerNameNodeKeys() throws {
        let configuration = try ha([
            "dfs.ha.fencing.methods": "shell(/bin/false)",
            "dfs.ha.fencing.methods.mycluster.nn2": "sshfence(hdfs)",
            "dfs.ha.automatic-failover.enabled": "false",
            "dfs.ha.automatic-failover.enabled.mycluster": "true",
            "ha.zookeeper.quorum": "zk1:2181,zk2,zk3:2182/chroot",
            "dfs.namenode.name.dir": "file:///data/a, /data/b",
            "dfs.namenode.name.dir.mycluster.nn1": "file:/data/nn1",
            "dfs.client.failover.random.order.mycluster": "true",
            "dfs.client.failover.proxy.provider.mycluster":
                "org.apache.hadoop.hdfs.server.namenode.ha.RequestHedgingProxyProvider",
        ])
        let service = try configuration.nameservice("mycluster")
        let nn1 = try XCTUnwrap(service.nameNode("nn1"))
        let nn2 = try XCTUnwrap(service.nameNode("nn2"))
        XCTAssertEqual(nn1.fencingMethods, [.shell(command: "/bin/false")])
        XCTAssertEqual(try nn2.requireFencer(), [.sshFence(user: "hdfs", port: 22)])
        XCTAssertTrue(nn1.automaticFailoverEnabled)
        XCTAssertEqual(nn1.zooKeeper.servers.map(\.description), ["zk1:2181", "zk2:2181", "zk3:2182"])
        XCTAssertEqual(nn1.zooKeeper.chroot, "/chroot")
        XCTAssertEqual(nn1.nameDirectories, ["/data/nn1"])
        XCTAssertEqual(nn2.nameDirectories, ["/data/a", "/data/b"])
        XCTAssertEqual(service.failoverProxyProvider, .requestHedging)
        XCTAssertTrue(service.randomOrder)
        XCTAssertEqual(service.nameNodes(except: "nn1").map(\.id), ["nn2"])
    }

    /// Upstream's ZKFC texts: a quorum is required with automatic failover; a fencer is
    /// required before fencing.
    func testZooKeeperAndFencerRequirements() throws {
        XCTAssertConfigError(try ha(["dfs.ha.automatic-failover.enabled": "true"]),
                             .text("Missing required configuration 'ha.zookeeper.quorum' for ZooKeeper quorum"))
        let nn1 = try XCTUnwrap(try ha().nameservice("mycluster").nameNode("nn1"))
        XCTAssertConfigError(try nn1.requireFencer(), .text("No fencer configured for NameNode at host1:8020"))
        XCTAssertConfigError(try ha(["ha.zookeeper.session-timeout.ms": "0"]),
                             .text("Bad value for ha.zookeeper.session-timeout.ms: '0' is not positive (Invalid ZK session timeout 0)"))
    }

    /// Bad values fail the whole view, naming the key.
    func testValidationErrorsNameTheKey() {
        XCTAssertConfigError(try ha(["dfs.ha.automatic-failover.enabled": "maybe"]),
                             .text("Bad value for dfs.ha.automatic-failover.enabled: 'maybe' is not a boolean"))
        XCTAssertConfigError(try ha(["dfs.namenode.rpc-address.mycluster.nn1": "host1:port"]),
                             .text("Bad value for dfs.namenode.rpc-address.mycluster.nn1: 'host1:port' does not contain a valid host:port authority"))
        XCTAssertConfigError(try ha(["dfs.namenode.rpc-address.mycluster.nn2": ""].merging(["dfs.ha.namenodes.mycluster": "nn1,nn3"]) { $1 }),
                             .text("Missing required configuration 'dfs.namenode.rpc-address.mycluster.nn3' for the RPC address of NameNode nn3 in nameservice mycluster"))
        XCTAssertConfigError(try ha(["dfs.ha.namenodes.mycluster": ""]),
                             .error(.missingKey(key: "dfs.ha.namenodes.mycluster", purpose: "for the NameNodes of nameservice mycluster")))
        XCTAssertConfigError(try ha(["dfs.ha.namenodes.mycluster": "nn1,nn1"]),
                             .text("Bad value for dfs.ha.namenodes.mycluster: 'nn1,nn1' lists NameNode nn1 twice"))
        XCTAssertConfigError(try ha(["dfs.namenode.shared.edits.dir": "qjournal://jn1:8485/"]),
                             .text("Bad value for dfs.namenode.shared.edits.dir: 'qjournal://jn1:8485/' is not a valid quorum journal URI: bad journal id: "))
        XCTAssertConfigError(try ha(["dfs.ha.fencing.methods": "shell()"]),
                             .text("Bad fencing configuration in dfs.ha.fencing.methods, line 1 'shell()': Unable to parse line: 'shell()'"))
        XCTAssertConfigError(try ha(["dfs.client.failover.proxy.provider.mycluster": "com.example.Mine"]),
                             .text("Bad value for dfs.client.failover.proxy.provider.mycluster: 'com.example.Mine' is not a supported failover proxy provider (one of org.apache.hadoop.hdfs.server.namenode.ha.ConfiguredFailoverProxyProvider, org.apache.hadoop.hdfs.server.namenode.ha.RequestHedgingProxyProvider)"))
        XCTAssertConfigError(try ha(["dfs.journalnode.edits.dir": "relative/jn"]),
                             .text("Bad value for dfs.journalnode.edits.dir: 'relative/jn' is not absolute (Journal dir 'relative/jn' should be an absolute path)"))
        XCTAssertConfigError(try ha(["dfs.namenode.name.dir": "hdfs://elsewhere/name"]),
                             .text("Bad value for dfs.namenode.name.dir: 'hdfs://elsewhere/name' is not a local directory (an absolute path or a file:// URI)"))
        XCTAssertConfigError(try ha(["dfs.qjournal.write-txns.timeout.ms": "soon"]),
                             .error(.badValue(key: "dfs.qjournal.write-txns.timeout.ms", value: "soon",
                                              reason: "is not a duration (an integer with an optional unit ns, us, ms, s, m, h or d; default ms)")))
        XCTAssertConfigError(try ha(["dfs.client.failover.max.attempts": "many"]),
                             .text("Bad value for dfs.client.failover.max.attempts: 'many' is not an integer"))
        XCTAssertConfigError(try ha(["dfs.nameservices": "mycluster,mycluster"]),
                             .text("Bad value for dfs.nameservices: 'mycluster,mycluster' lists nameservice mycluster twice"))
        XCTAssertConfigError(try ha(["fs.defaultFS": "/no/scheme"]),
                             .text("Bad value for fs.defaultFS: '/no/scheme' is not a file system URI (e.g. hdfs://mycluster)"))
    }

    /// Durations accept suffixes; tailing keys default to seconds, QJM keys to milliseconds.
    func testDurationUnitsPerKey() throws {
        let configuration = try ha(["dfs.ha.tail-edits.period": "100ms", "dfs.ha.log-roll.period": "2",
                                    "dfs.qjournal.write-txns.timeout.ms": "2", "dfs.ha.tail-edits.in-progress": "true",
                                    "fs.defaultFS": "hdfs://mycluster"])
        XCTAssertEqual(configuration.editLogTailing.tailPeriod, .milliseconds(100))
        XCTAssertEqual(configuration.editLogTailing.logRollPeriod, .seconds(2))
        XCTAssertEqual(configuration.quorumJournal.writeTransactionsTimeout, .milliseconds(2))
        XCTAssertTrue(configuration.editLogTailing.inProgress)
        XCTAssertEqual(configuration.defaultNameservice?.id, "mycluster")
    }

    /// Upstream `HAUtil.getNameNodeId`: dfs.ha.namenode.id, else the one NameNode whose address
    /// is local; several matches or none give upstream's texts.
    func testLocalNameNode() throws {
        XCTAssertEqual(try ha(["dfs.ha.namenode.id": "nn2"]).localNameNodeID(), "nn2")
        XCTAssertEqual(try ha(["dfs.ha.namenode.id": "nn2"]).localNameNodeID(explicitID: "nn1"), "nn1")
        XCTAssertEqual(try ha().localNameNodeID(isLocalHost: { $0 == "host1" }), "nn1")
        XCTAssertConfigError(try ha(["dfs.ha.namenode.id": "nn9"]).localNameNodeID(),
                             .text("Bad value for dfs.ha.namenode.id: 'nn9' is not one of the NameNodes of nameservice mycluster (nn1, nn2)"))
        XCTAssertConfigError(try ha().localNameNodeID(isLocalHost: { _ in true }),
                             .text("Configuration has multiple addresses that match local node's address. Please configure the system with dfs.nameservice.id and dfs.ha.namenode.id"))
        XCTAssertThrowsError(try ha().localNameNodeID()) { error in
            XCTAssertTrue("\(error)".hasPrefix("Configuration dfs.namenode.rpc-address must be suffixed with nameservice and namenode ID for HA configuration."))
        }
        XCTAssertConfigError(try HAConfiguration(Configuration(properties: [:])).localNameNodeID(explicitID: "nn1"),
                             .text("Missing required configuration 'dfs.nameservices' for an HA NameNode"))
        XCTAssertConfigError(try ha(["dfs.nameservice.id": "other"]).localNameNodeID(),
                             .text("Unknown nameservice 'other': dfs.nameservices lists [mycluster]"))
    }
}
