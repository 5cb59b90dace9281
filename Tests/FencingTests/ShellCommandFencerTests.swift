@preconcurrency import Glibc
import Foundation
import XCTest
import HadoopConfig
@testable import Fencing

/// `shell(command)` as upstream's `ShellCommandFencer` runs it (reference §5.3).
final class ShellCommandFencerTests: XCTestCase {
    private var directory: TemporaryDirectory!
    private let target = FenceTarget(nameserviceID: "mycluster", nameNodeID: "nn1", host: "127.0.0.1", port: 8020)

    override func setUpWithError() throws { directory = try TemporaryDirectory("shell") }
    override func tearDown() { directory.remove() }

    private func fencer(_ commands: [String], properties: [String: String] = [:], log: LogRecorder,
                        timeout: Duration = NodeFencer.commandTimeoutDefault) throws -> NodeFencer {
        NodeFencer(methods: commands.map { .shell(command: $0) },
                   configuration: try Configuration(properties: properties), log: log.sink, commandTimeout: timeout)
    }

    /// Upstream: "If the shell command returns an exit code of 0, the fencing is determined to
    /// be successful"; any other code is not.
    func testExitStatusZeroFencesAndAnyOtherDoesNot() throws {
        let log = LogRecorder()
        let fencer = try fencer(["exit 0", "exit 1", "exit 3", "true"], log: log)
        XCTAssertTrue(fencer.fence(method: 0, target: target))
        XCTAssertFalse(fencer.fence(method: 1, target: target))
        XCTAssertFalse(fencer.fence(method: 2, target: target))
        XCTAssertTrue(fencer.fence(method: 3, target: target))
        XCTAssertEqual(fencer.methodCount, 4)
    }

    /// Upstream runs `bash -e -c <cmd>`: with `-e` a failing command stops the script.
    func testCommandRunsUnderBashDashE() throws {
        let log = LogRecorder()
        let fencer = try fencer(["false; exit 0", "[[ $- == *e* ]] && [[ -n $BASH_VERSION ]]"], log: log)
        XCTAssertFalse(fencer.fence(method: 0, target: target), log.transcript)
        XCTAssertTrue(fencer.fence(method: 1, target: target), log.transcript)
    }

