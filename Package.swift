// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "kvplan",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kvplan", targets: ["kvplan"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // C shim over Debian's libcmark (pkg-config `libcmark`).
        .systemLibrary(
            name: "CCmark",
            pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"])]
        ),
        // Markdown → HTML through libcmark; owns every cmark pointer.
        .target(name: "KVMarkdown", dependencies: ["CCmark"]),
        // The closed-form estimator: pure functions, no I/O.
        .target(name: "KVEstimator"),
        // What a study asks for, resolved: the loader produces it, the report reads it.
        .target(name: "KVStudy", dependencies: ["KVEstimator"]),
        // The only code that reads YAML: study files, inline entries and the built-in catalog.
        .target(
            name: "KVLoader",
            dependencies: ["KVEstimator", "KVStudy", .product(name: "Yams", package: "Yams")],
            resources: [
                .embedInCode("Resources/models.yaml"),
                .embedInCode("Resources/hardware.yaml"),
                .embedInCode("Resources/compression.yaml"),
                .embedInCode("Resources/kv-tiers.yaml"),
            ]
        ),
        // SHA-256's compression function on the CPU's SHA instructions, where it has them.
        .target(name: "CSHA256"),
        // Everything kvplan writes: JSON, CSV, tables, Markdown, HTML and SVG.
        .target(
            name: "KVReport",
            dependencies: [
                "KVEstimator", "KVStudy", "KVMarkdown", "KVTemplates", "CSHA256",
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        // The default Mustache templates and stylesheet (templates/), embedded in the binary.
        .target(
            name: "KVTemplates",
            path: "templates",
            exclude: ["README.md"],
            resources: [
                .embedInCode("report.mustache"),
                .embedInCode("page.mustache"),
                .embedInCode("index.mustache"),
                .embedInCode("methodology.mustache"),
                .embedInCode("style.css"),
            ]
        ),
        // The command line: wires the stages together.
        .executableTarget(
            name: "kvplan",
            dependencies: [
                "KVEstimator", "KVStudy", "KVLoader", "KVReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // Cold start (issue 13): the release binary carries the Swift runtime and Foundation
            // (no shared libraries to map and bind at every start) and is not position-independent
            // (no relocations to apply). What `swift build --static-swift-stdlib` does, for this
            // executable only; debug builds (and so `swift test`) link dynamically as before.
            swiftSettings: [.unsafeFlags(["-static-stdlib"], .when(platforms: [.linux], configuration: .release))],
            linkerSettings: [.unsafeFlags(["-static-stdlib", "-Xclang-linker", "-no-pie"], .when(platforms: [.linux], configuration: .release))]
        ),
        // `make bench`: estimator throughput (figures, not pass/fail).
        .executableTarget(name: "kvplan-bench", dependencies: ["KVEstimator"]),
        // What several test targets share (a seeded generator).
        .target(name: "KVTestSupport", dependencies: ["KVEstimator"], path: "Tests/KVTestSupport"),
        .testTarget(name: "KVMarkdownTests", dependencies: ["KVMarkdown"]),
        .testTarget(name: "KVEstimatorTests", dependencies: ["KVEstimator", "KVTestSupport"]),
        .testTarget(name: "KVLoaderTests", dependencies: ["KVLoader", "KVStudy", "KVEstimator", "KVTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "KVReportTests", dependencies: ["KVReport", "KVStudy", "KVEstimator", "KVLoader", "KVTemplates", "KVTestSupport"], exclude: ["Golden"]),
        .testTarget(name: "KVPlanCLITests", dependencies: ["kvplan"]),
    ]
)
