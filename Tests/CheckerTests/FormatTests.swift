@testable import Checker
import XCTest

/// Locale-independent number formatting for reports.
final class FormatTests: XCTestCase {
    func testCountGroupsThousands() {
        XCTAssertEqual(Format.count(0), "0")
        XCTAssertEqual(Format.count(7), "7")
        XCTAssertEqual(Format.count(999), "999")
        XCTAssertEqual(Format.count(1_000), "1,000")
        XCTAssertEqual(Format.count(65_536), "65,536")
        XCTAssertEqual(Format.count(1_745_408), "1,745,408")
        XCTAssertEqual(Format.count(-999), "-999")
        XCTAssertEqual(Format.count(-1_234), "-1,234")
        XCTAssertEqual(Format.count(Int.max), "9,223,372,036,854,775,807")
        XCTAssertEqual(Format.count(Int.min), "-9,223,372,036,854,775,808")
    }

    func testFixedRoundsToTheGivenDecimals() {
        XCTAssertEqual(Format.fixed(0.93, decimals: 2), "0.93")
        XCTAssertEqual(Format.fixed(0.05, decimals: 2), "0.05")
        XCTAssertEqual(Format.fixed(1, decimals: 2), "1.00")
        XCTAssertEqual(Format.fixed(0.999, decimals: 2), "1.00")
        XCTAssertEqual(Format.fixed(123.456, decimals: 1), "123.5")
        XCTAssertEqual(Format.fixed(2.5, decimals: 0), "3")
        XCTAssertEqual(Format.fixed(-1.25, decimals: 1), "-1.3")
        XCTAssertEqual(Format.fixed(-0.004, decimals: 2), "0.00", "no negative zero")
        XCTAssertEqual(Format.fixed(12_345_678.9, decimals: 1), "12345678.9")
        XCTAssertEqual(Format.fixed(.infinity, decimals: 2), "inf")
        XCTAssertEqual(Format.seconds(0.934), "0.93s")
        XCTAssertEqual(Format.seconds(61), "61.00s")
    }

    func testBytesUseBinaryUnits() {
        XCTAssertEqual(Format.bytes(0), "0 B")
        XCTAssertEqual(Format.bytes(1_023), "1023 B")
        XCTAssertEqual(Format.bytes(1_024), "1.0 KiB")
        XCTAssertEqual(Format.bytes(1_536), "1.5 KiB")
        XCTAssertEqual(Format.bytes(12_345_678), "11.8 MiB")
        XCTAssertEqual(Format.bytes(1 << 30), "1.0 GiB")
        XCTAssertEqual(Format.bytes(5 << 40), "5.0 TiB")
        XCTAssertEqual(Format.bytes(1 << 50), "1024.0 TiB", "TiB is the largest unit")
    }

    func testScientificAsTLCPrintsIt() {
        XCTAssertEqual(Format.scientific(0), "0")
        XCTAssertEqual(Format.scientific(1.6e-6), "1.6E-6")
        XCTAssertEqual(Format.scientific(1), "1.0E0")
        XCTAssertEqual(Format.scientific(12_345), "1.2E4")
        XCTAssertEqual(Format.scientific(2.5e-19), "2.5E-19")
        XCTAssertEqual(Format.scientific(.infinity), "0")
    }

    func testScientificMantissaRoundingUpCarriesIntoTheExponent() {
        // 9.96E-7 rounds to one decimal as 1.0E-6; a mantissa of "10.0" is not scientific notation.
        XCTAssertEqual(Format.scientific(9.96e-7), "1.0E-6")
        XCTAssertEqual(Format.scientific(99_999), "1.0E5")
    }

    func testProgressLineIsTLCLike() {
        let report = ProgressReport(depth: 12, distinctStates: 456, generatedStates: 1_234, queuedStates: 78,
                                    elapsedSeconds: 3, statesPerSecond: 411.4)
        XCTAssertEqual(report.line, "Progress(12) at 3.00s: 1,234 states generated (411/s), 456 distinct states found, "
                       + "78 states left on queue.")
    }

    func testCollisionProbabilityIsTLCsEstimate() {
        var result = check(CounterModel(modulus: 10))
        XCTAssertEqual(result.collisionProbability, 10.0 * 1.0 / 18_446_744_073_709_551_616.0)
        result.generatedStates = 5
        XCTAssertEqual(result.collisionProbability, 0, "never negative")
    }
}
