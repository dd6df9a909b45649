/// How long one entry lives and how its origin call is bounded: FusionCache's entry options, with Varnish's grace.
///
/// An entry is fresh for ``duration`` (plus up to ``jitter``, so that entries loaded together do not expire
/// together); then, for ``staleWhileRevalidate``, it is served while one background call refreshes it; then, up to
/// ``maximumStaleness`` after it stopped being fresh, it is kept only to be served when the origin fails
/// (stale-if-error, FusionCache's fail-safe).
public struct ResponseCacheEntryOptions: Sendable, Hashable {
    /// How long the entry is fresh.
    public var duration: Duration
    /// The most added at random to ``duration`` per entry (uniform), so that a batch of entries does not expire at
    /// one instant.
    public var jitter: Duration
    /// After ``duration``: how long a stale entry is served while a background call refreshes it.
    public var staleWhileRevalidate: Duration
    /// After ``duration``: how long a stale entry is kept to be served when the origin fails or times out. At least
    /// ``staleWhileRevalidate``.
    public var maximumStaleness: Duration
    /// How long a caller waits for the origin when a stale value could be served instead; then it gets the stale
    /// value and the call completes in the background. `nil`: no soft timeout.
    public var softTimeout: Duration?
    /// How long a caller waits for the origin at most; then it gets the stale value if any, else
    /// ``ResponseCacheError/Code/originTimeout``. The call still completes (and stores) in the background.
    public var hardTimeout: Duration?
    /// The tags that invalidate the entry (`product:42`).
    public var tags: [String]
    /// XFetch's β: how eagerly a hit refreshes an entry before it expires (0 never; 1 the paper's default; larger is
    /// earlier). The probability grows as expiry nears and with how long the origin took last time.
    public var earlyRefreshBeta: Double

    /// Options with a fresh `duration` and every other setting off (no jitter, no staleness, no timeouts).
    public init(
        duration: Duration,
        jitter: Duration = .zero,
        staleWhileRevalidate: Duration = .zero,
        maximumStaleness: Duration = .zero,
        softTimeout: Duration? = nil,
        hardTimeout: Duration? = nil,
        tags: [String] = [],
        earlyRefreshBeta: Double = 1
    ) {
        self.duration = duration
        self.jitter = jitter
        self.staleWhileRevalidate = staleWhileRevalidate
        self.maximumStaleness = max(maximumStaleness, staleWhileRevalidate)
        self.softTimeout = softTimeout
        self.hardTimeout = hardTimeout
        self.tags = tags
        self.earlyRefreshBeta = earlyRefreshBeta
    }

    /// Checks the durations and the tags.
    /// - Throws: ``ResponseCacheError`` with code ``ResponseCacheError/Code/invalidConfiguration`` or
    ///   ``ResponseCacheError/Code/invalidKey``.
    public func validate() throws(ResponseCacheError) {
        for (name, value) in [
            ("duration", duration), ("jitter", jitter), ("staleWhileRevalidate", staleWhileRevalidate),
            ("maximumStaleness", maximumStaleness),
        ] where value < .zero {
            throw ResponseCacheError(.invalidConfiguration, "\(name) must not be negative (it is \(value))")
        }
        for (name, value) in [("softTimeout", softTimeout), ("hardTimeout", hardTimeout)] {
            if let value, value <= .zero {
                throw ResponseCacheError(.invalidConfiguration, "\(name) must be positive (it is \(value))")
            }
        }
        guard earlyRefreshBeta >= 0, earlyRefreshBeta.isFinite else {
            throw ResponseCacheError(.invalidConfiguration, "earlyRefreshBeta must be a finite number ≥ 0")
        }
        guard tags.count <= ResponseCacheKey.maximumTags else {
            throw ResponseCacheError(.invalidKey, "an entry has at most \(ResponseCacheKey.maximumTags) tags")
        }
        for tag in tags { try ResponseCacheKey.validate(tag, kind: "tag") }
    }
}
