import Synchronization

/// The cache's counters since it started, and its in-process tier now.
public struct ResponseCacheStatistics: Sendable, Hashable {
    /// Fresh hits in process.
    public var memoryHits: Int
    /// Fresh hits in the shared tier.
    public var sharedHits: Int
    /// Reads that found nothing fresh in process.
    public var misses: Int
    /// Stale values served (while revalidating, or because the origin failed or timed out).
    public var staleServed: Int
    /// Origin calls made.
    public var originCalls: Int
    /// Origin calls that failed.
    public var originFailures: Int
    /// Origin calls made for a key passed (hit-for-pass).
    public var passes: Int
    /// In-process entries not served because the backplane had not been heard within the lease.
    public var leaseBypasses: Int
    /// Shared-tier entries not trusted because this instance had just heard the backplane again after a gap.
    public var quarantined: Int
    /// Shared-tier calls that failed or timed out.
    public var storeErrors: Int
    /// Invalidations made here.
    public var invalidationsMade: Int
    /// Invalidations of other instances heard.
    public var invalidationsHeard: Int
    /// The in-process tier.
    public var memory: MemoryCacheStatistics
    /// When this instance last heard its own heartbeat (milliseconds since the epoch); `nil` before the first, or
    /// without a backplane.
    public var lastContact: Int64?
    /// Invalidations waiting for the shared tier to answer again.
    public var pendingInvalidations: Int
}

/// The counters behind ``ResponseCacheStatistics``: atomics, so that a hit takes no lock for them.
final class ResponseCacheCounters: Sendable {
    let memoryHits = Atomic<Int>(0)
    let sharedHits = Atomic<Int>(0)
    let misses = Atomic<Int>(0)
    let staleServed = Atomic<Int>(0)
    let originCalls = Atomic<Int>(0)
    let originFailures = Atomic<Int>(0)
    let passes = Atomic<Int>(0)
    let leaseBypasses = Atomic<Int>(0)
    let quarantined = Atomic<Int>(0)
    let storeErrors = Atomic<Int>(0)
    let invalidationsMade = Atomic<Int>(0)
    let invalidationsHeard = Atomic<Int>(0)

    func snapshot(
        memory: MemoryCacheStatistics,
        lastContact: Int64?,
        pendingInvalidations: Int
    )
        -> ResponseCacheStatistics
    {
        ResponseCacheStatistics(
            memoryHits: memoryHits.load(ordering: .relaxed),
            sharedHits: sharedHits.load(ordering: .relaxed),
            misses: misses.load(ordering: .relaxed),
            staleServed: staleServed.load(ordering: .relaxed),
            originCalls: originCalls.load(ordering: .relaxed),
            originFailures: originFailures.load(ordering: .relaxed),
            passes: passes.load(ordering: .relaxed),
            leaseBypasses: leaseBypasses.load(ordering: .relaxed),
            quarantined: quarantined.load(ordering: .relaxed),
            storeErrors: storeErrors.load(ordering: .relaxed),
            invalidationsMade: invalidationsMade.load(ordering: .relaxed),
            invalidationsHeard: invalidationsHeard.load(ordering: .relaxed),
            memory: memory,
            lastContact: lastContact,
            pendingInvalidations: pendingInvalidations
        )
    }
}
