public import Logging
import PostgresNIO

extension PoolAutoscaler where Factory == PostgresPoolConnectionFactory {
    /// Creates an autoscaler for a PostgreSQL pool: its budget is read from the server
    /// (``AutoscalerBudget/read(from:reserve:instances:instancePrefix:)`` with the configuration's reserve,
    /// instances and instance prefix), and a connect refused with SQLSTATE 53300 backs it off.
    /// - Parameters:
    ///   - pool: The pool to resize.
    ///   - configuration: The rules' settings.
    ///   - clock: The clock its windows are measured and its interval slept on.
    ///   - logger: Receives every decision.
    /// - Throws: ``PoolError`` with code ``PoolError/Code/invalidConfiguration`` naming the setting.
    public convenience init(
        pool: ConnectionPool<PostgresPoolConnectionFactory, C>,
        configuration: AutoscalerConfiguration,
        clock: C,
        logger: Logger
    ) throws {
        let (reserve, instances, prefix) = (
            configuration.reserve, configuration.instances, configuration.instancePrefix
        )
        try self.init(
            pool: pool,
            configuration: configuration,
            clock: clock,
            logger: logger,
            budget: {
                try await AutoscalerBudget.read(
                    from: pool,
                    reserve: reserve,
                    instances: instances,
                    instancePrefix: prefix
                )
            },
            isTooManyConnections: Self.isTooManyConnections
        )
    }

    /// Whether `error` is PostgreSQL's "too many connections" (SQLSTATE 53300), directly or under a ``PoolError``.
    public static func isTooManyConnections(_ error: any Error) -> Bool {
        if let error = error as? PSQLError { return error.serverInfo?[.sqlState] == "53300" }
        if let error = error as? PoolError, let underlying = error.underlying {
            return isTooManyConnections(underlying)
        }
        return false
    }
}

extension PoolAutoscaler where Factory == PostgresPoolConnectionFactory, C == ContinuousClock {
    /// Creates an autoscaler for a ``PostgresPool`` on the continuous clock (see
    /// ``init(pool:configuration:clock:logger:)``).
    /// - Parameters:
    ///   - pool: The pool to resize.
    ///   - configuration: The rules' settings.
    ///   - logger: Receives every decision.
    /// - Throws: ``PoolError`` with code ``PoolError/Code/invalidConfiguration`` naming the setting.
    public convenience init(pool: PostgresPool, configuration: AutoscalerConfiguration, logger: Logger) throws {
        try self.init(pool: pool, configuration: configuration, clock: ContinuousClock(), logger: logger)
    }
}
