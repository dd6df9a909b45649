import PostgresNIO

extension AutoscalerBudget {
    /// Reads the budget from the pool's PostgreSQL: `SHOW max_connections`, and, unless `instances` is given, the
    /// instances sharing the server counted as the distinct `application_name`s in `pg_stat_activity` that start
    /// with `instancePrefix` (at least 1: this one; 1 when there is no prefix either).
    /// - Parameters:
    ///   - pool: The pool whose server it is (one pooled connection, briefly).
    ///   - reserve: Connections kept for others.
    ///   - instances: The instances sharing the server, when configured.
    ///   - instancePrefix: The `application_name` prefix the instances share, to count them.
    /// - Returns: The budget.
    /// - Throws: ``PoolError`` (no connection), or the server's `PSQLError`.
    public static func read<C: Clock>(
        from pool: ConnectionPool<PostgresPoolConnectionFactory, C>,
        reserve: Int,
        instances: Int? = nil,
        instancePrefix: String? = nil
    ) async throws -> AutoscalerBudget where C.Duration == Duration {
        let setting = try await pool.query("SHOW max_connections", label: "autoscaler.budget")
        guard let text = try setting.first?.decode(String.self), let maxConnections = Int(text) else {
            throw PoolError(.invalidConfiguration, "the server's max_connections could not be read")
        }
        var count = instances ?? 1
        if instances == nil, let instancePrefix {
            let rows = try await pool.query(
                """
                SELECT count(DISTINCT application_name) FROM pg_stat_activity
                WHERE left(application_name, length(\(instancePrefix))) = \(instancePrefix)
                """,
                label: "autoscaler.budget"
            )
            count = max(1, Int(try rows.first?.decode(Int64.self) ?? 1))
        }
        return AutoscalerBudget(maxConnections: maxConnections, reserve: reserve, instances: count)
    }
}
