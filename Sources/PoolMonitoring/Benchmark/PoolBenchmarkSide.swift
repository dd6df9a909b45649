/// One thing `mastery bench pool` measures in each round: a pool, a workload and a concurrency.
enum PoolBenchmarkSide: Hashable, Sendable {
    /// Ours on ``StubPoolConnectionFactory``: `withConnection { _ in }` cycles, no I/O at all.
    case stubCycles(tasks: Int)
    /// Ours on PostgreSQL: `withConnection { _ in }` cycles, no query, reset off (so no I/O per cycle either).
    case poolCycles(tasks: Int)
    /// PostgresNIO's `PostgresClient` on PostgreSQL: `withConnection { _ in }` cycles, no query (its lease and
    /// release send nothing; its keepalive only pings connections idle for 30 s).
    case clientCycles(tasks: Int)
    /// Ours on PostgreSQL: `SELECT 1` through `PostgresPooledConnection.query` per `withConnection`, with the reset
    /// on release off, or on (the default, which resets only dirty sessions: a `SELECT` leaves it clean).
    case poolSelect(reset: Bool)
    /// `PostgresClient`: `SELECT 1` per `withConnection`.
    case clientSelect
    /// Ours, reset off, with the tasks running on NIO's event loops (spread evenly, each with its loop's
    /// ``EventLoopTaskExecutor`` as preferred executor): the pool gives each the idle connections of its own loop
    /// first.
    case poolSelectOnLoops
    /// `PostgresClient` with the tasks on the event loops as for ``poolSelectOnLoops``.
    case clientSelectOnLoops
    /// PostgresNIO with no pool: `tasks` connections, each driven by a task of its own running `SELECT 1` back to
    /// back. There is nothing for a pool to do, so this is the most any pool on PostgresNIO gets from that many
    /// connections on this machine.
    case driverSelect(tasks: Int)
    /// pgbench: `SELECT 1` transactions, one connection per client.
    case pgbench
    /// psycopg-pool: `SELECT 1` per `pool.connection()`, in Python.
    case psycopg
}

/// What one side measured in one round.
struct PoolBenchmarkMeasurement: Sendable {
    /// Cycles, queries or transactions per second.
    var perSecond: Double
    /// The median acquire wait, in microseconds, when measured.
    var waitP50: Double?
    /// The 99th percentile acquire wait, in microseconds, when measured.
    var waitP99: Double?
}
