import Foundation
import Model

/// `qjm trace-check`: replays the daemons' traces through the model and checks properties
/// across them.
///
/// Each file is one node's history (see `Model/Trace/TraceRecord.swift`): a `start` line each
/// time the node starts, with the state its model node is built from, then its steps. Every step
/// is replayed through a fresh model node: the effects must equal the recorded ones and, for a
/// JournalNode, the durable-state digest must too. Across files it checks that no JournalNode's
/// promise went backward and no accepted recovery value was forgotten (within a run or across a
/// restart), that JournalNodes agree on every
/// finalized segment they share, and that each epoch's acknowledged writes came from one
/// NameNode, with txids ordered by epoch.
public enum TraceCheck {
    public struct FileReport: Sendable {
        public var file: String
        public var node: String
        public var starts = 0
        public var steps = 0
        /// The first place replay and trace disagree: "line N: what".
        public var divergence: String?
    }

    public struct Report: Sendable {
        public var files: [FileReport] = []
        /// Cross-node checks by name: nil when the check holds, else the counterexample.
        public var checks: [(name: String, detail: String, violation: String?)] = []
        public var conforms: Bool { files.allSatisfy { $0.divergence == nil } && checks.allSatisfy { $0.violation == nil } }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Checks every `*.jsonl` file in `directory`.
    public static func run(directory: String) throws -> Report {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".jsonl") }.sorted()
        guard !names.isEmpty else { throw Failure(description: "no trace files (*.jsonl) in \(directory)") }
        var report = Report()
        var journals: [(node: String, durable: JournalDurableState)] = []
        var promiseViolation: String?
        var acceptedValueViolation: String?
        var acknowledgements: [(node: String, epoch: Epoch, txid: TxID)] = []
        for name in names {
            let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            if name.hasPrefix("journalnode-") {
                let (file, durable, findings) = replayJournalNode(name, lines)
                report.files.append(file)
                if let durable { journals.append((file.node, durable)) }
                promiseViolation = promiseViolation ?? findings.promise
                acceptedValueViolation = acceptedValueViolation ?? findings.acceptedValue
            } else if name.hasPrefix("namenode-") {
                let (file, acknowledged) = replayNameNode(name, lines)
                report.files.append(file)
                acknowledgements += acknowledged
            } else {
                report.files.append(FileReport(file: name, node: "?", divergence: "not a journalnode-*.jsonl or namenode-*.jsonl trace"))
            }
        }
        report.checks.append(("PromisedEpochNeverDecreases", "every JournalNode step and restart", promiseViolation))
        report.checks.append(("AcceptedRecoveryNeverForgotten", "every JournalNode step and restart", acceptedValueViolation))
        report.checks.append(("FinalizedSegmentsAgree", "\(journals.count) JournalNodes' final state", finalizedSegmentsAgree(journals)))
        let epochs = Set(acknowledgements.map(\.epoch)).sorted()
        report.checks.append(("EpochsHaveOneWriter", "\(acknowledgements.count) acknowledged writes in epochs \(epochs.map(String.init).joined(separator: ", "))",
                              epochsHaveOneWriter(acknowledgements)))
        return report
    }

    static let decoder = JSONDecoder()

    /// Start lines and step lines are told apart by their first key (the writer sorts keys: a
    /// start line opens with "lamport", a step with "durable").
    private static func isStart(_ line: String) -> Bool { line.hasPrefix("{\"lamport\":") }

    /// Replays one node's trace: a start line (re)builds the model node, each step must give the
    /// recorded effects; `checkStep` adds the node-specific checks (it returns a divergence).
    static func replay<Start: Codable, Input: Codable, Effect: Codable & Equatable, Node>(
        _ name: String, _ lines: [String], makeNode: (Start) -> Node, step: (inout Node, Input) -> [Effect],
        onStart: (Start, String) -> Void = { _, _ in },
        checkStep: (Node, TraceRecord<Input, Effect>, String) -> String? = { _, _, _ in nil }
    ) -> (FileReport, Node?) {
        var file = FileReport(file: name, node: "?")
        var node: Node?
        for (index, line) in lines.enumerated() {
            let place = "\(name) line \(index + 1)"
            do {
                if isStart(line) {
                    let start = try decoder.decode(TraceStart<Start>.self, from: Data(line.utf8))
                    file.node = start.node
                    file.starts += 1
                    onStart(start.start, place)
                    node = makeNode(start.start)
                    continue
                }
                let record = try decoder.decode(TraceRecord<Input, Effect>.self, from: Data(line.utf8))
                file.node = record.node
                file.steps += 1
                guard var current = node else { file.divergence = "\(place): a step before any start line"; break }
                let effects = step(&current, record.input)
                if effects != record.effects {
                    file.divergence = "\(place): the model's effects differ\n      model: \(effects)\n      trace: \(record.effects)"
                    break
                }
                if let divergence = checkStep(current, record, place) { file.divergence = divergence; break }
                node = current
            } catch {
                file.divergence = "\(place): unreadable (\(error))"
                break
            }
        }
        return (file, node)
    }

    /// What one JournalNode's replay found beyond divergences: the first backward promise and
    /// the first forgotten accepted recovery value.
    struct JournalFindings {
        var promise: String?
        var acceptedValue: String?
    }

    /// Replays one JournalNode's trace; returns its final durable state and what it found.
    static func replayJournalNode(_ name: String, _ lines: [String]) -> (FileReport, JournalDurableState?, JournalFindings) {
        var promised: Epoch = 0
        var accepted: [PaxosRecord] = []
        var findings = JournalFindings()
        func observe(_ epoch: Epoch, _ what: String) {
            if epoch < promised && findings.promise == nil { findings.promise = "\(what) \(epoch) after promising \(promised)" }
            promised = max(promised, epoch)
        }
        func observe(_ node: JournalNode, across request: JournalRequest?, _ place: String) {
            if findings.acceptedValue == nil, let lost = node.forgottenAcceptedValue(of: accepted, across: request) {
                findings.acceptedValue = "\(place): \(lost) no longer reported"
            }
            accepted = node.acceptedValues
        }
        let (file, node) = replay(name, lines, makeNode: { (durable: JournalDurableState) in JournalNode(id: 0, durable: durable) },
                                  step: { (node: inout JournalNode, input: JournalNode.Input) in node.step(input) },
                                  onStart: { durable, place in
            observe(durable.promisedEpoch, "\(place): restarted with promise")
            observe(JournalNode(id: 0, durable: durable), across: nil, "\(place): restarted, and")
        },
                                  checkStep: { (node: JournalNode, record: TraceRecord<JournalNode.Input, JournalNode.Effect>, place: String) in
            observe(node.durable.promisedEpoch, "\(place): promise went to")
            if case .request(_, let request) = record.input { observe(node, across: request, place) }
            let digest = String(node.durable.digest, radix: 16)
            guard record.hostError == nil, digest != record.durable else { return nil }
            return "\(place): durable state digest \(record.durable) differs from the model's \(digest)"
        })
        return (file, node?.durable, findings)
    }

    /// Replays one NameNode's trace; returns the writes it acknowledged with their epochs (the
    /// epoch of the JournalNode answer that completed the quorum).
    static func replayNameNode(_ name: String, _ lines: [String]) -> (FileReport, [(node: String, epoch: Epoch, txid: TxID)]) {
        var acknowledged: [(node: String, epoch: Epoch, txid: TxID)] = []
        let (file, _) = replay(name, lines, makeNode: { (start: NameNodeStart) in start.makeNode() },
                               step: { (node: inout NameNode, input: NameNode.Input) in node.step(input) },
                               checkStep: { (_: NameNode, record: TraceRecord<NameNode.Input, NameNode.Effect>, _: String) in
            if case .journal(_, .written(let epoch, _, _)) = record.input {
                for case .replyClient(_, .written(let txid)) in record.effects { acknowledged.append((record.node, epoch, txid)) }
            }
            return nil
        })
        return (file, acknowledged)
    }

    static func finalizedSegmentsAgree(_ journals: [(node: String, durable: JournalDurableState)]) -> String? {
        var seen: [TxID: (node: String, segment: Segment)] = [:]
        for (node, durable) in journals {
            for segment in durable.segments where segment.finalized {
                if let other = seen[segment.start], other.segment.end != segment.end || other.segment.writerEpoch != segment.writerEpoch {
                    return "\(other.node) holds \(other.segment), \(node) holds \(segment)"
                }
                seen[segment.start] = (node, segment)
            }
        }
        return nil
    }

    static func epochsHaveOneWriter(_ acknowledgements: [(node: String, epoch: Epoch, txid: TxID)]) -> String? {
        let byEpoch = Dictionary(grouping: acknowledgements, by: \.epoch)
        for epoch in byEpoch.keys.sorted() {
            let writers = Set(byEpoch[epoch]!.map(\.node)).sorted()
            if writers.count > 1 { return "epoch \(epoch) acknowledged by \(writers.joined(separator: " and "))" }
        }
        let epochs = byEpoch.keys.sorted()
        for (earlier, later) in zip(epochs, epochs.dropFirst()) {
            let last = byEpoch[earlier]!.map(\.txid).max()!
            let first = byEpoch[later]!.map(\.txid).min()!
            if last >= first { return "epoch \(earlier) acknowledged txid \(last), epoch \(later) already txid \(first)" }
        }
        var txids = Set<TxID>()
        for entry in acknowledgements where !txids.insert(entry.txid).inserted {
            return "txid \(entry.txid) acknowledged twice"
        }
        return nil
    }

    /// The report as `qjm trace-check` prints it.
    public static func format(_ report: Report, directory: String) -> String {
        var lines = ["Trace check of \(directory): \(report.files.count) trace files"]
        for file in report.files {
            let outcome = file.divergence.map { "DIVERGES: \($0)" } ?? "conforms"
            lines.append("  \(file.file)  \(file.node)  \(file.starts) starts, \(file.steps) steps  \(outcome)")
        }
        lines.append("Properties across the traces:")
        for check in report.checks {
            lines.append("  \(check.violation == nil ? "holds   " : "VIOLATED") \(check.name) (\(check.detail))"
                         + (check.violation.map { ": \($0)" } ?? ""))
        }
        lines.append(report.conforms ? "The traces conform to the model." : "The traces do NOT conform to the model.")
        return lines.joined(separator: "\n")
    }
}
