public import Logging
public import NIOCore
public import NIOPosix
import Synchronization

/// Finds the current primary of a Redis deployment watched by Redis Sentinel, and follows its failovers.
///
/// ```swift
/// let sentinel = try RedisSentinel(
///     configuration: .init(sentinels: [.init(host: "10.0.0.1", port: 26379), .init(host: "10.0.0.2", port: 26379)],
///                          primaryName: "mymaster"),
///     logger: logger
/// )
/// let redis = try await sentinel.connectToPrimary(configuration: .init(password: dataPassword))
/// for await change in sentinel.primaryChanges() {
///     // drop connections to change.previous; new ones go to change.current
/// }
/// ```
///
/// Discovery asks the sentinels one after the other with `SENTINEL get-master-addr-by-name` (each within
/// ``Configuration/timeout``; one that cannot be reached is skipped and the one that answers moves to the front of
/// the list for next time), then checks with `ROLE` that the address it got really is a primary: during a failover
/// a sentinel may still name a node that has just become a replica.
///
/// Discovery holds no connection between calls; ``primaryChanges(backoff:)`` holds one connection to one sentinel
/// while it is iterated.
public final class RedisSentinel: Sendable {
    /// The sentinels and the primary's name.
    public let configuration: Configuration
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger
    /// The sentinels in the order they are asked: the last one that answered first.
    private let order: Mutex<[Address]>

    /// Creates a sentinel client; it connects to nothing until asked.
    /// - Parameters:
    ///   - configuration: The sentinels, the primary's name and the sentinels' credentials.
    ///   - eventLoopGroup: The event loops connections run on.
    ///   - logger: Where to log (debug level; `.info` when no sentinel can be watched).
    /// - Throws: ``RedisError/Code/invalidConfiguration`` when the configuration cannot be used.
    public init(
        configuration: Configuration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) throws(RedisError) {
        try configuration.validate()
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.order = Mutex(configuration.sentinels)
    }

    /// The sentinels in the order the next discovery asks them: the one that answered last comes first.
    public var sentinels: [Address] { order.withLock { $0 } }

    /// Asks the sentinels for the primary's address, without checking it.
    ///
    /// The sentinels are asked in ``sentinels`` order; one that cannot be reached, fails or does not know the name
    /// is skipped. The first that names an address moves to the front.
    /// - Returns: The address the first answering sentinel named.
    /// - Throws: ``RedisError``: ``RedisError/Code/primaryNotFound`` when every sentinel that answered knows no
    ///   primary by that name; ``RedisError/Code/connectionFailed`` when none could be asked (the message names how
    ///   many were tried and why each failed; never a password); `CancellationError`.
    public func queryPrimaryAddress() async throws -> Address {
        let sentinels = self.sentinels
        var failures: [String] = []
        var lastFailure: RedisError?
        var unaware = 0
        for sentinel in sentinels {
            try Task.checkCancellation()
            do {
                let reply = try await RedisConnection.withConnection(
                    configuration: configuration.connection(to: sentinel),
                    eventLoopGroup: eventLoopGroup,
                    logger: logger
                ) { connection in
                    try await connection.send(
                        RedisCommand("SENTINEL", "get-master-addr-by-name", configuration.primaryName)
                    )
                }
                guard let address = try Self.primaryAddress(from: reply) else {
                    unaware += 1
                    logger.debug(
                        "Redis sentinel knows no such primary",
                        metadata: [
                            "redis.sentinel": "\(sentinel)", "redis.primary_name": "\(configuration.primaryName)",
                        ]
                    )
                    continue
                }
                moveToFront(sentinel)
                logger.debug(
                    "Redis sentinel named the primary",
                    metadata: [
                        "redis.sentinel": "\(sentinel)", "redis.primary_name": "\(configuration.primaryName)",
                        "redis.primary": "\(address)",
                    ]
                )
                return address
            } catch let error as RedisError {
                logger.debug(
                    "Redis sentinel could not be asked",
                    metadata: ["redis.sentinel": "\(sentinel)", "redis.error": "\(error)"]
                )
                failures.append("\(sentinel) (\(error.code): \(error.message))")
                lastFailure = error
            }
        }
        let name = configuration.primaryName
        if unaware > 0 {
            var message = "no sentinel knows a primary named '\(name)': \(unaware) of \(sentinels.count) answered none"
            if !failures.isEmpty {
                message += "; \(failures.count) could not be asked: " + failures.joined(separator: ", ")
            }
            throw RedisError(code: .primaryNotFound, message: message, underlying: lastFailure)
        }
        throw RedisError(
            code: .connectionFailed,
            message: "none of the \(sentinels.count) sentinels could be asked for primary '\(name)': "
                + failures.joined(separator: ", "),
            underlying: lastFailure
        )
    }

