public import NIOCore

/// A cached value with the times that decide how it may be served, as both tiers keep it.
///
/// Times are milliseconds since the Unix epoch (``ResponseCacheClock``). ``epoch`` is the shared tier's
/// invalidation counter read before the origin call that produced the value: an invalidation of the key or one of
/// its tags recorded after that read makes the entry invalid (hard) or stale (soft), and stops it from being stored
/// at all (no stale write-back).
public struct ResponseCacheEntry: Sendable, Hashable {
    /// The cached bytes.
    public var value: ByteBuffer
    /// The tags that invalidate it.
    public var tags: [String]
    /// When the origin call that produced it started.
    public var loadedAt: Int64
    /// Fresh before this time.
    public var freshUntil: Int64
    /// Served stale while one background call refreshes it, before this time.
    public var revalidateUntil: Int64
    /// Kept to be served when the origin fails (stale-if-error), before this time.
    public var staleUntil: Int64
    /// How long the origin call took, in milliseconds (XFetch's δ).
    public var loadMilliseconds: Int64
    /// The shared tier's invalidation epoch read before the origin call (0 without a shared tier).
    public var epoch: UInt64
    /// Soft-purged: served only when the origin fails, never as fresh or while revalidating.
    public var isSoftPurged: Bool

    /// Creates an entry.
    public init(
        value: ByteBuffer,
        tags: [String],
        loadedAt: Int64,
        freshUntil: Int64,
        revalidateUntil: Int64,
        staleUntil: Int64,
        loadMilliseconds: Int64,
        epoch: UInt64,
        isSoftPurged: Bool = false
    ) {
        self.value = value
        self.tags = tags
        self.loadedAt = loadedAt
        self.freshUntil = freshUntil
        self.revalidateUntil = max(revalidateUntil, freshUntil)
        self.staleUntil = max(staleUntil, self.revalidateUntil)
        self.loadMilliseconds = loadMilliseconds
        self.epoch = epoch
        self.isSoftPurged = isSoftPurged
    }

    /// How the entry may be served at `now`.
    public enum Freshness: Sendable, Hashable {
        /// Fresh: serve it.
        case fresh
        /// Stale within stale-while-revalidate: serve it and refresh it in the background.
        case revalidate
        /// Stale (or soft-purged) within its maximum staleness: serve it only if the origin fails.
        case staleIfError
        /// Past its maximum staleness: never serve it.
        case expired
    }

    /// How the entry may be served at `now`.
    public func freshness(at now: Int64) -> Freshness {
        if now >= staleUntil { return .expired }
        if isSoftPurged { return .staleIfError }
        if now < freshUntil { return .fresh }
        if now < revalidateUntil { return .revalidate }
        return .staleIfError
    }

    /// Seconds of freshness left (negative once stale), for `Cache-Status`'s `ttl`.
    public func ttl(at now: Int64) -> Int64 { (freshUntil - now) / 1_000 }

    /// What the entry charges against the in-process tier's budget, besides its key and tags.
    var cost: Int { value.readableBytes + 64 }
}
