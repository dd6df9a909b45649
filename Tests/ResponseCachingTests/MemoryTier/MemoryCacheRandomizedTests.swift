import ResponseCachingBenchmark
import Testing

@testable import ResponseCaching

@Suite("MemoryCache under random and concurrent operations")
struct MemoryCacheRandomizedTests {
    private static let tagNames = ["a", "b", "c", "d", "e"]

    @Test("random operations keep every invariant and never exceed the budget", arguments: [1, 2, 3])
    func randomOperations(seed: UInt64) {
        var random = CacheBenchmarkRandom(seed: seed)
        let budget = 60_000
        let cache = MemoryCache<Int>(budget: budget, shards: 4)
        var model: [String: (value: Int, tags: [String])] = [:]
        for step in 0..<3_000 {
            let key = "key-\(random.next() % 300)"
            switch random.next() % 100 {
            case 0..<45:
                // Mostly small costs, sometimes large ones, rarely one too big for a shard.
                let roll = random.next() % 100
                let cost = roll < 80 ? Int(random.next() % 600) : roll < 98 ? Int(random.next() % 5_000) : 20_000
                let tags = Self.tagNames.filter { _ in random.next() % 4 == 0 }
                let kept = cache.insert(step, forKey: key, cost: cost, tags: tags)
                if kept { model[key] = (step, tags) } else { model[key] = nil }
            case 45..<85:
                if let value = cache.value(forKey: key) {
                    #expect(value == model[key]?.value)
                }
            case 85..<92:
                let removed = cache.removeValue(forKey: key)
                #expect(removed == nil || removed == model[key]?.value)
                model[key] = nil
            case 92..<95:
                let tag = Self.tagNames[Int(random.next() % 5)]
                let present = model.filter { $0.value.tags.contains(tag) && cache.peek(forKey: $0.key) != nil }
                #expect(cache.removeAll(taggedWith: tag) == present.count)
                for (key, entry) in model where entry.tags.contains(tag) {
                    #expect(cache.peek(forKey: key) == nil)
                    model[key] = nil
                }
            case 95..<98:
                let tag = Self.tagNames[Int(random.next() % 5)]
                let changed = cache.modifyAll(taggedWith: tag) { $0 = -$0 - 1 }
                var expected = 0
                for (key, entry) in model where entry.tags.contains(tag) && cache.peek(forKey: key) != nil {
                    model[key]?.value = -entry.value - 1
                    expected += 1
                }
                #expect(changed == expected)
            default:
                let modulus = 2 + Int(random.next() % 5)
                let removed = cache.removeAll { _, value in value % modulus == 0 }
                #expect(removed >= 0)
                model = model.filter { $0.value.value % modulus != 0 }
            }
            let problems = cache.checkInvariants()
            #expect(problems == [], "step \(step)")
            if !problems.isEmpty { return }
            #expect(cache.statistics.bytes <= budget)
        }
        // Whatever the cache kept is the latest value written for that key.
        for (key, entry) in model {
            if let value = cache.peek(forKey: key) {
                #expect(value == entry.value)
            }
        }
        let statistics = cache.statistics
        #expect(statistics.count > 0)
        #expect(statistics.evictions > 0 && statistics.rejections > 0, "the budget must have been exercised")
    }

    @Test("concurrent tasks read their own writes and leave the cache sound")
    func concurrentUse() async {
        let cache = MemoryCache<Int>(budget: 200_000, shards: 4)
        let tasks = 4
        let operations = 5_000
        let gets = await withTaskGroup(of: Int.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    var random = CacheBenchmarkRandom(seed: UInt64(task))
                    var latest: [String: Int] = [:]
                    var gets = 0
                    for step in 0..<operations {
                        // Each task owns its keys, so it knows the only value a read may return.
                        let key = "t\(task)-\(random.next() % 200)"
                        switch random.next() % 10 {
                        case 0..<4:
                            if cache.insert(step, forKey: key, cost: Int(random.next() % 800), tags: ["t\(task)"]) {
                                latest[key] = step
                            } else {
                                latest[key] = nil
                            }
                        case 4..<9:
                            gets += 1
                            if let value = cache.value(forKey: key) {
                                #expect(value == latest[key])
                            }
                        default:
                            cache.removeValue(forKey: key)
                            latest[key] = nil
                        }
                    }
                    return gets
                }
            }
            return await group.reduce(0, +)
        }
        #expect(cache.checkInvariants() == [])
        let statistics = cache.statistics
        #expect(statistics.hits + statistics.misses == gets)
        #expect(statistics.bytes <= 200_000)
        #expect(cache.removeAll(taggedWith: "t0") + cache.removeAll(taggedWith: "t1") >= 0)
        #expect(cache.checkInvariants() == [])
    }
}
