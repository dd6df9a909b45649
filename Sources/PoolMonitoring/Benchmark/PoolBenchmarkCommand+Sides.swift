import Benchmarking
import Logging
import NIOPosix
import PoolMonitoring
import PostgresNIO
import Storage

extension PoolBenchmarkCommand {
    /// A logger for the pools under test: silent, so logging costs nothing on either side.
    static let quiet = Logger(label: "mastery.bench.pool", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Measures one in-process side once: its pool started fresh, the warm-up, the window, the pool stopped.
    func measure(_ side: PoolBenchmarkSide, server: PostgresURL?) async throws -> PoolBenchmarkMeasurement {
        let warmUp = warmUpDuration
        let duration = windowDuration
        switch side {
        case .stubCycles(let count):
            return try await withPool(StubPoolConnectionFactory(), resetOnRelease: false) { pool in
                let load = PoolLoad(tasks: count, warmUp: warmUp, duration: duration)
                return PoolBenchmarkMeasurement(
                    perSecond: try await load.run { _ in
                        try await pool.withConnection(label: "bench") { _ in }
                        return nil
                    }.perSecond
                )
            }
        case .poolCycles(let count):
            return try await withPool(try postgresFactory(server), resetOnRelease: false) { pool in
                let load = PoolLoad(tasks: count, warmUp: warmUp, duration: duration)
                return PoolBenchmarkMeasurement(
                    perSecond: try await load.run { _ in
                        try await pool.withConnection(label: "bench") { _ in }
                        return nil
                    }.perSecond
                )
            }
        case .clientCycles(let count):
            return try await withClient(try requireServer(server)) { client in
                let load = PoolLoad(tasks: count, warmUp: warmUp, duration: duration)
                return PoolBenchmarkMeasurement(
                    perSecond: try await load.run { _ in
                        try await client.withConnection { _ in }
                        return nil
                    }.perSecond
                )
            }
        case .poolSelect, .poolSelectOnLoops:
            let reset = side == .poolSelect(reset: true)
            return try await withPool(try postgresFactory(server), resetOnRelease: reset) { pool in
                var load = PoolLoad(tasks: tasks, warmUp: warmUp, duration: duration)
                if side == .poolSelectOnLoops { load.executors = Self.loopExecutors }
                return Self.measurement(
                    try await load.run { _ in
                        let called = ContinuousClock.now
                        return try await pool.withConnection(label: "bench") { pooled in
                            let waited = called.duration(to: .now)
                            // The pooled connection's own query: close-safe, and a SELECT leaves the session clean.
                            let rows = try await pooled.query("SELECT 1", logger: Self.quiet)
                            for try await _ in rows {}
                            return waited
                        }
                    }
                )
            }
        case .clientSelect, .clientSelectOnLoops:
            return try await withClient(try requireServer(server)) { client in
                var load = PoolLoad(tasks: tasks, warmUp: warmUp, duration: duration)
                if side == .clientSelectOnLoops { load.executors = Self.loopExecutors }
                return Self.measurement(
                    try await load.run { _ in
                        let called = ContinuousClock.now
                        return try await client.withConnection { connection in
                            let waited = called.duration(to: .now)
                            try await Self.selectOne(on: connection)
                            return waited
                        }
                    }
                )
            }
        case .driverSelect(let count):
            return try await withConnections(count, try postgresFactory(server)) { connections in
                let load = PoolLoad(tasks: count, warmUp: warmUp, duration: duration)
                return PoolBenchmarkMeasurement(
                    perSecond: try await load.run { task in
                        try await Self.selectOne(on: connections[task].connection)
                        return nil
                    }.perSecond
                )
            }
        case .pgbench, .psycopg:
            throw BenchmarkError(code: .invalidArgument, message: "\(side) runs as a process of its own")
        }
    }

    /// One executor per event loop of the group both pools open their connections on.
    static var loopExecutors: [any TaskExecutor] {
        MultiThreadedEventLoopGroup.singleton.makeIterator().map { EventLoopTaskExecutor.shared(for: $0) }
    }

    /// The rate and the acquire-wait percentiles of a run.
    static func measurement(_ result: PoolLoad.Result) -> PoolBenchmarkMeasurement {
        let percentiles = LatencyProbe.Result.percentiles(of: result.waits)
        return PoolBenchmarkMeasurement(
            perSecond: result.perSecond,
            waitP50: percentiles.p50,
            waitP99: percentiles.p99
        )
    }

    /// `SELECT 1`, its one row read: one round trip (PostgresNIO's extended protocol, an unnamed statement).
    static func selectOne(on connection: PostgresConnection) async throws {
        let rows = try await connection.query("SELECT 1", logger: quiet)
        for try await _ in rows {}
    }

    func requireServer(_ server: PostgresURL?) throws -> PostgresURL {
        guard let server else {
            throw BenchmarkError(code: .invalidArgument, message: "this measurement needs PostgreSQL")
        }
        return server
    }

    /// Our PostgreSQL factory for `server`, with the TLS its `sslmode` asks for (as `PostgresURL` gives
    /// `PostgresClient`).
    func postgresFactory(_ server: PostgresURL?) throws -> PostgresPoolConnectionFactory {
        let server = try requireServer(server)
        var unverified = TLSConfiguration.makeClientConfiguration()
        unverified.certificateVerification = .none
        let tls: PostgresConnection.Configuration.TLS =
            switch server.sslMode {
            case .disable: .disable
            case .require: .require(try NIOSSLContext(configuration: unverified))
            case .verifyFull: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            default: .prefer(try NIOSSLContext(configuration: unverified))
            }
        let configuration = PostgresConnection.Configuration(
            host: server.host,
            port: server.port,
            username: server.username,
            password: server.password,
            database: server.database,
            tls: tls
        )
        return PostgresPoolConnectionFactory(
            configuration: configuration,
            applicationName: "mastery-bench-pool",
            logger: Self.quiet
        )
    }

    /// Runs `body` with our pool of ``connections`` connections, all open, running; stops it afterwards.
    func withPool<Factory: PoolConnectionFactory, Result: Sendable>(
        _ factory: Factory,
        resetOnRelease: Bool,
        _ body: (ConnectionPool<Factory, ContinuousClock>) async throws -> Result
    ) async throws -> Result {
        var configuration = PoolConfiguration()
        configuration.minimum = connections
        configuration.maximum = connections
        configuration.maximumWaiters = max(configuration.maximumWaiters, tasks, cycleTaskCounts.max() ?? 0)
        configuration.resetOnRelease = resetOnRelease
        if factory is StubPoolConnectionFactory {
            // Nothing to validate on a stub; PostgreSQL keeps the default (5 s), which a loaded pool never reaches.
            configuration.validationThreshold = .seconds(86_400)
        }
        let pool = try ConnectionPool(factory: factory, configuration: configuration, logger: Self.quiet)
        let connections = self.connections
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await pool.run() }
            defer { group.cancelAll() }
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(30)
            while pool.snapshot().idle < connections {
                guard clock.now < deadline else {
                    throw BenchmarkError(
                        code: .timedOut,
                        message: "the pool did not open \(connections) connections within 30 s"
                    )
                }
                try await clock.sleep(for: .milliseconds(5))
            }
            return try await body(pool)
        }
    }

    /// Runs `body` with `count` connections opened by `factory`, no pool; closes them afterwards.
    func withConnections<Result: Sendable>(
        _ count: Int,
        _ factory: PostgresPoolConnectionFactory,
        _ body: ([PostgresPooledConnection]) async throws -> Result
    ) async throws -> Result {
        var connections: [PostgresPooledConnection] = []
        do {
            for id in 0..<count { connections.append(try await factory.makeConnection(id: id)) }
            let result = try await body(connections)
            for connection in connections { await factory.close(connection) }
            return result
        } catch {
            for connection in connections { await factory.close(connection) }
            throw error
        }
    }

    /// Runs `body` with a `PostgresClient` of ``connections`` connections (minimum and maximum), running; stops it
    /// afterwards. Its connections open during the warm-up.
    func withClient<Result: Sendable>(
        _ server: PostgresURL,
        _ body: (PostgresClient) async throws -> Result
    ) async throws -> Result {
        var configuration = server.clientConfiguration
        configuration.options.minimumConnections = connections
        configuration.options.maximumConnections = connections
        configuration.options.additionalStartupParameters = [("application_name", "mastery-bench-client")]
        let client = PostgresClient(configuration: configuration, backgroundLogger: Self.quiet)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}
