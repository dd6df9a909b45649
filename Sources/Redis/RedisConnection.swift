public import Logging
public import NIOCore
public import NIOPosix

/// One connection to a Redis server, with pipelining: any number of commands may be in flight at once, from any
/// number of tasks, and each gets the reply the server sent for it (replies come back in the order commands were
/// written).
///
/// ```swift
/// try await RedisConnection.withConnection(configuration: .init(url: url), logger: logger) { redis in
///     try await redis.set("greeting", to: "hello", expiration: .seconds(60))
///     let value = try await redis.getString("greeting")
/// }
/// ```
///
/// A command timeout, a protocol error or a lost socket fails every command in flight and closes the connection;
/// later commands fail at once with ``RedisError/Code/connectionClosed``. Reconnecting is the caller's job (a
/// ``RedisSubscriber`` reconnects its own connection).
public final class RedisConnection: RedisCommandExecutor {
    /// The configuration the connection was opened with.
    public let configuration: Configuration
    /// The protocol the server agreed to: RESP3 after a successful `HELLO 3`, otherwise RESP2.
    public let protocolVersion: ProtocolVersion
    let channel: any Channel
    /// Whether this is a subscriber connection (see ``RedisSubscriber``).
    let isSubscriber: Bool
    private let logger: Logger

    private init(
        channel: any Channel,
        configuration: Configuration,
        protocolVersion: ProtocolVersion,
        isSubscriber: Bool,
        logger: Logger
    ) {
        self.channel = channel
        self.configuration = configuration
        self.protocolVersion = protocolVersion
        self.isSubscriber = isSubscriber
        self.logger = logger
    }

    /// Opens a connection and sets it up: `HELLO 3` (or `AUTH` on RESP2), `CLIENT SETNAME`, `SELECT`.
    /// - Parameters:
    ///   - configuration: Where to connect and how to set the connection up.
    ///   - eventLoopGroup: The event loops to run on.
    ///   - logger: Where to log (at debug level).
    /// - Throws: ``RedisError``: ``RedisError/Code/connectionFailed`` when the server cannot be reached,
    ///   ``RedisError/Code/serverError`` when it refuses the password (with its code, such as `WRONGPASS`).
    public static func connect(
        configuration: Configuration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) async throws -> RedisConnection {
        try await connect(configuration: configuration, eventLoopGroup: eventLoopGroup, onPubSub: nil, logger: logger)
    }

