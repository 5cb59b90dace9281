import Foundation
import Checker

/// `qjm bench checker`: TwoPhase with 8 resource managers (or a shipped HA configuration),
/// exhaustively, with 1 and 2 workers.
///
/// Each run is a separate process so that its peak memory is its own. Figures are printed,
/// never asserted: speed is a benchmark's business, not a test's.
enum BenchCommand {
    static let usage = """
    Usage: qjm bench journal [--clients N] [--outstanding K] [--seconds S]   (qjm bench journal --help)
           qjm bench failover [--rounds N]                                   (qjm bench failover --help)
           qjm bench checker [--rm N | --config NAME] [--repeat N] [--workers LIST]
      Runs TwoPhase with N resource managers (default 8), or the HA model in shipped configuration
      NAME (one in which every property holds: crash, small, automatic, ...), exhaustively, REPEAT
      times (default 3) for each worker count in LIST (default 1,2), each run in its own process,
      and prints the median run's distinct and generated states, depth, wall time, states/s and
      peak memory.
    """

    /// TLC's figures for TwoPhase with 8 resource managers, measured on this machine.
    static let tlcSecondsTwoWorkers = 21.0

    static func run(_ words: [String]) -> Int32 {
        if words.first == "journal" { return JournalBench.run(Array(words.dropFirst())) }
        if words.first == "failover" { return FailoverBench.run(Array(words.dropFirst())) }
        do {
            let arguments = try Arguments(words, valued: ["rm", "config", "repeat", "workers"], flags: ["help"])
            if arguments.flag("help") {
                print(usage)
                return 0
            }
            guard arguments.operands == ["checker"] else {
                throw Arguments.UsageError(description: "name a benchmark: checker, journal or failover")
            }
            let resourceManagers = try arguments.integer("rm", in: 1...12) ?? 8
            let configuration = arguments.string("config")
            if configuration != nil && arguments.string("rm") != nil {
                throw Arguments.UsageError(description: "--rm is for TwoPhase, --config for the HA model: give one")
            }
            let repeats = try arguments.integer("repeat", in: 1...50) ?? 3
            let workerCounts = try (arguments.string("workers") ?? "1,2").split(separator: ",").map { text in
                guard let count = Int(text), (1...64).contains(count) else {
                    throw Arguments.UsageError(description: "--workers needs a list like 1,2 (got '\(text)')")
                }
                return count
            }
            let model: BenchedModel = configuration.map { .ha(configuration: $0) } ?? .twoPhase(resourceManagers: resourceManagers)
            return try benchChecker(model, repeats: repeats, workerCounts: workerCounts)
        } catch let error as Arguments.UsageError {
            printError("qjm bench: \(error.description)\n\(usage)")
            return 2
        } catch {
            printError("qjm bench: \(error)")
            return 2
        }
    }

    struct Measurement {
        var result: CheckResult
        var peakResidentBytes: Int
    }

    static func measure(_ arguments: [String]) throws -> Measurement {
        let run = try runSelf(arguments)
        guard run.exitCode == 0 else {
            throw ReplayErrorText("qjm \(arguments.joined(separator: " ")) exited with \(run.exitCode)")
        }
        let result = try JSONDecoder().decode(CheckResult.self, from: run.output)
        return Measurement(result: result, peakResidentBytes: run.peakResidentBytes)
    }

    /// What `qjm bench checker` explores.
    enum BenchedModel {
        case twoPhase(resourceManagers: Int)
        case ha(configuration: String)

        var checkArguments: [String] {
            switch self {
            case .twoPhase(let resourceManagers): return ["--example", "twophase", "--rm", String(resourceManagers)]
            case .ha(let configuration): return ["--config", configuration]
            }
        }

        var title: String {
            switch self {
            case .twoPhase(let resourceManagers): return "TwoPhase with \(resourceManagers) resource managers"
            case .ha(let configuration): return "The HA model in configuration \(configuration)"
            }
        }

        /// TwoPhase with 8 resource managers is the run measured against TLC.
        var isTLCComparison: Bool {
            if case .twoPhase(8) = self { return true } else { return false }
        }
    }

    static func benchChecker(_ model: BenchedModel, repeats: Int, workerCounts: [Int]) throws -> Int32 {
        // A tiny model measures what the process holds before the checker holds anything.
        let baseline = try measure(["check", "--example", "diehard", "--json", "--progress", "0"]).peakResidentBytes
        printFlushed("\(model.title), \(repeats) run(s) per worker count, median shown.")
        if model.isTLCComparison {
            printFlushed("TLC: 1,745,408 distinct, 18,507,778 generated, depth 26; TLC with 2 workers took about "
                         + "\(Int(tlcSecondsTwoWorkers)) s on this machine.")
        }
        printFlushed("Process baseline (peak RSS of a DieHard check): \(Format.bytes(baseline))")
        let header = ["workers", "distinct", "generated", "depth", "wall", "distinct/s", "generated/s",
                      "peak RSS", "RSS−base/state", "checker B/state"]
        printFlushed(header.map { $0.padding(toLength: 15, withPad: " ", startingAt: 0) }.joined())
        var medians: [Int: Double] = [:]
        for workers in workerCounts {
            var runs: [Measurement] = []
            for _ in 0..<repeats {
                runs.append(try measure(["check"] + model.checkArguments + ["--workers", String(workers), "--json",
                                                                            "--progress", "0", "--counterexample", "/dev/null"]))
            }
            runs.sort { $0.result.elapsedSeconds < $1.result.elapsedSeconds }
            let median = runs[runs.count / 2]
            let result = median.result
            medians[workers] = result.elapsedSeconds
            let distinct = Double(max(1, result.distinctStates))
            let row = [String(workers), Format.count(result.distinctStates), Format.count(result.generatedStates),
                       String(result.depth), Format.seconds(result.elapsedSeconds),
                       Format.count(Int(distinct / result.elapsedSeconds)),
                       Format.count(Int(Double(result.generatedStates) / result.elapsedSeconds)),
                       Format.bytes(median.peakResidentBytes),
                       Format.fixed(Double(median.peakResidentBytes - baseline) / distinct, decimals: 1),
                       Format.fixed(Double(result.checkerBytes) / distinct, decimals: 1)]
            printFlushed(row.map { $0.padding(toLength: 15, withPad: " ", startingAt: 0) }.joined())
        }
        if let one = medians[1], let two = medians[2] {
            printFlushed("Speed-up with 2 workers over 1: \(Format.fixed(one / two, decimals: 2))×")
        }
        if model.isTLCComparison, let two = medians[2] {
            printFlushed("Against TLC with 2 workers (~\(Int(tlcSecondsTwoWorkers)) s): "
                         + "\(Format.fixed(tlcSecondsTwoWorkers / two, decimals: 1))× faster")
        }
        return 0
    }
}
