public import Foundation
import Platform

/// The servers and tools that the test script (`scripts/test`) started or found for this test run.
///
/// Suites that need a server gate themselves on it:
///
/// ```swift
/// @Suite(.enabled(if: TestServers.postgresURL != nil || TestServers.required, "needs PostgreSQL: run scripts/test"))
/// ```
///
/// When `MASTERY_TEST_REQUIRE_SERVERS=1` (set by `scripts/test`, and so by CI), ``required`` is true: a gated suite
/// then runs even if its server is missing, and fails loudly instead of being skipped.
public enum TestServers {
    /// The environment the tests run in.
    static let environment = ProcessInfo.processInfo.environment

    /// `MASTERY_TEST_POSTGRES_URL`: a superuser URL of a throwaway PostgreSQL server (`postgres://user@127.0.0.1:port/db`).
    public static var postgresURL: String? { value("MASTERY_TEST_POSTGRES_URL") }

    /// `MASTERY_TEST_REDIS_URL`: a throwaway Redis server (`redis://127.0.0.1:port`).
    public static var redisURL: String? { value("MASTERY_TEST_REDIS_URL") }

    /// True when every server-gated test is mandatory (`MASTERY_TEST_REQUIRE_SERVERS=1`).
    public static var required: Bool { value("MASTERY_TEST_REQUIRE_SERVERS") == "1" }

    /// Whether a suite that needs `url` should run: the server is there, or the run demands it.
    public static func shouldRun(_ url: String?) -> Bool { url != nil || required }

    /// Whether a suite that needs the named executables (looked up in `PATH`) should run.
    public static func shouldRun(tools: String...) -> Bool {
        required || tools.allSatisfy { executable(named: $0) != nil }
    }

    /// The full path of an executable found in `PATH` (or `/usr/sbin`, `/usr/bin`, `/usr/local/bin`), or `nil`.
    public static func executable(named name: String) -> String? {
        ChildProcess.find(name)
    }

    /// The path of an executable, or an error naming the package that provides it.
    public static func requireExecutable(named name: String, package: String) throws -> String {
        guard let path = executable(named: name) else {
            throw MissingTestServer(what: "\(name) (apt-get install \(package), or run scripts/test)")
        }
        return path
    }

    /// The PostgreSQL URL, or an error saying how to get one.
    public static func requirePostgresURL() throws -> String {
        guard let url = postgresURL else { throw MissingTestServer(what: "PostgreSQL (MASTERY_TEST_POSTGRES_URL)") }
        return url
    }

    /// The Redis URL, or an error saying how to get one.
    public static func requireRedisURL() throws -> String {
        guard let url = redisURL else { throw MissingTestServer(what: "Redis (MASTERY_TEST_REDIS_URL)") }
        return url
    }

    /// The directory SwiftPM built the products into (where `mastery` and the test bundle live).
    public static var productsDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    /// The `mastery` executable built beside the tests (`swift build --build-tests` builds it).
    public static func masteryExecutable() throws -> String {
        var directory = productsDirectory
        // The test runner may live inside `Mastery.xctest/Contents/MacOS` on some platforms: walk up a little.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("mastery").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw MissingTestServer(what: "the mastery executable beside the tests (run `swift build --build-tests` first)")
    }

    /// A Redis key prefix of its own for a suite (`t:<random>:`), so suites sharing the test Redis never touch
    /// each other's keys.
    public static func uniqueKeyPrefix() -> String {
        "t:" + UUID().uuidString.lowercased().prefix(13) + ":"
    }

    /// A folder for test artefacts (screenshots, logs) under `.build/test-artifacts`.
    public static var artifactsDirectory: URL {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/test-artifacts")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func value(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }
}

/// A server or tool the test needs is missing; thrown only when the run made it mandatory.
public struct MissingTestServer: Error, CustomStringConvertible {
    /// What is missing and how to get it.
    public var what: String
    /// Creates the error.
    public init(what: String) { self.what = what }
    public var description: String { "missing for this test: \(what)" }
}
