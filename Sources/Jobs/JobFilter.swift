public import Foundation

/// Which jobs a list, replay or purge touches: every given field must match. Results come newest first
/// (highest ID first), at most `limit` (1…1,000), starting below `before` when it is set (keyset paging).
public struct JobFilter: Hashable, Sendable {
    /// Only jobs in this state.
    public var state: JobState?
    /// Only jobs on this queue.
    public var queue: String?
    /// Only jobs of this type.
    public var kind: String?
    /// Only jobs with an ID below this one (the last ID of the previous page).
    public var before: JobID?
    /// The most jobs to return or touch.
    public var limit: Int

    /// Creates a filter.
    public init(
        state: JobState? = nil,
        queue: String? = nil,
        kind: String? = nil,
        before: JobID? = nil,
        limit: Int = 100
    ) {
        self.state = state
        self.queue = queue
        self.kind = kind
        self.before = before
        self.limit = limit
    }

    /// Checks the names and the limit.
    /// - Throws: `JobsError` with code `invalidRequest`.
    public func validate() throws {
        if let queue { try JobLimits.validateName(queue, what: "queue") }
        if let kind { try JobLimits.validateName(kind, what: "job type") }
        guard (1...JobLimits.maxPage).contains(limit) else {
            throw JobsError(.invalidRequest, "limit must be between 1 and \(JobLimits.maxPage)")
        }
    }
}

/// Which dead jobs a replay or purge touches.
public enum JobSelection: Hashable, Sendable {
    /// These jobs (1…1,000 IDs); IDs of jobs that are not dead are skipped.
    case ids([JobID])
    /// The dead jobs matching the filter (its `state` is ignored: always `dead`).
    case matching(JobFilter)

    /// Checks the count and the filter.
    /// - Throws: `JobsError` with code `invalidRequest`.
    public func validate() throws {
        switch self {
        case .ids(let ids):
            guard (1...JobLimits.maxPage).contains(ids.count) else {
                throw JobsError(.invalidRequest, "give 1 to \(JobLimits.maxPage) job IDs")
            }
        case .matching(let filter):
            try filter.validate()
        }
    }
}

/// What enqueueing one job did.
public enum EnqueueOutcome: Hashable, Sendable {
    /// A new job was stored.
    case enqueued(JobID)
    /// A pending or running job (or one completed within its `uniqueFor`) holds the unique key: nothing was
    /// stored; this is that job.
    case duplicate(of: JobID)

    /// The new or the existing job's ID.
    public var id: JobID {
        switch self {
        case .enqueued(let id), .duplicate(of: let id): id
        }
    }
}
