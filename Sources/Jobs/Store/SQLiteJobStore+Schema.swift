public import Storage

extension SQLiteJobStore {
    /// The tables of the embedded store, declared for the SQLite tier (the root applies them before the system is
    /// built). ``PostgresJobStore`` declares its own schema.
    ///
    /// Every time (`created_at`, `run_at`, `lease_expires_at`, `finished_at`, `started_at`, `last_seen_at`) is an
    /// INTEGER of microseconds since 1970 (UTC), and every duration (`unique_for`, `timeout`) an INTEGER of
    /// microseconds: exact to the microsecond, as PostgreSQL's `timestamptz`.
    public static let migrations = SchemaMigrations(
        system: "jobs",
        [
            Migration(
                version: 1,
                name: "create jobs, job_attempts, job_queues and job_workers",
                postgres: "",
                sqlite: """
                    CREATE TABLE jobs (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        kind TEXT NOT NULL,
                        queue TEXT NOT NULL,
                        payload BLOB NOT NULL,
                        priority INTEGER NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'completed', 'dead', 'cancelled')),
                        created_at INTEGER NOT NULL,
                        run_at INTEGER NOT NULL,
                        attempt INTEGER NOT NULL,
                        max_attempts INTEGER NOT NULL,
                        claims INTEGER NOT NULL,
                        unique_key TEXT,
                        unique_for INTEGER,
                        concurrency_key TEXT,
                        timeout INTEGER NOT NULL,
                        worker_id TEXT,
                        lease_expires_at INTEGER,
                        cancel_requested INTEGER NOT NULL DEFAULT 0,
                        result BLOB,
                        last_error TEXT,
                        finished_at INTEGER
                    ) STRICT;
                    CREATE INDEX jobs_claim ON jobs (queue, state, priority DESC, run_at, id);
                    CREATE INDEX jobs_lease ON jobs (lease_expires_at) WHERE state = 'running';
                    CREATE INDEX jobs_unique_key ON jobs (unique_key) WHERE unique_key IS NOT NULL;
                    CREATE UNIQUE INDEX jobs_active_unique_key ON jobs (unique_key)
                        WHERE unique_key IS NOT NULL AND state IN ('pending', 'running');
                    CREATE INDEX jobs_by_state ON jobs (state, id);
                    CREATE INDEX jobs_by_queue ON jobs (queue, id);
                    CREATE INDEX jobs_by_kind ON jobs (kind, id);
                    CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;
                    CREATE TABLE job_attempts (
                        job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                        claim INTEGER NOT NULL,
                        attempt INTEGER NOT NULL,
                        worker_id TEXT NOT NULL,
                        started_at INTEGER NOT NULL,
                        finished_at INTEGER,
                        outcome TEXT NOT NULL,
                        error TEXT,
                        PRIMARY KEY (job_id, claim)
                    ) STRICT, WITHOUT ROWID;
                    CREATE TABLE job_queues (
                        queue TEXT PRIMARY KEY NOT NULL,
                        paused INTEGER NOT NULL DEFAULT 0,
                        concurrency_limit INTEGER
                    ) STRICT, WITHOUT ROWID;
                    CREATE TABLE job_workers (
                        id TEXT PRIMARY KEY NOT NULL,
                        host TEXT NOT NULL,
                        pid INTEGER NOT NULL,
                        queues TEXT NOT NULL,
                        started_at INTEGER NOT NULL,
                        last_seen_at INTEGER NOT NULL
                    ) STRICT, WITHOUT ROWID
                    """
            )
        ]
    )
}
