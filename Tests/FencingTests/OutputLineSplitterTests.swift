import XCTest
@testable import Fencing

/// Output lines as Java's `BufferedReader.readLine` (upstream `StreamPumper`) cuts them.
final class OutputLineSplitterTests: XCTestCase {
    func testLinesEndAtNewlineAndDropCarriageReturn() {
        var splitter = OutputLineSplitter()
        XCTAssertEqual(splitter.append(Array("one\r\ntw".utf8)), ["one"])
        XCTAssertEqual(splitter.append(Array("o\n\nthree".utf8)), ["two", ""])
        XCTAssertEqual(splitter.finish(), "three")
        XCTAssertNil(splitter.finish())
    }

    func testOverlongLineIsCutIntoPieces() {
        var splitter = OutputLineSplitter()
        let lines = splitter.append([UInt8](repeating: UInt8(ascii: "x"), count: OutputLineSplitter.lineBytesMax * 2 + 3))
        XCTAssertEqual(lines.map(\.count), [OutputLineSplitter.lineBytesMax, OutputLineSplitter.lineBytesMax])
        XCTAssertEqual(splitter.finish(), "xxx")
    }
}
