import ResponseCachingBenchmark
import Testing

@testable import ResponseCaching

@Suite("MemoryCache policy")
struct MemoryCachePolicyTests {
    @Test("a hot set survives a one-pass scan of cold keys, unlike in an LRU")
    func scanResistance() {
        let cost = 1_000
        let budget = 100 * MemoryCache<Int>.charge(cost: cost, key: "cold-0000")
        let cache = MemoryCache<Int>(budget: budget, shards: 1)
        let lru = LRUMemoryCache<Int>(budget: budget)
        let hot = (0..<50).map { "hot-\($0)" }
        var random = CacheBenchmarkRandom(seed: 11)
        // Read-through: a miss inserts.
        func request(_ key: String) {
            if cache.value(forKey: key) == nil { cache.insert(0, forKey: key, cost: cost) }
            if lru.value(forKey: key) == nil { lru.insert(0, forKey: key, cost: cost) }
        }
        for _ in 0..<1_000 {
            request(hot[Int(random.next() % 50)])
        }
        for i in 0..<1_000 {
            request("cold-\(i)")
        }
        let cacheSurvivors = hot.filter { cache.peek(forKey: $0) != nil }.count
        let lruSurvivors = hot.filter { key in lru.removeValue(forKey: key) != nil }.count
        #expect(cacheSurvivors >= 45)
        #expect(lruSurvivors == 0)
        #expect(cache.statistics.rejections > 500)
        #expect(cache.checkInvariants() == [])
    }

    @Test("admission prefers the more frequent of candidate and victim")
    func admission() {
        let charge = MemoryCache<Int>.charge(cost: 1_000, key: "k00")
        let cache = MemoryCache<Int>(budget: 10 * charge, shards: 1)
        for i in 0..<10 {
            cache.insert(i, forKey: "k0\(i)", cost: 1_000)
        }
        // A newcomer asked for many times beats the residents asked for once.
        for _ in 0..<5 {
            _ = cache.value(forKey: "new")
        }
        cache.insert(99, forKey: "new", cost: 1_000)
        cache.insert(100, forKey: "pusher", cost: 1_000)
        #expect(cache.peek(forKey: "new") == 99)
        #expect(cache.statistics.evictions >= 1)
        #expect(cache.checkInvariants() == [])
    }

    @Test("admission refuses a cold entry too big for the window at once, and takes it once it is asked for")
    func immediateAdmission() {
        let cache = MemoryCache<Int>(budget: 100_000, shards: 1)
        for i in 0..<90 {
            cache.insert(i, forKey: "k\(i)", cost: 1_000)
            _ = cache.value(forKey: "k\(i)")
            _ = cache.value(forKey: "k\(i)")
        }
        #expect(!cache.insert(-1, forKey: "big", cost: 5_000))
        #expect(cache.peek(forKey: "big") == nil)
        #expect(cache.statistics.rejections == 1)
        for _ in 0..<5 {
            #expect(cache.value(forKey: "big") == nil)
        }
        #expect(cache.insert(-1, forKey: "big", cost: 5_000))
        #expect(cache.peek(forKey: "big") == -1)
        #expect(cache.statistics.evictions >= 1)
        #expect(cache.statistics.bytes <= 100_000)
        #expect(cache.checkInvariants() == [])
    }

    @Test("the frequency sketch counts, saturates at 15 and ages by halving")
    func sketch() {
        var sketch = MemoryCacheFrequencySketch(expectedEntries: 1_000)
        let hash = "some key".hashValue
        #expect(sketch.frequency(hash) == 0)
        for _ in 0..<5 {
            sketch.increment(hash, entries: 1_000)
        }
        #expect(sketch.frequency(hash) >= 5)
        for _ in 0..<20 {
            sketch.increment(hash, entries: 1_000)
        }
        #expect(sketch.frequency(hash) == 15)
        sketch.age()
        #expect(sketch.frequency(hash) == 7)
        var random = CacheBenchmarkRandom(seed: 3)
        for _ in 0..<100_000 {
            sketch.increment(Int(truncatingIfNeeded: random.next()), entries: 100)
        }
        // Aging runs every max(10 × entries, floor) additions, so old counts fade.
        #expect(sketch.additions < MemoryCacheFrequencySketch.minimumSampleSize)
        #expect(sketch.frequency(hash) <= 1)
    }
}
