import Foundation
import Checker

/// `qjm demo`: a short tour of the checker on the shipped TLA+ examples and HA configurations.
enum DemoCommand {
    static func run(_ words: [String]) -> Int32 {
        guard words.isEmpty else {
            printError("qjm demo: takes no arguments")
            return 2
        }
        let steps: [(title: String, arguments: [String], expected: Int32)] = [
            ("DieHard (TLC: 16 distinct states, depth 8)",
             ["--example", "diehard"], 0),
            ("TwoPhase with 5 resource managers, 2 workers",
             ["--example", "twophase", "--rm", "5", "--workers", "2"], 0),
            ("Paxos with 3 acceptors, 2 values, ballots 0..1",
             ["--example", "paxos", "--workers", "2"], 0),
            ("The HA protocol with 2 epochs, a crash or torn step, lossless links (qjm check runs the larger 'small')",
             ["--config", "crash", "--epochs", "2", "--workers", "2", "--progress", "0"], 0),
            ("Automatic failover over 3 JournalNodes: a ZKFC per NameNode, a ZooKeeper server, one kill -9",
             ["--config", "automatic", "--workers", "2", "--progress", "0"], 0),
            ("The HA protocol with fencing shell(/bin/true) and a paused active: the split brain",
             ["--config", "no-fencing", "--workers", "2", "--progress", "0"], 1),
        ]
        for step in steps {
            printFlushed("== \(step.title): qjm check \(step.arguments.joined(separator: " "))")
            let status = CheckCommand.run(step.arguments + ["--counterexample", "/dev/null"])
            guard status == step.expected else {
                printError("qjm demo: expected exit \(step.expected), got \(status)")
                return 1
            }
            printFlushed("")
        }
        return 0
    }
}
