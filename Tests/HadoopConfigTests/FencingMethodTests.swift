import HadoopConfig
import XCTest

/// `dfs.ha.fencing.methods` parsing (reference §5.1; upstream `NodeFencer.parseMethods`,
/// `ShellCommandFencer.checkArgs`, `SshFenceByTcpPort.Args`).
final class FencingMethodTests: XCTestCase {
    private let key = "dfs.ha.fencing.methods"

    /// One method per line, comments and blank lines skipped, in order.
    func testMethodsInOrder() throws {
        let methods = try FencingMethod.parseMethods("""
            # try ssh first
            sshfence
              sshfence(hdfs)   # the hdfs user
            sshfence(:2222)

            sshfence(admin:2200)
            shell(/bin/kill-nn.sh --port $target_port (really))
            org.apache.hadoop.ha.ShellCommandFencer(/bin/true)
            """)
        XCTAssertEqual(methods, [
            .sshFence(user: nil, port: 22), .sshFence(user: "hdfs", port: 22), .sshFence(user: nil, port: 2222),
            .sshFence(user: "admin", port: 2200), .shell(command: "/bin/kill-nn.sh --port $target_port (really)"),
            .shell(command: "/bin/true"),
        ])
        XCTAssertEqual(methods.map(\.description), [
            "sshfence", "sshfence(hdfs)", "sshfence(:2222)", "sshfence(admin:2200)",
            "shell(/bin/kill-nn.sh --port $target_port (really))", "shell(/bin/true)",
        ])
        XCTAssertEqual(try FencingMethod.parseMethods("  \n # only comments\n"), [])
    }

    /// Upstream splits only on newlines: `;` or `,` do not separate methods.
    func testOnlyNewlinesSeparateMethods() throws {
        XCTAssertEqual(try FencingMethod.parseMethods("shell(a; b),shell(c)"), [.shell(command: "a; b),shell(c")])
        XCTAssertEqual(try FencingMethod.parseMethods("shell(x)\r\nsshfence"), [.shell(command: "x"), .sshFence(user: nil, port: 22)])
    }

    /// `shell()` does not match upstream's `name(.+?)` pattern: "Unable to parse line".
    func testEmptyShellIsAnError() {
        XCTAssertConfigError(try FencingMethod.parseMethods("sshfence\nshell()"),
                             .text("Bad fencing configuration in \(key), line 2 'shell()': Unable to parse line: 'shell()'"))
        XCTAssertConfigError(try FencingMethod.parseMethods("shell"),
                             .error(.badFencingMethod(key: key, line: 1, text: "shell",
                                                      message: "No argument passed to 'shell' fencing method")))
        XCTAssertConfigError(try FencingMethod.parseMethods("shell(   )"),
                             .error(.badFencingMethod(key: key, line: 1, text: "shell(   )",
                                                      message: "No argument passed to 'shell' fencing method")))
    }

    /// An unknown name is "Could not find configured fencing method".
    func testUnknownMethod() {
        XCTAssertConfigError(try FencingMethod.parseMethods("shell(/bin/true)\n\nfence(now)", key: "dfs.ha.fencing.methods.mycluster"),
                             .text("Bad fencing configuration in dfs.ha.fencing.methods.mycluster, line 3 'fence(now)': Could not find configured fencing method fence"))
        XCTAssertThrowsError(try FencingMethod.parseMethods("Shell(/bin/true)"), "names are case-sensitive")
        XCTAssertThrowsError(try FencingMethod.parseMethods("powershell(java)"), "PowerShellFencer is Windows-only")
    }

    /// Unbalanced parentheses do not match either upstream pattern.
    func testUnbalancedParentheses() {
        for (line, text) in [(1, "shell(/bin/true"), (1, "sshfence)"), (1, "shell /bin/true"), (1, "(x)")] {
            XCTAssertConfigError(try FencingMethod.parseMethods(text),
                                 .error(.badFencingMethod(key: key, line: line, text: text,
                                                          message: "Unable to parse line: '\(text)'")))
        }
    }

    /// sshfence arguments: upstream's "Unable to parse user and SSH port" and "Port number 'p' invalid".
    func testBadSshArguments() {
        XCTAssertConfigError(try FencingMethod.parseMethods("sshfence(hdfs:abc)"),
                             .text("Bad fencing configuration in \(key), line 1 'sshfence(hdfs:abc)': Unable to parse user and SSH port: hdfs:abc"))
        XCTAssertConfigError(try FencingMethod.parseMethods("sshfence(a:b:1)"),
                             .error(.badFencingMethod(key: key, line: 1, text: "sshfence(a:b:1)",
                                                      message: "Unable to parse user and SSH port: a:b:1")))
        XCTAssertConfigError(try FencingMethod.parseMethods("sshfence(hdfs:)"),
                             .error(.badFencingMethod(key: key, line: 1, text: "sshfence(hdfs:)",
                                                      message: "Unable to parse user and SSH port: hdfs:")))
        XCTAssertConfigError(try FencingMethod.parseMethods("sshfence(hdfs:99999999999)"),
                             .error(.badFencingMethod(key: key, line: 1, text: "sshfence(hdfs:99999999999)",
                                                      message: "Port number '99999999999' invalid")))
        XCTAssertConfigError(try FencingMethod.parseMethods("sshfence(:70000)"),
                             .error(.badFencingMethod(key: key, line: 1, text: "sshfence(:70000)",
                                                      message: "Port number '70000' invalid")))
    }
}
