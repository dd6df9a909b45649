/// Messages from the channels, patterns or shard channels one `subscribe` call asked for: an `AsyncSequence` of
/// ``Event``s, made by a ``RedisSubscriber``.
///
/// ```swift
/// let subscription = try await subscriber.subscribe(channels: ["orders"])
/// for try await event in subscription {
///     switch event {
///     case .message(let message): handle(message.payload)
///     case .reconnected: resynchronize()             // messages may have been missed while disconnected
///     case .messagesDropped(let count): log(count)   // this consumer fell behind its buffer
///     }
/// }
/// ```
///
/// - The server had confirmed the subscription when `subscribe` returned: every message published after that is
///   delivered, in the order the server sent it, unless the consumer falls behind (see ``BufferPolicy``) or the
///   connection is lost (see ``Event/reconnected``).
/// - Iterate it from one task at a time. The subscription ends, and its names are unsubscribed on the server unless
///   another subscription of the same subscriber still needs them, when the iteration ends (the loop is left, or
///   its task is cancelled: `next()` then returns `nil`), when ``unsubscribe()`` is called, or when the last
///   reference to it goes away. Once ended, iterating it again ends at once.
/// - When the subscriber stops, the iteration ends after the events already buffered. When the server refuses to
///   restore it after a reconnect (`NOPERM` after an ACL change), `next()` throws that ``RedisError`` after the
///   buffered events.
public final class RedisSubscription: AsyncSequence, Sendable {
    public typealias Element = Event
    public typealias Failure = RedisError

    /// The channels, patterns or shard channels, as given to `subscribe` (duplicates removed).
    public let names: [String]
    let kind: RedisPubSubKind
    let id: Int
    private let core: RedisSubscriberCore

    init(core: RedisSubscriberCore, id: Int, kind: RedisPubSubKind, names: [String]) {
        self.core = core
        self.id = id
        self.kind = kind
        self.names = names
    }

    deinit {
        core.end(id)
    }

    /// Ends the subscription at once: a waiting `next()` returns `nil`, buffered events are discarded, and names no
    /// other subscription needs are unsubscribed on the server (without waiting for its confirmation).
    public func unsubscribe() {
        core.end(id)
    }

    /// Starts iterating; when the iterator goes away the subscription ends.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(token: AsyncIterator.Token(subscription: self))
    }

    /// Takes events from the subscription's buffer, waiting for the next one.
    public struct AsyncIterator: AsyncIteratorProtocol {
        public typealias Element = Event
        public typealias Failure = RedisError

        /// Ends the subscription when the last copy of the iterator goes away.
        final class Token: Sendable {
            let subscription: RedisSubscription
            init(subscription: RedisSubscription) { self.subscription = subscription }
            deinit { subscription.unsubscribe() }
        }

        let token: Token

        /// The next event, or `nil` when the subscription has ended (or the task was cancelled, which ends it).
        /// - Throws: ``RedisError`` when the server refused to restore the subscription after a reconnect.
        public mutating func next() async throws(RedisError) -> Event? {
            try await token.subscription.core.next(token.subscription.id).get()
        }

        /// The next event, or `nil` when the subscription has ended (or the task was cancelled, which ends it).
        /// - Throws: ``RedisError`` when the server refused to restore the subscription after a reconnect.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(RedisError) -> Event? {
            try await token.subscription.core.next(token.subscription.id).get()
        }
    }
}
