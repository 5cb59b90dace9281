import HadoopConfig
import XCTest

/// Loading a configuration directory: Hadoop's layering of core-site.xml, hdfs-site.xml and
/// -D overrides, `<final>`, and errors that name the file and line.
final class ConfigurationFileTests: XCTestCase {
    private var directory: TemporaryDirectory!

    override func setUpWithError() throws { directory = try TemporaryDirectory() }
    override func tearDown() { directory.remove() }

    /// Upstream: resources load in order, so hdfs-site.xml overrides core-site.xml.
    func testLaterFileOverridesEarlier() throws {
        try directory.write("core-site.xml", siteXML([("a", "core"), ("b", "core only")]))
        try directory.write("hdfs-site.xml", siteXML([("a", "hdfs")]))
        let configuration = try Configuration.load(directory: directory.path, environment: [:])
        XCTAssertEqual(configuration.string("a"), "hdfs")
        XCTAssertEqual(configuration.string("b"), "core only")
        XCTAssertEqual(configuration.source(of: "a"), directory.path + "/hdfs-site.xml")
        XCTAssertEqual(configuration.keys, ["a", "b"])
    }

    /// Upstream `loadProperty`: a key marked final in an earlier file is not overridden, and the
    /// attempt is logged ("a attempt to override final parameter").
    func testFinalKeyIsNotOverriddenByLaterFile() throws {
        try directory.write("core-site.xml", siteXML([("a", "core")], final: ["a"]))
        try directory.write("hdfs-site.xml", siteXML([("a", "hdfs")]))
        let configuration = try Configuration.load(directory: directory.path, environment: [:])
        XCTAssertEqual(configuration.string("a"), "core")
        XCTAssertTrue(configuration.isFinal("a"))
        XCTAssertEqual(configuration.warnings,
                       ["\(directory.path)/hdfs-site.xml:an attempt to override final parameter: a;  Ignoring."])
    }

    /// A final key also holds against a later definition in the same file.
    func testFinalKeyHoldsWithinOneFile() throws {
        try directory.write("hdfs-site.xml", """
            <configuration>
              <property><name>a</name><value>first</value><final>true</final></property>
              <property><name>a</name><value>second</value></property>
            </configuration>
            """)
        let configuration = try Configuration.load(directory: directory.path, environment: [:])
        XCTAssertEqual(configuration.string("a"), "first")
    }

    /// Upstream `GenericOptionsParser`: -D is `conf.set`, applied last, so it wins over both
    /// files, even over final keys; later -D arguments win over earlier ones.
    func testCommandLineOverridesWinOverFilesAndFinal() throws {
        try directory.write("core-site.xml", siteXML([("a", "core"), ("f", "locked")], final: ["f"]))
        try directory.write("hdfs-site.xml", siteXML([("a", "hdfs")]))
        let configuration = try Configuration.load(
            directory: directory.path, overrides: ["a=one", "f=cli", "a = two ", "new=x=y", "empty="],
            environment: [:])
        XCTAssertEqual(configuration.string("a"), "two")
        XCTAssertEqual(configuration.string("f"), "cli")
        XCTAssertEqual(configuration.string("new"), "x=y")
        XCTAssertEqual(configuration.string("empty"), "")
        XCTAssertEqual(configuration.source(of: "a"), "from command line")
    }

    /// -D arguments must be key=value with a non-empty key.
    func testBadOverrideSyntax() throws {
        for argument in ["novalue", "=value", "  =x", "two words=x"] {
            XCTAssertConfigError(try Configuration.load(directory: directory.path, overrides: [argument], environment: [:]),
                                 .error(.badOverride(argument: argument)))
        }
        XCTAssertConfigError(try Configuration.parseOverride("novalue"),
                             .text("Bad -D argument 'novalue': expected key=value"))
    }

    /// Missing files count as empty; a missing directory is an error.
    func testMissingFilesAreEmptyAndMissingDirectoryIsAnError() throws {
        let empty = try Configuration.load(directory: directory.path, environment: [:])
        XCTAssertEqual(empty.keys, [])
        let missing = directory.path + "/nope"
        XCTAssertConfigError(try Configuration.load(directory: missing, environment: [:]),
                             .text("Configuration directory \(missing) does not exist or is not a directory"))
        try directory.write("plain-file", "x")
        XCTAssertConfigError(try Configuration.load(directory: directory.path + "/plain-file", environment: [:]),
                             .error(.missingDirectory(path: directory.path + "/plain-file")))
    }

