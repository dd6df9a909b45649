public import Logging
public import NIOCore
public import NIOPosix
public import ServiceLifecycle

/// Pub/sub on a dedicated connection that it keeps open: subscriptions to channels (`SUBSCRIBE`), patterns
/// (`PSUBSCRIBE`) and shard channels (`SSUBSCRIBE`, Redis 7), each an `AsyncSequence` of messages, restored after
/// every reconnect.
///
/// ```swift
/// let subscriber = try RedisSubscriber(configuration: .init(connection: .init(url: url)), logger: logger)
/// // Run it as a Service in a ServiceGroup (or in a task of your own):
/// let group = ServiceGroup(services: [subscriber, …], logger: logger)
///
/// let orders = try await subscriber.subscribe(channels: ["orders"])
/// for try await event in orders {
///     if case .message(let message) = event { … }
/// }
/// ```
///
/// - ``run()`` connects and, whenever the connection is lost or cannot be made, reconnects after a pause from
///   ``Configuration/backoff`` (with jitter), forever, until the service group shuts down gracefully or the task is
///   cancelled; then subscriptions end after their buffered events.
/// - After each reconnect every live subscription is subscribed again, and once the server confirmed it, its
///   consumer gets ``RedisSubscription/Event/reconnected``: messages published while disconnected may be missing.
/// - Any number of subscriptions share the one connection; two subscriptions to one channel each get every message.
///   A name is unsubscribed on the server when the last subscription needing it ends.
/// - Each subscription has a bounded buffer (``RedisSubscription/BufferPolicy``): a slow consumer loses messages,
///   and is told how many, instead of slowing the others or growing memory.
/// - Both RESP3 (messages come as push messages) and RESP2 (the connection is in subscribed mode).
///
/// Publish with ``RedisCommandExecutor/publish(_:message:)-(_,ByteBuffer)`` on an ordinary connection.
public final class RedisSubscriber: Service, Sendable {
    /// The configuration the subscriber was made with.
    public let configuration: Configuration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let sleep: @Sendable (Duration) async throws -> Void
    private let core: RedisSubscriberCore

    /// Creates a subscriber; it connects when ``run()`` starts.
    /// - Parameters:
    ///   - configuration: The server, reconnection and buffering.
    ///   - eventLoopGroup: The event loops to run on.
    ///   - logger: Where to log: connections lost and restored at info level, the rest at debug level.
    ///   - clock: The clock for the pauses between reconnections, the health check and the subscribe timeout.
    /// - Throws: ``RedisError/Code/invalidConfiguration`` when ``Configuration/validate()`` fails.
    public init(
        configuration: Configuration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger,
        clock: some Clock<Duration> = ContinuousClock()
    ) throws(RedisError) {
        try configuration.validate()
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        var logger = logger
        logger[metadataKey: "redis.address"] = "\(configuration.connection.host):\(configuration.connection.port)"
        self.logger = logger
        self.sleep = { duration in try await clock.sleep(for: duration) }
        self.core = RedisSubscriberCore(logger: logger)
    }

    /// Subscribes to channels (`SUBSCRIBE`); returns once the server confirmed.
    /// - Parameters:
    ///   - channels: The channels (at least one).
    ///   - bufferPolicy: This subscription's buffer; the configuration's when `nil`.
    /// - Throws: ``RedisError``: ``RedisError/Code/serverError`` when the server refuses (`NOPERM`),
    ///   ``RedisError/Code/timeout`` after ``Configuration/subscribeTimeout``, ``RedisError/Code/connectionClosed``
    ///   when the subscriber has stopped, ``RedisError/Code/invalidConfiguration`` for no channel or a bad buffer
    ///   limit; `CancellationError` when the task is cancelled.
    public func subscribe(
        channels: [String],
        bufferPolicy: RedisSubscription.BufferPolicy? = nil
    ) async throws -> RedisSubscription {
        try await subscribe(.channel, names: channels, bufferPolicy: bufferPolicy)
    }

    /// Subscribes to glob-style patterns (`PSUBSCRIBE`, `news.*`); messages carry the pattern that matched.
    /// - Parameters:
    ///   - patterns: The patterns (at least one).
    ///   - bufferPolicy: This subscription's buffer; the configuration's when `nil`.
    /// - Throws: as ``subscribe(channels:bufferPolicy:)``.
    public func psubscribe(
        patterns: [String],
        bufferPolicy: RedisSubscription.BufferPolicy? = nil
    ) async throws -> RedisSubscription {
        try await subscribe(.pattern, names: patterns, bufferPolicy: bufferPolicy)
    }