    /// Opens a connection; with `onPubSub` it is a subscriber connection (see ``RedisSubscriber``), whose pub/sub
    /// frames go to `onPubSub` on the event loop.
    static func connect(
        configuration: Configuration,
        eventLoopGroup: any EventLoopGroup,
        onPubSub: (@Sendable (RedisPubSubFrame) -> Void)?,
        logger: Logger
    ) async throws -> RedisConnection {
        let parser = configuration.parser
        let onPush = configuration.onPush
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: eventLoopGroup)
                .connectTimeout(Self.timeAmount(configuration.connectTimeout))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            RedisChannelHandler(parser: parser, onPush: onPush, onPubSub: onPubSub, logger: logger)
                        )
                    }
                }
                .connect(host: configuration.host, port: configuration.port)
                .get()
        } catch {
            throw RedisError(
                code: .connectionFailed,
                message: "could not connect to \(configuration.host):\(configuration.port)",
                underlying: error
            )
        }
        let connection = RedisConnection(
            channel: channel,
            configuration: configuration,
            protocolVersion: .resp2,
            isSubscriber: onPubSub != nil,
            logger: logger
        )
        do {
            let version = try await connection.handshake()
            logger.debug(
                "Redis connection ready",
                metadata: [
                    "redis.address": "\(configuration.host):\(configuration.port)", "redis.protocol": "\(version)",
                ]
            )
            return RedisConnection(
                channel: channel,
                configuration: configuration,
                protocolVersion: version,
                isSubscriber: onPubSub != nil,
                logger: logger
            )
        } catch {
            try? await channel.close()
            throw error
        }
    }

    /// Opens a connection, runs `body` with it and closes it, whether `body` returns or throws.
    @discardableResult
    public static func withConnection<Result: Sendable>(
        configuration: Configuration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger,
        _ body: (RedisConnection) async throws -> Result
    ) async throws -> Result {
        let connection = try await connect(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
        do {
            let result = try await body(connection)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Closes the connection; commands still in flight fail with ``RedisError/Code/connectionClosed``.
    public func close() async {
        try? await channel.close()
    }

    /// Whether the connection is still open.
    public var isActive: Bool { channel.isActive }

    /// Sends one command and returns its reply.
    /// - Parameters:
    ///   - command: The command.
    ///   - timeout: This command's timeout; the configuration's ``Configuration/commandTimeout`` when `nil`.
    /// - Throws: ``RedisError``: ``RedisError/Code/serverError`` for an error reply (its code in
    ///   ``RedisError/serverCode``), ``RedisError/Code/timeout``, ``RedisError/Code/connectionClosed``,
    ///   ``RedisError/Code/protocolError``; ``RedisError/Code/invalidConfiguration`` for a `SUBSCRIBE`-like
    ///   command, which needs a ``RedisSubscriber``.
    @discardableResult
    public func send(_ command: RedisCommand, timeout: Duration?) async throws -> RESPValue {
        try refuseSubscription(command)
        let promise = channel.eventLoop.makePromise(of: RESPValue.self)
        var bytes = channel.allocator.buffer(capacity: command.encodedLength)
        command.encode(into: &bytes)
        write(RedisRequest(bytes: bytes, promises: [promise], timeout: timeAmount(timeout)))
        let reply: RESPValue
        do {
            reply = try await promise.futureResult.get()
        } catch let error as RedisError {
            throw error
        } catch {
            throw RedisError(code: .connectionFailed, message: "\(command.name) failed", underlying: error)
        }
        if case .error(let error) = reply.withoutAttributes { throw RedisError.server(error, command: command.name) }
        return reply
    }

    /// Sends many commands in one write and returns their replies in the same order.
    ///
    /// An error reply becomes a failed element (``RedisError/Code/serverError``) without affecting the others; a
    /// timeout or lost connection fails the element it hits and every later one. A `SUBSCRIBE`-like command fails
    /// the whole pipeline, unsent, with ``RedisError/Code/invalidConfiguration``.
    /// - Parameters:
    ///   - commands: The commands, in the order the server runs them.
    ///   - timeout: Each command's timeout; the configuration's ``Configuration/commandTimeout`` when `nil`.
    public func pipeline(_ commands: [RedisCommand], timeout: Duration? = nil) async -> [Result<RESPValue, RedisError>]
    {
        guard !commands.isEmpty else { return [] }
        for command in commands {
            do { try refuseSubscription(command) } catch { return commands.map { _ in .failure(error) } }
        }
        var bytes = channel.allocator.buffer(capacity: commands.reduce(0) { $0 + $1.encodedLength })
        var promises: [EventLoopPromise<RESPValue>] = []
        promises.reserveCapacity(commands.count)
        for command in commands {
            command.encode(into: &bytes)
            promises.append(channel.eventLoop.makePromise(of: RESPValue.self))
        }
        write(RedisRequest(bytes: bytes, promises: promises, timeout: timeAmount(timeout)))
        var results: [Result<RESPValue, RedisError>] = []
        results.reserveCapacity(commands.count)
        for (command, promise) in zip(commands, promises) {
            do {
                let reply = try await promise.futureResult.get()
                if case .error(let error) = reply.withoutAttributes {
                    results.append(.failure(.server(error, command: command.name)))
                } else {
                    results.append(.success(reply))
                }
            } catch let error as RedisError {
                results.append(.failure(error))
            } catch {
                results.append(
                    .failure(RedisError(code: .connectionFailed, message: "\(command.name) failed", underlying: error))
                )
            }
        }
        return results
    }

    /// Refuses the commands that would put a command connection in subscribed mode: their replies would be taken
    /// for other commands' (RESP2) or never arrive as replies (RESP3).
    private func refuseSubscription(_ command: RedisCommand) throws(RedisError) {
        guard !isSubscriber, command.name.hasSuffix("SUBSCRIBE") else { return }
        switch command.name {
        case "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE":
            throw RedisError(
                code: .invalidConfiguration,
                message: "\(command.name) needs a dedicated connection: use RedisSubscriber"
            )
        default: return
        }
    }

    /// Writes a request; when the write itself fails (the channel is closed), fails its replies too.
    func write(_ request: RedisRequest) {
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenFailure { error in
            let failure =
                error as? RedisError
                ?? RedisError(code: .connectionClosed, message: "the connection is closed", underlying: error)
            // A promise the handler already completed ignores this.
            for promise in request.promises { promise.fail(failure) }
        }
        channel.writeAndFlush(request, promise: written)
    }

    func timeAmount(_ timeout: Duration?) -> TimeAmount? {
        (timeout ?? configuration.commandTimeout).map(Self.timeAmount)
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
