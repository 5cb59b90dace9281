@preconcurrency import Glibc
import Foundation

/// `qjm`: one executable for every tool and daemon of QJM.
let topUsage = """
Usage: qjm <command> [options]
  check     explore a model exhaustively and check its properties   (qjm check --help)
  bench     run a benchmark and print its figures                     (qjm bench --help)
  demo      check the shipped example models and show a counterexample
  journalnode   the JournalNode daemon                                (qjm journalnode --help)
  namenode      the NameNode daemon; -format, -bootstrapStandby, -initializeSharedEdits
  dfs           namespace commands against an HA nameservice          (qjm dfs)
  haadmin       HA state queries, transitions and manual failover     (qjm haadmin -help)
  trace-check   replay daemon traces through the model                (qjm trace-check DIR)
  cluster       start|stop|status a local cluster of 3 JournalNodes and 2 NameNodes
  help      print this text
"""

let words = Array(CommandLine.arguments.dropFirst())
if words.first == "check" || words.first == "demo" { AllocatorTuning.restartTunedIfNeeded() }
let status: Int32
switch words.first {
case "check": status = CheckCommand.run(Array(words.dropFirst()))
case "bench": status = BenchCommand.run(Array(words.dropFirst()))
case "demo": status = DemoCommand.run(Array(words.dropFirst()))
case "journalnode": status = JournalNodeCommand.run(Array(words.dropFirst()))
case "namenode": status = NameNodeCommand.run(Array(words.dropFirst()))
case "dfs": status = DfsCommand.run(Array(words.dropFirst()))
case "haadmin": status = HAAdminCommand.run(Array(words.dropFirst()))
case "cluster": status = ClusterCommand.run(Array(words.dropFirst()))
case "trace-check": status = TraceCheckCommand.run(Array(words.dropFirst()))
case "help", "--help", "-h": print(topUsage); status = 0
case nil: printError(topUsage); status = 2
case let other?: printError("qjm: unknown command '\(other)'\n\(topUsage)"); status = 2
}
fflush(stdout)
exit(status)
