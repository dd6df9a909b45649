public import Redis

/// Rate-limit state in Redis, shared by every instance that uses the same Redis: one round trip per request.
///
/// ``check(_:)`` sends one `EVALSHA` of one Lua script (loaded on first use and again after `NOSCRIPT`) that reads
/// the Redis server's clock with `TIME`, decides every check of the request with the same formulas and rounding as
/// ``InMemoryRateLimitStore``, and writes only if every check admits: all or nothing, atomically, with two checks on
/// the same key and policy seeing each other. Instances whose clocks disagree therefore still agree on every
/// decision, and concurrent requests through any number of instances never admit more than a policy allows.
///
/// Keys are `<prefix>:{<key>}:<policy name>`. The braces are a Redis Cluster hash tag: one key's policies share a
/// hash slot. The key inside the tag is escaped (`%` → `%25`, `{` → `%7B`, `}` → `%7D`, likewise in the prefix) so
/// that hostile keys can neither end the tag early nor collide. Every key expires by itself (`PX`/`PEXPIRE`) when its
/// state becomes indistinguishable from no state; idle keys cost no memory.
///
/// A request whose checks use different keys touches several hash slots: fine on one Redis server or a
/// Sentinel-managed primary, refused by Redis Cluster (`CROSSSLOT`), which the `Redis` client does not route yet.
///
/// Timeouts come from the client: a `RedisClient`'s command timeout and connection wait bound every call, so the
/// store never hangs; a decision deadline, fail-open/closed and the local fallback are the rate limiter's business.
public struct RedisRateLimitStore: RateLimitStore {
    /// TTLs are lengthened by this much under a clock override (see ``init(client:keyPrefix:clockOverride:)``).
    static let overrideTTLPaddingMilliseconds = 3_600_000

    /// The prefix of every key, as given.
    public let keyPrefix: String
    private let escapedPrefix: String
    private let client: any RedisCommandExecutor
    private let clockOverride: (any RateLimitClock)?

    /// Creates a store on a Redis client (a `RedisClient` pool, or one `RedisConnection`).
    /// - Parameters:
    ///   - client: Where the script runs; its timeouts bound every decision.
    ///   - keyPrefix: The first part of every key (`<prefix>:{<key>}:<policy>`).
    ///   - clockOverride: For deterministic tests only: decide at this clock's time (sent as an argument) instead of
    ///     the Redis server's `TIME`. Production leaves it `nil`. Redis still expires keys by its own clock, which
    ///     the override does not move, so under an override every TTL is lengthened by an hour: keys then outlive
    ///     their logical expiry however slowly a test runs, while decisions follow the override exactly (each state
    ///     is judged on the override's time, as the in-memory store judges it).
    ///   - pipelines: With a `RedisClient` pool, how many pipelines of concurrent decisions may be on the wire at
    ///     once (a `RedisAutoPipeline`: decisions made while others are in flight leave together, one write and one
    ///     read for many); 0 sends each decision on a connection of its own. Other executors (a connection, an
    ///     auto-pipeline of one's own) are used as they are.
    public init(
        client: any RedisCommandExecutor,
        keyPrefix: String = "mastery:ratelimit",
        clockOverride: (any RateLimitClock)? = nil,
        pipelines: Int = 4
    ) {
        if let pool = client as? RedisClient, pipelines > 0 {
            self.client = RedisAutoPipeline(client: pool, maximumInFlight: pipelines)
        } else {
            self.client = client
        }
        self.keyPrefix = keyPrefix
        self.escapedPrefix = Self.escape(keyPrefix)
        self.clockOverride = clockOverride
    }

    /// The script every decision runs (by `EVALSHA`), for tools that run it themselves (benchmarks, `redis-cli`).
    public static var script: RedisScript { RedisRateLimitScript.script }