    /// Subscribes to shard channels (`SSUBSCRIBE`, Redis 7.0+; publish with `SPUBLISH`).
    /// - Parameters:
    ///   - shardChannels: The shard channels (at least one).
    ///   - bufferPolicy: This subscription's buffer; the configuration's when `nil`.
    /// - Throws: as ``subscribe(channels:bufferPolicy:)``; a ``RedisError/Code/serverError`` saying that sharded
    ///   pub/sub needs Redis 7.0 when the server does not know `SSUBSCRIBE`.
    public func ssubscribe(
        shardChannels: [String],
        bufferPolicy: RedisSubscription.BufferPolicy? = nil
    ) async throws -> RedisSubscription {
        try await subscribe(.shardChannel, names: shardChannels, bufferPolicy: bufferPolicy)
    }

    private func subscribe(
        _ kind: RedisPubSubKind,
        names: [String],
        bufferPolicy: RedisSubscription.BufferPolicy?
    ) async throws -> RedisSubscription {
        var seen = Set<String>()
        let names = names.filter { seen.insert($0).inserted }
        guard !names.isEmpty else {
            throw RedisError(code: .invalidConfiguration, message: "\(kind.subscribeCommand) needs at least one name")
        }
        let policy = bufferPolicy ?? configuration.bufferPolicy
        try policy.validate()
        let core = self.core
        let id = try core.register(kind, names: names, policy: policy)
        do {
            if let timeout = configuration.subscribeTimeout {
                let sleep = self.sleep
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await core.awaitConfirmation(id) }
                    group.addTask {
                        try await sleep(timeout)
                        throw RedisError(
                            code: .timeout,
                            message: "\(kind.subscribeCommand) not confirmed within \(timeout)"
                        )
                    }
                    defer { group.cancelAll() }
                    try await group.next()
                }
            } else {
                try await core.awaitConfirmation(id)
            }
        } catch {
            core.abandon(id)
            throw error
        }
        logger.debug(
            "Redis subscription confirmed",
            metadata: ["redis.command": "\(kind.subscribeCommand)", "redis.subscription": "\(id)"]
        )
        return RedisSubscription(core: core, id: id, kind: kind, names: names)
    }

    /// Keeps the connection until a graceful shutdown or cancellation, reconnecting and restoring subscriptions;
    /// then closes it and ends every subscription after its buffered events.
    /// - Throws: ``RedisError/Code/invalidConfiguration`` when the subscriber runs or ran already; never otherwise
    ///   (an unreachable server is retried, not thrown).
    public func run() async throws {
        try core.start()
        logger.debug("Redis subscriber starting")
        await cancelWhenGracefulShutdown { await self.maintainConnection() }
        if let connection = core.finish() { await connection.close() }
        logger.debug("Redis subscriber stopped")
    }

    /// Connects, waits for the connection to close, reconnects after a pause; until cancelled.
    private func maintainConnection() async {
        var failures = 0
        var random = SystemRandomNumberGenerator()
        var hasConnected = false
        while !Task.isCancelled {
            do {
                let core = self.core
                let connection = try await RedisConnection.connect(
                    configuration: configuration.connection,
                    eventLoopGroup: eventLoopGroup,
                    onPubSub: { frame in core.receive(frame) },
                    logger: logger
                )
                guard core.attach(connection) else {
                    await connection.close()
                    return
                }
                let metadata: Logger.Metadata = [
                    "redis.attempt": "\(failures + 1)", "redis.protocol": "\(connection.protocolVersion)",
                ]
                if hasConnected {
                    logger.info("Redis subscriber reconnected; restoring subscriptions", metadata: metadata)
                } else {
                    logger.debug("Redis subscriber connected", metadata: metadata)
                }
                hasConnected = true
                failures = 0
                await watch(connection)
                core.detach(connection)
                if Task.isCancelled { return }
                logger.info("Redis subscriber lost its connection; reconnecting")
            } catch {
                failures += 1
                logger.debug(
                    "Redis subscriber could not connect",
                    metadata: ["redis.attempt": "\(failures)", "redis.error": "\(error)"]
                )
            }
            let delay = configuration.backoff.delay(afterFailures: max(failures, 1), using: &random)
            do { try await sleep(delay) } catch { return }
        }
    }

    /// Returns when `connection` closes: lost, closed after a failed health check, or closed on cancellation.
    private func watch(_ connection: RedisConnection) async {
        let interval = configuration.healthCheckInterval
        let sleep = self.sleep
        let logger = self.logger
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await connection.waitForClose() }
            if let interval {
                group.addTask {
                    while true {
                        do { try await sleep(interval) } catch { return }
                        do {
                            try await connection.send(RedisCommand("PING"))
                        } catch {
                            logger.debug("Redis subscriber health check failed", metadata: ["redis.error": "\(error)"])
                            await connection.close()
                            return
                        }
                    }
                }
            }
            await group.next()
            group.cancelAll()
        }
    }
}
