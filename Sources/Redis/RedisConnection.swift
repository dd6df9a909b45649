public import Logging
public import NIOCore
public import NIOPosix
import NIOSSL

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
/// A command timeout, a protocol error or a lost socket fails every command in flight and closes the connection:
/// the command whose reply timed out or broke the protocol with ``RedisError/Code/timeout`` or
/// ``RedisError/Code/protocolError``, the others with ``RedisError/Code/connectionClosed``. Later commands fail at
/// once with an error saying why the connection closed (``RedisError/Code/connectionClosed``, or
/// ``RedisError/Code/connectionFailed`` after a socket or TLS error). Reconnecting is the caller's job (a
/// ``RedisClient`` pool replaces broken connections; a ``RedisSubscriber`` reconnects its own).
///
/// With ``Configuration/tls`` set the connection speaks TLS (swift-nio-ssl); see ``TLS``.
public final class RedisConnection: RedisCommandExecutor {
    /// The configuration the connection was opened with.
    public let configuration: Configuration
    /// The protocol the server agreed to: RESP3 after a successful `HELLO 3`, otherwise RESP2.
    public let protocolVersion: ProtocolVersion
    let channel: any Channel
    private let closeReason: RedisChannelHandler.CloseReason
    /// Whether this is a subscriber connection (see ``RedisSubscriber``).
    let isSubscriber: Bool
    private let logger: Logger

    private init(
        channel: any Channel,
        closeReason: RedisChannelHandler.CloseReason,
        configuration: Configuration,
        protocolVersion: ProtocolVersion,
        isSubscriber: Bool,
        logger: Logger
    ) {
        self.channel = channel
        self.closeReason = closeReason
        self.configuration = configuration
        self.protocolVersion = protocolVersion
        self.isSubscriber = isSubscriber
        self.logger = logger
    }

    /// Opens a connection and sets it up: the TLS handshake when ``Configuration/tls`` is set, then `HELLO 3` (or
    /// `AUTH` on RESP2), `CLIENT SETNAME`, `SELECT`.
    ///
    /// With TLS, nothing is sent before the handshake is complete and the server's certificate has been verified;
    /// ``Configuration/connectTimeout`` covers the TCP connection and the handshake together.
    /// - Parameters:
    ///   - configuration: Where to connect and how to set the connection up.
    ///   - eventLoopGroup: The event loops to run on.
    ///   - logger: Where to log (at debug level).
    /// - Throws: ``RedisError``: ``RedisError/Code/connectionFailed`` when the server cannot be reached or the TLS
    ///   handshake fails (the message says so: an untrusted or mismatched certificate, a missing client
    ///   certificate, a server that does not speak TLS, the connect timeout), ``RedisError/Code/serverError`` when
    ///   it refuses the password (with its code, such as `WRONGPASS`), ``RedisError/Code/invalidConfiguration``
    ///   when a TLS certificate or key cannot be read.
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
        let address = "\(configuration.host):\(configuration.port)"
        var tls: TLS.Prepared?
        if let settings = configuration.tls {
            // Reading certificates (and the system's CA store) is blocking disk I/O: keep it off the event loops and
            // the cooperative pool.
            let host = configuration.host
            do {
                tls = try await NIOThreadPool.singleton.runIfActive { try settings.prepare(host: host) }
            } catch let error as RedisError {
                throw error
            } catch {
                throw RedisError(
                    code: .invalidConfiguration,
                    message: "the TLS settings could not be read",
                    underlying: error
                )
            }
        }
        // The connect timeout covers the network: the TCP connection and the TLS handshake, not reading files.
        let deadline = NIODeadline.now() + timeAmount(configuration.connectTimeout)
        let eventLoop = eventLoopGroup.next()
        let handshake = tls.map { _ in eventLoop.makePromise(of: Void.self) }
        let prepared = tls
        let parser = configuration.parser
        let onPush = configuration.onPush
        let connectTimeout = configuration.connectTimeout
        let closeReason = RedisChannelHandler.CloseReason()
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: eventLoop)
                .connectTimeout(Self.timeAmount(configuration.connectTimeout))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        if let tls = prepared, let handshake {
                            try pipeline.addHandler(
                                NIOSSLClientHandler(context: tls.context, serverHostname: tls.sniHostname)
                            )
                            try pipeline.addHandler(
                                RedisTLSHandshakeHandler(
                                    promise: handshake,
                                    identity: tls.identity,
                                    serverName: tls.serverName,
                                    address: address,
                                    deadline: deadline,
                                    connectTimeout: connectTimeout
                                )
                            )
                        }
                        try pipeline.addHandler(
                            RedisChannelHandler(
                                parser: parser,
                                onPush: onPush,
                                onPubSub: onPubSub,
                                logger: logger,
                                closeReason: closeReason
                            )
                        )
                    }
                }
                .connect(host: configuration.host, port: configuration.port)
                .get()
        } catch {
            handshake?.fail(error)
            throw RedisError(code: .connectionFailed, message: "could not connect to \(address)", underlying: error)
        }
        if let handshake {
            do {
                try await handshake.futureResult.get()
            } catch {
                try? await channel.close()
                logger.debug(
                    "Redis TLS handshake failed",
                    metadata: ["redis.address": "\(address)", "redis.error": "\(error)"]
                )
                throw error as? RedisError
                    ?? RedisError(
                        code: .connectionFailed,
                        message: "TLS handshake with \(address) failed",
                        underlying: error
                    )
            }
        }
        let connection = RedisConnection(
            channel: channel,
            closeReason: closeReason,
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
                    "redis.address": "\(address)", "redis.protocol": "\(version)",
                    "redis.tls": "\(configuration.tls != nil)",
                ]
            )
            return RedisConnection(
                channel: channel,
                closeReason: closeReason,
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
        closeReason.record(RedisError(code: .connectionClosed, message: "the connection was closed by close()"))
        try? await channel.close()
    }

    /// Whether the connection is still open.
    public var isActive: Bool { channel.isActive }

    /// Starts closing without waiting for the close to finish.
    func closeSoon() {
        channel.close(promise: nil)
    }

    /// Completes when the connection closes, for whatever reason.
    var closeFuture: EventLoopFuture<Void> { channel.closeFuture }

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
        write(RedisRequest(bytes: bytes, replies: .one(promise), timeout: timeAmount(timeout)))
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
        for command in commands { command.encode(into: &bytes) }
        // One promise and one suspension for the whole batch: the replies are gathered on the event loop.
        let batch = RedisBatch(count: commands.count, eventLoop: channel.eventLoop)
        write(RedisRequest(bytes: bytes, replies: .batch(batch), timeout: timeAmount(timeout)))
        let replies: [Result<RESPValue, RedisError>]
        do {
            replies = try await batch.promise.futureResult.get()
        } catch {
            let failure = RedisError(code: .connectionFailed, message: "the pipeline failed", underlying: error)
            replies = Array(repeating: .failure(failure), count: commands.count)
        }
        return zip(commands, replies).map { command, reply in
            if case .success(let value) = reply, case .error(let error) = value.withoutAttributes {
                return .failure(.server(error, command: command.name))
            }
            return reply
        }
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
        let closeReason = self.closeReason
        written.futureResult.whenFailure { error in
            // Written after the channel closed: fail with the reason it closed (a TLS alert, a protocol error).
            let failure =
                error as? RedisError ?? closeReason.value
                ?? RedisError(code: .connectionClosed, message: "the connection is closed", underlying: error)
            // A promise the handler already completed ignores this.
            request.replies.fail(failure)
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
