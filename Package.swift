// swift-tools-version:6.2
import PackageDescription

// Every target of ours builds with the same settings (STYLE.md §9).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
]

let package = Package(
    name: "wainsight",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "wainsight", targets: ["wainsight"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        // Pure domain types and protocols: Foundation only.
        .target(name: "Core", swiftSettings: swiftSettings),
        // Debian's OpenBLAS through its CBLAS header.
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(name: "LinearAlgebra", dependencies: ["CBLAS"], swiftSettings: swiftSettings),

        // Stage modules: pure compute, no I/O.
        .target(name: "Normalize", swiftSettings: swiftSettings),
        .target(
            name: "Detect",
            dependencies: ["Core", "Normalize", "CBLAS", "Embed", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // Training and evaluation of the Detect models from the committed data (wainsight train/eval).
        .target(
            name: "ModelTraining",
            dependencies: [
                "Core", "Detect", "Embed", "Extract", "Normalize", "Assist",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "Extract", dependencies: ["Core"], swiftSettings: swiftSettings),
        // Summaries, next best action, reply drafts and guardrails, over any chat model (no store, no HTTP).
        .target(name: "Assist", dependencies: ["Core", "Normalize", "Extract"], swiftSettings: swiftSettings),
        // The text inside inbound images and PDFs (poppler and Tesseract as child processes).
        .target(name: "MediaText", swiftSettings: swiftSettings),
        .target(
            name: "Embed",
            dependencies: [
                "Core", "Normalize", "CBLAS",
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "VectorIndex", dependencies: ["Core", "CBLAS"], swiftSettings: swiftSettings),
        // The Metrics folder, named KPIMetrics: swift-metrics already owns the module name Metrics.
        .target(name: "KPIMetrics", path: "Sources/Metrics", swiftSettings: swiftSettings),

        // WhatsApp Cloud API wire types, webhook signatures and handshakes.
        .target(
            name: "WhatsAppCloud",
            dependencies: [
                "Core",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Postgres: schema, migrations, repositories, job queue.
        .target(
            name: "Store",
            dependencies: [
                "Core", "VectorIndex", "WhatsAppCloud",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // From a stored raw webhook to contacts, threads, messages and statuses; the stage runner.
        .target(
            name: "Ingest",
            dependencies: [
                "Core", "WhatsAppCloud", "Store", "Normalize", "Assist",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Sending: provider adapters (Meta, 360dialog), compliance guard, outbox and its senders,
        // templates and media.
        .target(
            name: "Outbound",
            dependencies: [
                "Core", "WhatsAppCloud", "Store", "MediaText",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Models behind HTTP endpoints: OpenAI-compatible embeddings and chat completions.
        .target(
            name: "RemoteModels",
            dependencies: [
                "Core", "Embed", "Assist",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The one list of pipeline stages and their models, shared by the server and every command.
        .target(
            name: "Pipeline",
            dependencies: [
                "Core", "Detect", "Embed", "Extract", "Normalize", "RemoteModels", "Store", "CBLAS", "Assist",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // HTTP routes, auth and the application builder.
        .target(
            name: "Server",
            dependencies: [
                "Core", "WhatsAppCloud", "Store", "Ingest", "Outbound", "Embed", "Normalize", "Detect", "Extract",
                "Pipeline", "Assist",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "wainsight",
            dependencies: [
                "Core", "Server", "Store", "Ingest", "Outbound", "Embed", "Normalize", "Detect", "Extract",
                "ModelTraining", "Pipeline", "MediaText", "Assist",
                "CBLAS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Load generator for scripts/bench-ingest and scripts/crash-ingest (a second process).
        .executableTarget(
            name: "wainsight-bench",
            dependencies: [
                "Core", "Store", "WhatsAppCloud", "Outbound", "Embed", "CBLAS", "VectorIndex", "WainsightTesting",
                "Detect", "Extract", "ModelTraining", "Normalize",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Test support shared by the tests and the benchmarks: database set-up, corpus, signing.
        .target(
            name: "WainsightTesting",
            dependencies: [
                "Core", "Store", "WhatsAppCloud", "Ingest", "Assist",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Pure tests: no database, loopback fakes at most; `swift test --filter WainsightUnitTests` runs in seconds.
        .testTarget(
            name: "WainsightUnitTests",
            dependencies: [
                "Core", "LinearAlgebra", "Normalize", "Extract", "Embed", "RemoteModels", "WhatsAppCloud", "Store",
                "Outbound", "MediaText", "Assist",
                "Server", "WainsightTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Pure but CPU-heavy: the committed models, MiniLM, training and backpropagation.
        .testTarget(
            name: "WainsightModelTests",
            dependencies: ["Core", "Normalize", "Embed", "Detect", "ModelTraining", "WainsightTesting"],
            swiftSettings: swiftSettings
        ),
        // Against the real Postgres (scripts/test starts it) and over HTTP on loopback.
        .testTarget(
            name: "WainsightTests",
            dependencies: [
                "Core", "Normalize", "Embed", "VectorIndex", "WhatsAppCloud", "Store", "Ingest", "Outbound", "Server",
                "Detect", "ModelTraining", "Pipeline", "WainsightTesting", "MediaText",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
