/// Whether the shared store is failing, and when to probe it again: a small state machine, tested without I/O.
struct StoreHealth: Sendable {
    /// When the current failure began (`nil`: the store is healthy).
    private(set) var failingSince: ContinuousClock.Instant?
    private var lastProbe: ContinuousClock.Instant?
    private var probing = false

    /// Whether a decision at `now` should ask the store: always while healthy; while failing, one decision per
    /// `probeInterval` (and never two at once).
    mutating func shouldTry(at now: ContinuousClock.Instant, probeInterval: Duration) -> Bool {
        guard failingSince != nil else { return true }
        if probing { return false }
        if let lastProbe, now - lastProbe < probeInterval { return false }
        probing = true
        lastProbe = now
        return true
    }

    /// Records a failure; returns whether the store just switched from healthy to failing.
    mutating func failed(at now: ContinuousClock.Instant) -> Bool {
        probing = false
        guard failingSince == nil else { return false }
        failingSince = now
        lastProbe = now
        return true
    }

    /// Records a success; returns when the failure began if the store just recovered.
    mutating func succeeded() -> ContinuousClock.Instant? {
        probing = false
        defer { failingSince = nil }
        return failingSince
    }
}
