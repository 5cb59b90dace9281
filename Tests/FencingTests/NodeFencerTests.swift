import XCTest
import HadoopConfig
@testable import Fencing

/// Upstream `NodeFencer.fence(target)`: methods in order until one succeeds, with its logs
/// (reference §5.2).
final class NodeFencerTests: XCTestCase {
    private var directory: TemporaryDirectory!
    private let target = FenceTarget(nameserviceID: "mycluster", nameNodeID: "nn1", host: "127.0.0.1", port: 8020)

    override func setUpWithError() throws { directory = try TemporaryDirectory("node") }
    override func tearDown() { directory.remove() }

    /// "shell(false) followed by shell(true) succeeds after running both"; later methods are
    /// not run once one has succeeded.
    func testFenceAllTriesMethodsInOrderUntilOneSucceeds() throws {
        let trail = directory.file("trail")
        let methods: [FencingMethod] = [.shell(command: "echo 1 >> \(trail); exit 1"),
                                        .shell(command: "echo 2 >> \(trail)"),
                                        .shell(command: "echo 3 >> \(trail)")]
        let log = LogRecorder()
        let fencer = NodeFencer(methods: methods, configuration: try Configuration(properties: [:]), log: log.sink)
        XCTAssertTrue(fencer.fenceAll(target: target), log.transcript)
        XCTAssertEqual(try directory.read("trail"), "1\n2\n")
        let first = NodeFencer.upstreamName(methods[0])
        let second = NodeFencer.upstreamName(methods[1])
        XCTAssertEqual(log.lines.filter { !$0.hasPrefix("Launched") }, [
            "====== Beginning Service Fencing Process... ======",
            "Trying method 1/3: \(first)",
            "Fencing method \(first) was unsuccessful.",
            "Trying method 2/3: \(second)",
            "====== Fencing successful by method \(second) ======",
        ])
    }

    /// Every method failing → "Unable to fence service by any configured method.", false.
    func testFenceAllFailsWhenEveryMethodFails() throws {
        let log = LogRecorder()
        let fencer = NodeFencer(methods: [.shell(command: "false"), .shell(command: "exit 2")],
                                configuration: try Configuration(properties: [:]), log: log.sink)
        XCTAssertFalse(fencer.fenceAll(target: target))
        XCTAssertEqual(log.lines.last, "Unable to fence service by any configured method.")
        XCTAssertEqual(log.lines.filter { $0.hasSuffix("was unsuccessful.") }.count, 2)
    }

    /// The model asks for one method at a time (`.fence(nameNode, method: i)`): only that one runs.
    func testFenceRunsOnlyTheMethodAsked() throws {
        let trail = directory.file("trail")
        let log = LogRecorder()
        let fencer = NodeFencer(methods: [.shell(command: "echo 1 >> \(trail)"), .shell(command: "echo 2 >> \(trail)")],
                                configuration: try Configuration(properties: [:]), log: log.sink)
        XCTAssertTrue(fencer.fence(method: 1, target: target))
        XCTAssertEqual(try directory.read("trail"), "2\n")
        XCTAssertEqual(log.lines.first, "Trying method 2/2: org.apache.hadoop.ha.ShellCommandFencer(echo 2 >> \(trail))")
    }

    /// A misconfigured method is logged "Fencing method X misconfigured" and skipped without
    /// "was unsuccessful" (upstream's `continue`); the next method still runs.
    func testMisconfiguredMethodIsSkipped() throws {
        let log = LogRecorder()
        let configuration = try Configuration(properties: ["dfs.ha.fencing.ssh.connect-timeout": "soon"])
        let fencer = NodeFencer(methods: [.sshFence(user: nil, port: 22), .shell(command: "true")],
                                configuration: configuration, log: log.sink)
        XCTAssertTrue(fencer.fenceAll(target: target), log.transcript)
        XCTAssertTrue(log.contains("Fencing method org.apache.hadoop.ha.SshFenceByTcpPort(null) misconfigured"), log.transcript)
        XCTAssertFalse(log.contains("SshFenceByTcpPort(null) was unsuccessful"), log.transcript)
        XCTAssertFalse(log.contains("Connecting to"), "no ssh is attempted with a bad configuration")
    }

    /// Upstream's `FenceMethodWithArg.toString()`: `<class>(<arg>)`, `null` without an argument.
    func testUpstreamNames() {
        XCTAssertEqual(NodeFencer.upstreamName(.shell(command: "/bin/true")), "org.apache.hadoop.ha.ShellCommandFencer(/bin/true)")
        XCTAssertEqual(NodeFencer.upstreamName(.sshFence(user: nil, port: 22)), "org.apache.hadoop.ha.SshFenceByTcpPort(null)")
        XCTAssertEqual(NodeFencer.upstreamName(.sshFence(user: "hdfs", port: 22)), "org.apache.hadoop.ha.SshFenceByTcpPort(hdfs)")
        XCTAssertEqual(NodeFencer.upstreamName(.sshFence(user: nil, port: 2222)), "org.apache.hadoop.ha.SshFenceByTcpPort(:2222)")
        XCTAssertEqual(NodeFencer.upstreamName(.sshFence(user: "hdfs", port: 2222)), "org.apache.hadoop.ha.SshFenceByTcpPort(hdfs:2222)")
    }

    /// The target's fencing parameters under upstream's names (`HAServiceTarget`, `NNHAServiceTarget`).
    func testFencingParameters() {
        let parameters = Dictionary(uniqueKeysWithValues: target.fencingParameters.map { ($0.name, $0.value) })
        XCTAssertEqual(parameters, ["address": "127.0.0.1/127.0.0.1:8020", "host": "127.0.0.1", "port": "8020",
                                    "nameserviceid": "mycluster", "namenodeid": "nn1"])
    }
}
