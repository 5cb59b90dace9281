import Checker
import Foundation

/// `qjm trace-check DIR`: replays the daemons' traces through the model (see `TraceCheck`).
enum TraceCheckCommand {
    static let usage = """
    Usage: qjm trace-check DIR
      Replays every trace in DIR (written with --trace-dir, or by qjm cluster start --trace)
      through the model: each step's effects and durable digest must match. Then checks across
      the traces: PromisedEpochNeverDecreases, AcceptedRecoveryNeverForgotten,
      FinalizedSegmentsAgree, EpochsHaveOneWriter.
      Exit codes: 0 conforms, 1 a divergence or violation, 2 usage error.
    """

    static func run(_ arguments: [String]) -> Int32 {
        // --conf and -D are accepted (and unused) like every qjm tool's.
        let words = (try? HadoopOptions(arguments).rest) ?? arguments
        guard words.count == 1, !words[0].hasPrefix("-") else {
            if words == ["--help"] || words == ["-h"] { print(usage); return 0 }
            printError(usage)
            return 2
        }
        do {
            let report = try TraceCheck.run(directory: words[0])
            print(TraceCheck.format(report, directory: words[0]))
            return report.conforms ? 0 : 1
        } catch {
            printError("qjm trace-check: \(error)")
            return 2
        }
    }
}
