import CLIKit
import Foundation
import Logging
import Platform
import RateLimiting
import Redis

/// `mastery ratelimit` directly on the shared Redis, on one connection: decisions run the servers' script
/// (``RedisRateLimitStore``) and consume from the same quota; policies are read and written in the servers' hash
/// (``RedisRateLimitPolicyStore``) and each change is announced, so every server reloads it at once.
///
/// Decisions here have no fallback: when Redis fails, the verb fails (status 69) instead of guessing.
struct RateLimitRedisBackend: RateLimitBackend {
    let connection: RedisConnection
    let store: RedisRateLimitStore
    let policyStore: RedisRateLimitPolicyStore
    /// The most policies the hash may hold (the servers' `ratelimit.maxPolicies`).
    let maximumPolicies: Int

    /// Connects to Redis.
    /// - Throws: ``CommandFailure``: 65 for a malformed URL, 69 when Redis cannot be
    ///   reached or refuses the credentials. Messages show the URL with its password masked.
    static func connect(url: String, keyPrefix: String, maximumPolicies: Int, timeout: Duration) async throws -> Self {
        var logger = Logger(label: "mastery.ratelimit") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        var configuration: RedisConnection.Configuration
        do {
            configuration = try RedisConnection.Configuration(url: url)
        } catch {
            throw CommandFailure(.dataError, "--redis: \(error)")
        }
        configuration.connectTimeout = timeout
        configuration.commandTimeout = timeout
        configuration.clientName = "mastery-ratelimit-cli"
        let connection: RedisConnection
        do {
            connection = try await RedisConnection.connect(configuration: configuration, logger: logger)
        } catch {
            throw CommandFailure(
                .unavailable,
                "cannot reach Redis at \(RedactedURL.redact(url)) (\(error))"
            )
        }
        return Self(
            connection: connection,
            store: RedisRateLimitStore(client: connection, keyPrefix: keyPrefix),
            policyStore: RedisRateLimitPolicyStore(client: connection, keyPrefix: keyPrefix, logger: logger),
            maximumPolicies: maximumPolicies
        )
    }

    func check(_ request: RateLimitAPI.CheckRequest) async throws -> RateLimitAPI.CheckResponse {
        let known = try await library { try await policyStore.all() }
        var checks: [RateLimitCheck] = []
        for descriptor in request.descriptors {
            guard let policy = known.first(where: { $0.name == descriptor.policy }) else {
                throw CommandFailure.unknownPolicy(descriptor.policy)
            }
            checks.append(
                RateLimitCheck(policy: policy, key: descriptor.key, cost: descriptor.cost ?? request.cost ?? 1)
            )
        }
        return try await library {
            try RateLimitCheck.validate(checks)
            return RateLimitAPI.CheckResponse(try await store.check(checks))
        }
    }

    func policies() async throws -> [RateLimitPolicy] {
        try await library { try await policyStore.all() }
    }

    func policy(named name: String) async throws -> RateLimitPolicy {
        guard let policy = try await policies().first(where: { $0.name == name }) else {
            throw CommandFailure.unknownPolicy(name)
        }
        return policy
    }

    func put(_ policy: RateLimitPolicy) async throws -> RateLimitPolicy {
        try await library {
            try await policyStore.put(policy, maximumCount: maximumPolicies)
            try await policyStore.announceChange(name: policy.name)
        }
        return policy
    }

    /// In Redis there is no route to protect: `force` changes nothing.
    func delete(name: String, force: Bool) async throws {
        let existed = try await library { try await policyStore.delete(name: name) }
        guard existed else { throw CommandFailure.unknownPolicy(name) }
        try await library { try await policyStore.announceChange(name: name) }
    }

    func close() async {
        await connection.close()
    }

    /// Runs library code, turning its ``RateLimitError`` into the CLI's failure.
    private func library<Value>(_ body: () async throws -> Value) async throws -> Value {
        do {
            return try await body()
        } catch let error as RateLimitError {
            throw CommandFailure(error)
        }
    }
}
