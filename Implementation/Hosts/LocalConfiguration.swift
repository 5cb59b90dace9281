import Foundation
import Glibc

/// Hadoop XML configuration files for a cluster on this machine: what benchmarks and tests write
/// into a fresh configuration directory (operators write their own, see conf/local-ha).
public enum LocalConfiguration {
    /// `core-site.xml` and `hdfs-site.xml` for nameservice `nameservice` with NameNodes nn1, nn2, …
    /// on `nameNodePorts` and JournalNodes on `journalPorts`, all on 127.0.0.1, state under
    /// `runDirectory`; `extra` properties go into hdfs-site.xml and win.
    public static func write(to directory: String, nameservice: String, journalPorts: [UInt16], nameNodePorts: [UInt16],
                             runDirectory: String, extra: [String: String] = [:]) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let ids = nameNodePorts.indices.map { "nn\($0 + 1)" }
        let quorum = journalPorts.map { "127.0.0.1:\($0)" }.joined(separator: ";")
        var properties: [String: String] = [
            "dfs.nameservices": nameservice,
            "dfs.ha.namenodes.\(nameservice)": ids.joined(separator: ","),
            "dfs.namenode.shared.edits.dir": "qjournal://\(quorum)/\(nameservice)",
            "dfs.journalnode.edits.dir": "${qjm.local.dir}/journalnode",
            "dfs.journalnode.rpc-address": "127.0.0.1:\(journalPorts.first ?? 8485)",
            "dfs.ha.fencing.methods": "shell(/bin/true)",
            "dfs.client.failover.proxy.provider.\(nameservice)": "org.apache.hadoop.hdfs.server.namenode.ha.ConfiguredFailoverProxyProvider",
        ]
        for (id, port) in zip(ids, nameNodePorts) {
            properties["dfs.namenode.rpc-address.\(nameservice).\(id)"] = "127.0.0.1:\(port)"
            properties["dfs.namenode.http-address.\(nameservice).\(id)"] = "127.0.0.1:0"
            properties["dfs.namenode.name.dir.\(nameservice).\(id)"] = "${qjm.local.dir}/\(id)/name"
        }
        properties.merge(extra) { $1 }
        try xml(["fs.defaultFS": "hdfs://\(nameservice)", "qjm.local.dir": runDirectory]).write(
            toFile: directory + "/core-site.xml", atomically: true, encoding: .utf8)
        try xml(properties).write(toFile: directory + "/hdfs-site.xml", atomically: true, encoding: .utf8)
    }

    /// A `<configuration>` document with `properties` in key order (values are escaped).
    public static func xml(_ properties: [String: String]) -> String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;")
        }
        var text = "<?xml version=\"1.0\"?>\n<configuration>\n"
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
            text += "  <property><name>\(escape(key))</name><value>\(escape(value))</value></property>\n"
        }
        return text + "</configuration>\n"
    }

    /// Ports the kernel says are free now (bound to 127.0.0.1:0 together, then released).
    public static func freePorts(_ count: Int) throws -> [UInt16] {
        var descriptors: [Int32] = []
        defer { descriptors.forEach { close($0) } }
        var ports: [UInt16] = []
        for _ in 0..<count {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            descriptors.append(descriptor)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
                }
            }
            guard bound else { throw DaemonProcess.SpawnError(description: "cannot find a free port on 127.0.0.1") }
            ports.append(UInt16(bigEndian: address.sin_port))
        }
        return ports
    }
}
