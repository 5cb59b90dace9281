@preconcurrency import Glibc
import XCTest
import HadoopConfig
@testable import Fencing

/// `sshfence(user:port)` against a real sshd on 127.0.0.1 (upstream `SshFenceByTcpPort`,
/// reference §5.4). Skipped, saying why, when sshd, ssh or python3 is missing.
final class SshFenceTests: XCTestCase {
    private var directory: TemporaryDirectory!

    override func setUpWithError() throws { directory = try TemporaryDirectory("ssh") }
    override func tearDown() { directory.remove() }

    private func makeFencer(sshPort: Int, key: String, log: LogRecorder) throws -> NodeFencer {
        let configuration = try Configuration(properties: ["dfs.ha.fencing.ssh.private-key-files": key,
                                                           "dfs.ha.fencing.ssh.connect-timeout": "5000"])
        return NodeFencer(methods: [.sshFence(user: "root", port: sshPort)], configuration: configuration,
                          log: log.sink, commandTimeout: .seconds(30))
    }

    /// fuser exits 0 → "Successfully killed process that was listening on port P" → fenced; a
    /// second fence finds nothing (fuser exits 1), `nc -z` finds the port closed → "Verified
    /// that the service is down." → fenced.
    func testKillsTheListenerThenVerifiesTheServiceIsDown() throws {
        let server = try SshServer(in: directory)
        defer { server.stop() }
        let listener = try TcpListener()
        defer { listener.process.stop() }
        let target = FenceTarget(nameserviceID: "mycluster", nameNodeID: "nn1", host: "127.0.0.1", port: listener.port)
        let log = LogRecorder()
        let fencer = try makeFencer(sshPort: server.port, key: server.clientKey, log: log)

        XCTAssertTrue(fencer.fence(method: 0, target: target), log.transcript)
        XCTAssertTrue(listener.process.waitForEndOfOutput(), "the listener is still running")
        for line in ["Trying method 1/1: org.apache.hadoop.ha.SshFenceByTcpPort(root:\(server.port))",
                     "Connecting to 127.0.0.1...", "Connected to 127.0.0.1",
                     "Looking for process running on port \(listener.port)",
                     "Successfully killed process that was listening on port \(listener.port)"] {
            XCTAssertTrue(log.lines.contains(line), "missing \"\(line)\" in:\n\(log.transcript)")
        }

        let again = LogRecorder()
        XCTAssertTrue(try makeFencer(sshPort: server.port, key: server.clientKey, log: again).fence(method: 0, target: target),
                      again.transcript)
        XCTAssertTrue(again.lines.contains("Indeterminate response from trying to kill service. Verifying whether it is running using nc..."),
                      again.transcript)
        XCTAssertTrue(again.lines.contains("Verified that the service is down."), again.transcript)
    }

    /// A key the server does not accept: "Unable to connect to <host> as user <user>" → not fenced.
    func testRefusedKeyDoesNotFence() throws {
        let server = try SshServer(in: directory)
        defer { server.stop() }
        let target = FenceTarget(nameserviceID: "mycluster", nameNodeID: "nn1", host: "127.0.0.1", port: try ProcessProbe.freePort())
        let log = LogRecorder()
        XCTAssertFalse(try makeFencer(sshPort: server.port, key: server.unauthorizedKey, log: log).fence(method: 0, target: target))
        XCTAssertTrue(log.contains("Unable to connect to 127.0.0.1 as user root"), log.transcript)
        XCTAssertFalse(log.contains("Connected to"), log.transcript)
    }

    /// Nothing listening on the ssh port: not fenced. Needs only the ssh client.
    func testClosedSshPortDoesNotFence() throws {
        guard access(SshFenceByTcpPort.sshExecutable, X_OK) == 0 else {
            throw XCTSkip("\(SshFenceByTcpPort.sshExecutable) is missing (install openssh-client)")
        }
        let target = FenceTarget(nameserviceID: "mycluster", nameNodeID: "nn1", host: "127.0.0.1", port: 8020)
        let log = LogRecorder()
        XCTAssertFalse(try makeFencer(sshPort: try ProcessProbe.freePort(), key: directory.file("no-key"), log: log)
            .fence(method: 0, target: target))
        XCTAssertEqual(log.lines.dropFirst().first, "Connecting to 127.0.0.1...", log.transcript)
        XCTAssertTrue(log.contains("Unable to connect to 127.0.0.1 as user root"), log.transcript)
    }

    /// The ssh command line: batch mode, no host key checks, the connect timeout in seconds,
    /// only the configured keys, the port, and the remote command as one argument.
    func testSshArguments() throws {
        let settings = try SshFenceSettings(Configuration(properties: ["dfs.ha.fencing.ssh.private-key-files": "/k1, /k2",
                                                                        "dfs.ha.fencing.ssh.connect-timeout": "1500"]))
        let ssh = SshFenceByTcpPort(user: "hdfs", sshPort: 2222, settings: settings, timeout: .seconds(5), log: { _ in })
        XCTAssertEqual(ssh.sshArguments(login: "hdfs", host: "nn1.example.com", command: "nc -z nn1.example.com 8020"),
                       ["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                        "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=2", "-o", "IdentitiesOnly=yes",
                        "-i", "/k1", "-i", "/k2", "-p", "2222", "--", "hdfs@nn1.example.com", "nc -z nn1.example.com 8020"])
        XCTAssertEqual(SshFenceByTcpPort.shellWord("nn1.example.com"), "nn1.example.com")
        XCTAssertEqual(SshFenceByTcpPort.shellWord("a b'c"), "'a b'\\''c'")
    }
}
