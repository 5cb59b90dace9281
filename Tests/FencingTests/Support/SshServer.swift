@preconcurrency import Glibc
import Foundation
import XCTest
@testable import Fencing

/// A real OpenSSH server on 127.0.0.1 for the `sshfence` tests: a temporary host key, a
/// temporary client key in its `authorized_keys`, running as the current user (root here) with
/// `sshd -D -e -f <config> -p <free port>`. Throws `XCTSkip` (saying why) when sshd or the ssh
/// tools are missing or sshd cannot start.
final class SshServer {
    static let sshdPath = "/usr/sbin/sshd"
    static let keygenPath = "/usr/bin/ssh-keygen"
    /// sshd running as root refuses to start without its privilege separation directory, which
    /// Debian's service unit creates at boot; a container that never started the service lacks it.
    static let privilegeSeparationDirectory = "/run/sshd"

    let port: Int
    /// A private key `authorized_keys` accepts.
    let clientKey: String
    /// A private key it does not accept (the host key).
    let unauthorizedKey: String
    private let process: BackgroundProcess

    init(in directory: TemporaryDirectory) throws {
        for tool in [SshServer.sshdPath, SshServer.keygenPath, SshFenceByTcpPort.sshExecutable]
        where access(tool, X_OK) != 0 {
            throw XCTSkip("\(tool) is missing (install openssh-server and openssh-client)")
        }
        var isDirectory: ObjCBool = false
        if geteuid() == 0 && !FileManager.default.fileExists(atPath: SshServer.privilegeSeparationDirectory,
                                                               isDirectory: &isDirectory) {
            guard mkdir(SshServer.privilegeSeparationDirectory, 0o755) == 0 || errno == EEXIST else {
                throw XCTSkip("cannot create \(SshServer.privilegeSeparationDirectory) for sshd: \(String(cString: strerror(errno)))")
            }
        }
        let hostKey = directory.file("host_key")
        clientKey = directory.file("client_key")
        unauthorizedKey = hostKey
        for key in [hostKey, clientKey] {
            try SshServer.runTool(SshServer.keygenPath, ["-q", "-t", "ed25519", "-N", "", "-f", key])
        }
        try FileManager.default.copyItem(atPath: clientKey + ".pub", toPath: directory.file("authorized_keys"))
        let configuration = """
            HostKey \(hostKey)
            AuthorizedKeysFile \(directory.file("authorized_keys"))
            ListenAddress 127.0.0.1
            UsePAM no
            StrictModes no
            PidFile \(directory.file("sshd.pid"))
            PermitRootLogin prohibit-password
            PasswordAuthentication no
            KbdInteractiveAuthentication no

            """
        try configuration.write(toFile: directory.file("sshd_config"), atomically: true, encoding: .utf8)
        port = try ProcessProbe.freePort()
        process = try BackgroundProcess(SshServer.sshdPath, ["-D", "-e", "-f", directory.file("sshd_config"), "-p", String(port)])
        guard process.waitForLine(containing: "Server listening on") else {
            let output = process.lines.joined(separator: " | ")
            process.stop()
            throw XCTSkip("sshd did not start: \(output)")
        }
    }

    /// Kills sshd and every process of its group.
    func stop() { process.stop() }

    /// Runs a set-up tool to its end; throws with its output unless it exits 0.
    static func runTool(_ executable: String, _ arguments: [String]) throws {
        var output: [String] = []
        let runner = ChildProcessRunner(executable: executable, arguments: arguments,
                                        environment: ProcessInfo.processInfo.environment,
                                        searchesPath: false, timeout: .seconds(30))
        let outcome = runner.run(started: { _ in }, line: { _, line in output.append(line) })
        guard outcome == .exited(code: 0) else {
            throw TestFailure("\(executable) \(arguments.joined(separator: " ")): \(outcome) \(output.joined(separator: " | "))")
        }
    }
}

/// A process listening on a TCP port of 127.0.0.1 (python3), in its own process group: the
/// "NameNode" `sshfence` must kill.
final class TcpListener {
    static let script = """
        import socket, sys
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", int(sys.argv[1])))
        server.listen(16)
        print("listening", flush=True)
        while True:
            connection, _ = server.accept()
            connection.close()
        """

    let port: Int
    let process: BackgroundProcess

    init() throws {
        port = try ProcessProbe.freePort()
        do {
            process = try BackgroundProcess("python3", ["-c", TcpListener.script, String(port)])
        } catch {
            throw XCTSkip("cannot start a python3 listener: \(error)")
        }
        guard process.waitForLine(containing: "listening") else {
            let output = process.lines.joined(separator: " | ")
            process.stop()
            throw XCTSkip("the python3 listener did not start: \(output)")
        }
    }
}
