// swift-tools-version:6.1
import PackageDescription

// Every module of our own is built in Swift 6 mode with the same strictness (../STYLE.md).
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let metrics: Target.Dependency = .product(name: "Metrics", package: "swift-metrics")
let lifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let configuration: Target.Dependency = .product(name: "Configuration", package: "swift-configuration")
let tracing: Target.Dependency = .product(name: "Tracing", package: "swift-distributed-tracing")
let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")
let nioPosix: Target.Dependency = .product(name: "NIOPosix", package: "swift-nio")
let httpClient: Target.Dependency = .product(name: "AsyncHTTPClient", package: "async-http-client")
let httpTypes: Target.Dependency = .product(name: "HTTPTypes", package: "swift-http-types")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let hummingbirdTesting: Target.Dependency = .product(name: "HummingbirdTesting", package: "hummingbird")
let grdb: Target.Dependency = .product(name: "GRDB", package: "GRDB.swift")
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let postgresNIO: Target.Dependency = .product(name: "PostgresNIO", package: "postgres-nio")
let openAPIKit: Target.Dependency = .product(name: "OpenAPIKit", package: "OpenAPIKit")

/// A system of the curriculum, as one folder: `Sources/<name>/` is its library (a product, so another package can
/// `import` it without compiling any command-line or benchmark code), `Sources/<name>/CLI` its `mastery <slug>`
/// commands (`<name>CLI`, on CLIKit), `Sources/<name>/Benchmark` its `mastery bench <slug>` (`<name>Benchmark`,
/// on the Benchmarking harness), and `Tests/<name>Tests` every test of it. A system whose lowest layer the kits
/// themselves use (the connection pool under `Storage`) keeps it in `Sources/<name>/Core` (`<name>Core`): it
/// depends on no kit, so a kit may depend on it, and the library re-exports it.
struct System {
    var name: String
    var products: [Product]
    var targets: [Target]
    /// The executable's dependency: the command tree, which names the system and its benchmark.
    var commandLine: Target.Dependency { .target(name: name + "CLI") }
}

func system(
    _ name: String,
    dependencies: [Target.Dependency],
    cli: [Target.Dependency] = [],
    benchmark: [Target.Dependency] = [],
    tests: [Target.Dependency] = [],
    testResources: [Resource]? = nil,
    core: [Target.Dependency]? = nil
) -> System {
    let coreTargets: [Target] =
        core.map { dependencies in
            [
                .target(
                    name: name + "Core",
                    dependencies: dependencies,
                    path: "Sources/\(name)/Core",
                    swiftSettings: strictSettings
                )
            ]
        } ?? []
    return System(
        name: name,
        products: [.library(name: name, targets: [name])],
        targets: coreTargets + [
            .target(
                name: name,
                dependencies: (core == nil ? [] : [.target(name: name + "Core")]) + dependencies,
                path: "Sources/\(name)",
                exclude: (core == nil ? [] : ["Core"]) + ["CLI", "Benchmark", "README.md"],
                swiftSettings: strictSettings
            ),
            .target(
                name: name + "CLI",
                dependencies: [
                    .target(name: name), .target(name: name + "Benchmark"), "CLIKit", "Platform", argumentParser,
                ] + cli,
                path: "Sources/\(name)/CLI",
                swiftSettings: strictSettings
            ),
            .target(
                name: name + "Benchmark",
                dependencies: [.target(name: name), "Benchmarking", "Platform", argumentParser, logging] + benchmark,
                path: "Sources/\(name)/Benchmark",
                swiftSettings: strictSettings
            ),
            .testTarget(
                name: name + "Tests",
                dependencies: [
                    .target(name: name), "TestSupport", "Platform", "MasteryServer", hummingbirdTesting, nioCore,
                ] + tests,
                resources: testResources,
                swiftSettings: strictSettings
            ),
        ]
    )
}

