import Configuration
import Foundation
import Platform
import Redis
import Testing

@Suite("Configuration: precedence, validation and secrets")
struct ConfigurationTests {
    func configuration(
        flags: [String: String] = [:],
        environment: [String: String] = [:],
        file: String? = nil
    ) async throws -> MasteryConfiguration {
        var path: String? = nil
        if let file {
            path =
                FileManager.default.temporaryDirectory.appendingPathComponent(
                    "mastery-config-\(UUID().uuidString).json"
                ).path
            try file.write(toFile: path!, atomically: true, encoding: .utf8)
        }
        defer { if let path { try? FileManager.default.removeItem(atPath: path) } }
        let reader = try await ConfigurationSources.makeReader(
            commandLine: flags,
            environment: environment,
            configFile: path
        )
        return try MasteryConfiguration(reader: reader)
    }

    @Test("absent keys take their defaults")
    func defaults() async throws {
        let configuration = try await configuration()
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.dataDirectory == ".mastery")
        #expect(configuration.maxBodySize == 1 << 20)
        #expect(configuration.postgresURL == nil)
        #expect(configuration.redisURL == nil)
    }

    @Test("command line wins over environment, which wins over the file")
    func precedence() async throws {
        let file = #"{"port": 7001, "maxBodySize": 4096, "logLevel": "debug", "dataDir": "/tmp/from-file"}"#
        let environment = ["MASTERY_PORT": "7002", "MASTERY_MAX_BODY_SIZE": "8192", "UNRELATED_PORT": "1"]
        let configuration = try await configuration(flags: ["port": "7003"], environment: environment, file: file)
        #expect(configuration.port == 7003)
        #expect(configuration.maxBodySize == 8192)
        #expect(configuration.logLevel == "debug")
        #expect(configuration.dataDirectory == "/tmp/from-file")
    }

    @Test("durations accept seconds, fractions and units")
    func durations() async throws {
        let configuration = try await configuration(
            flags: ["idleTimeout": "2.5", "requestHeadTimeout": "500ms", "shutdownGracePeriod": "3s"],
            file: #"{"drainDelay": 1}"#
        )
        #expect(configuration.idleTimeout == .milliseconds(2500))
        #expect(configuration.requestHeadTimeout == .milliseconds(500))
        #expect(configuration.shutdownGracePeriod == .seconds(3))
        #expect(configuration.drainDelay == .seconds(1))
    }

    @Test(
        "a present but invalid value is an error naming the key and what it accepts",
        arguments: [
            (["port": "99999"], [String: String](), nil as String?, "--port"),
            (["port": "eighty"], [:], nil, "--port"),
            ([:], ["MASTERY_MAX_BODY_SIZE": "0"], nil, "MASTERY_MAX_BODY_SIZE"),
            ([:], ["MASTERY_LOG_LEVEL": "loud"], nil, "MASTERY_LOG_LEVEL"),
            ([:], [:], #"{"idleTimeout": "forever"}"#, "idleTimeout"),
            ([:], [:], #"{"port": "http"}"#, "--port"),
            ([:], [:], #"{"port": 8080.5}"#, "--port"),
            ([:], [:], #"{"maxConnections": -1}"#, "maxConnections"),
            (["logFormat": "xml"], [:], nil, "--log-format"),
            (["postgresURL": "mysql://x"], [:], nil, "--postgres-url"),
            (["host": "0.0.0.0"], [:], nil, "admin token"),
            (["redisSentinels": "10.0.0.1"], [:], nil, "--redis-sentinels"),
            (["redisSentinels": "10.0.0.1:0"], [:], nil, "--redis-sentinels"),
            (["redisSentinels": "a b:26379"], [:], nil, "--redis-sentinels"),
            ([:], ["MASTERY_REDIS_SENTINEL_PRIMARY": "my master"], nil, "MASTERY_REDIS_SENTINEL_PRIMARY"),
            (["redisMaxConnections": "0"], [:], nil, "--redis-max-connections"),
            (["redisCommandTimeout": "0"], [:], nil, "--redis-command-timeout"),
        ]
    )
    func invalid(flags: [String: String], environment: [String: String], file: String?, mention: String) async throws {
        let error = await #expect(throws: ConfigurationError.self) {
            _ = try await configuration(flags: flags, environment: environment, file: file)
        }
        let description = try #require(error).description
        #expect(description.contains(mention), "\(description)")
        #expect(description.contains("expected"))
    }

    @Test("Redis pool and Sentinel keys: defaults, lists of host:port, the sentinels' password kept secret")
    func redisKeys() async throws {
        let defaults = try await configuration()
        #expect(defaults.redisSentinels.isEmpty && defaults.redisSentinelPrimary == "mymaster")
        #expect(defaults.redisMaxConnections == 16 && defaults.redisCommandTimeout == .seconds(5))
        let configured = try await configuration(
            flags: ["redisSentinels": "10.0.0.1:26379, [::1]:26380,sentinel.internal:5000"],
            environment: ["MASTERY_REDIS_SENTINEL_PRIMARY": "cache", "MASTERY_REDIS_MAX_CONNECTIONS": "64"],
            file: #"{"redisCommandTimeout": "250ms", "redisSentinelPassword": "sentinel-secret-1"}"#
        )
        #expect(
            configured.redisSentinels.map(\.description) == ["10.0.0.1:26379", "[::1]:26380", "sentinel.internal:5000"]
        )
        #expect(configured.redisSentinelPrimary == "cache")
        #expect(configured.redisMaxConnections == 64)
        #expect(configured.redisCommandTimeout == .milliseconds(250))
        #expect(configured.redisSentinelPassword == "sentinel-secret-1")
        #expect(MasteryConfiguration.keys.first { $0.name == "redisSentinelPassword" }?.isSecret == true)
    }

    @Test("a non-loopback host is allowed with an admin token")
    func nonLoopbackWithToken() async throws {
        let configuration = try await configuration(
            flags: ["host": "0.0.0.0"],
            environment: ["MASTERY_ADMIN_TOKEN": "0123456789abcdef0123"]
        )
        #expect(configuration.host == "0.0.0.0")
        #expect(!configuration.isLoopback)
    }

    @Test("secrets never appear in errors")
    func secretsStayOut() async throws {
        let secret = "hunter2-very-secret"
        for flags in [
            ["adminToken": "short \(secret)"], ["postgresURL": "mysql://user:\(secret)@host/db"],
            ["redisURL": "http://:\(secret)@h"],
        ] {
            let error = await #expect(throws: ConfigurationError.self) { _ = try await configuration(flags: flags) }
            #expect(!(error?.description.contains(secret) ?? true))
        }
    }

    @Test("an unreadable or malformed config file is a clear error")
    func badFile() async throws {
        let missing = await #expect(throws: ConfigurationError.self) {
            _ = try await ConfigurationSources.makeReader(environment: [:], configFile: "/nonexistent/mastery.json")
        }
        #expect(missing?.description.contains("--config") == true)
        let malformed = await #expect(throws: ConfigurationError.self) {
            _ = try await configuration(file: "{ not json")
        }
        #expect(malformed?.description.contains("JSON") == true)
    }

    @Test("key names map to flags and environment variables")
    func keyNames() {
        #expect(ConfigurationKeyNames("maxBodySize").flag == "--max-body-size")
        #expect(ConfigurationKeyNames("maxBodySize").environment == "MASTERY_MAX_BODY_SIZE")
        #expect(ConfigurationKeyNames("postgresURL").flag == "--postgres-url")
        #expect(ConfigurationKeyNames("postgresURL").environment == "MASTERY_POSTGRES_URL")
        #expect(ConfigurationKeyNames("ratelimit.defaultPolicy").environment == "MASTERY_RATELIMIT_DEFAULT_POLICY")
    }

    @Test("URLs are shown without passwords")
    func redaction() {
        #expect(RedactedURL.redact("postgres://user:pa:ss@host:5432/db") == "postgres://user:***@host:5432/db")
        #expect(RedactedURL.redact("redis://:secret@127.0.0.1:6379/0") == "redis://:***@127.0.0.1:6379/0")
        #expect(RedactedURL.redact("redis://127.0.0.1:6379") == "redis://127.0.0.1:6379")
        #expect(RedactedURL.redact("postgres://u:p@ss@host/db") == "postgres://u:***@host/db")
        #expect(RedactedURL.redact("garbage-with-secret") == "***")
    }
}
