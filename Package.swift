// swift-tools-version:6.1
import PackageDescription

// Every module of our own is built in Swift 6 mode with the same strictness (../STYLE.md).
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .unsafeFlags(["-require-explicit-sendable"]),
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
let openAPIKit: Target.Dependency = .product(name: "OpenAPIKit", package: "OpenAPIKit")

let package = Package(
    name: "Mastery",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mastery", targets: ["mastery"]),
        .library(name: "Platform", targets: ["Platform"]),
        .library(name: "Storage", targets: ["Storage"]),
        .library(name: "Dashboard", targets: ["Dashboard"]),
        .library(name: "Benchmarking", targets: ["Benchmarking"]),
        .library(name: "APIDocumentation", targets: ["APIDocumentation"]),
        .library(name: "MasteryServer", targets: ["MasteryServer"]),
        .library(name: "Redis", targets: ["Redis"]),
        .library(name: "ProgressTracking", targets: ["ProgressTracking"]),
        .library(name: "RateLimiting", targets: ["RateLimiting"]),
        // Each system is a library product too, so another package can `import RateLimiting`.
    ],
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
        // MARK: Foundations
        .target(
            name: "Platform",
            dependencies: [
                "Storage", "Redis", hummingbird, httpTypes, openAPIKit, logging, metrics, lifecycle, configuration, tracing, nioCore, nioPosix,
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Storage",
            dependencies: [
                logging, lifecycle,
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
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
            name: "Dashboard",
            dependencies: ["Platform", hummingbird, logging, .product(name: "Mustache", package: "swift-mustache")],
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Benchmarking",
            dependencies: [
                "Platform", "Redis", "ProgressTracking", "RateLimiting", hummingbird, httpTypes, logging, nioCore, nioPosix, httpClient,
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "Platform", "Storage", hummingbird, logging, metrics, configuration, nioCore, nioPosix, httpClient, openAPIKit,
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),

        // MARK: Systems (one library module each; add the module here and one line in MasteryServer)
        .target(
            name: "Redis",
            dependencies: [
                nioCore, nioPosix, logging, lifecycle,
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOTLS", package: "swift-nio"),
                // The server's certificate is checked against the server name by us (strictly: NIOSSL also accepts
                // any certificate whose IP SAN matches the peer's address): X509 reads its subjectAltName.
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),

        .target(
            name: "ProgressTracking",
            // The core (documents, the file store) uses Foundation only; HTTP/ mounts it in the server.
            dependencies: ["Platform", "Dashboard", "APIDocumentation", hummingbird, logging, nioPosix, openAPIKit],
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),

        .target(
            name: "RateLimiting",
            // The algorithms and the in-memory store need nothing but NIO's lock; Store/ adds Redis and the SQLite
            // policy store (Storage, GRDB), HTTP/ mounts it.
            dependencies: [
                "Platform", "Dashboard", "Redis", "Storage", "APIDocumentation", hummingbird, httpTypes, logging, metrics, lifecycle, nioCore,
                openAPIKit, .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),

        // MARK: Composition root and executable
        .target(
            name: "MasteryServer",
            dependencies: [
                "Platform", "Storage", "Redis", "Dashboard", "ProgressTracking", "RateLimiting", "APIDocumentation", hummingbird, logging, lifecycle, configuration, nioCore, tracing,
                openAPIKit, .product(name: "Mustache", package: "swift-mustache"), .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "mastery",
            dependencies: [
                "MasteryServer", "Platform", "Benchmarking", "ProgressTracking", "RateLimiting", "Redis", logging, metrics, tracing,
                configuration, httpClient, nioCore, .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Tests
        .testTarget(
            name: "PlatformTests",
            dependencies: [
                "Platform", "Redis", "TestSupport", hummingbird, httpTypes, configuration, tracing, metrics, logging,
                .product(name: "HummingbirdTesting", package: "hummingbird"),
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
            dependencies: ["Storage", "TestSupport", .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MasteryServerTests",
            dependencies: [
                "MasteryServer", "Platform", "Dashboard", "Storage", "Redis", "ProgressTracking", "RateLimiting", "APIDocumentation", "TestSupport", hummingbird, httpTypes, httpClient, logging, configuration, openAPIKit,
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
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
                "Redis", "TestSupport", "Platform", logging, lifecycle, nioCore, nioPosix,
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ProgressTrackingTests",
            dependencies: [
                "ProgressTracking", "APIDocumentation", "TestSupport", "Platform", hummingbird, openAPIKit,
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RateLimitingTests",
            dependencies: [
                "RateLimiting", "Redis", "Storage", "APIDocumentation", "TestSupport", "Platform", logging, nioCore, nioPosix, hummingbird, httpTypes, openAPIKit,
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BenchmarkingTests",
            dependencies: ["Benchmarking", "Platform", "TestSupport", logging],
            swiftSettings: strictSettings
        ),
    ]
)