// MARK: The systems list: one line per system.
let systems: [System] = [
    system(
        "ProgressTracking",
        // The core (documents, the file store) uses Foundation only; HTTP/ mounts it in the server.
        dependencies: ["Platform", "Dashboard", "APIDocumentation", hummingbird, logging, nioPosix, openAPIKit],
        benchmark: [.product(name: "Histogram", package: "hdrhistogram-swift")],
        tests: ["ProgressTrackingBenchmark", "Benchmarking", "APIDocumentation", logging, openAPIKit],
        testResources: [.copy("Fixtures")]
    ),
    system(
        "RateLimiting",
        // The algorithms and the in-memory store need nothing but NIO's lock; Store/ adds Redis and the SQLite
        // policy store (Storage, GRDB), HTTP/ mounts it.
        dependencies: [
            "Platform", "Dashboard", "Redis", "Storage", "StorageSchema", "APIDocumentation", hummingbird, httpTypes,
            logging,
            metrics, lifecycle, nioCore, openAPIKit,
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"), grdb, crypto,
        ],
        cli: ["Redis", nioCore, .product(name: "NIOHTTP1", package: "swift-nio")],
        benchmark: [
            "Redis", hummingbird, httpTypes, httpClient, nioCore, nioPosix,
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
        ],
        tests: [
            "RateLimitingBenchmark", "Benchmarking", "Dashboard", "Redis", "Storage", "APIDocumentation", logging,
            nioCore, nioPosix, hummingbird,
            httpTypes, httpClient, grdb, configuration, openAPIKit,
        ]
    ),
    system(
        "Jobs",
        // The model, the worker and the in-memory store need Foundation and NIO's locks; Store/ adds SQLite
        // (Storage, GRDB) and PostgreSQL (PostgresNIO); HTTP/ mounts it.
        dependencies: [
            "Platform", "Dashboard", "APIDocumentation", "Storage", "StorageSchema", hummingbird, httpTypes,
            logging, metrics, lifecycle, configuration, nioCore,
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"), grdb, postgresNIO, openAPIKit,
        ],
        benchmark: ["Storage", postgresNIO, grdb, .product(name: "Histogram", package: "hdrhistogram-swift")],
        tests: [
            "JobsBenchmark", "Benchmarking", "Storage", "APIDocumentation", logging, metrics, lifecycle, grdb,
            postgresNIO, httpTypes, openAPIKit, .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]
    ),
    system(
        "PoolMonitoring",
        // Core/ (the pool, under Storage) needs ServiceLifecycle and PostgresNIO only; HTTP/ mounts Storage's pool
        // (the API, its document, the page on the Dashboard kit, the `pool.` keys); Metrics/ writes to Prometheus.
        dependencies: [
            "Platform", "Storage", "Dashboard", "APIDocumentation", hummingbird, logging, lifecycle, postgresNIO,
            configuration, openAPIKit, .product(name: "Prometheus", package: "swift-prometheus"),
        ],
        benchmark: ["Storage", postgresNIO, .product(name: "Histogram", package: "hdrhistogram-swift")],
        tests: [
            "PoolMonitoringBenchmark", "Benchmarking", "Storage", "APIDocumentation", "Dashboard", argumentParser,
            logging, lifecycle, postgresNIO, hummingbird, httpTypes, openAPIKit,
        ],
        core: [logging, lifecycle, postgresNIO, nioCore, nioPosix]
    ),
    system(
        "ResponseCaching",
        // The tiers, the backplane and single-flight need Redis and NIO's ByteBuffer; HTTP/ is the Hummingbird
        // middleware (RFC 9111) and the mounted system.
        dependencies: [
            "Platform", "Dashboard", "APIDocumentation", "Redis", "Storage", "StorageSchema", hummingbird, httpTypes,
            logging, metrics, lifecycle, configuration, nioCore, openAPIKit, crypto, grdb, postgresNIO,
        ],
        benchmark: [
            "Redis", hummingbird, httpTypes, httpClient, nioCore, nioPosix,
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ],
        tests: [
            "ResponseCachingBenchmark", "Benchmarking", "Redis", "APIDocumentation", logging, lifecycle, hummingbird,
            httpTypes, openAPIKit, httpClient, .product(name: "NIOHTTP1", package: "swift-nio"),
        ]
    ),
    system(
        "Tally",
        dependencies: [
            "Platform", "Dashboard", "APIDocumentation", "Storage", "StorageSchema", hummingbird, grdb, openAPIKit,
        ],
        tests: ["Storage", "APIDocumentation", logging, httpTypes, openAPIKit]
    ),
]

