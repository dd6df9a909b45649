public import NIOCore

/// One message published to a channel that a ``RedisSubscription`` listens to.
public struct RedisPubSubMessage: Hashable, Sendable {
    /// The channel (or shard channel) the message was published to.
    public var channel: String
    /// The message's bytes, exactly as published (binary-safe).
    public var payload: ByteBuffer
    /// The pattern that matched ``channel``, for a pattern subscription (`PSUBSCRIBE`); `nil` otherwise.
    public var pattern: String?

    /// Creates a message.
    public init(channel: String, payload: ByteBuffer, pattern: String? = nil) {
        self.channel = channel
        self.payload = payload
        self.pattern = pattern
    }

    /// The payload decoded as UTF-8 (invalid bytes become U+FFFD).
    public var payloadString: String { String(buffer: payload) }
}
