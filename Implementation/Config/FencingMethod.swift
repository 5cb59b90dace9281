/// One fencing method from `dfs.ha.fencing.methods`, parsed as upstream's `NodeFencer` parses it
/// (reference §5.1, §5.3, §5.4).
///
/// The value holds one method per line. Upstream splits only on newlines (the regex `\s*\n\s*`),
/// removes `#` comments to the end of each line, trims it and skips empty lines. A line is
/// `name(argument)` with a non-empty argument running from the first `(` to the final `)`, or a
/// bare `name`, where a name is letters, digits, `.` and `$`. Names: `shell` and `sshfence`, or
/// their upstream class names `org.apache.hadoop.ha.ShellCommandFencer` and
/// `org.apache.hadoop.ha.SshFenceByTcpPort`. Errors (`ConfigError.badFencingMethod`, naming the
/// line) use upstream's BadFencingConfigurationException texts.
public enum FencingMethod: Hashable, Sendable, CustomStringConvertible {
    /// `shell(command)`: run `bash -e -c command`; fenced iff it exits 0.
    case shell(command: String)
    /// `sshfence[(user][:port])]`: ssh to the target and kill the process on its RPC port.
    /// A nil user means the local user.
    case sshFence(user: String?, port: Int)

    /// The SSH port when `sshfence` names none.
    public static let sshPortDefault = 22
    /// Lines a fencing-methods value may hold.
    public static let linesMax = 1_000

    /// The methods in `specification`, in order. `key` names the property in errors.
    public static func parseMethods(_ specification: String,
                                    key: String = ConfigurationKeys.fencingMethods) throws -> [FencingMethod] {
        // "\r\n" is one Character in Swift, so it is matched as well as "\n".
        let lines = specification.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        guard lines.count <= linesMax else {
            throw ConfigError.badValue(key: key, value: specification,
                                       reason: "has more than \(linesMax) lines")
        }
        var methods: [FencingMethod] = []
        for (index, rawLine) in lines.enumerated() {
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty { continue }
            do {
                methods.append(try parseLine(text))
            } catch let error as LineError {
                throw ConfigError.badFencingMethod(key: key, line: index + 1, text: text, message: error.message)
            }
        }
        return methods
    }

    /// Why one line was rejected (upstream's exception text).
    struct LineError: Error {
        let message: String
    }

    /// One trimmed, comment-free, non-empty line.
    static func parseLine(_ line: String) throws -> FencingMethod {
        let nameEnd = line.firstIndex { !($0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "$")) }
            ?? line.endIndex
        let name = String(line[..<nameEnd])
        let rest = line[nameEnd...]
        var argument: String?
        if !rest.isEmpty {
            guard !name.isEmpty, rest.count >= 3, rest.hasPrefix("("), rest.hasSuffix(")") else {
                throw LineError(message: "Unable to parse line: '\(line)'")
            }
            argument = String(rest.dropFirst().dropLast())
        } else if name.isEmpty {
            throw LineError(message: "Unable to parse line: '\(line)'")
        }
        switch name {
        case "shell", "org.apache.hadoop.ha.ShellCommandFencer":
            guard let command = argument, !command.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw LineError(message: "No argument passed to 'shell' fencing method")
            }
            return .shell(command: command)
        case "sshfence", "org.apache.hadoop.ha.SshFenceByTcpPort":
            return try parseSshArguments(argument)
        case "powershell", "org.apache.hadoop.ha.PowerShellFencer":
            throw LineError(message: "Could not find configured fencing method \(name) (PowerShellFencer runs only on Windows)")
        default:
            throw LineError(message: "Could not find configured fencing method \(name)")
        }
    }

    /// `[user][:port]` as upstream's `SshFenceByTcpPort.Args` reads it (regex
    /// `([^:]+?)?(?:\:(\d+))?`); a port must also be 1...65535 here.
    static func parseSshArguments(_ argument: String?) throws -> FencingMethod {
        guard let argument, !argument.isEmpty else { return .sshFence(user: nil, port: sshPortDefault) }
        let parts = argument.split(separator: ":", omittingEmptySubsequences: false)
        let userText = parts[0]
        guard parts.count <= 2, parts.count == 2 || !userText.isEmpty else {
            throw LineError(message: "Unable to parse user and SSH port: \(argument)")
        }
        var port = sshPortDefault
        if parts.count == 2 {
            let portText = parts[1]
            guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw LineError(message: "Unable to parse user and SSH port: \(argument)")
            }
            guard portText.count <= 5, let number = Int(portText), (1...SocketAddress.portMax).contains(number) else {
                throw LineError(message: "Port number '\(portText)' invalid")
            }
            port = number
        }
        return .sshFence(user: userText.isEmpty ? nil : String(userText), port: port)
    }

    /// The method as it would be written: `shell(cmd)`, `sshfence`, `sshfence(user:port)`.
    public var description: String {
        switch self {
        case .shell(let command):
            return "shell(\(command))"
        case .sshFence(let user, let port):
            switch (user, port == FencingMethod.sshPortDefault) {
            case (nil, true): return "sshfence"
            case (let user?, true): return "sshfence(\(user))"
            case (nil, false): return "sshfence(:\(port))"
            case (let user?, false): return "sshfence(\(user):\(port))"
            }
        }
    }
}
