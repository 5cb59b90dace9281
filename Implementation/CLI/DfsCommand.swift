@preconcurrency import Glibc
import Foundation
import HadoopConfig
import Hosts
import Namespace

/// `qjm dfs`: the namespace commands of `hdfs dfs`, against an HA nameservice with client failover.
enum DfsCommand {
    static let usage = """
    Usage: qjm dfs [--conf DIR] [-D key=value]... <command>
      -mkdir [-p] <path> ...      create directories (-p: parents too, no error if they exist)
      -ls <path> ...              list a directory, or a file's own line
      -rm [-r|-R] [-f] <path> ... delete (-r: directories and their contents; -f: no error if missing)
      -mv <src> ... <dst>         rename
      -touchz <path> ...          create empty files
      -stat [format] <path> ...   %b %F %g %n %o %r %u %y %Y %a %A (default %y)
    Paths are hdfs://<nameservice>/path, /absolute, or relative to /user/<user>.
    The NameNodes, their order and the failover provider come from the configuration.
    """

    /// `FsShell`: a path error exits 1, a usage error -1 (255).
    static let exitFailure: Int32 = 1
    static let exitUsage: Int32 = 255

    static func run(_ words: [String]) -> Int32 {
        let hadoop: HadoopOptions
        let configuration: Configuration
        do {
            hadoop = try HadoopOptions(words)
            configuration = try hadoop.load()
        } catch {
            printError("dfs: \(error)")
            return exitUsage
        }
        guard let command = hadoop.rest.first, command.hasPrefix("-") else {
            printError(usage)
            return exitUsage
        }
        let name = String(command.dropFirst())
        var flags: Set<String> = []
        var operands: [String] = []
        for word in hadoop.rest.dropFirst() {
            if word.hasPrefix("-") && word.count > 1 && operands.isEmpty && name != "stat" {
                flags.insert(String(word.dropFirst()))
            } else {
                operands.append(word)
            }
        }
        let allowed: [String: Set<String>] = ["mkdir": ["p"], "ls": [], "rm": ["r", "R", "f"], "mv": [], "touchz": [], "stat": []]
        guard let allowedFlags = allowed[name] else {
            printError("\(command): Unknown command\n\(usage)")
            return exitUsage
        }
        if let unknown = flags.subtracting(allowedFlags).sorted().first {
            printError("\(command): Illegal option -\(unknown)\n\(usage)")
            return exitUsage
        }
        do {
            let shell = try Shell(configuration: configuration)
            defer { shell.close() }
            return try shell.run(name, flags: flags, operands: operands)
        } catch let error as ShellUsage {
            printError("\(name): \(error.text)\nUsage: qjm dfs \(command) ...")
            return exitUsage
        } catch {
            printError("\(name): \(error)")
            return exitFailure
        }
    }

    struct ShellUsage: Error { var text: String }

    /// One shell invocation: resolves paths to a nameservice and calls its active NameNode.
    final class Shell {
        let configuration: Configuration
        let ha: HAConfiguration
        private var clients: [String: FailoverClient] = [:]
        var errors = 0

        init(configuration: Configuration) throws {
            self.configuration = configuration
            ha = try HAConfiguration(configuration)
        }

        func close() { for client in clients.values { client.close() } }

        func run(_ name: String, flags: Set<String>, operands: [String]) throws -> Int32 {
            switch name {
            case "mkdir":
                guard !operands.isEmpty else { throw ShellUsage(text: "Not enough arguments: expected 1 but got 0") }
                for operand in operands { mkdir(operand, parents: flags.contains("p")) }
            case "ls":
                for operand in (operands.isEmpty ? ["."] : operands) { ls(operand) }
            case "rm":
                guard !operands.isEmpty else { throw ShellUsage(text: "Not enough arguments: expected 1 but got 0") }
                for operand in operands { rm(operand, recursive: flags.contains("r") || flags.contains("R"), force: flags.contains("f")) }
            case "mv":
                guard operands.count >= 2 else { throw ShellUsage(text: "Not enough arguments: expected 2 but got \(operands.count)") }
                mv(Array(operands.dropLast()), to: operands.last!)
            case "touchz":
                guard !operands.isEmpty else { throw ShellUsage(text: "Not enough arguments: expected 1 but got 0") }
                for operand in operands { touchz(operand) }
            case "stat":
                var format = "%y"
                var paths = operands
                if operands.count >= 2 { format = operands[0]; paths = Array(operands.dropFirst()) }
                guard !paths.isEmpty else { throw ShellUsage(text: "Not enough arguments: expected 1 but got 0") }
                for operand in paths { stat(operand, format: format) }
            default:
                throw ShellUsage(text: "Unknown command")
            }
            return errors == 0 ? 0 : DfsCommand.exitFailure
        }

