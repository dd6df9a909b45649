import Logging
import NIOCore
import NIOPosix

/// One connection to one sentinel, subscribed to its `+switch-master` events (RESP2 pub/sub, which every sentinel
/// speaks). Opening it also asks the sentinel for the primary's current address, in the same write as `SUBSCRIBE`, so
/// that no switch can fall between the answer and the subscription.
final class SentinelSubscription {
    /// The channel sentinels announce a completed failover on: `<name> <old-ip> <old-port> <new-ip> <new-port>`.
    static let switchMasterChannel = "+switch-master"

    /// The sentinel this connection goes to.
    let sentinel: RedisSentinel.Address
    /// The primary's address as the sentinel named it when the subscription started (`nil`: it knows no such name).
    let primaryAtStart: RedisSentinel.Address?
    private let channel: any Channel
    private var values: AsyncThrowingStream<RESPValue, any Error>.AsyncIterator

    private init(
        sentinel: RedisSentinel.Address,
        primaryAtStart: RedisSentinel.Address?,
        channel: any Channel,
        values: AsyncThrowingStream<RESPValue, any Error>.AsyncIterator
    ) {
        self.sentinel = sentinel
        self.primaryAtStart = primaryAtStart
        self.channel = channel
        self.values = values
    }

    deinit {
        channel.close(promise: nil)
    }

    /// Connects to `sentinel`, authenticates, asks for the primary and subscribes to `+switch-master`.
    /// - Throws: ``RedisError``: ``RedisError/Code/connectionFailed`` when the sentinel cannot be reached,
    ///   ``RedisError/Code/serverError`` when it refuses the credentials, ``RedisError/Code/timeout`` when the whole
    ///   handshake takes longer than the configuration's timeout, ``RedisError/Code/connectionClosed``.
    static func open(
        to sentinel: RedisSentinel.Address,
        configuration: RedisSentinel.Configuration,
        eventLoopGroup: any EventLoopGroup,
        logger: Logger
    ) async throws -> SentinelSubscription {
        let (stream, continuation) = AsyncThrowingStream.makeStream(
            of: RESPValue.self,
            throwing: (any Error).self,
            bufferingPolicy: .bufferingNewest(1024)
        )
        let timeout = RedisConnection.timeAmount(configuration.timeout)
        let idle = RedisConnection.timeAmount(configuration.healthCheckInterval)
        let parser = RESPParser.Configuration()
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: eventLoopGroup)
                .connectTimeout(timeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idle))
                        try channel.pipeline.syncOperations.addHandler(
                            SentinelSubscriptionHandler(
                                parser: parser,
                                values: continuation,
                                handshakeTimeout: timeout,
                                logger: logger
                            )
                        )
                    }
                }
                .connect(host: sentinel.host, port: sentinel.port)
                .get()
        } catch {
            continuation.finish()
            throw RedisError(
                code: .connectionFailed,
                message: "could not connect to sentinel \(sentinel)",
                underlying: error
            )
        }
        continuation.onTermination = { _ in channel.close(promise: nil) }

        var commands: [RedisCommand] = []
        if let password = configuration.password {
            commands.append(
                configuration.username.map { RedisCommand("AUTH", $0, password) } ?? RedisCommand("AUTH", password)
            )
        }
        if let name = configuration.clientName { commands.append(RedisCommand("CLIENT", "SETNAME", name)) }
        commands.append(RedisCommand("SENTINEL", "get-master-addr-by-name", configuration.primaryName))
        commands.append(RedisCommand("SUBSCRIBE", switchMasterChannel))
        var bytes = channel.allocator.buffer(capacity: commands.reduce(0) { $0 + $1.encodedLength })
        for command in commands { command.encode(into: &bytes) }

        var values = stream.makeAsyncIterator()
        do {
            try await channel.writeAndFlush(bytes)
            var primary: RedisSentinel.Address?
            for command in commands {
                guard let reply = try await values.next() else {
                    throw RedisError(code: .connectionClosed, message: "the sentinel closed the connection")
                }
                if case .error(let error) = reply.withoutAttributes {
                    throw RedisError.server(error, command: command.name)
                }
                switch command.name {
                case "SENTINEL": primary = try RedisSentinel.primaryAddress(from: reply)
                case "SUBSCRIBE":
                    guard reply.elements?.first?.string?.lowercased() == "subscribe" else {
                        throw RedisError.unexpected(reply, command: "SUBSCRIBE")
                    }
                default: break
                }
            }
            return SentinelSubscription(sentinel: sentinel, primaryAtStart: primary, channel: channel, values: values)
        } catch {
            try? await channel.close()
            if let error = error as? RedisError { throw error }
            throw RedisError(code: .connectionFailed, message: "the sentinel connection failed", underlying: error)
        }
    }

    /// Waits for the next `+switch-master` announcement (whatever primary it is about); other messages (`PING`
    /// replies) are skipped.
    /// - Returns: The announcement's payload, or `nil` when the task was cancelled.
    /// - Throws: ``RedisError`` when the connection closed, failed or went silent.
    func nextSwitch() async throws -> String? {
        while true {
            guard let value = try await values.next() else { return nil }
            guard let elements = value.elements, elements.count == 3,
                elements[0].string?.lowercased() == "message", elements[1].string == Self.switchMasterChannel,
                let payload = elements[2].string
            else { continue }
            return payload
        }
    }

    /// Closes the connection.
    func close() {
        channel.close(promise: nil)
    }
}
