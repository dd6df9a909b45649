/// One shard of a ``MemoryCache``: the entries whose keys hash to it, under a W-TinyLFU policy bounded by bytes.
///
/// The shard is a plain value kept inside a `Mutex`; every method runs under that lock. New entries enter a small
/// window LRU; an entry pushed out of the window becomes a candidate for the main space (a segmented LRU of a
/// probationary and a protected segment) and is kept only if the frequency sketch says it is asked for more often
/// than the main space's victim.
///
/// Entries live in a slab of parallel arrays indexed by slot: `links` (the policy's queues, see
/// ``MemoryCacheLink``), `keys`, `values` and `tags`. Only `values` depends on `Value`, so the policy's code is
/// fast even where the cache is used unspecialized from another module.
@usableFromInline
struct MemoryCacheShard<Value: Sendable>: Sendable {
    typealias Link = MemoryCacheLink

    /// The bytes the shard's entries may charge together.
    let budget: Int
    /// The window's share of the budget.
    let windowBudget: Int
    /// The protected segment's share of the budget.
    let protectedBudget: Int

    var links: [Link] = []
    /// The queue and reference bit of each slot (see ``MemoryCacheLink/Mark``).
    var marks: [Link.Mark] = []
    var keys: [String] = []
    /// The values; `nil` exactly for free slots.
    @usableFromInline
    var values: [Value?] = []
    var tags: [[String]] = []
    /// The head of the free list of slots (linked through `next`).
    var freeHead = Link.none
    @usableFromInline
    var index: [MemoryCacheKey: Int32] = [:]
    /// For each tag, the slots of the live entries carrying it.
    var tagIndex: [String: Set<Int32>] = [:]
    var window = MemoryCacheList()
    var probation = MemoryCacheList()
    var protected = MemoryCacheList()
    @usableFromInline
    var sketch: MemoryCacheFrequencySketch
    var random: MemoryCacheRandom
    @usableFromInline
    var counters = MemoryCacheStatistics()
    /// A cache line of padding after the fields a hit writes (`counters`, the sketch), so the next shard's lock,
    /// which follows in the cache's buffer, never shares their cache line.
    private let padding: (Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0)

    /// Creates an empty shard.
    /// - Parameters:
    ///   - budget: the bytes the shard may hold.
    ///   - seed: the seed of the admission policy's coin flips.
    init(budget: Int, seed: UInt64) {
        self.budget = budget
        self.windowBudget = max(budget / 100, 1)
        self.protectedBudget = (budget - self.windowBudget) / 5 * 4
        // Sized for small entries at first; it grows with the entry count (`ensureCapacity`).
        self.sketch = MemoryCacheFrequencySketch(expectedEntries: min(budget / 4_096, 1 << 14))
        self.random = MemoryCacheRandom(seed: seed)
        self.counters.budget = budget
    }

    /// The bytes charged by every entry.
    var bytes: Int { self.window.bytes + self.probation.bytes + self.protected.bytes }

    /// The number of entries.
    var count: Int { self.index.count }

    /// Looks a key up, recording the request in the sketch and, on a hit, in the recency order.
    @inlinable
    mutating func value(forKey key: String, hash: Int) -> Value? {
        self.sketch.increment(hash, entries: self.index.count)
        guard let slot = self.index[MemoryCacheKey(key, hash: hash)] else {
            self.counters.misses += 1
            return nil
        }
        self.counters.hits += 1
        self.recordAccess(slot)
        return self.values[Int(slot)]
    }

    /// Looks a key up without touching the policy or the statistics.
    func peek(forKey key: String, hash: Int) -> Value? {
        guard let slot = self.index[MemoryCacheKey(key, hash: hash)] else { return nil }
        return self.values[Int(slot)]
    }

    /// Inserts or replaces an entry, then evicts until the shard fits its budget.
    /// - Returns: whether the entry is in the shard afterwards.
    mutating func insert(_ value: Value, forKey key: String, hash: Int, charge: Int, tags: [String]) -> Bool {
        if let slot = self.index[MemoryCacheKey(key, hash: hash)] {
            guard charge <= self.budget else {
                self.remove(slot)
                self.counters.removals += 1
                self.counters.rejections += 1
                return false
            }
            self.replace(slot, with: value, charge: charge, tags: tags)
            self.counters.insertions += 1
            _ = self.evict(tracking: slot, pinned: slot)
            return true
        }
        guard charge <= self.budget else {
            self.counters.rejections += 1
            return false
        }
        self.sketch.increment(hash, entries: self.index.count)
        let slot = self.allocate(key: key, value: value, tags: tags, charge: charge, hash: hash)
        self.index[MemoryCacheKey(key, hash: hash)] = slot
        for tag in tags {
            self.tagIndex[tag, default: []].insert(slot)
        }
        self.append(slot, to: .window)
        self.counters.insertions += 1
        self.sketch.ensureCapacity(self.index.count)
        return self.evict(tracking: slot, pinned: Link.none)
    }

    /// Removes an entry.
    mutating func removeValue(forKey key: String, hash: Int) -> Value? {
        guard let slot = self.index[MemoryCacheKey(key, hash: hash)] else { return nil }
        self.counters.removals += 1
        return self.remove(slot)
    }

    /// Changes an entry's value in place.
    mutating func modify(forKey key: String, hash: Int, _ body: (inout Value) -> Void) -> Bool {
        guard let slot = self.index[MemoryCacheKey(key, hash: hash)] else { return false }
        body(&self.values[Int(slot)]!)
        return true
    }

    /// Replaces a live entry's value, charge and tags, and counts it as an access.
    private mutating func replace(_ slot: Int32, with value: Value, charge: Int, tags: [String]) {
        let position = Int(slot)
        if self.tags[position] != tags {
            self.untag(slot)
            for tag in tags {
                self.tagIndex[tag, default: []].insert(slot)
            }
            self.tags[position] = tags
        }
        let queue = self.marks[position].queue
        self[list: queue].bytes += charge - self.links[position].charge
        self.links[position].charge = charge
        self.values[position] = value
        self.recordAccess(slot)
    }
}
