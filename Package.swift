// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "capstan",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "capstan", targets: ["capstan"]),
        // The inference runtime on its own, for apps that embed models.
        .library(name: "CapstanInference", targets: ["CapstanInference"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
    ],
    targets: [
        // The system SQLite library (Debian: libsqlite3-dev), called directly for speed.
        .systemLibrary(
            name: "CSQLite3",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // math: statistical distributions, tests and estimates (pure Swift, no I/O).
        .target(name: "CapstanStats", swiftSettings: swiftSettings),
        // A float matrix kernel for AVX2/FMA CPUs, chosen at run time by CapstanInference.
        .target(name: "CMatrixKernels"),
        // models: the inference runtime (ONNX, XGBoost, LightGBM) and feature frames.
        // Foundation, the kernel above and CapstanStats (pure Swift) only, so an app can embed
        // it without the server.
        .target(
            name: "CapstanInference",
            dependencies: ["CMatrixKernels", "CapstanStats"],
            swiftSettings: swiftSettings
        ),
        // A JSON value, parser and writer with exact integers, shared by the HTTP edge and
        // the domain (deployment specs arrive as JSON).
        .target(name: "CapstanJSON", swiftSettings: swiftSettings),
        // storage: SQL schema, migrations, one store per aggregate, artifact stores.
        .target(
            name: "CapstanStorage",
            dependencies: [
                "CSQLite3",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // domain: tracking rules (MLflow limits, naming, validation).
        .target(
            name: "CapstanTracking",
            dependencies: ["CapstanStorage"],
            swiftSettings: swiftSettings
        ),
        // domain: model registry rules (stages, aliases, sources).
        .target(
            name: "CapstanRegistry",
            dependencies: ["CapstanStorage"],
            swiftSettings: swiftSettings
        ),
        // domain: deployments, revisions, traffic splitting, model loading for serving.
        .target(
            name: "CapstanServing",
            dependencies: [
                "CapstanJSON", "CapstanStorage", "CapstanRegistry", "CapstanInference", "CapstanStats",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // domain: monitoring — drift, data quality and performance over tables and the log.
        .target(
            name: "CapstanMonitoring",
            dependencies: ["CapstanJSON", "CapstanStats", "CapstanInference", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // domain: monitors on deployments and their alerts — scheduled checks over windows of
        // the prediction log, stored as time series, and alert delivery. The analyses and
        // the alert state machines they run are CapstanMonitoring's (pure, no I/O).
        .target(
            name: "CapstanMonitors",
            dependencies: [
                "CapstanJSON", "CapstanStats", "CapstanMonitoring", "CapstanStorage", "CapstanServing",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // edge: the MLflow REST protocol, the inference protocols and operational routes on Hummingbird.
        .target(
            name: "CapstanHTTP",
            dependencies: [
                "CapstanJSON", "CapstanStorage", "CapstanTracking", "CapstanRegistry", "CapstanServing", "CapstanInference",
                "CapstanMonitoring", "CapstanMonitors",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // app: CLI and wiring.
        .executableTarget(
            name: "capstan",
            dependencies: [
                "CapstanJSON", "CapstanStorage", "CapstanTracking", "CapstanRegistry", "CapstanServing", "CapstanHTTP",
                "CapstanInference", "CapstanMonitoring", "CapstanMonitors", "CapstanStats",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CapstanStorageTests",
            dependencies: ["CapstanStorage"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CapstanTrackingTests",
            dependencies: ["CapstanTracking"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CapstanInferenceTests",
            dependencies: ["CapstanInference", "CapstanStats"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CapstanJSONTests",
            dependencies: ["CapstanJSON"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CapstanMonitoringTests",
            dependencies: ["CapstanMonitoring", "CapstanStats"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CapstanMonitorsTests",
            dependencies: ["CapstanMonitors", "CapstanMonitoring", "CapstanServing", "CapstanStorage", "CapstanInference"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CapstanStatsTests",
            dependencies: ["CapstanStats"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CapstanServingTests",
            dependencies: ["CapstanServing", "CapstanStats", "CapstanInference"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CapstanHTTPTests",
            dependencies: [
                "CapstanHTTP", "CapstanServing", "CapstanMonitors",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
