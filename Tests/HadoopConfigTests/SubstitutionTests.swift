import HadoopConfig
import XCTest

/// Hadoop's `${...}` expansion (`Configuration.substituteVars`).
final class SubstitutionTests: XCTestCase {
    /// `${key}` is replaced by another key's value, recursively.
    func testKeysExpandRecursively() throws {
        let configuration = try Configuration(properties: [
            "root": "/data", "journal": "${root}/jn", "edits": "${journal}/edits-${id}", "id": "1",
        ])
        XCTAssertEqual(configuration.string("edits"), "/data/jn/edits-1")
        XCTAssertEqual(configuration.rawValue("edits"), "${journal}/edits-${id}")
    }

    /// -D overrides take part in expansion: changing the root moves every path under it.
    func testOverridesAreExpandedAndExpandOthers() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("core-site.xml", siteXML([("qjm.local.dir", "/tmp/qjm-local"), ("jn", "${qjm.local.dir}/jn")]))
        let configuration = try Configuration.load(
            directory: directory.path, overrides: ["qjm.local.dir=/srv", "mine=${qjm.local.dir}/x"], environment: [:])
        XCTAssertEqual(configuration.string("jn"), "/srv/jn")
        XCTAssertEqual(configuration.string("mine"), "/srv/x")
    }

    /// `${env.NAME}`, `${env.NAME:-default}` (unset or empty) and `${env.NAME-default}` (unset).
    func testEnvironmentVariables() throws {
        let configuration = try Configuration(properties: [
            "home": "${env.HOME}/hadoop",
            "unset.colon": "${env.NOPE:-fallback}", "empty.colon": "${env.EMPTY:-fallback}",
            "unset.dash": "${env.NOPE-fallback}", "empty.dash": "${env.EMPTY-fallback}",
            "unbound": "${env.NOPE}/x",
        ], environment: ["HOME": "/home/hdfs", "EMPTY": ""])
        XCTAssertEqual(configuration.string("home"), "/home/hdfs/hadoop")
        XCTAssertEqual(configuration.string("unset.colon"), "fallback")
        XCTAssertEqual(configuration.string("empty.colon"), "fallback")
        XCTAssertEqual(configuration.string("unset.dash"), "fallback")
        XCTAssertEqual(configuration.string("empty.dash"), "")
        XCTAssertEqual(configuration.string("unbound"), "${env.NOPE}/x", "upstream leaves an unbound variable as written")
    }

    /// `${user.name}` is the Java system property upstream; here it comes from $USER.
    func testUserNamePseudoProperty() throws {
        let configuration = try Configuration(properties: ["tmp": "/tmp/hadoop-${user.name}"], environment: ["USER": "hdfs"])
        XCTAssertEqual(configuration.string("tmp"), "/tmp/hadoop-hdfs")
    }

    /// An unbound variable stops expansion of that value, as upstream (`return eval`).
    func testUnboundVariableStopsExpansion() throws {
        let configuration = try Configuration(properties: ["a": "${missing}/${b}", "b": "x", "c": "${}/$x/${ b}"])
        XCTAssertEqual(configuration.string("a"), "${missing}/${b}")
        XCTAssertEqual(configuration.string("c"), "${}/$x/${ b}")
    }

    /// A value referring to itself, directly or through another key, is an error.
    func testLoopIsAnError() {
        XCTAssertConfigError(try Configuration(properties: ["a": "${a}/x"]),
                             .text("Variable substitution loop in a: ${a}/x refers back to itself"))
        XCTAssertConfigError(try Configuration(properties: ["a": "${b}", "b": "${a}"]),
                             .error(.substitutionLoop(key: "a", expression: "${b}")))
    }

    /// More than 20 substitutions (upstream's MAX_SUBST) is an error with upstream's text.
    func testDepthLimit() throws {
        var chain: [String: String] = ["k21": "end"]
        for index in 0..<21 { chain["k\(index)"] = "${k\(index + 1)}" }
        let twenty = try Configuration(properties: chain.filter { $0.key != "k0" })
        XCTAssertEqual(twenty.string("k1"), "end", "20 substitutions from k1 are within the limit")
        XCTAssertConfigError(try Configuration(properties: chain),
                             .text("Variable substitution depth too large: 20 ${k1} (in k0)"))
    }
}