    /// Names and values are trimmed; <description>, attributes and CDATA are handled as upstream.
    func testTrimmingAttributesCDATAAndDescriptions() throws {
        try directory.write("hdfs-site.xml", """
            <?xml version="1.0"?>
            <configuration>
              <property>
                <name>  spaced.key  </name>
                <value>
                   spaced value
                </value>
                <description>ignored &amp; not a value</description>
              </property>
              <property name="attribute.key" value=" from attribute "/>
              <property><name>cdata.key</name><value><![CDATA[a<b & c]]></value></property>
              <property><name>entity.key</name><value>x &lt; y</value></property>
              <property><name>no.value</name></property>
            </configuration>
            """)
        let configuration = try Configuration.load(directory: directory.path, environment: [:])
        XCTAssertEqual(configuration.string("spaced.key"), "spaced value")
        XCTAssertEqual(configuration.string("attribute.key"), "from attribute")
        XCTAssertEqual(configuration.string("cdata.key"), "a<b & c")
        XCTAssertEqual(configuration.string("entity.key"), "x < y")
        XCTAssertNil(configuration.string("no.value"), "upstream sets nothing for a property without <value>")
        XCTAssertEqual(configuration.allProperties.map(\.key), ["attribute.key", "cdata.key", "entity.key", "spaced.key"])
    }

    /// Malformed XML names the file and the line the parser stopped at.
    func testMalformedXMLNamesFileAndLine() throws {
        try directory.write("core-site.xml", """
            <?xml version="1.0"?>
            <configuration>
              <property>
                <name>a</name>
                <value>b</valu>
              </property>
            </configuration>
            """)
        let file = directory.path + "/core-site.xml"
        XCTAssertConfigError(try Configuration.load(directory: directory.path, environment: [:]),
                             .error(.malformedXML(file: file, line: 5, reason: "an end tag does not match its start tag")))
        XCTAssertConfigError(try Configuration.load(directory: directory.path, environment: [:]),
                             .text("\(file):5: malformed XML: an end tag does not match its start tag"))
    }

    /// A document cut short is malformed too (XMLParser reports it without failing `parse()`).
    func testTruncatedDocumentIsMalformed() throws {
        try directory.write("hdfs-site.xml", "<configuration>\n<property>\n<name>a</name>\n")
        XCTAssertThrowsError(try Configuration.load(directory: directory.path, environment: [:])) { error in
            guard case .malformedXML(let file, let line, _)? = error as? ConfigError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(file, self.directory.path + "/hdfs-site.xml")
            XCTAssertEqual(line, 3, "the last line with content")
        }
    }

    /// A property without a name is an error naming the line of its <property> tag
    /// (upstream silently skips it).
    func testPropertyWithoutNameNamesItsLine() throws {
        try directory.write("hdfs-site.xml", """
            <configuration>
              <property><name>fine</name><value>1</value></property>
              <property>
                <value>orphan</value>
              </property>
            </configuration>
            """)
        let file = directory.path + "/hdfs-site.xml"
        XCTAssertConfigError(try Configuration.load(directory: directory.path, environment: [:]),
                             .text("\(file):3: <property> without a <name>"))
        try directory.write("hdfs-site.xml", "<configuration>\n<property><name>  </name><value>x</value></property>\n</configuration>")
        XCTAssertConfigError(try Configuration.load(directory: directory.path, environment: [:]),
                             .error(.propertyWithoutName(file: file, line: 2)))
    }

    /// The root element must be <configuration> (upstream's "bad conf file" text).
    func testRootMustBeConfiguration() throws {
        try directory.write("core-site.xml", "<?xml version=\"1.0\"?>\n<properties>\n</properties>\n")
        let file = directory.path + "/core-site.xml"
        XCTAssertConfigError(try Configuration.load(directory: directory.path, environment: [:]),
                             .text("\(file):2: bad conf file: top-level element not <configuration> (found <properties>)"))
    }

    /// A file that exists but cannot be read is an error naming it.
    func testUnreadableFileIsAnError() throws {
        try FileManager.default.createDirectory(atPath: directory.path + "/hdfs-site.xml", withIntermediateDirectories: false)
        XCTAssertThrowsError(try Configuration.load(directory: directory.path, environment: [:])) { error in
            guard case .unreadableFile(let file, _)? = error as? ConfigError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, self.directory.path + "/hdfs-site.xml")
        }
    }

    /// An empty or whitespace-only file counts as empty, like a missing one.
    func testEmptyFileIsEmpty() throws {
        try directory.write("core-site.xml", "")
        try directory.write("hdfs-site.xml", "  \n\n")
        XCTAssertEqual(try Configuration.load(directory: directory.path, environment: [:]).keys, [])
    }

    /// --conf wins over QJM_CONF_DIR; neither gives nil.
    func testDirectoryResolution() {
        XCTAssertEqual(Configuration.directory(explicit: "/a", environment: ["QJM_CONF_DIR": "/b"]), "/a")
        XCTAssertEqual(Configuration.directory(explicit: nil, environment: ["QJM_CONF_DIR": "/b"]), "/b")
        XCTAssertNil(Configuration.directory(explicit: nil, environment: [:]))
    }
}
