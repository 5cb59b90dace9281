import Foundation
import XCTest
import Checker

/// `qjm check` as a user runs it: output, files, and the exit codes the README promises
/// (0 holds, 1 violated, 2 usage or configuration error, 3 a bound stopped the search).
final class CheckCommandTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws { directory = try QJMProcess.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func testDieHardHoldsWithTLCsCounts() throws {
        let run = try QJMProcess.run(["check", "--example", "diehard"], in: directory)
        XCTAssertEqual(run.status, 0, run.errorOutput)
        XCTAssertTrue(run.output.contains("16 distinct states, 97 generated, depth 8"), run.output)
        XCTAssertTrue(run.output.contains("Model checking completed. No error has been found."), run.output)
        XCTAssertTrue(run.output.contains("Coverage"), run.output)
    }

    /// `qjm check` starts itself again with a larger allocator cache (GLIBC_TUNABLES) unless the
    /// caller set one: either way the same arguments reach the same check, with the same verdict
    /// and counts, including a violation's exit status and trace.
    func testTheAllocatorRestartKeepsArgumentsAndResults() throws {
        let directory = try QJMProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        func results(_ run: QJMProcess.Run) -> [Substring] {
            run.output.split(separator: "\n").compactMap { line in
                if line.hasPrefix("State ") { return line }  // a trace, step by step
                if line.contains("distinct states,") { return line.prefix { $0 != "," } }  // the count, not the time
                return nil
            }
        }
        for arguments in [["check", "--example", "diehard"], ["check", "--config", "no-fencing", "--counterexample", "/dev/null"]] {
            let restarted = try QJMProcess.run(arguments, in: directory, environment: ["GLIBC_TUNABLES": nil])
            let kept = try QJMProcess.run(arguments, in: directory, environment: ["GLIBC_TUNABLES": "glibc.malloc.tcache_count=7"])
            XCTAssertEqual(restarted.status, kept.status, "\(arguments)")
            XCTAssertFalse(results(restarted).isEmpty, restarted.output)
            XCTAssertEqual(results(restarted), results(kept), "\(arguments)")
        }
    }

    func testViolationWritesACounterexampleThatReplays() throws {
        let file = directory.appendingPathComponent("notsolved.json").path
        let check = try QJMProcess.run(["check", "--config", "diehard-solve", "--counterexample", file], in: directory)
        XCTAssertEqual(check.status, 1, check.errorOutput)
        XCTAssertTrue(check.output.contains("Error: Invariant NotSolved is violated."), check.output)
        XCTAssertTrue(check.output.contains("State 7: BigToSmall"), check.output)
        XCTAssertFalse(check.output.contains("State 8:"), "the counterexample must be the shortest (7 states)")
        let replay = try QJMProcess.run(["check", "--replay", file], in: directory)
        XCTAssertEqual(replay.status, 1, replay.errorOutput)
        XCTAssertTrue(replay.output.contains("Reproduced: the invariant is false in the last state."), replay.output)
        XCTAssertFalse(replay.output.contains("Warning"), replay.output)
    }