    /// Upstream's environment: the process environment, every configuration key with '.'
    /// replaced by '_' (`setConfAsEnvVars`), and the target's parameters with prefix `target_`
    /// (`addTargetInfoAsEnvVars`; `address` is `InetSocketAddress.toString()`, `host/ip:port`).
    func testEnvironmentHoldsConfigurationAndTarget() throws {
        let log = LogRecorder()
        let properties = ["dfs.nameservices": "mycluster", "dfs.ha.namenodes.mycluster": "nn1,nn2",
                          "dfs.ha.fencing.ssh.connect-timeout": "5000"]
        let fencer = try fencer(["env > \(directory.file("env.txt"))"], properties: properties, log: log)
        XCTAssertTrue(fencer.fence(method: 0, target: target), log.transcript)
        var environment: [String: String] = [:]
        for line in try directory.read("env.txt").split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            environment[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        XCTAssertEqual(environment["target_host"], "127.0.0.1")
        XCTAssertEqual(environment["target_port"], "8020")
        XCTAssertEqual(environment["target_address"], "127.0.0.1/127.0.0.1:8020")
        XCTAssertEqual(environment["target_nameserviceid"], "mycluster")
        XCTAssertEqual(environment["target_namenodeid"], "nn1")
        XCTAssertEqual(environment["dfs_nameservices"], "mycluster")
        XCTAssertEqual(environment["dfs_ha_namenodes_mycluster"], "nn1,nn2")
        XCTAssertEqual(environment["dfs_ha_fencing_ssh_connect-timeout"], "5000")
        XCTAssertEqual(environment["PATH"], ProcessInfo.processInfo.environment["PATH"], "the process environment is inherited")
    }

    /// Configuration keys override inherited variables, and the target parameters override both.
    func testLaterEnvironmentLayersWin() throws {
        let shell = ShellCommandFencer(command: "true", configuration: try Configuration(properties: ["HOME": "/conf-home", "target.host": "x"]),
                                       timeout: .seconds(1), log: { _ in })
        let environment = shell.environment(for: target, inheriting: ["HOME": "/root", "LANG": "C"])
        XCTAssertEqual(environment["HOME"], "/conf-home")
        XCTAssertEqual(environment["LANG"], "C")
        XCTAssertEqual(environment["target_host"], "127.0.0.1")
    }

    /// Upstream closes the command's stdin at once, so a read gets end of file (and `read`
    /// fails, which under `-e` fails the command).
    func testStandardInputIsClosed() throws {
        let log = LogRecorder()
        let fencer = try fencer(["cat > \(directory.file("stdin.txt"))", "read line"], log: log)
        XCTAssertTrue(fencer.fence(method: 0, target: target), log.transcript)
        XCTAssertEqual(try directory.read("stdin.txt"), "")
        XCTAssertFalse(fencer.fence(method: 1, target: target), log.transcript)
    }

    /// Upstream logs "Launched fencing command '<cmd>' with pid N", then every stdout and
    /// stderr line as "[PID N] <abbreviate(cmd, 20)>: <line>" (`StreamPumper`).
    func testOutputLinesAreLoggedWithPidAndAbbreviatedCommand() throws {
        let log = LogRecorder()
        let command = "echo to-stdout; echo to-stderr >&2; printf 'no-newline'"
        let fencer = try fencer([command], log: log)
        XCTAssertTrue(fencer.fence(method: 0, target: target))
        let launched = try XCTUnwrap(log.lines.first { $0.hasPrefix("Launched fencing command '\(command)' with pid ") })
        let pid = try XCTUnwrap(Int(launched.split(separator: " ").last ?? ""))
        let prefix = "[PID \(pid)] echo to-...-newline': "
        XCTAssertEqual(ShellCommandFencer.abbreviate(command, length: 20), "echo to-...-newline'")
        XCTAssertTrue(log.lines.contains(prefix + "to-stdout"), log.transcript)
        XCTAssertTrue(log.lines.contains(prefix + "to-stderr"), log.transcript)
        XCTAssertTrue(log.lines.contains(prefix + "no-newline"), log.transcript)
        XCTAssertEqual(log.lines.first, "Trying method 1/1: org.apache.hadoop.ha.ShellCommandFencer(\(command))")
    }

    /// Upstream `abbreviate(s, len)`, e.g. ("abcdefgh", 7) → "ab...gh".
    func testAbbreviateMatchesUpstream() {
        XCTAssertEqual(ShellCommandFencer.abbreviate("abcdefgh", length: 7), "ab...gh")
        XCTAssertEqual(ShellCommandFencer.abbreviate("abcdefg", length: 7), "abcdefg")
        XCTAssertEqual(ShellCommandFencer.abbreviate("abcdefgh", length: 4), "abcdefgh")
        XCTAssertEqual(ShellCommandFencer.abbreviate("/usr/local/bin/fence-nn.sh --hard", length: 20), "/usr/loc...sh --hard")
    }

    /// Upstream has no time limit; ours stops the whole process group (SIGTERM, then SIGKILL),
    /// background children included, and counts as failure.
    func testTimeoutKillsTheWholeProcessGroup() throws {
        let log = LogRecorder()
        let childFile = directory.file("child.pid")
        let command = "sleep 100 & echo $! > \(childFile).tmp; mv \(childFile).tmp \(childFile); sleep 100"
        let fencer = try fencer([command], log: log, timeout: .milliseconds(700))
        XCTAssertFalse(fencer.fence(method: 0, target: target))
        XCTAssertTrue(log.contains("Fencing command '\(command)' did not finish within"), log.transcript)
        let launched = try XCTUnwrap(log.lines.first { $0.hasPrefix("Launched fencing command") })
        let leader = try XCTUnwrap(pid_t(launched.split(separator: " ").last ?? ""))
        let child = try XCTUnwrap(pid_t(try directory.read("child.pid").trimmingCharacters(in: .whitespacesAndNewlines)))
        XCTAssertTrue(ProcessProbe.waitUntilGone(child), "the background sleep \(child) survived")
        XCTAssertTrue(ProcessProbe.isGone(leader), "the command's shell \(leader) survived")
    }

    /// A command that exits while a background child still holds its output is not held up
    /// past a short drain: its exit status decides, and the child is left alone (as upstream).
    func testExitWithBackgroundChildHoldingOutputReturns() throws {
        let log = LogRecorder()
        let childFile = directory.file("child.pid")
        let fencer = try fencer(["sleep 100 & echo $! > \(childFile); echo done"], log: log)
        XCTAssertTrue(fencer.fence(method: 0, target: target), log.transcript)
        let child = try XCTUnwrap(pid_t(try directory.read("child.pid").trimmingCharacters(in: .whitespacesAndNewlines)))
        XCTAssertFalse(ProcessProbe.isGone(child), "the background child is not the fencer's to kill")
        kill(child, SIGKILL)
        XCTAssertTrue(log.lines.contains { $0.hasSuffix(": done") }, log.transcript)
    }

    /// A command that cannot start (here: bash cannot be found) is logged and is not fenced.
    func testUnstartableCommandIsNotFenced() throws {
        let runner = ChildProcessRunner(executable: "/nonexistent/bash", arguments: ["-c", "true"],
                                        environment: [:], searchesPath: false, timeout: .seconds(5))
        let outcome = runner.run(started: { _ in XCTFail("nothing should start") }, line: { _, _ in })
        guard case .failedToStart(let reason) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(reason, "No such file or directory")
    }
}