    /// Decides a request in one round trip to Redis: admitted only if every check admits; then every check consumes,
    /// else none does.
    /// - Parameter checks: 1 to ``RateLimitCheck/maximumChecks`` checks.
    /// - Returns: The result, with one decision per check in the checks' order.
    /// - Throws: ``RateLimitError`` with code `invalidKey` or `invalidCost` for invalid checks; `storeTimeout` when
    ///   Redis did not answer within the client's timeout (or no connection was free in time); `storeUnavailable`
    ///   when Redis cannot be reached, refuses the script, or answers something unexpected. The `RedisError` is the
    ///   `underlying` error.
    public func check(_ checks: [RateLimitCheck]) async throws -> RateLimitResult {
        try RateLimitCheck.validate(checks)
        var keys: [String] = []
        keys.reserveCapacity(checks.count)
        var arguments: [any RedisArgumentConvertible] = []
        arguments.reserveCapacity(2 + 6 * checks.count)
        if let clockOverride {
            arguments.append(clockOverride.nowMicroseconds)
            arguments.append(Self.overrideTTLPaddingMilliseconds)
        } else {
            arguments.append(RedisRateLimitScript.redisClock)
            arguments.append(0)
        }
        for check in checks {
            keys.append(redisKey(for: check.key, policy: check.policy.name))
            let policy = check.policy
            arguments.append(RedisRateLimitScript.code(of: policy.algorithm))
            arguments.append(policy.limit)
            arguments.append(policy.windowMicroseconds)
            arguments.append(policy.capacity)
            arguments.append(policy.intervalMicroseconds)
            arguments.append(check.cost)
        }
        let reply: RESPValue
        do {
            reply = try await client.evaluate(RedisRateLimitScript.script, keys: keys, arguments: arguments)
        } catch let error as CancellationError {
            throw error
        } catch {
            throw RateLimitError.redis(error, "deciding")
        }
        return try Self.result(of: reply, for: checks)
    }

    /// The Redis key holding `key`'s state under the policy named `policy`: `<prefix>:{<escaped key>}:<policy>`.
    public func redisKey(for key: String, policy: String) -> String {
        "\(escapedPrefix):{\(Self.escape(key))}:\(policy)"
    }

    /// The arguments of `EVALSHA <sha1>` deciding `checks` on the Redis clock (number of keys, keys, arguments),
    /// for tools that run ``script`` themselves, such as `redis-benchmark`.
    public func scriptArguments(for checks: [RateLimitCheck]) -> [String] {
        var result = [String(checks.count)]
        for check in checks { result.append(redisKey(for: check.key, policy: check.policy.name)) }
        result += [RedisRateLimitScript.redisClock, "0"]
        for check in checks {
            let policy = check.policy
            result += [
                String(RedisRateLimitScript.code(of: policy.algorithm)), String(policy.limit),
                String(policy.windowMicroseconds), String(policy.capacity), String(policy.intervalMicroseconds),
                String(check.cost),
            ]
        }
        return result
    }

    // MARK: - Private

    /// `%`, `{` and `}` percent-encoded: the hash tag then ends where the store put its `}`, and distinct keys stay
    /// distinct.
    static func escape(_ text: String) -> String {
        let special: (UInt8) -> Bool = { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "}") }
        guard text.utf8.contains(where: special) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "%"): bytes += Array("%25".utf8)
            case UInt8(ascii: "{"): bytes += Array("%7B".utf8)
            case UInt8(ascii: "}"): bytes += Array("%7D".utf8)
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads the script's reply: `[admitted, now, then admitted, remaining, reset, retry per check]`.
    static func result(of reply: RESPValue, for checks: [RateLimitCheck]) throws -> RateLimitResult {
        guard let elements = reply.elements, elements.count == 2 + 4 * checks.count else {
            throw unexpected()
        }
        var numbers: [Int64] = []
        numbers.reserveCapacity(elements.count)
        for element in elements {
            guard let number = element.integer else { throw unexpected() }
            numbers.append(number)
        }
        var decisions: [RateLimitDecision] = []
        decisions.reserveCapacity(checks.count)
        for (index, check) in checks.enumerated() {
            let base = 2 + 4 * index
            let retry = numbers[base + 3]
            decisions.append(
                RateLimitDecision(
                    policy: check.policy,
                    key: check.key,
                    allowed: numbers[base] == 1,
                    limit: check.policy.capacity,
                    remaining: Int(numbers[base + 1]),
                    resetAfter: .microseconds(numbers[base + 2]),
                    retryAfter: retry < 0 ? nil : .microseconds(retry)
                )
            )
        }
        return RateLimitResult(allowed: numbers[0] == 1, decisions: decisions)
    }

    private static func unexpected() -> RateLimitError {
        let error = RedisError(
            code: .unexpectedReply,
            message: "EVALSHA: the rate-limit script's reply has an unexpected shape"
        )
        return RateLimitError.redis(error, "deciding")
    }
}
