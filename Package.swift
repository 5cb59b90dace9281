// swift-tools-version:6.0
// QJM: a formal-model-first HDFS NameNode HA with the Quorum Journal Manager.
// Layout (see ../shared/DESIGN.md): Model → Specs → Checker → Implementation, one leaf folder per target.
import PackageDescription

/// The checker's hot loops are generic over a model declared in another module; whole-module
/// and cross-module optimisation let the compiler specialise them for each concrete model.
let optimised: [SwiftSetting] = [
    .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
]

/// The model, its properties and the checker are optimised in debug builds too: the tests
/// explore millions of states (the shipped `small` configuration is pinned there), which the
/// unoptimised build runs about 5× slower.
let optimisedAlways: [SwiftSetting] = [
    .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
    .unsafeFlags(["-O"], .when(configuration: .debug)),
]

/// The checker's search also drops the run-time exclusivity checks of its class properties in
/// release builds (about 2 % of its instructions); debug builds, which the tests run, keep them.
let checkerSettings: [SwiftSetting] = optimisedAlways + [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "QJM",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "qjm", targets: ["qjm"]),
        .library(name: "Model", targets: ["Model"]),
        .library(name: "Checker", targets: ["Checker"]),
        .library(name: "Specs", targets: ["Specs"]),
    ],
    targets: [
        .target(name: "Model", path: "Model", exclude: ["README.md", "Coordination/README.md", "FailoverController/README.md"], swiftSettings: optimisedAlways),
        .target(name: "Specs", dependencies: ["Model"], path: "Specs", exclude: ["README.md"],
                swiftSettings: optimisedAlways),
        .target(name: "Checker", dependencies: ["Model", "Specs"], path: "Checker/Engine",
                exclude: ["README.md"], swiftSettings: checkerSettings),
        .target(name: "CheckerExamples", dependencies: ["Model"], path: "Checker/Examples",
                exclude: ["README.md"], swiftSettings: optimised),
        .target(name: "Support", path: "Implementation/Support", exclude: ["README.md"], swiftSettings: optimised),
        .target(name: "Wire", dependencies: ["Model", "Support"], path: "Implementation/Wire",
                exclude: ["README.md"], swiftSettings: optimised),
        .target(name: "Storage", dependencies: ["Model", "Support"], path: "Implementation/Storage",
                exclude: ["README.md"], swiftSettings: optimised),
        .target(name: "HadoopConfig", dependencies: ["Support"], path: "Implementation/Config",
                exclude: ["README.md"], swiftSettings: optimised),
        .target(name: "Namespace", dependencies: ["Support"], path: "Implementation/Namespace",
                exclude: ["README.md"], swiftSettings: optimised),
        .target(name: "Fencing", dependencies: ["HadoopConfig", "Support"], path: "Implementation/Fencing",
                exclude: ["README.md"], swiftSettings: optimised),
        .target(name: "Hosts", dependencies: ["Model", "Support", "Wire", "Storage", "HadoopConfig", "Namespace"],
                path: "Implementation/Hosts", exclude: ["README.md"], swiftSettings: optimised),
        .executableTarget(name: "qjm", dependencies: ["Model", "Specs", "Checker", "CheckerExamples", "Hosts", "HadoopConfig",
                                                      "Namespace", "Wire", "Support", "Fencing"],
                          path: "Implementation/CLI", swiftSettings: optimised),
        .testTarget(name: "ModelTests", dependencies: ["Model"], path: "Tests/ModelTests"),
        .testTarget(name: "SpecsTests", dependencies: ["Specs", "Model", "Checker"], path: "Tests/SpecsTests"),
        .testTarget(name: "CheckerTests", dependencies: ["Checker", "Model", "Specs"],
                    path: "Tests/CheckerTests"),
        .testTarget(name: "QJMCommandTests", dependencies: ["qjm", "Checker"], path: "Tests/QJMCommandTests"),
        .testTarget(name: "SupportTests", dependencies: ["Support"], path: "Tests/SupportTests"),
        .testTarget(name: "WireTests", dependencies: ["Wire", "Model", "Support"], path: "Tests/WireTests"),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "Model", "Support"], path: "Tests/StorageTests"),
        .testTarget(name: "HadoopConfigTests", dependencies: ["HadoopConfig"], path: "Tests/HadoopConfigTests"),
        .testTarget(name: "NamespaceTests", dependencies: ["Namespace", "Support"], path: "Tests/NamespaceTests"),
        .testTarget(name: "FencingTests", dependencies: ["Fencing", "HadoopConfig"], path: "Tests/FencingTests"),
        .testTarget(name: "ClusterTests", dependencies: ["qjm", "Hosts", "Wire", "Model", "Support", "Namespace"],
                    path: "Tests/ClusterTests"),
        .testTarget(name: "CheckerExamplesTests", dependencies: ["Checker", "CheckerExamples", "Model"],
                    path: "Tests/CheckerExamplesTests"),
    ],
    swiftLanguageModes: [.v6]
)
