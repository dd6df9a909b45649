/// Counters and gauges of a ``MemoryCache``, summed over its shards.
///
/// The counters only grow (from the cache's creation); `bytes` and `count` are the state when read. Shards are
/// read one after another, so under concurrent use the totals are not one atomic snapshot.
public struct MemoryCacheStatistics: Sendable, Hashable {
    /// Lookups (`value(forKey:)`) that found an entry.
    public var hits = 0
    /// Lookups (`value(forKey:)`) that found none.
    public var misses = 0
    /// Entries inserted or replaced (including new entries admission later refused).
    public var insertions = 0
    /// Entries not kept: new entries refused by TinyLFU admission on leaving the window, and entries larger than
    /// a shard's budget.
    public var rejections = 0
    /// Entries evicted from the main space (or window) to make room for a better one.
    public var evictions = 0
    /// Entries removed on request: by key, by tag, by predicate or all at once.
    public var removals = 0
    /// The bytes the entries charge together.
    public var bytes = 0
    /// The number of entries.
    public var count = 0
    /// The bytes the entries may charge together (the sum of the shards' budgets).
    public var budget = 0

    /// Creates statistics with every counter at zero.
    public init() {}

    /// The share of lookups that hit, 0 when there were none.
    public var hitRatio: Double {
        let lookups = self.hits + self.misses
        return lookups == 0 ? 0 : Double(self.hits) / Double(lookups)
    }

    /// Adds another shard's counters and gauges to these.
    mutating func add(_ other: MemoryCacheStatistics) {
        self.hits += other.hits
        self.misses += other.misses
        self.insertions += other.insertions
        self.rejections += other.rejections
        self.evictions += other.evictions
        self.removals += other.removals
        self.bytes += other.bytes
        self.count += other.count
        self.budget += other.budget
    }
}
