public import PostgresNIO

/// A PostgresNIO connection as the pool hands it out, with its server process's id.
public struct PostgresPooledConnection: Sendable {
    /// The connection: run queries on it, never close it (the pool does).
    public let connection: PostgresConnection
    /// The server process serving it (`pg_backend_pid()`, read when it opened): what `pg_cancel_backend` targets
    /// and `pg_stat_activity.pid` shows.
    public let backendPID: Int32
}