    /// Asks the sentinels for the primary's address and checks with `ROLE` that the node there is a primary.
    /// - Parameter node: How to connect to the data nodes (credentials, timeouts); its host and port are replaced
    ///   by the address the sentinels name.
    /// - Returns: The primary's address.
    /// - Throws: ``RedisError``: as ``queryPrimaryAddress()``; ``RedisError/Code/notPrimary`` when the node there
    ///   is not a primary (a failover is in progress: ask again shortly); the errors of connecting to the node
    ///   (``RedisError/Code/connectionFailed``, ``RedisError/Code/serverError`` for a refused password).
    public func primaryAddress(verifyingWith node: RedisConnection.Configuration) async throws -> Address {
        let connection = try await connectToPrimary(configuration: node)
        await connection.close()
        return Address(host: connection.configuration.host, port: connection.configuration.port)
    }

    /// Opens a connection to the current primary: asks the sentinels for its address, connects there with
    /// `configuration`'s credentials, database and timeouts, and checks with `ROLE` that the node is a primary.
    ///
    /// A connection pool calls this for every new connection, so that new connections follow a failover.
    /// - Parameter configuration: How to set the connection up; its host and port are replaced by the primary's.
    /// - Returns: An open connection to the primary; the caller closes it.
    /// - Throws: as ``primaryAddress(verifyingWith:)``.
    public func connectToPrimary(configuration: RedisConnection.Configuration) async throws -> RedisConnection {
        let address = try await queryPrimaryAddress()
        var configuration = configuration
        configuration.host = address.host
        configuration.port = address.port
        let connection = try await RedisConnection.connect(
            configuration: configuration,
            eventLoopGroup: eventLoopGroup,
            logger: logger
        )
        do {
            try await Self.verifyPrimary(connection, address: address)
            return connection
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Checks with `ROLE` that the connection's node is a primary.
    /// - Throws: ``RedisError/Code/notPrimary`` when it answers any other role; the command's errors.
    static func verifyPrimary(_ connection: some RedisCommandExecutor, address: Address) async throws {
        let reply = try await connection.send(RedisCommand("ROLE"))
        guard let role = reply.elements?.first?.string else { throw RedisError.unexpected(reply, command: "ROLE") }
        guard role == "master" else {
            throw RedisError(
                code: .notPrimary,
                message: "\(address) is not a primary (ROLE answered \(role)): a failover may be in progress"
            )
        }
    }

    /// The address in a `SENTINEL get-master-addr-by-name` reply, or `nil` for a null reply (an unknown name).
    /// - Throws: ``RedisError/Code/unexpectedReply`` for anything but a null or a host and a port.
    static func primaryAddress(from reply: RESPValue) throws(RedisError) -> Address? {
        if reply.isNull { return nil }
        guard let elements = reply.elements, elements.count == 2, let host = elements[0].string, !host.isEmpty,
            let port = elements[1].string.flatMap({ Int($0) }), (1...65535).contains(port)
        else { throw RedisError.unexpected(reply, command: "SENTINEL") }
        return Address(host: host, port: port)
    }

    /// Puts `sentinel` first in the order the sentinels are asked.
    private func moveToFront(_ sentinel: Address) {
        order.withLock { order in
            guard let index = order.firstIndex(of: sentinel), index != 0 else { return }
            order.remove(at: index)
            order.insert(sentinel, at: 0)
        }
    }
}
