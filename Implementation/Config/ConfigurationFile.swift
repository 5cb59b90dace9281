import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// One Hadoop configuration file (`core-site.xml`, `hdfs-site.xml`) read into its properties.
///
/// Format (Hadoop's): a `<configuration>` root holding `<property>` elements, each with
/// `<name>`, `<value>`, optional `<final>true</final>` and `<description>` (ignored; so are
/// `<source>` and `<tag>`). The `name`, `value` and `final` attributes of `<property>` are read too.
/// A property without `<value>` sets nothing (as upstream). Names and values are trimmed.
/// XInclude is not supported.
struct ConfigurationFile {
    /// One `<property>` as written.
    struct Property: Equatable {
        var name: String
        /// Nil when the property has no `<value>`.
        var value: String?
        var isFinal: Bool
        /// The line of the `<property>` start tag.
        var line: Int
    }

    /// The properties of `bytes`, in document order; `file` names the file in errors.
    /// Empty or whitespace-only content has no properties.
    static func parse(_ bytes: [UInt8], file: String) throws -> [Property] {
        let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]
        if bytes.allSatisfy({ whitespace.contains($0) }) { return [] }
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        let reader = Reader(file: file)
        parser.delegate = reader
        let succeeded = parser.parse()
        if let failure = reader.failure { throw failure }
        if !succeeded || parser.parserError != nil || !reader.sawRoot {
            throw ConfigError.malformedXML(file: file, line: parser.lineNumber,
                                           reason: Reader.describe(parser.parserError))
        }
        return reader.properties
    }

    /// The XMLParser delegate that collects properties; it stops at the first error.
    private final class Reader: NSObject, XMLParserDelegate {
        /// The fields of `<property>` read as child elements.
        private static let fieldElements: Set<String> = ["name", "value", "final"]

        let file: String
        private(set) var properties: [Property] = []
        private(set) var failure: ConfigError?
        private(set) var sawRoot = false
        private var depth = 0
        private var current: Property?
        private var hasName = false
        private var field: String?
        private var text = ""

        init(file: String) { self.file = file }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            guard failure == nil else { return }
            depth += 1
            if depth == 1 {
                sawRoot = true
                if elementName != "configuration" {
                    fail(parser, .notConfiguration(file: file, line: parser.lineNumber, element: elementName))
                }
                return
            }
            if elementName == "property", current == nil {
                let name = attributes["name"]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                hasName = !name.isEmpty
                current = Property(name: name,
                                   value: attributes["value"].map(Reader.trim),
                                   isFinal: attributes["final"].map(Reader.trim) == "true",
                                   line: parser.lineNumber)
            } else if current != nil, field == nil, Reader.fieldElements.contains(elementName) {
                field = elementName
                text = ""
            }
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                    qualifiedName: String?) {
            guard failure == nil else { return }
            depth -= 1
            if let name = field, name == elementName {
                switch name {
                case "name":
                    current?.name = Reader.trim(text)
                    hasName = !(current?.name.isEmpty ?? true)
                case "value": current?.value = Reader.trim(text)
                default: current?.isFinal = Reader.trim(text) == "true"
                }
                field = nil
            } else if elementName == "property", let property = current {
                current = nil
                guard hasName else {
                    fail(parser, .propertyWithoutName(file: file, line: property.line))
                    return
                }
                properties.append(property)
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if field != nil { text += string }
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            if field != nil { text += String(decoding: CDATABlock, as: UTF8.self) }
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
            guard failure == nil else { return }
            failure = .malformedXML(file: file, line: parser.lineNumber, reason: Reader.describe(parseError))
        }

        private func fail(_ parser: XMLParser, _ error: ConfigError) {
            failure = error
            parser.abortParsing()
        }

        private static func trim(_ text: String) -> String {
            text.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// Readable reasons for libxml2's error codes, which XMLParser reports as its error code
        /// (swift-corelibs-foundation's `XMLParser.ErrorCode` cases do not match them).
        private static let reasons: [Int: String] = [
            4: "the document is empty",
            5: "the document ends early, or has content after its root element",
            9: "invalid character",
            23: "an entity reference is missing its ';'",
            26: "undeclared entity", 27: "undeclared entity",
            38: "an attribute is malformed", 39: "an attribute is malformed", 40: "an attribute is malformed",
            41: "an attribute is malformed", 42: "an attribute is defined twice",
            68: "a name is required",
            73: "'>' expected",
            74: "'</' expected",
            76: "an end tag does not match its start tag",
            77: "a tag is not finished",
        ]

        /// A readable reason for an XMLParser error (its NSError text is often "(null)").
        static func describe(_ error: Error?) -> String {
            guard let error else { return "the document has no root element" }
            let code = (error as NSError).code
            return reasons[code] ?? "XML parser error \(code)"
        }
    }
}
