import Logging
public import Redis

/// The backplane on Redis pub/sub: a ``RedisSubscriber`` (its own connection, restored after a loss) hears the
/// store's channel; heartbeats are published on the same channel through the pool, so one arriving proves that the
/// subscriber has heard everything published before it.
public struct RedisResponseCacheBackplane: ResponseCacheBackplane {
    let subscriber: RedisSubscriber
    let client: any RedisCommandExecutor
    let channel: String

    /// A backplane hearing `store`'s channel through `subscriber` (which must run as a service) and publishing
    /// heartbeats through `client`.
    public init(subscriber: RedisSubscriber, client: any RedisCommandExecutor, store: RedisResponseCacheStore) {
        self.subscriber = subscriber
        self.client = client
        self.channel = store.channel
    }

    public func listen(_ handler: @escaping @Sendable (ResponseCacheBackplaneEvent) -> Void) async throws {
        let subscription = try await subscriber.subscribe(channels: [channel], bufferPolicy: .dropOldest(limit: 65_536))
        defer { subscription.unsubscribe() }
        for try await event in subscription {
            switch event {
            case .message(let message):
                if let parsed = RedisResponseCacheStore.parse(message.payloadString) { handler(parsed) }
            case .reconnected, .messagesDropped:
                handler(.gap)
            }
        }
    }

    public func heartbeat(instance: String, sentAt: Int64) async throws {
        _ = try await client.publish(channel, message: "h\n\(instance)\n\(sentAt)")
    }
}