        // MARK: Commands

        private func mkdir(_ operand: String, parents: Bool) {
            perform("mkdir", operand) { client, path in
                if !parents, let status = try self.status(client, path) {
                    throw ShellLine(status.isDirectory ? ShellText.fileExists("mkdir", operand) : ShellText.isNotDirectory("mkdir", operand))
                }
                _ = try self.expect(client.call(.mkdirs(path: path, createParent: parents)), "mkdir", operand)
            }
        }

        private func ls(_ operand: String) {
            perform("ls", operand) { client, path in
                guard let status = try self.status(client, path) else { throw ShellLine(ShellText.noSuchFile("ls", operand)) }
                guard status.isDirectory else {
                    print(Listing.lines([status], display: { _ in operand }).joined(separator: "\n"))
                    return
                }
                guard case .listing(let entries) = try self.expect(client.call(.getListing(path: path)), "ls", operand) else { return }
                if !entries.isEmpty { print("Found \(entries.count) items") }
                let prefix = operand.hasSuffix("/") ? operand : operand + "/"
                let lines = Listing.lines(entries, display: { entry in
                    let name = entry.path.split(separator: "/").last.map(String.init) ?? entry.path
                    return operand == "." ? name : prefix + name
                })
                if !lines.isEmpty { print(lines.joined(separator: "\n")) }
            }
        }

        private func rm(_ operand: String, recursive: Bool, force: Bool) {
            perform("rm", operand) { client, path in
                guard let status = try self.status(client, path) else {
                    if force { return }
                    throw ShellLine(ShellText.noSuchFile("rm", operand))
                }
                if status.isDirectory && !recursive { throw ShellLine(ShellText.isDirectory("rm", operand)) }
                _ = try self.expect(client.call(.delete(path: path, recursive: recursive)), "rm", operand)
                print("Deleted \(operand)")
            }
        }

        private func mv(_ sources: [String], to destination: String) {
            for source in sources {
                perform("mv", source) { client, path in
                    let (_, target) = try self.resolve(destination)
                    _ = try self.expect(client.call(.rename(source: path, destination: target)), "mv", source)
                }
            }
        }

        private func touchz(_ operand: String) {
            perform("touchz", operand) { client, path in
                if let status = try self.status(client, path) {
                    if status.isDirectory { throw ShellLine(ShellText.isDirectory("touchz", operand)) }
                    return  // an empty file already: nothing to do
                }
                _ = try self.expect(client.call(.create(path: path, overwrite: false)), "touchz", operand)
            }
        }

        private func stat(_ operand: String, format: String) {
            perform("stat", operand) { client, path in
                guard let status = try self.status(client, path) else { throw ShellLine(ShellText.noSuchFile("stat", operand)) }
                print(Listing.stat(status, format: format))
            }
        }

        // MARK: Plumbing

        struct ShellLine: Error { var text: String; init(_ text: String) { self.text = text } }

        /// Runs one operand's work, printing its error line and counting it.
        private func perform(_ command: String, _ operand: String, _ body: (FailoverClient, String) throws -> Void) {
            do {
                let (client, path) = try resolve(operand)
                try body(client, path)
            } catch let line as ShellLine {
                printError(line.text)
                errors += 1
            } catch let failure as FailoverClient.Failure {
                printError(ShellText.line(command, "\(failure)"))
                errors += 1
            } catch {
                printError(ShellText.line(command, "\(error)"))
                errors += 1
            }
        }

        private func status(_ client: FailoverClient, _ path: String) throws -> FileStatus? {
            let response = try client.call(.getFileInfo(path: path))
            if case .fileStatus(let status) = response { return status }
            _ = try expect(response, "stat", path)
            return nil
        }

        /// The response, or the error the shell prints for it.
        private func expect(_ response: ClientResponse, _ command: String, _ operand: String) throws -> ClientResponse {
            switch response {
            case .namespaceError(let error):
                var shown = error
                shown.path = operand
                throw ShellLine(shown.shellMessage(command: command))
            case .failure(let className, let message):
                throw ShellLine(ShellText.line(command, "\(className.split(separator: ".").last ?? ""): \(message)"))
            case .boolean(false):
                throw ShellLine(ShellText.inputOutputError(command, operand))
            default:
                return response
            }
        }

