extension RedisSubscription {
    /// What iterating a subscription yields.
    public enum Event: Hashable, Sendable {
        /// A message published to one of the subscription's channels (or matching one of its patterns).
        case message(RedisPubSubMessage)
        /// The subscriber lost its connection and has re-established it, and this subscription is active on the
        /// server again: messages published in between may have been missed. Re-read whatever state the messages
        /// describe; every message published after this event is delivered. (Rarely, a message published during the
        /// restore arrives just before this event.)
        case reconnected
        /// The consumer fell behind: the subscription's buffer was full and this many messages were dropped here,
        /// as its ``RedisSubscription/BufferPolicy`` says.
        case messagesDropped(Int)
    }

    /// How many events a subscription keeps for a consumer that falls behind, and which it drops when full.
    ///
    /// The subscriber always reads the socket at full speed (a pub/sub connection that stalls is eventually
    /// disconnected by the server's `client-output-buffer-limit pubsub`, and would delay every other subscription),
    /// so a slow consumer loses messages instead: never more than `limit` messages are buffered, and the number lost
    /// is reported in order as a ``Event/messagesDropped(_:)`` event. ``Event/reconnected`` events are never dropped
    /// (consecutive ones are merged).
    public struct BufferPolicy: Hashable, Sendable {
        enum Base: Hashable, Sendable {
            case dropOldest
            case dropNewest
        }
        let base: Base
        /// The most messages buffered for the consumer.
        public let limit: Int

        /// When full, the oldest buffered message makes room for the new one (the consumer sees the freshest
        /// messages; the gap is reported where it is, before the first message after it). The default, with 1,024.
        public static func dropOldest(limit: Int) -> BufferPolicy { BufferPolicy(base: .dropOldest, limit: limit) }

        /// When full, new messages are dropped until the consumer makes room (the consumer sees the oldest messages;
        /// the gap is reported after the last message before it).
        public static func dropNewest(limit: Int) -> BufferPolicy { BufferPolicy(base: .dropNewest, limit: limit) }

        /// Checks the limit.
        /// - Throws: ``RedisError/Code/invalidConfiguration`` unless `limit >= 1`.
        public func validate() throws(RedisError) {
            guard limit >= 1 else {
                throw RedisError(
                    code: .invalidConfiguration,
                    message: "a subscription buffer needs a limit of at least 1"
                )
            }
        }
    }
}