    func testReplayOfACorruptFileIsAUsageError() throws {
        let file = directory.appendingPathComponent("bad.json")
        try Data("{\"format\": \"something-else\"}".utf8).write(to: file)
        let run = try QJMProcess.run(["check", "--replay", file.path], in: directory)
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.errorOutput.contains("not a counterexample file"), run.errorOutput)
    }

    func testBoundIsReportedAsIncompleteWithExitThree() throws {
        let run = try QJMProcess.run(["check", "--example", "twophase", "--rm", "4", "--depth", "5"], in: directory)
        XCTAssertEqual(run.status, 3, run.output)
        XCTAssertTrue(run.output.contains("stopped at the depth bound"), run.output)
        XCTAssertTrue(run.output.contains("INCOMPLETE"), run.output)
        XCTAssertFalse(run.output.contains("No error has been found"), run.output)
    }

    func testJSONOutputDecodesAsACheckResult() throws {
        let run = try QJMProcess.run(["check", "--example", "twophase", "--rm", "3", "--workers", "2", "--json"],
                                     in: directory)
        XCTAssertEqual(run.status, 0, run.errorOutput)
        let result = try JSONDecoder().decode(CheckResult.self, from: Data(run.output.utf8))
        XCTAssertEqual(result.distinctStates, 288)
        XCTAssertEqual(result.generatedStates, 1_146)
        XCTAssertEqual(result.depth, 11)
        XCTAssertEqual(result.workers, 2)
        XCTAssertEqual(result.outcome, .holds)
    }

    func testUsageErrorsExitTwoAndNameTheProblem() throws {
        let cases: [([String], String)] = [
            (["check", "--example", "diehard", "--bogus"], "unknown option '--bogus'"),
            (["check", "--example", "nosuchmodel"], "unknown example model 'nosuchmodel'"),
            (["check", "--example", "twophase", "--rm", "99"], "--rm must be in 1...20"),
            (["check", "--example", "twophase", "--workers", "0"], "--workers must be between 1 and 64"),
            (["check", "--example", "diehard", "--seed", "3"], "--seed needs --simulate"),
            (["check", "--example", "diehard", "--acceptors", "3"], "has no parameter 'acceptors'"),
            (["check", "--config", "no-such-configuration"], "no shipped configuration and no readable file named"),
            (["check", "--edits", "99"], "--edits: edits must be an integer in 0...10"),
            (["check", "--mutant", "no-such-bug"], "unknown mutant 'no-such-bug'"),
            (["check", "--example", "diehard", "--namenodes", "2"], "option --namenodes is for the HA model"),
            (["nosuchcommand"], "unknown command 'nosuchcommand'"),
            (["bench", "checker", "--rm", "3", "--config", "small"], "--rm is for TwoPhase, --config for the HA model: give one"),
        ]
        for (arguments, message) in cases {
            let run = try QJMProcess.run(arguments, in: directory)
            XCTAssertEqual(run.status, 2, arguments.joined(separator: " "))
            XCTAssertTrue(run.errorOutput.contains(message), "\(arguments): \(run.errorOutput)")
        }
    }

    func testConfigurationFileAndCommandLineOverride() throws {
        let file = directory.appendingPathComponent("run.cfg")
        try Data("# a run\nexample = twophase\nrm = 4\n".utf8).write(to: file)
        let fromFile = try QJMProcess.run(["check", "--config", file.path], in: directory)
        XCTAssertEqual(fromFile.status, 0, fromFile.errorOutput)
        XCTAssertTrue(fromFile.output.contains("1,568 distinct states"), fromFile.output)
        let overridden = try QJMProcess.run(["check", "--config", file.path, "--rm", "3"], in: directory)
        XCTAssertTrue(overridden.output.contains("288 distinct states"), overridden.output)
        try Data("example = twophase\nrm: 4\n".utf8).write(to: file)
        let malformed = try QJMProcess.run(["check", "--config", file.path], in: directory)
        XCTAssertEqual(malformed.status, 2)
        XCTAssertTrue(malformed.errorOutput.contains("line 2: expected 'key = value'"), malformed.errorOutput)
    }

    /// `qjm bench checker --config` benchmarks the HA model: its figures are those of the check.
    func testBenchCheckerRunsAnHAConfiguration() throws {
        let file = directory.appendingPathComponent("bench.cfg")
        try Data("base = crash\nedits = 1\n".utf8).write(to: file)
        let check = try QJMProcess.run(["check", "--config", file.path, "--json", "--progress", "0"], in: directory)
        XCTAssertEqual(check.status, 0, check.errorOutput)
        let result = try JSONDecoder().decode(CheckResult.self, from: Data(check.output.utf8))
        let bench = try QJMProcess.run(["bench", "checker", "--config", file.path, "--repeat", "1", "--workers", "1"],
                                       in: directory)
        XCTAssertEqual(bench.status, 0, bench.errorOutput)
        XCTAssertTrue(bench.output.contains("The HA model in configuration \(file.path), 1 run(s) per worker count"), bench.output)
        let row = try XCTUnwrap(bench.output.split(separator: "\n").first { $0.hasPrefix("1 ") }, bench.output)
        XCTAssertTrue(row.contains(result.distinctStates.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))),
                      "\(row) against \(result.distinctStates)")
    }

    func testSimulationIsReproducibleFromItsSeed() throws {
        let arguments = ["check", "--config", "diehard-solve", "--simulate", "--seed", "42", "--traces", "200",
                         "--depth", "30", "--counterexample", "/dev/null"]
        let first = try QJMProcess.run(arguments, in: directory)
        let second = try QJMProcess.run(arguments + ["--workers", "2"], in: directory)
        XCTAssertEqual(first.status, 1, first.output)
        let withoutTiming = { (text: String) in
            text.split(separator: "\n").filter { !$0.contains(" in ") && !$0.contains("worker") }
        }
        XCTAssertEqual(withoutTiming(first.output), withoutTiming(second.output))
        XCTAssertTrue(first.output.contains("Rerun with --seed 42"), first.output)
    }

    func testProgressLinesOnLongRuns() throws {
        let run = try QJMProcess.run(["check", "--example", "twophase", "--rm", "5", "--progress", "0.000001"],
                                     in: directory)
        XCTAssertEqual(run.status, 0)
        let progress = run.output.split(separator: "\n").filter { $0.hasPrefix("Progress(") }
        XCTAssertFalse(progress.isEmpty, run.output)
        XCTAssertTrue(progress.allSatisfy { $0.contains("distinct states found") && $0.contains("left on queue") })
    }

    /// The HA model from the command line: no-fencing's split brain is a counterexample file
    /// that replays, and the shipped configurations are listed with their keys.
    func testHASplitBrainReplaysFromItsFile() throws {
        let file = directory.appendingPathComponent("split-brain.json").path
        let check = try QJMProcess.run(["check", "--config", "no-fencing", "--progress", "0", "--counterexample", file],
                                       in: directory)
        XCTAssertEqual(check.status, 1, check.errorOutput)
        XCTAssertTrue(check.output.contains("Error: Invariant AtMostOneActiveServes is violated."), check.output)
        let replay = try QJMProcess.run(["check", "--replay", file], in: directory)
        XCTAssertEqual(replay.status, 1, replay.errorOutput)
        XCTAssertTrue(replay.output.contains("Reproduced: the invariant is false in the last state."), replay.output)
        let list = try QJMProcess.run(["check", "--list-configs"], in: directory)
        XCTAssertEqual(list.status, 0)
        for name in ["[small]", "[crash]", "[lossy]", "[deep]", "[three-namenodes]", "[no-fencing]", "fencing = noop"] {
            XCTAssertTrue(list.output.contains(name), name)
        }
    }
}
