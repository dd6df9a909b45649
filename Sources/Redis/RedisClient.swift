public import Logging
public import NIOCore
public import NIOPosix
public import ServiceLifecycle
import Synchronization

/// A pool of ``RedisConnection``s, run as a `Service`: ``run()`` opens ``Configuration/minimumConnections``, opens
/// more on demand up to ``Configuration/maximumConnections``, replaces connections that break, reconnects with
/// backoff while the server is unreachable, and closes everything on graceful shutdown or cancellation.
///
/// ```swift
/// let redis = try RedisClient(configuration: .init(url: "redis://127.0.0.1:6379"), logger: logger)
/// // add `redis` to the ServiceGroup (or run `redis.run()` in a task), then:
/// try await redis.increment("hits")                   // leases a connection for one command
/// try await redis.withConnection { connection in       // leases one for several (MULTI/EXEC, blocking pops)
///     try await connection.send(["WATCH", "balance"])
/// }
/// ```
///
/// Every typed command of ``RedisCommandExecutor`` works on the client. A leased connection belongs to its caller
/// alone until it is returned, so transactions and blocking commands are safe; independent commands still pipeline
/// when a caller uses ``pipeline(_:timeout:)``.
///
/// A connection that breaks (closed by the server, a command timeout, a protocol error) is discarded and replaced;
/// it is never handed out again. A caller that gets no connection within ``Configuration/connectionWaitTimeout``
/// fails with ``RedisError/Code/timeout`` (every connection busy) or ``RedisError/Code/connectionFailed`` (the
/// server cannot be reached); nothing waits forever.
public final class RedisClient: Service, RedisCommandExecutor {
    /// The configuration the client was created with.
    public let configuration: Configuration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let state = Mutex(RedisPoolState())
    /// Discovery through Sentinel, when ``Configuration/sentinel`` is set.
    private let sentinel: RedisSentinel?
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    /// Creates a client; nothing connects until ``run()`` runs.
    /// - Throws: ``RedisError/Code/invalidConfiguration`` for impossible pool sizes, timeouts or backoff.
    public init(
        configuration: Configuration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) throws {
        try configuration.validate()
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.sentinel = try configuration.sentinel.map {
            try RedisSentinel(configuration: $0, eventLoopGroup: eventLoopGroup, logger: logger)
        }
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// A snapshot of the pool's counters.
    public var statistics: Statistics { state.withLock { $0.statistics } }

    /// Keeps the pool's connections open until graceful shutdown or cancellation, then fails every waiting
    /// caller, closes idle connections, and closes leased ones as they are returned.
    /// - Throws: ``RedisError/Code/invalidConfiguration`` when called a second time.
    public func run() async throws {
        let started = state.withLock { state in
            guard state.lifecycle == .notStarted else { return false }
            state.lifecycle = .running
            return true
        }
        guard started else {
            throw RedisError(code: .invalidConfiguration, message: "RedisClient.run() may be called only once")
        }
        logger.debug("Redis pool starting", metadata: ["redis.pool": "\(configuration)"])
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.maintainConnections() }
                if let sentinel = self.sentinel {
                    group.addTask { await self.followFailovers(sentinel) }
                }
                // Either ends only when cancelled; then end the other.
                await group.next()
                group.cancelAll()
            }
        }
        await shutDown()
    }

    /// Sends one command on a leased connection and returns its reply.
    /// - Throws: as ``RedisConnection/send(_:timeout:)``, and ``RedisError/Code/timeout`` or
    ///   ``RedisError/Code/connectionFailed`` when no connection is free within
    ///   ``Configuration/connectionWaitTimeout``, ``RedisError/Code/connectionClosed`` after shutdown.
    @discardableResult
    public func send(_ command: RedisCommand, timeout: Duration?) async throws -> RESPValue {
        try await withConnection { try await $0.send(command, timeout: timeout) }
    }

    /// Sends many commands in one write on one leased connection; replies come back in order.
    /// - Throws: when no connection can be leased (see ``withConnection(_:)``); per-command failures are elements.
    public func pipeline(
        _ commands: [RedisCommand],
        timeout: Duration? = nil
    ) async throws -> [Result<RESPValue, RedisError>] {
        try await withConnection { await $0.pipeline(commands, timeout: timeout) }
    }

    /// Leases a connection for `body` and returns it to the pool afterwards; a connection that broke meanwhile is
    /// discarded and replaced. Do not keep the connection beyond `body`.
    /// - Throws: ``RedisError/Code/timeout`` or ``RedisError/Code/connectionFailed`` when no connection is free
    ///   within ``Configuration/connectionWaitTimeout``, ``RedisError/Code/connectionClosed`` after shutdown or
    ///   cancellation, and whatever `body` throws.
    public func withConnection<Result: Sendable>(
        _ body: (RedisConnection) async throws -> Result
    ) async throws -> Result {
        let connection = try await lease()
        do {
            let result = try await body(connection)
            release(connection)
            return result
        } catch let error as RedisError {
            // A node that stopped being the primary (READONLY, demoted mid-command) is not reused: the next
            // connection is opened through discovery again.
            release(connection, discard: error.isPrimaryLost)
            throw error
        } catch {
            release(connection)
            throw error
        }
    }

    // MARK: Leasing

    private func lease() async throws -> RedisConnection {
        let fastPath = state.withLock { state -> Result<RedisConnection, RedisError>? in
            switch state.lifecycle {
            case .shutDown:
                return .failure(RedisError(code: .connectionClosed, message: "the Redis client is shut down"))
            case .notStarted, .running:
                return state.takeIdle().map { .success($0) }
            }
        }
        if let fastPath { return try fastPath.get() }

        let id = state.withLock { $0.makeWaiterID() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<RedisConnection, any Error>) in
                let timer = eventLoopGroup.any().scheduleTask(
                    in: RedisConnection.timeAmount(
                        configuration.connectionWaitTimeout
                    )
                ) { [weak self] () -> Void in self?.expire(waiter: id) }
                let outcome = state.withLock { state -> Result<RedisConnection, RedisError>? in
                    if state.lifecycle == .shutDown {
                        return .failure(RedisError(code: .connectionClosed, message: "the Redis client is shut down"))
                    }
                    if Task.isCancelled {
                        return .failure(RedisError(code: .connectionClosed, message: "the waiting task was cancelled"))
                    }
                    if let connection = state.takeIdle() { return .success(connection) }
                    state.enqueue(.init(id: id, continuation: continuation, timer: timer))
                    return nil
                }
                switch outcome {
                case .success(let connection):
                    timer.cancel()
                    continuation.resume(returning: connection)
                case .failure(let error):
                    timer.cancel()
                    continuation.resume(throwing: error)
                case nil:
                    wake.yield()
                }
            }
        } onCancel: {
            fail(waiter: id, with: RedisError(code: .connectionClosed, message: "the waiting task was cancelled"))
        }
    }

    private func release(_ connection: RedisConnection, discard: Bool = false) {
        let (waiter, close) = state.withLock { $0.release(connection, discard: discard) }
        if let waiter {
            waiter.timer.cancel()
            waiter.continuation.resume(returning: connection)
        }
        if close {
            connection.closeSoon()
            wake.yield()
        }
    }

    /// A waiter's time is up: ``RedisError/Code/timeout`` when every connection the pool may open is busy,
    /// ``RedisError/Code/connectionFailed`` when the pool had room but could not connect in time.
    private func expire(waiter id: UInt64) {
        let wait = configuration.connectionWaitTimeout
        let maximum = configuration.maximumConnections
        let error = state.withLock { state -> RedisError in
            let statistics = state.statistics
            if statistics.open >= maximum {
                return RedisError(
                    code: .timeout,
                    message: "no free connection within \(wait): all \(statistics.open) connections are in use"
                )
            }
            let reason = state.lastConnectError.map { ": \($0.message)" } ?? ""
            let hint =
                state.lifecycle == .notStarted
                ? " (the client is not running: add it to a ServiceGroup or call run())" : ""
            return RedisError(
                code: .connectionFailed,
                message: "no connection to Redis could be made within \(wait)\(reason)\(hint)",
                underlying: state.lastConnectError
            )
        }
        fail(waiter: id, with: error)
    }

    private func fail(waiter id: UInt64, with error: RedisError) {
        guard let waiter = state.withLock({ $0.removeWaiter(id: id) }) else { return }
        waiter.timer.cancel()
        waiter.continuation.resume(throwing: error)
    }

    // MARK: Maintaining connections

    private func maintainConnections() async {
        var iterator = wakeups.makeAsyncIterator()
        var failures = 0
        var generator = SystemRandomNumberGenerator()
        let (maximum, minimum) = (configuration.maximumConnections, configuration.minimumConnections)
        while !Task.isCancelled {
            let shouldConnect = state.withLock { state in
                guard state.needsConnection(maximum: maximum, minimum: minimum) else { return false }
                state.startConnecting()
                return true
            }
            guard shouldConnect else {
                guard await iterator.next() != nil else { return }
                continue
            }
            do {
                let connection =
                    if let sentinel {
                        try await sentinel.connectToPrimary(configuration: configuration.connection)
                    } else {
                        try await RedisConnection.connect(
                            configuration: configuration.connection,
                            eventLoopGroup: eventLoopGroup,
                            logger: logger
                        )
                    }
                if failures > 0 {
                    logger.info("Redis reachable again", metadata: ["redis.failed_attempts": "\(failures)"])
                }
                failures = 0
                add(connection)
            } catch {
                failures += 1
                let redisError =
                    error as? RedisError
                    ?? RedisError(code: .connectionFailed, message: "could not connect", underlying: error)
                state.withLock { $0.connectFailed(redisError) }
                let delay = configuration.reconnectBackoff.delay(afterFailures: failures, using: &generator)
                logger.log(
                    level: failures == 1 ? .warning : .debug,
                    "Redis connection failed",
                    metadata: [
                        "redis.error": "\(redisError)", "redis.retry_in": "\(delay)", "redis.attempt": "\(failures)",
                    ]
                )
                do { try await Task.sleep(for: delay) } catch { return }
            }
        }
    }

    private func add(_ connection: RedisConnection) {
        let id = ObjectIdentifier(connection)
        let (waiter, close) = state.withLock { $0.connected(connection) }
        if close {
            connection.closeSoon()
            return
        }
        connection.closeFuture.whenComplete { [weak self] _ in self?.closed(id) }
        if let waiter {
            waiter.timer.cancel()
            waiter.continuation.resume(returning: connection)
        }
        // More waiters, or still under the minimum: open the next one.
        wake.yield()
    }

    /// Follows Sentinel's failover notifications: when the primary moves, every connection opened before is
    /// retired (idle ones closed now, leased ones when returned), so new commands reach the new primary.
    private func followFailovers(_ sentinel: RedisSentinel) async {
        guard let changes = try? sentinel.primaryChanges(backoff: configuration.reconnectBackoff) else { return }
        for await change in changes where change.previous != nil {
            let retired = state.withLock { $0.primaryChanged() }
            logger.info(
                "Redis primary moved; retiring connections to the old one",
                metadata: [
                    "redis.primary.previous": "\(change.previous.map { "\($0)" } ?? "-")",
                    "redis.primary.current": "\(change.current)", "redis.primary.cause": "\(change.cause)",
                    "redis.connections.retired_idle": "\(retired.count)",
                ]
            )
            for connection in retired { connection.closeSoon() }
            wake.yield()
        }
    }

    /// A connection closed (idle or leased): it no longer counts, and the maintenance loop may replace it.
    private func closed(_ id: ObjectIdentifier) {
        guard state.withLock({ $0.closed(id) }) else { return }
        logger.debug("Redis connection closed; the pool will replace it when needed")
        wake.yield()
    }

    private func shutDown() async {
        let (waiters, idle) = state.withLock { $0.shutDown() }
        wake.finish()
        let error = RedisError(code: .connectionClosed, message: "the Redis client is shut down")
        for waiter in waiters {
            waiter.timer.cancel()
            waiter.continuation.resume(throwing: error)
        }
        for connection in idle { await connection.close() }
        logger.debug("Redis pool stopped")
    }
}
