@preconcurrency import Glibc
import Dispatch
import Foundation
import HadoopConfig
import Hosts

/// The options every daemon and tool shares, as Hadoop's `GenericOptionsParser` takes them:
/// `--conf DIR` (or `$QJM_CONF_DIR`) and any number of `-D key=value` / `-Dkey=value`.
struct HadoopOptions {
    var configurationDirectory: String?
    /// `key=value` texts, in command-line order (later ones win).
    var overrides: [String] = []
    /// Everything else, for the command's own parser.
    var rest: [String] = []

    init(_ words: [String]) throws {
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            switch word {
            case "-D", "--D":
                guard index < words.count else { throw Arguments.UsageError(description: "-D needs key=value") }
                overrides.append(words[index])
                index += 1
            case _ where word.hasPrefix("-D") && word.count > 2:
                overrides.append(String(word.dropFirst(2)))
            case "--conf", "-conf", "--config":
                guard index < words.count else { throw Arguments.UsageError(description: "\(word) needs a directory") }
                configurationDirectory = words[index]
                index += 1
            case _ where word.hasPrefix("--conf="):
                configurationDirectory = String(word.dropFirst("--conf=".count))
            default:
                rest.append(word)
            }
        }
    }

    /// Loads the configuration directory with the overrides applied.
    func load() throws -> Configuration {
        guard let directory = Configuration.directory(explicit: configurationDirectory,
                                                      environment: ProcessInfo.processInfo.environment) else {
            throw Arguments.UsageError(description: "no configuration directory: pass --conf DIR or set \(Configuration.directoryEnvironmentVariable)")
        }
        return try Configuration.load(directory: directory, overrides: overrides)
    }
}

/// Runs a daemon until SIGTERM or SIGINT, then stops it and exits 0.
func runUntilSignalled(_ logger: Logger, stop: @escaping @Sendable () -> Void) -> Never {
    signal(SIGTERM, SIG_IGN)
    signal(SIGINT, SIG_IGN)
    signal(SIGPIPE, SIG_IGN)
    var sources: [DispatchSourceSignal] = []
    for number in [SIGTERM, SIGINT] {
        let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
        source.setEventHandler {
            logger.info("RECEIVED SIGNAL \(number): \(number == SIGTERM ? "SIGTERM" : "SIGINT"); shutting down")
            stop()
            exit(0)
        }
        source.resume()
        sources.append(source)
    }
    withExtendedLifetime(sources) { dispatchMain() }
}
