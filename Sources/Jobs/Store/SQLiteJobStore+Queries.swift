extension SQLiteJobStore {
    /// The statements whose speed depends on an index. Each names its index (`INDEXED BY`): a young database has
    /// no statistics, and SQLite's planner then prefers `jobs_by_state`, which would scan every completed job.
    /// `SQLiteJobStoreTests` checks each plan.
    enum Query {
        /// Ready jobs of a queue in claim order (queue, state, run_at): the cursor stops once a claim is full.
        static let readyJobs = """
            SELECT id, concurrency_key FROM jobs INDEXED BY jobs_claim \
            WHERE queue = ? AND state = 'pending' AND run_at <= ? ORDER BY priority DESC, run_at, id
            """
        /// Running jobs of a queue, for its global concurrency limit.
        static let runningInQueue = """
            SELECT COUNT(*) FROM jobs INDEXED BY jobs_claim WHERE queue = ? AND state = 'running'
            """
        /// Concurrency keys held by running jobs (the small partial index of running jobs).
        static let runningKeys = """
            SELECT concurrency_key FROM jobs INDEXED BY jobs_lease \
            WHERE state = 'running' AND concurrency_key IS NOT NULL
            """
        /// Running jobs whose lease expired.
        static let expiredLeases = """
            SELECT id, claims, attempt, max_attempts, cancel_requested, worker_id FROM jobs INDEXED BY jobs_lease \
            WHERE state = 'running' AND lease_expires_at < ?
            """
        /// Running jobs with their workers, for the worker registry.
        static let runningByWorker = """
            SELECT worker_id, id FROM jobs INDEXED BY jobs_lease WHERE state = 'running' AND worker_id IS NOT NULL
            """
        /// The job holding a unique key at a time: pending or running, or completed less than `unique_for` ago.
        static let holder = """
            SELECT id FROM jobs INDEXED BY jobs_unique_key WHERE unique_key = ? \
            AND (state IN ('pending', 'running') OR (state = 'completed' AND finished_at + unique_for > ?)) LIMIT 1
            """
        /// Deletes finished jobs past their retention, oldest first, at most a limit.
        static let prune = """
            DELETE FROM jobs WHERE id IN (SELECT id FROM jobs INDEXED BY jobs_finished WHERE finished_at < ? \
            AND ((state IN ('completed', 'cancelled') AND finished_at < ?) OR (state = 'dead' AND finished_at < ?)) \
            ORDER BY finished_at, id LIMIT ?)
            """
        /// Jobs finished since a time, per queue, minute (floored, also before 1970) and final state.
        static let activity = """
            SELECT queue, finished_at / 60000000 - (finished_at % 60000000 < 0) AS minute, state, COUNT(*) \
            FROM jobs INDEXED BY jobs_finished WHERE finished_at >= ? AND state IN ('completed', 'dead', 'cancelled') \
            GROUP BY queue, minute, state
            """
        /// Jobs per queue and state, with the ready count and oldest ready time (`?1` is now); reads the claim
        /// index only.
        static let statistics = """
            SELECT queue, state, COUNT(*), SUM(run_at <= ?1), MIN(CASE WHEN run_at <= ?1 THEN run_at END) \
            FROM jobs INDEXED BY jobs_claim GROUP BY queue, state
            """

        /// Each statement with the index it must use.
        static let indexed: [(sql: String, index: String)] = [
            (readyJobs, "jobs_claim"), (runningInQueue, "jobs_claim"), (runningKeys, "jobs_lease"),
            (expiredLeases, "jobs_lease"), (runningByWorker, "jobs_lease"), (holder, "jobs_unique_key"),
            (prune, "jobs_finished"), (activity, "jobs_finished"), (statistics, "jobs_claim"),
        ]
    }
}