        /// The nameservice's client and the absolute path an operand names.
        func resolve(_ operand: String) throws -> (FailoverClient, String) {
            var nameserviceID: String?
            var path = operand
            if operand.hasPrefix("hdfs://") {
                let rest = operand.dropFirst("hdfs://".count)
                let slash = rest.firstIndex(of: "/") ?? rest.endIndex
                nameserviceID = String(rest[..<slash])
                path = rest[slash...].isEmpty ? "/" : String(rest[slash...])
            } else if operand.contains("://") {
                throw ShellLine(ShellText.line("dfs", "No FileSystem for scheme \"\(operand.prefix { $0 != ":" })\""))
            }
            if !path.hasPrefix("/") {
                path = "/user/\(NameStorage.currentUserName())" + (path == "." || path.isEmpty ? "" : "/" + path)
            }
            path = NamespacePath.normalise(path)
            let nameservice: NameserviceConfiguration
            if let nameserviceID {
                nameservice = try ha.nameservice(nameserviceID)
            } else if let fallback = ha.defaultNameservice {
                nameservice = fallback
            } else {
                throw ShellLine("dfs: fs.defaultFS names no HA nameservice; use hdfs://<nameservice>/path")
            }
            return (try client(for: nameservice), path)
        }

        private func client(for nameservice: NameserviceConfiguration) throws -> FailoverClient {
            if let client = clients[nameservice.id] { return client }
            let settings = ha.clientFailover
            var policy = FailoverClient.Policy()
            policy.maxFailovers = settings.maxAttempts
            policy.maxRetries = settings.retryMaxAttempts
            policy.sleepBaseMilliseconds = NameNodeCommand.milliseconds(settings.sleepBase)
            policy.sleepMaxMilliseconds = NameNodeCommand.milliseconds(settings.sleepMax)
            policy.hedging = nameservice.failoverProxyProvider == .requestHedging
            var addresses = nameservice.nameNodes.map {
                FailoverClient.NameNodeAddress(id: $0.id, host: $0.rpcAddress.host, port: UInt16($0.rpcAddress.port))
            }
            if nameservice.randomOrder { addresses.shuffle() }
            let client = FailoverClient(nameNodes: addresses, policy: policy)
            clients[nameservice.id] = client
            return client
        }
    }
}

/// `hdfs dfs -ls` and `-stat` formatting.
enum Listing {
    /// Ls's columns: permission, replication ("-" for directories, width at least 3), owner,
    /// group, length (width at least 10), "yyyy-MM-dd HH:mm" in local time, the path.
    static func lines(_ entries: [FileStatus], display: (FileStatus) -> String) -> [String] {
        let replicationWidth = max(3, entries.map { $0.isDirectory ? 1 : String($0.replication).count }.max() ?? 0)
        let ownerWidth = entries.map(\.owner.count).max() ?? 0
        let groupWidth = entries.map(\.group.count).max() ?? 0
        let lengthWidth = max(10, entries.map { String($0.length).count }.max() ?? 0)
        return entries.map { entry in
            let replication = entry.isDirectory ? "-" : String(entry.replication)
            return "\(entry.symbolicPermission) \(left(replication, replicationWidth)) \(right(entry.owner, ownerWidth)) "
                + "\(right(entry.group, groupWidth)) \(left(String(entry.length), lengthWidth)) "
                + "\(date(entry.modificationTime, seconds: false, utc: false)) \(display(entry))"
        }
    }

    /// `-stat FORMAT`: Stat's specifiers.
    static func stat(_ status: FileStatus, format: String) -> String {
        var output = ""
        var characters = format.makeIterator()
        while let character = characters.next() {
            guard character == "%" else { output.append(character); continue }
            guard let specifier = characters.next() else { output.append("%"); break }
            switch specifier {
            case "b": output += String(status.length)
            case "F": output += status.isDirectory ? "directory" : (status.length == 0 ? "regular empty file" : "regular file")
            case "g": output += status.group
            case "n": output += status.path == "/" ? "/" : String(status.path.split(separator: "/").last ?? "")
            case "o": output += String(status.blockSize)
            case "r": output += String(status.replication)
            case "u": output += status.owner
            case "y": output += date(status.modificationTime, seconds: true, utc: true)
            case "Y": output += String(status.modificationTime)
            case "a": output += String(status.permission & 0o7777, radix: 8)
            case "A": output += String(status.symbolicPermission.dropFirst())
            default: output.append("%"); output.append(specifier)
            }
        }
        return output
    }

    private static func left(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
    private static func right(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }

    static func date(_ milliseconds: Int64, seconds: Bool, utc: Bool) -> String {
        var time = time_t(milliseconds / 1000)
        var parts = tm()
        if utc { gmtime_r(&time, &parts) } else { localtime_r(&time, &parts) }
        func pad(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let minutes = "\(parts.tm_year + 1900)-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday)) \(pad(parts.tm_hour)):\(pad(parts.tm_min))"
        return seconds ? minutes + ":\(pad(parts.tm_sec))" : minutes
    }
}
