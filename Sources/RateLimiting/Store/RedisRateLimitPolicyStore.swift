import Foundation
public import Logging
import NIOCore
public import Redis

/// Policies in Redis, shared by every instance: a hash `<prefix>:policies` mapping each policy's name to its JSON
/// (the form of ``RateLimitPolicy``'s `Codable` conformance), and change notices on the pub/sub channel
/// `<prefix>:policies:changed` (the message is the policy's name).
///
/// ```
/// HGETALL mastery:ratelimit:policies
/// 1) "api-per-second"
/// 2) "{\"algorithm\":\"gcra\",\"burst\":20,\"limit\":10,\"name\":\"api-per-second\",\"onStoreFailure\":\"open\",\"window\":1}"
/// ```
///
/// Another tool may edit the hash by hand: ``all()`` skips (and logs) entries that do not decode to a valid policy,
/// or whose JSON names another policy than their field. After editing, `PUBLISH <prefix>:policies:changed <name>`
/// makes every instance reload at once; otherwise they see it at their next periodic reload.
public struct RedisRateLimitPolicyStore: RateLimitPolicyStore {
    /// The hash holding the policies.
    public let policiesKey: String
    /// The channel change notices go to.
    public let changesChannel: String
    private let client: any RedisCommandExecutor
    private let subscriber: RedisSubscriber?
    private let logger: Logger

    /// Creates the store.
    /// - Parameters:
    ///   - client: Where policies are read and written (a `RedisClient` pool).
    ///   - subscriber: Where ``watchChanges(_:)`` subscribes; it must run as a service. Without one, changes made
    ///     elsewhere are seen only at the registry's periodic reloads.
    ///   - keyPrefix: The prefix of the hash and the channel.
    ///   - logger: Receives entries skipped because they are invalid (`ratelimit.policy`, `ratelimit.error`).
    public init(
        client: any RedisCommandExecutor,
        subscriber: RedisSubscriber? = nil,
        keyPrefix: String = "mastery:ratelimit",
        logger: Logger
    ) {
        self.client = client
        self.subscriber = subscriber
        self.policiesKey = "\(keyPrefix):policies"
        self.changesChannel = "\(keyPrefix):policies:changed"
        self.logger = logger
    }

    /// Every valid policy in the hash, sorted by name; invalid entries are logged and skipped.
    /// - Throws: ``RateLimitError`` with code `storeUnavailable` or `storeTimeout`.
    public func all() async throws -> [RateLimitPolicy] {
        let fields: [String: ByteBuffer]
        do {
            fields = try await client.hashGetAllBytes(policiesKey)
        } catch {
            throw RateLimitError.redis(error, "reading the policies")
        }
        let policies = RateLimitPolicyJSON.decodeEntries(
            fields.map { (name: $0.key, json: Data($0.value.readableBytesView)) },
            entry: "entry",
            store: policiesKey,
            logger: logger
        )
        return policies.sorted { $0.name < $1.name }
    }

    /// Stores the policy's JSON under its name (`HSET`), replacing any policy of that name. Does not announce it:
    /// ``RateLimitPolicyRegistry`` does, after updating its cache.
    /// - Throws: ``RateLimitError`` with code `storeUnavailable` or `storeTimeout`.
    public func put(_ policy: RateLimitPolicy) async throws {
        let json = try RateLimitPolicyJSON.encode(policy)
        do {
            try await client.hashSet(policiesKey, fields: [(key: policy.name, value: json)])
        } catch {
            throw RateLimitError.redis(error, "storing policy \(RateLimitPolicy.quoted(policy.name))")
        }
    }

    /// Stores the policy unless the hash already holds `maximumCount` fields and none is this policy's: one script,
    /// so concurrent writers through any number of instances never pass the maximum together.
    /// - Throws: ``RateLimitError`` with code `policyLimitReached`, `storeUnavailable` or `storeTimeout`.
    public func put(_ policy: RateLimitPolicy, maximumCount: Int) async throws {
        let json = try RateLimitPolicyJSON.encode(policy)
        let stored: Int64?
        do {
            stored = try await client.evaluate(
                Self.cappedPut,
                keys: [policiesKey],
                arguments: [policy.name, json, maximumCount]
            ).integer
        } catch {
            throw RateLimitError.redis(error, "storing policy \(RateLimitPolicy.quoted(policy.name))")
        }
        guard stored == 1 else { throw RateLimitError.policyLimitReached(maximumCount) }
    }

    /// `HSET` unless the field is new and the hash is full: 1 stored, 0 refused.
    static let cappedPut = RedisScript(
        """
        if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 or redis.call('HLEN', KEYS[1]) < tonumber(ARGV[3]) then
          redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
          return 1
        end
        return 0
        """
    )

    /// Deletes the policy (`HDEL`).
    /// - Returns: Whether it existed.
    /// - Throws: ``RateLimitError`` with code `storeUnavailable` or `storeTimeout`.
    public func delete(name: String) async throws -> Bool {
        do {
            return try await client.hashDelete(policiesKey, fields: [name]) > 0
        } catch {
            throw RateLimitError.redis(error, "deleting policy \(RateLimitPolicy.quoted(name))")
        }
    }

    /// Publishes the policy's name on ``changesChannel``.
    /// - Throws: ``RateLimitError`` with code `storeUnavailable` or `storeTimeout`.
    public func announceChange(name: String) async throws {
        do {
            try await client.publish(changesChannel, message: name)
        } catch {
            throw RateLimitError.redis(error, "announcing a change of policy \(RateLimitPolicy.quoted(name))")
        }
    }

    /// Subscribes to ``changesChannel`` and calls `onChange` once subscribed, for every notice, after every
    /// reconnect of the subscriber (notices may have been missed) and when notices were dropped; until the task is
    /// cancelled or the subscriber stops. Returns at once without a subscriber.
    /// - Throws: ``RateLimitError`` with code `storeTimeout` when the subscription is not confirmed within the
    ///   subscriber's `subscribeTimeout`, `storeUnavailable` when it is refused or breaks.
    public func watchChanges(_ onChange: @escaping @Sendable (String) -> Void) async throws {
        guard let subscriber else { return }
        let subscription: RedisSubscription
        do {
            subscription = try await subscriber.subscribe(channels: [changesChannel])
        } catch let error as CancellationError {
            throw error
        } catch {
            throw RateLimitError.redis(error, "subscribing to \(changesChannel)")
        }
        defer { subscription.unsubscribe() }
        onChange("subscribed")
        do {
            for try await event in subscription {
                switch event {
                case .message(let message):
                    onChange("policy \(RateLimitPolicy.quoted(message.payloadString)) changed")
                case .reconnected:
                    onChange("reconnected")
                case .messagesDropped(let count):
                    onChange("\(count) change notices dropped")
                }
            }
        } catch {
            throw RateLimitError.redis(error, "watching \(changesChannel)")
        }
    }
}
