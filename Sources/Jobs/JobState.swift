/// Where a job is in its life.
///
/// ```
/// pending ──claim──▶ running ──success──▶ completed
///    ▲                  │ ──error, attempts left──▶ pending (runAt = now + backoff)
///    │                  │ ──poison / last attempt──▶ dead ──replay──▶ pending
///    └──lease expired───┘ ──cancel──▶ cancelled
/// ```
///
/// A pending job whose `runAt` is in the future is *scheduled* (a delay, or the wait before a retry); one whose
/// `runAt` has come is *ready*.
public enum JobState: String, Hashable, Sendable, Codable, CaseIterable {
    /// Waiting to run: ready once `runAt` has come.
    case pending
    /// Claimed by a worker, which holds its lease.
    case running
    /// Its handler succeeded.
    case completed
    /// In the dead-letter queue: it failed its last allowed attempt, or failed with a poison error.
    case dead
    /// Cancelled before it completed.
    case cancelled

    /// Whether the job can still run (pending or running): a unique key is held while it is.
    public var isActive: Bool { self == .pending || self == .running }
    /// Whether the job has finished (completed, dead or cancelled).
    public var isFinished: Bool { !isActive }
}
