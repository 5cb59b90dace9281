import HadoopConfig
import XCTest

/// The typed accessors and the text of their bad-value errors.
final class ValueAccessorTests: XCTestCase {
    private func configuration(_ properties: [String: String]) throws -> Configuration {
        try Configuration(properties: properties)
    }

    /// Hadoop's `getBoolean`: true/false in any case; empty means the default.
    func testBool() throws {
        let conf = try configuration(["t": "TRUE", "f": " False ", "empty": "", "bad": "maybe"])
        XCTAssertEqual(try conf.bool("t", default: false), true)
        XCTAssertEqual(try conf.bool("f", default: true), false)
        XCTAssertEqual(try conf.bool("empty", default: true), true)
        XCTAssertEqual(try conf.bool("unset", default: true), true)
        XCTAssertNil(try conf.bool("unset"))
        XCTAssertConfigError(try conf.bool("bad", default: false), .text("Bad value for bad: 'maybe' is not a boolean"))
        let ha = try configuration(["dfs.ha.automatic-failover.enabled": "maybe"])
        XCTAssertConfigError(try ha.bool("dfs.ha.automatic-failover.enabled", default: false),
                             .text("Bad value for dfs.ha.automatic-failover.enabled: 'maybe' is not a boolean"))
    }

    /// Hadoop's `getInt`/`getLong`: decimal, signed, or 0x hexadecimal.
    func testInt() throws {
        let conf = try configuration(["d": "42", "n": "-7", "p": "+3", "h": "0x1F", "nh": "-0X10",
                                      "bad": "12abc", "empty": "", "big": "99999999999999999999", "double": "--5"])
        XCTAssertEqual(try conf.int("d", default: 0), 42)
        XCTAssertEqual(try conf.int("n", default: 0), -7)
        XCTAssertEqual(try conf.int("p", default: 0), 3)
        XCTAssertEqual(try conf.int("h", default: 0), 31)
        XCTAssertEqual(try conf.int("nh", default: 0), -16)
        XCTAssertEqual(try conf.int("unset", default: 15), 15)
        XCTAssertConfigError(try conf.int("bad", default: 0), .text("Bad value for bad: '12abc' is not an integer"))
        for key in ["empty", "big", "double"] {
            XCTAssertThrowsError(try conf.int(key, default: 0), key)
        }
    }

    /// Hadoop's `getTimeDuration`: ns, us, ms, s, m, h, d suffixes (any case); a bare number is
    /// in the key's default unit.
    func testDuration() throws {
        let conf = try configuration(["ns": "5ns", "us": "5us", "ms": "5ms", "s": "5s", "m": "5m", "h": "5h",
                                      "d": "5d", "upper": "5MS", "bare": "5", "negative": "-1",
                                      "bad": "5 s", "fraction": "1.5s", "unit": "ms", "huge": "9223372036854775807d"])
        XCTAssertEqual(try conf.duration("ns", unit: .seconds), .nanoseconds(5))
        XCTAssertEqual(try conf.duration("us", unit: .seconds), .microseconds(5))
        XCTAssertEqual(try conf.duration("ms", unit: .seconds), .milliseconds(5))
        XCTAssertEqual(try conf.duration("s", unit: .milliseconds), .seconds(5))
        XCTAssertEqual(try conf.duration("m", unit: .seconds), .seconds(300))
        XCTAssertEqual(try conf.duration("h", unit: .seconds), .seconds(18_000))
        XCTAssertEqual(try conf.duration("d", unit: .seconds), .seconds(432_000))
        XCTAssertEqual(try conf.duration("upper", unit: .seconds), .milliseconds(5))
        XCTAssertEqual(try conf.duration("bare", unit: .seconds), .seconds(5))
        XCTAssertEqual(try conf.duration("bare", unit: .milliseconds), .milliseconds(5))
        XCTAssertEqual(try conf.duration("negative", unit: .seconds), .seconds(-1))
        XCTAssertEqual(try conf.duration("unset", default: .seconds(60), unit: .seconds), .seconds(60))
        XCTAssertConfigError(
            try conf.duration("bad", unit: .seconds),
            .text("Bad value for bad: '5 s' is not a duration (an integer with an optional unit ns, us, ms, s, m, h or d; default s)"))
        for key in ["fraction", "unit", "huge"] {
            XCTAssertThrowsError(try conf.duration(key, unit: .seconds), key)
        }
    }

    /// Hadoop's `getTrimmedStrings`: comma-separated, trimmed, empties dropped.
    func testStrings() throws {
        let conf = try configuration(["list": " nn1 , nn2,, ,nn3 ", "empty": ""])
        XCTAssertEqual(conf.strings("list"), ["nn1", "nn2", "nn3"])
        XCTAssertEqual(conf.strings("empty"), [])
        XCTAssertEqual(conf.strings("unset"), [])
    }

    /// string(_:default:) and the most-specific suffixed key (upstream `setGenericConf`).
    func testStringAndSuffixedKeys() throws {
        let conf = try configuration(["k": "plain", "k.ns": "service", "k.ns.nn1": "node"])
        XCTAssertEqual(conf.string("missing", default: "d"), "d")
        XCTAssertEqual(conf.mostSpecificKey("k", nameservice: "ns", nameNode: "nn1"), "k.ns.nn1")
        XCTAssertEqual(conf.mostSpecificKey("k", nameservice: "ns", nameNode: "nn2"), "k.ns")
        XCTAssertEqual(conf.mostSpecificKey("k", nameservice: "other", nameNode: nil), "k")
        let overridden = try conf.overriding(["k.ns": "changed", "extra": "${k}"])
        XCTAssertEqual(overridden.string("k.ns"), "changed")
        XCTAssertEqual(overridden.string("extra"), "plain")
    }

    /// Host:port addresses as `NetUtils.createSocketAddr` reads them.
    func testSocketAddress() throws {
        XCTAssertEqual(try SocketAddress(parsing: "127.0.0.1:8020", key: "k"), SocketAddress(host: "127.0.0.1", port: 8020))
        XCTAssertEqual(try SocketAddress(parsing: "nn1.example.com", defaultPort: 8020, key: "k").port, 8020)
        XCTAssertEqual(try SocketAddress(parsing: "hdfs://nn1:9000/path", key: "k"), SocketAddress(host: "nn1", port: 9000))
        XCTAssertEqual(try SocketAddress(parsing: "[::1]:8485", key: "k"), SocketAddress(host: "::1", port: 8485))
        XCTAssertEqual(SocketAddress(host: "::1", port: 8485).description, "[::1]:8485")
        XCTAssertEqual(SocketAddress(host: "0.0.0.0", port: 9870).replacingWildcard(with: "10.0.0.1").description, "10.0.0.1:9870")
        for text in ["host", "host:abc", "host:70000", ":8020", "a:b:c", "host:80/path", "bad_host:1", ""] {
            XCTAssertThrowsError(try SocketAddress(parsing: text, key: "k"), text)
        }
        XCTAssertConfigError(try SocketAddress(parsing: "127.0.0.1:abc", key: "dfs.namenode.rpc-address.mycluster.nn1"),
                             .text("Bad value for dfs.namenode.rpc-address.mycluster.nn1: '127.0.0.1:abc' does not contain a valid host:port authority"))
    }
}
