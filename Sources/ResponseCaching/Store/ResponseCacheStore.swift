/// The shared tier (L2) and its invalidation bookkeeping: the seam between ``ResponseCache`` and Redis.
///
/// Every invalidation advances one counter, the epoch, and records it against its key or tag. An entry remembers the
/// epoch read before the origin call that produced it; an entry older than an invalidation of its key or one of its
/// tags is invalid (hard) or stale (soft) on every read, and is refused when stored. That is how a slow origin call
/// that began before a write cannot store the old value after it.
public protocol ResponseCacheStore: Sendable {
    /// The entry for `key`, already marked soft-purged when a soft invalidation is newer than it; `nil` when absent,
    /// expired or hard-invalidated.
    func entry(forKey key: String) async throws -> ResponseCacheEntry?

    /// Stores `entry` (for at most `lifetime`) unless the key or one of its tags was invalidated after
    /// `entry.epoch`; whether it was stored.
    func store(_ entry: ResponseCacheEntry, forKey key: String, lifetime: Duration) async throws -> Bool

    /// Stores `entry` as the key's new value, invalidating every older one on every instance (write-through): the
    /// epoch is advanced and given to the entry atomically. Returns the announcement.
    func replace(
        _ entry: ResponseCacheEntry,
        forKey key: String,
        lifetime: Duration,
        origin: String
    ) async throws -> ResponseCacheInvalidation

    /// The current epoch: read before an origin call.
    func epoch() async throws -> UInt64

    /// Records and announces an invalidation (the key's entry is deleted for a hard key invalidation); returns it
    /// with its epoch.
    func invalidate(
        _ target: ResponseCacheInvalidation.Target,
        soft: Bool,
        origin: String
    ) async throws -> ResponseCacheInvalidation

    /// Takes the key's cross-instance fill lock for `lifetime` if nobody holds it.
    func lock(_ key: String, token: String, lifetime: Duration) async throws -> Bool

    /// Releases the key's fill lock if `token` still holds it.
    func unlock(_ key: String, token: String) async throws
}