let package = Package(
    name: "Mastery",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mastery", targets: ["mastery"]),
        .library(name: "Platform", targets: ["Platform"]),
        .library(name: "Storage", targets: ["Storage"]),
        .library(name: "StorageSchema", targets: ["StorageSchema"]),
        .library(name: "Dashboard", targets: ["Dashboard"]),
        .library(name: "APIDocumentation", targets: ["APIDocumentation"]),
        .library(name: "Redis", targets: ["Redis"]),
        .library(name: "MasteryServer", targets: ["MasteryServer"]),
    ] + systems.flatMap(\.products),
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.20.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        // Without the default ExternalLoading trait (loading referenced files), which we never use and which slows its build.
        .package(url: "https://github.com/mattpolzin/OpenAPIKit.git", from: "6.4.0", traits: []),
    ],
    targets: [
        // MARK: Foundations and kits
        .target(
            name: "Platform",
            dependencies: [
                "StorageSchema", hummingbird, httpTypes, openAPIKit, logging, metrics, lifecycle, configuration,
                tracing, nioCore,
                nioPosix,
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "SystemPackage", package: "swift-system"),
                crypto,
            ],
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "StorageSchema",
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Storage",
            dependencies: [
                "StorageSchema", "PoolMonitoringCore", logging, lifecycle, postgresNIO, grdb, crypto,
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Redis",
            dependencies: [
                nioCore, nioPosix, logging, lifecycle, crypto,
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                // The server's certificate is checked against the server name by us (strictly: NIOSSL also accepts
                // any certificate whose IP SAN matches the peer's address): X509 reads its subjectAltName.
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            exclude: ["README.md", "Benchmark"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "RedisBenchmark",
            dependencies: ["Redis", "Benchmarking", "Platform", argumentParser, logging, nioCore, nioPosix],
            path: "Sources/Redis/Benchmark",
            swiftSettings: strictSettings
        ),
        .target(
            name: "Dashboard",
            dependencies: ["Platform", hummingbird, logging, .product(name: "Mustache", package: "swift-mustache")],
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "APIDocumentation",
            // The OpenAPI kit: the shared components and the helpers every system's document is written with.
            dependencies: [openAPIKit],
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "CLIKit",
            dependencies: [
                "Platform", argumentParser, httpClient, nioCore, .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Benchmarking",
            // The shared harness only: reports, peer comparison, wrk, latency probes, peer processes. It imports no
            // system; each system's Benchmark/ target builds on it.
            dependencies: [
                "Platform", "Redis", argumentParser, hummingbird, httpTypes, logging, nioCore, nioPosix, httpClient,
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "Platform", "Storage", "MasteryServer", hummingbird, logging, metrics, configuration, nioCore, nioPosix,
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"), httpClient,
                httpTypes, postgresNIO, hummingbirdTesting, "APIDocumentation", openAPIKit,
            ],
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),

        // MARK: Composition root and executable
        .target(
            name: "MasteryServer",
            // Knows no system: the executable passes the systems list.
            dependencies: [
                "Platform", "Storage", "Redis", "Dashboard", "APIDocumentation", hummingbird, logging, lifecycle,
                configuration,
                nioCore, tracing, openAPIKit, .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "mastery",
            dependencies: [
                "MasteryServer", "Platform", "CLIKit", "Benchmarking", "RedisBenchmark", logging, metrics, tracing,
                configuration, argumentParser,
            ] + systems.map(\.commandLine),
            swiftSettings: strictSettings
        ),

        // MARK: Tests of the foundations (each system's tests come with it, above)
        .testTarget(
            name: "PlatformTests",
            dependencies: [
                "Platform", "Redis", "TestSupport", hummingbird, httpTypes, configuration, tracing, metrics, logging,
                hummingbirdTesting, nioCore, .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "APIDocumentationTests",
            dependencies: ["APIDocumentation", openAPIKit],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: ["Storage", "TestSupport", postgresNIO],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MasteryServerTests",
            dependencies: [
                "MasteryServer", "Platform", "Dashboard", "Storage", "Redis", "APIDocumentation", "TestSupport",
                hummingbird,
                httpTypes, httpClient, logging, configuration, postgresNIO, hummingbirdTesting, openAPIKit,
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DashboardTests",
            dependencies: ["Dashboard", "Platform", hummingbird, httpTypes, nioCore],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "TestSupportTests",
            dependencies: ["TestSupport", "Platform"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RedisTests",
            dependencies: [
                "Redis", "RedisBenchmark", "Benchmarking", "TestSupport", "Platform", logging, lifecycle, nioCore,
                nioPosix,
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BenchmarkingTests",
            dependencies: ["Benchmarking", "Platform", "TestSupport", logging],
            swiftSettings: strictSettings
        ),
    ] + systems.flatMap(\.targets)
)
