// Public only because the inlinable lookup (specialized in the caller's module) takes the shard's `Mutex`.
public import Synchronization

/// The in-process tier of the response cache: a concurrent, byte-bounded map from keys to values.
///
/// The cache is split into shards by the key's hash, each behind its own `Mutex`, so requests for different keys
/// rarely wait for each other. Each shard keeps its entries under a W-TinyLFU policy, the design of Caffeine: a
/// window LRU (about 1 % of the shard's bytes) in front of a segmented LRU main space (probation about 20 %,
/// protected about 80 %), with a count-min sketch of 4-bit counters deciding whether an entry leaving the window
/// deserves a place more than the main space's victim. That keeps a frequently used working set through scans of
/// keys used once, which would flush a plain LRU.
///
/// Guarantees:
/// - The entries never charge more than `budget` bytes together (each shard holds its share).
/// - Each entry charges `cost + key.utf8.count + (tags' utf8 bytes) + MemoryCache.entryOverhead`.
/// - Tags are indexed exactly: `removeAll(taggedWith:)` removes precisely the live entries carrying the tag.
///
/// Every closure passed to the cache runs under a shard's lock: it must be quick, and must not call back into the
/// cache (that would deadlock or, on the same shard, trap).
//
// `@unchecked Sendable` is safe: the only state is `shards`, a buffer allocated in `init`, never reassigned, and
// freed in `deinit` (when no other reference remains); every access to a shard goes through its `Mutex`.
public final class MemoryCache<Value: Sendable>: @unchecked Sendable {
    /// One shard behind its lock.
    @usableFromInline
    typealias Shard = Mutex<MemoryCacheShard<Value>>

    /// The smallest budget a default shard count leaves each shard.
    static var minimumDefaultShardBudget: Int { 256 * 1_024 }

    /// The shards, in one buffer: reaching one costs no reference counting, so threads using different shards
    /// share no cache line.
    @usableFromInline
    let shards: UnsafeMutablePointer<Shard>
    @usableFromInline
    let shardMask: Int

    /// The bytes each entry charges on top of its cost, key and tags: the slab slot, the key index entry and
    /// the share of the bookkeeping an entry brings (measured on 64-bit platforms, rounded up).
    public static var entryOverhead: Int { 96 }

    /// Creates an empty cache.
    /// - Parameters:
    ///   - budget: the bytes all entries may charge together; never exceeded, at any moment. Each shard gets an
    ///     equal share, so an entry larger than `budget / shards` is never kept.
    ///   - shards: the number of shards, a power of two. By default the smallest power of two at least four times
    ///     the number of active processors, at most 64, and fewer when that would leave a shard under 256 KiB.
    public init(budget: Int, shards: Int? = nil) {
        precondition(budget >= 0, "MemoryCache: the budget must not be negative")
        let count = shards ?? Self.defaultShardCount(budget: budget)
        precondition(count > 0 && count & (count - 1) == 0, "MemoryCache: the shard count must be a power of two")
        self.shards = UnsafeMutablePointer<Shard>.allocate(capacity: count)
        for index in 0..<count {
            (self.shards + index).initialize(
                to: Mutex(MemoryCacheShard(budget: budget / count, seed: 0x4D43_5348 &+ UInt64(index)))
            )
        }
        self.shardMask = count - 1
    }

    deinit {
        self.shards.deinitialize(count: self.shardCount)
        self.shards.deallocate()
    }

    /// The default shard count for a budget (see ``init(budget:shards:)``).
    static func defaultShardCount(budget: Int, processors: Int = MemoryCache.activeProcessorCount) -> Int {
        var count = 1
        while count < 4 * processors, count < 64 {
            count <<= 1
        }
        while count > 1, budget / count < Self.minimumDefaultShardBudget {
            count >>= 1
        }
        return count
    }

    /// The number of shards.
    public var shardCount: Int { self.shardMask + 1 }

    /// The bytes an entry charges against the budget.
    /// - Parameters:
    ///   - cost: the value's bytes, as the caller counts them (a negative cost counts as 0).
    ///   - key: the entry's key.
    ///   - tags: the entry's tags.
    public static func charge(cost: Int, key: String, tags: [String] = []) -> Int {
        var charge = max(cost, 0) + key.utf8.count + Self.entryOverhead
        for tag in tags {
            charge += tag.utf8.count
        }
        return charge
    }

    /// Returns the value for a key, recording the request for the policy (a miss is counted too, as TinyLFU
    /// counts every request).
    ///
    /// Inlinable, so a caller in another module gets it specialized for its `Value`: the lookup is the hot path.
    @inlinable
    public func value(forKey key: String) -> Value? {
        let hash = key.hashValue
        return self.shards[hash & self.shardMask].withLock { $0.value(forKey: key, hash: hash) }
    }

    /// Returns the value for a key without affecting the policy or the statistics.
    public func peek(forKey key: String) -> Value? {
        let hash = key.hashValue
        return self.shards[hash & self.shardMask].withLock { $0.peek(forKey: key, hash: hash) }
    }

    /// Inserts a value, or replaces the key's value, cost and tags.
    /// - Parameters:
    ///   - value: the value.
    ///   - key: the key.
    ///   - cost: the value's bytes as the caller counts them; the entry charges ``charge(cost:key:tags:)``.
    ///   - tags: tags to find the entry by (`removeAll(taggedWith:)`, `modifyAll(taggedWith:_:)`).
    /// - Returns: whether the entry is in the cache afterwards. False when it is larger than a shard's budget (a
    ///   replaced entry is then removed), or when TinyLFU admission refused it at once (a new entry normally waits
    ///   in the window, and admission decides when it leaves). A replace that fits is always kept.
    @discardableResult
    public func insert(_ value: Value, forKey key: String, cost: Int, tags: [String] = []) -> Bool {
        let hash = key.hashValue
        let charge = Self.charge(cost: cost, key: key, tags: tags)
        return self.shards[hash & self.shardMask].withLock {
            $0.insert(value, forKey: key, hash: hash, charge: charge, tags: tags)
        }
    }

    /// Removes a key's entry.
    /// - Returns: the value removed, or `nil` when there was none.
    @discardableResult
    public func removeValue(forKey key: String) -> Value? {
        let hash = key.hashValue
        return self.shards[hash & self.shardMask].withLock { $0.removeValue(forKey: key, hash: hash) }
    }

    /// Changes a key's value in place, keeping its cost, tags and place in the policy (a soft purge marks it stale).
    /// - Parameters:
    ///   - key: the key.
    ///   - body: the change; runs under the shard's lock, so it must be quick and must not use the cache.
    /// - Returns: false when the key has no entry.
    @discardableResult
    public func modify(forKey key: String, _ body: (inout Value) -> Void) -> Bool {
        let hash = key.hashValue
        return self.shards[hash & self.shardMask].withLock { $0.modify(forKey: key, hash: hash, body) }
    }

    /// Empties the cache; the statistics' counters and the frequency sketch stay.
    public func removeAll() {
        for index in 0..<self.shardCount {
            self.shards[index].withLock { $0.removeAll() }
        }
    }

    /// The counters and gauges, summed over the shards (read one after another).
    public var statistics: MemoryCacheStatistics {
        var total = MemoryCacheStatistics()
        for index in 0..<self.shardCount {
            total.add(self.shards[index].withLock { $0.statistics })
        }
        return total
    }

    /// Runs `body` on every shard in turn, under its lock.
    func forEachShard<Result>(_ body: (inout MemoryCacheShard<Value>) -> Result) -> [Result] {
        (0..<self.shardCount).map { index in self.shards[index].withLock { body(&$0) } }
    }
}
