import Foundation
import XCTest

/// Runs the `qjm` executable that `swift test` built next to the test bundle.
struct QJMProcess {
    struct Run {
        var status: Int32
        var output: String
        var errorOutput: String
    }

    /// The built `qjm`: the test bundle and the executable share the build products directory.
    static func executable() throws -> URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("qjm")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        throw XCTSkip("qjm was not found beside \(CommandLine.arguments[0])")
    }

    /// Runs `qjm arguments` in `directory`, waiting for it to exit (bounded by `secondsMax`), with
    /// `environment` added to this process's environment (nil values removed).
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String?] = [:],
                    secondsMax: Double = 120) throws -> Run {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        if !environment.isEmpty {
            var merged = ProcessInfo.processInfo.environment
            for (name, value) in environment { merged[name] = value }
            process.environment = merged
        }
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes to the end before waiting, so a chatty child never blocks on a full pipe.
        let group = DispatchGroup()
        let collected = Collected()
        group.enter()
        DispatchQueue.global().async {
            collected.errors = errors.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        if group.wait(timeout: .now() + secondsMax) == .timedOut {
            process.terminate()
            XCTFail("qjm \(arguments.joined(separator: " ")) did not finish within \(secondsMax) s")
        }
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                   errorOutput: String(decoding: collected.errors, as: UTF8.self))
    }

    private final class Collected: @unchecked Sendable {
        // @unchecked Sendable: written by one reader before `group.leave()`, read after `wait`.
        var errors = Data()
    }

    /// A fresh temporary directory for one test, removed by the caller's teardown.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("qjm-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
