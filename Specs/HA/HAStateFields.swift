import Foundation
import Model

/// An HA state as `name = value` lines, for counterexamples that print only what changed.
enum HAStateFields {
    static func fields(of state: HASystem) -> [StateField] {
        var fields: [StateField] = []
        for (id, slot) in state.journalNodes.enumerated() {
            let name = "jn\(id + 1)"
            let node = slot.node
            fields.append(StateField("\(name).up", String(slot.up)))
            fields.append(StateField("\(name).promisedEpoch", String(node.promisedEpoch)))
            fields.append(StateField("\(name).writerEpoch", String(node.durable.writerEpoch)))
            fields.append(StateField("\(name).committedTxID", node.durable.committedTxID.map(String.init) ?? "none"))
            fields.append(StateField("\(name).segments", list(node.durable.segments.map(\.description))))
            fields.append(StateField("\(name).paxos", list(node.durable.paxos.map(\.description)
                + node.volatile.unpersistedPaxos.map { "\($0) (in memory only)" } + node.durable.temporary.map(\.description))))
            fields.append(StateField("\(name).openSegment", node.volatile.currentSegment.map(String.init) ?? "none"))
        }
        for (id, slot) in state.nameNodes.enumerated() {
            let name = "nn\(id + 1)"
            let node = slot.node
            fields.append(StateField("\(name).process", slot.status.rawValue))
            fields.append(StateField("\(name).state", node.state.rawValue))
            fields.append(StateField("\(name).namespace", edits(node.applied)))
            fields.append(StateField("\(name).writer", node.writer.map(describe) ?? "none"))
            if node.tail != nil { fields.append(StateField("\(name).tailing", "reading manifests")) }
        }
        for client in state.clients {
            fields.append(StateField("client\(client.id + 1)", client.pending.map { "\($0.rawValue) pending at nn\(client.target + 1)" }
                                     ?? "idle, talks to nn\(client.target + 1)"))
        }
        fields.append(StateField("editsIssued", String(state.editsIssued)))
        fields.append(StateField("crashes", String(state.crashes)))
        if state.losses > 0 { fields.append(StateField("losses", String(state.losses))) }
        fields.append(StateField("network", list(state.network.map(\.description))))
        fields.append(StateField("failover", state.failover.map { "nn\($0.from + 1)→nn\($0.to + 1): \($0.phase)" } ?? "none"))
        if let server = state.coordination { fields += automaticFailoverFields(state, server) }
        fields.append(StateField("ghost.acknowledged", list(state.ghost.acknowledged.map(\.description))))
        fields.append(StateField("ghost.onMajority", list(state.ghost.chosen.map(\.description))))
        fields.append(StateField("ghost.epochOwners", list(state.ghost.epochOwners.map { "e\($0.epoch)→nn\($0.nameNode + 1)" })))
        return fields
    }

    private static func automaticFailoverFields(_ state: HASystem, _ server: CoordinationServer) -> [StateField] {
        var fields: [StateField] = []
        for (id, slot) in state.nameNodes.enumerated() where slot.unhealthy {
            fields.append(StateField("nn\(id + 1).health", "failing its health checks"))
        }
        for (id, slot) in state.controllers.enumerated() {
            let name = "zkfc\(id + 1)"
            let controller = slot.controller
            guard slot.up else {
                fields.append(StateField(name, "down"))
                continue
            }
            var text = "\(controller.electorState.rawValue), health \(controller.health.rawValue)"
            if let session = slot.session { text += ", session \(HASystem.sessionName(session))" + (slot.linked ? "" : " (disconnected)") }
            if let activity = controller.activity { text += ", " + readable(activity) }
            fields.append(StateField(name, text))
        }
        for node in server.znodes where node.path.hasPrefix("/hadoop-ha/") && node.path.split(separator: "/").count == 3 {
            let name = "zk." + (node.path.split(separator: "/").last.map(String.init) ?? node.path)
            var text = (try? ActiveNodeInfo.decode(node.data)).map { "\($0.nameNodeID)" } ?? "\(node.data.count) bytes"
            text += ", version \(node.version)"
            if node.isEphemeral { text += ", owner \(HASystem.sessionName(node.ephemeralOwner))" }
            fields.append(StateField(name, text))
        }
        fields.append(StateField("zk.sessions", list(server.sessions.map { HASystem.sessionName($0.id) })))
        fields.append(StateField("zk.inFlight", list(state.zooKeeperQueue.map(\.description))))
        return fields
    }

    /// An activity without module and type prefixes: `becomingActive(fencing(1, method: 0, …))`.
    private static func readable(_ activity: ZKFailoverController.Activity) -> String {
        var text = String(describing: activity)
        for prefix in ["Model.ZKFailoverController.BecomeActiveStep.", "Model.ZKFailoverController.BecomeActiveOrigin.",
                       "Model.ZKFailoverController.YieldStep.", "Model.ZKFailoverController.AfterQuit.",
                       "Model.ZKFailoverController.ConnectPurpose."] {
            text = text.replacingOccurrences(of: prefix, with: "")
        }
        return text
    }

    private static func list(_ items: [String]) -> String { "[" + items.joined(separator: ", ") + "]" }

    private static func edits(_ applied: [Epoch]) -> String {
        list(applied.enumerated().map { "\($0.offset + 1)@e\($0.element)" })
    }

    private static func describe(_ writer: Writer) -> String {
        var text = "epoch \(writer.epoch)\(writer.epochEstablished ? "" : " (proposed)"), \(writer.phase)"
        if let committed = writer.committed { text += ", committed \(committed)" }
        if let batch = writer.inFlight { text += ", in flight \(batch.first)-\(batch.last)" }
        let skipped = writer.outOfSync.enumerated().filter(\.element).map { "jn\($0.offset + 1)" }
        if !skipped.isEmpty { text += ", skipping \(skipped.joined(separator: ","))" }
        if writer.steppingDown { text += ", stepping down" }
        return text
    }
}
