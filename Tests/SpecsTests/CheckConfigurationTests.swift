import XCTest
@testable import Specs

/// Configuration files name the runs we ship; a typo in one must be an error naming its line.
final class CheckConfigurationTests: XCTestCase {
    let keys: Set<String> = ["example", "rm", "workers", "continue"]

    func testParsesKeysValuesAndComments() throws {
        let configuration = try CheckConfiguration(text: """
            # a comment
            example = twophase   # trailing comment
              rm=8

            workers =\t2
            """, allowedKeys: keys)
        XCTAssertEqual(configuration.entries.map(\.key), ["example", "rm", "workers"])
        XCTAssertEqual(configuration["example"], "twophase")
        XCTAssertEqual(configuration["rm"], "8")
        XCTAssertEqual(configuration["workers"], "2")
        XCTAssertNil(configuration["continue"])
    }

    func testErrorsNameTheLine() {
        let cases: [(String, CheckConfiguration.ParseError)] = [
            ("example = twophase\nrm 8", .init(line: 2, message: "expected 'key = value', found 'rm 8'")),
            ("= 3", .init(line: 1, message: "missing key before '='")),
            ("\n\nrm =", .init(line: 3, message: "key 'rm' has no value")),
            ("rm = 1\nrm = 2", .init(line: 2, message: "key 'rm' is given twice")),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try CheckConfiguration(text: text, allowedKeys: keys)) { error in
                XCTAssertEqual(error as? CheckConfiguration.ParseError, expected, text)
            }
        }
    }

    func testUnknownKeyIsRefusedWithTheKnownOnes() {
        XCTAssertThrowsError(try CheckConfiguration(text: "depht = 3", allowedKeys: keys)) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.hasPrefix("line 1: unknown key 'depht'"), text)
            XCTAssertTrue(text.contains("continue, example, rm, workers"), text)
        }
    }

    func testEveryShippedConfigurationParses() throws {
        XCTAssertFalse(ShippedConfigurations.all.isEmpty)
        for (name, text) in ShippedConfigurations.all {
            let configuration = try CheckConfiguration(
                text: text, allowedKeys: ["example", "rm", "workers", "not-solved", "acceptors", "values", "ballots"])
            XCTAssertNotNil(configuration["example"], name)
            XCTAssertEqual(ShippedConfigurations.text(named: name), text)
        }
        XCTAssertNil(ShippedConfigurations.text(named: "no-such-configuration"))
    }
}
