import Testing

@testable import ResponseCaching

@Suite("MemoryCache basics")
struct MemoryCacheTests {
    @Test("inserts, reads, replaces and removes")
    func basics() {
        let cache = MemoryCache<String>(budget: 1 << 20, shards: 4)
        #expect(cache.value(forKey: "a") == nil)
        #expect(cache.insert("one", forKey: "a", cost: 10))
        #expect(cache.value(forKey: "a") == "one")
        #expect(cache.insert("two", forKey: "a", cost: 20))
        #expect(cache.value(forKey: "a") == "two")
        #expect(cache.statistics.count == 1)
        #expect(cache.removeValue(forKey: "a") == "two")
        #expect(cache.removeValue(forKey: "a") == nil)
        #expect(cache.value(forKey: "a") == nil)
        #expect(cache.statistics.count == 0)
        #expect(cache.statistics.bytes == 0)
        #expect(cache.checkInvariants() == [])
    }

    @Test("charges cost, key, tags and the entry overhead")
    func charging() {
        let cache = MemoryCache<Int>(budget: 1 << 20, shards: 1)
        cache.insert(1, forKey: "key", cost: 100, tags: ["tag", "é"])
        let expected = 100 + 3 + 3 + 2 + MemoryCache<Int>.entryOverhead
        #expect(MemoryCache<Int>.charge(cost: 100, key: "key", tags: ["tag", "é"]) == expected)
        #expect(cache.statistics.bytes == expected)
        cache.insert(2, forKey: "key", cost: 10)
        #expect(cache.statistics.bytes == 10 + 3 + MemoryCache<Int>.entryOverhead)
        #expect(MemoryCache<Int>.charge(cost: -5, key: "") == MemoryCache<Int>.entryOverhead)
    }

    @Test("peek changes neither the statistics nor the policy")
    func peek() {
        let cache = MemoryCache<Int>(budget: 1 << 20, shards: 1)
        cache.insert(7, forKey: "k", cost: 1)
        let before = cache.statistics
        #expect(cache.peek(forKey: "k") == 7)
        #expect(cache.peek(forKey: "missing") == nil)
        #expect(cache.statistics == before)
    }

    @Test("refuses an entry larger than a shard's budget")
    func oversized() {
        let cache = MemoryCache<Int>(budget: 10_000, shards: 2)
        #expect(!cache.insert(1, forKey: "big", cost: 6_000))
        #expect(cache.peek(forKey: "big") == nil)
        #expect(cache.insert(1, forKey: "small", cost: 1_000))
        // Replacing with a value too large removes the stale one.
        #expect(!cache.insert(2, forKey: "small", cost: 6_000))
        #expect(cache.peek(forKey: "small") == nil)
        #expect(cache.statistics.rejections == 2)
        #expect(cache.checkInvariants() == [])
    }

    @Test("a replace that fits is always kept")
    func replaceKept() {
        let cache = MemoryCache<Int>(budget: 20_000, shards: 1)
        for i in 0..<100 {
            cache.insert(i, forKey: "k\(i)", cost: 500)
        }
        for i in 0..<100 {
            #expect(cache.insert(-i, forKey: "k\(i)", cost: 1_000) == (cache.peek(forKey: "k\(i)") != nil))
        }
        let survivor = (0..<100).first { cache.peek(forKey: "k\($0)") != nil }!
        #expect(cache.insert(42, forKey: "k\(survivor)", cost: 15_000))
        #expect(cache.peek(forKey: "k\(survivor)") == 42)
        #expect(cache.checkInvariants() == [])
    }

    @Test("counts hits, misses, insertions, removals and evictions")
    func statistics() {
        let cache = MemoryCache<Int>(budget: 1 << 20, shards: 2)
        for i in 0..<10 {
            cache.insert(i, forKey: "k\(i)", cost: 10)
        }
        for i in 0..<15 {
            _ = cache.value(forKey: "k\(i)")
        }
        cache.removeValue(forKey: "k0")
        cache.removeValue(forKey: "absent")
        let statistics = cache.statistics
        #expect(statistics.hits == 10)
        #expect(statistics.misses == 5)
        #expect(statistics.insertions == 10)
        #expect(statistics.removals == 1)
        #expect(statistics.evictions == 0)
        #expect(statistics.rejections == 0)
        #expect(statistics.count == 9)
        #expect(statistics.budget == 1 << 20)
        #expect(statistics.hitRatio == 10.0 / 15.0)

        let small = MemoryCache<Int>(budget: 10_000, shards: 1)
        for i in 0..<100 {
            small.insert(i, forKey: "k\(i)", cost: 400)
        }
        let after = small.statistics
        #expect(after.count < 100)
        #expect(after.evictions + after.rejections == 100 - after.count)
        #expect(after.bytes <= 10_000)
    }

    @Test("removeAll empties every shard")
    func removeAll() {
        let cache = MemoryCache<Int>(budget: 1 << 20, shards: 8)
        for i in 0..<100 {
            cache.insert(i, forKey: "k\(i)", cost: 10, tags: ["t"])
        }
        cache.removeAll()
        #expect(cache.statistics.count == 0)
        #expect(cache.statistics.bytes == 0)
        #expect(cache.removeAll(taggedWith: "t") == 0)
        #expect(cache.checkInvariants() == [])
        #expect(cache.insert(1, forKey: "k1", cost: 10))
        #expect(cache.value(forKey: "k1") == 1)
    }

    @Test("the default shard count follows the processors and the budget")
    func defaultShards() {
        #expect(MemoryCache<Int>.defaultShardCount(budget: 1 << 30, processors: 2) == 8)
        #expect(MemoryCache<Int>.defaultShardCount(budget: 1 << 30, processors: 3) == 16)
        #expect(MemoryCache<Int>.defaultShardCount(budget: 1 << 30, processors: 64) == 64)
        #expect(MemoryCache<Int>.defaultShardCount(budget: 1 << 20, processors: 64) == 4)
        #expect(MemoryCache<Int>.defaultShardCount(budget: 1_000, processors: 8) == 1)
        let cache = MemoryCache<Int>(budget: 1 << 30)
        #expect(cache.shardCount >= 4 && cache.shardCount <= 64)
    }
}
