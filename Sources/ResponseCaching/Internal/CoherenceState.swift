import NIOCore

/// What an instance knows about invalidations, kept in a `Mutex` by ``ResponseCache``: the ones applied here lately
/// (so that an origin call that began before one of them does not put its value in process), when this instance
/// last proved it hears the backplane, and the invalidations waiting for the shared tier to come back.
struct CoherenceState: Sendable {
    /// How many invalidations this instance has applied: an origin call notes it when it starts.
    var sequence: UInt64 = 0
    /// The latest invalidations applied, oldest first, with their sequence numbers.
    var recent = CircularBuffer<(sequence: UInt64, target: ResponseCacheInvalidation.Target)>(initialCapacity: 64)
    /// The sequence of the latest flush of everything (a gap, an "everything" invalidation).
    var flushedAt: UInt64 = 0
    /// When this instance last proved that it hears every announcement (its heartbeat's send time); `nil` without a
    /// backplane (one instance: nothing to hear).
    var lastContact: Int64?
    /// Whether a heartbeat has been heard since the cache started (before, nothing in process predates a gap).
    var heard = false
    /// Whether the in-process tier must be flushed at the next heartbeat heard (after a gap in hearing).
    var flushOnContact = false
    /// Before this time, entries read from the shared tier are not trusted (treated as misses): after a gap in
    /// hearing, other instances may still be recording invalidations they made while they could not reach it.
    var quarantineUntil: Int64 = .min
    /// Before this time, the shared tier is not asked (it failed lately).
    var storeDownUntil: Int64 = .min
    /// Invalidations made while the shared tier was down, to record when it answers again.
    var pending: [ResponseCacheInvalidation] = []

    static let recentLimit = 4_096

    /// Notes an invalidation applied here; returns its sequence number.
    mutating func record(_ target: ResponseCacheInvalidation.Target) -> UInt64 {
        sequence += 1
        if case .everything = target { flushedAt = sequence }
        recent.append((sequence, target))
        if recent.count > Self.recentLimit { recent.removeFirst() }
        return sequence
    }

    /// Notes a flush of everything (a gap in hearing the backplane).
    mutating func flush() {
        sequence += 1
        flushedAt = sequence
    }

    /// Whether an invalidation applied after `start` touches `key` or one of `tags` (or may have: the log of recent
    /// ones no longer reaches back to `start`).
    func touched(since start: UInt64, key: String, tags: [String]) -> Bool {
        guard sequence > start else { return false }
        if flushedAt > start { return true }
        guard let oldest = recent.first, oldest.sequence <= start + 1 else { return true }
        for (sequence, target) in recent.reversed() {
            guard sequence > start else { break }
            switch target {
            case .key(let touched): if touched == key { return true }
            case .tag(let tag): if tags.contains(tag) { return true }
            case .everything: return true
            }
        }
        return false
    }

    /// Whether an in-process entry last known valid at `validAt` may be served at `now`, given the time of the last
    /// heartbeat heard (`lastContact`; ``noBackplane`` when there is none to hear): within `lease` of the later of
    /// the two. Called on every in-process hit (event loops included), it reads one atomic, not the state's lock.
    static func mayServe(lastContact: Int64, validAt: Int64, now: Int64, lease: Int64) -> Bool {
        guard lastContact != noBackplane else { return true }
        return now <= max(lastContact, validAt) + lease
    }

    /// The `lastContact` of a cache without a backplane: its in-process entries need no lease.
    static let noBackplane = Int64.max
}
