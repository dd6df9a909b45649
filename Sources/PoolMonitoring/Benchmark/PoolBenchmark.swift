// `mastery bench pool` comes later (issue 14): the pool on a stub factory (no I/O), as HikariCP's benchmark does,
// and on PostgreSQL beside PostgresNIO's `PostgresClient`. The target exists because every system has one.
