import ResponseCaching
import TestSupport
import Testing

@testable import ResponseCachingBenchmark

@Suite("Benchmark helpers")
struct BenchmarkHelperTests {
    @Test("the Zipf generator is deterministic and skewed")
    func zipf() {
        var first = ZipfGenerator(count: 1_000, exponent: 0.99, seed: 5)
        var second = ZipfGenerator(count: 1_000, exponent: 0.99, seed: 5)
        var counts = [Int](repeating: 0, count: 1_000)
        for _ in 0..<100_000 {
            let rank = first.next()
            #expect(rank == second.next())
            counts[rank] += 1
        }
        #expect(counts[0] > counts[1] && counts[1] > counts[10] && counts[10] > counts[500])
        let expected = first.probability(of: 0) * 100_000
        #expect(abs(Double(counts[0]) - expected) < expected * 0.1)
    }

    @Test("the LRU evicts the least recently used entries by bytes")
    func lru() {
        let charge = MemoryCache<Int>.charge(cost: 100, key: "k0")
        let lru = LRUMemoryCache<Int>(budget: 3 * charge)
        lru.insert(0, forKey: "k0", cost: 100)
        lru.insert(1, forKey: "k1", cost: 100)
        lru.insert(2, forKey: "k2", cost: 100)
        #expect(lru.value(forKey: "k0") == 0)
        lru.insert(3, forKey: "k3", cost: 100)
        #expect(lru.value(forKey: "k1") == nil)
        #expect(lru.value(forKey: "k0") == 0)
        #expect(lru.statistics.count == 3)
        #expect(lru.statistics.bytes == 3 * charge)
        #expect(!lru.insert(4, forKey: "huge", cost: 10 * charge))
    }

    @Test("the sharded baseline stores and finds values")
    func baseline() {
        let baseline = ShardedDictionaryBaseline<Int>(shards: 4)
        for i in 0..<100 {
            baseline.insert(i, forKey: "k\(i)")
        }
        #expect(baseline.count == 100)
        #expect(baseline.value(forKey: "k42") == 42)
        #expect(baseline.value(forKey: "absent") == nil)
    }

    @Test("small workloads run end to end")
    func workloads() async {
        var hitRatio = HitRatioWorkload()
        hitRatio.keyCount = 10_000
        hitRatio.requests = 20_000
        hitRatio.scanInterval = 5_000
        hitRatio.scanLength = 1_000
        let result = hitRatio.run()
        #expect(result.lookups == 24_000)
        #expect(result.memoryCacheZipfHitRatio > 0 && result.lruZipfHitRatio > 0)
        #expect(result.memoryCacheZipfHitRatio > result.lruZipfHitRatio)
        // The peak is sampled while the cache is full: near the budget, never above it.
        #expect(result.peakBytes <= result.budget && result.peakBytes > result.budget / 2, "\(result)")
        var throughput = ThroughputWorkload()
        throughput.keyCount = 1_000
        throughput.getsPerTask = 10_000
        throughput.rounds = 1
        let rates = await throughput.run()
        #expect(rates.memoryCacheGetsPerSecond > 0 && rates.baselineGetsPerSecond > 0)
    }

    @Test(
        "the invalidation latency across two instances is measured on a redis-server of its own",
        .enabled(if: TestServers.shouldRun(tools: "redis-server", "redis-benchmark"), "needs redis: run scripts/test")
    )
    func invalidationLatency() async throws {
        var workload = InvalidationLatencyWorkload()
        workload.samples = 5
        // Room for a CI machine running every suite at once: this checks the workload, not the speed.
        workload.configuration.storeTimeout = .seconds(30)
        workload.configuration.backplaneLease = .seconds(60)
        let result = try await workload.run()
        #expect(result.latencies.count == 5)
        // Heard through pub/sub (the lease here is 60 s, so no bypass ends it): well inside it, generously.
        #expect(result.latencies.allSatisfy { $0 > .zero && $0 < .seconds(30) }, "\(result.latencies)")
    }
}
