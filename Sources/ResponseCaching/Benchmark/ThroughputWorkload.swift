import ResponseCaching

/// The throughput comparison: concurrent hits on ``MemoryCache`` against ``ShardedDictionaryBaseline`` (the same
/// shard count, no policy), in the same run, alternating rounds.
///
/// Both are filled with the same `keyCount` keys (every one fits the cache's budget, so every lookup hits). Then
/// `tasks` detached tasks (one per core by default) each perform `getsPerTask` lookups, walking a precomputed,
/// seeded sequence of uniformly random keys from its own offset. Each round measures both sides, the first side
/// alternating from round to round; the result gives the medians and the spread of the per-round ratio.
public struct ThroughputWorkload: Sendable {
    /// The number of keys, all present.
    public var keyCount = 100_000
    /// The cost of every value, in bytes (the values themselves are `[UInt8]` of 64 bytes).
    public var valueCost = 1_000
    /// The concurrent tasks.
    public var tasks = 2
    /// The lookups each task performs per measurement.
    public var getsPerTask = 1_000_000
    /// The measured rounds (each measures both sides).
    public var rounds = 9
    /// The seed of the key sequence.
    public var seed: UInt64 = 7

    /// The outcome of a run.
    public struct Result: Sendable, Hashable {
        /// The median lookups per second of ``MemoryCache``, all tasks together.
        public var memoryCacheGetsPerSecond: Double
        /// The median lookups per second of ``ShardedDictionaryBaseline``, all tasks together.
        public var baselineGetsPerSecond: Double
        /// The median of the per-round ratio, cache over baseline.
        public var medianRatio: Double
        /// The smallest and largest per-round ratio.
        public var ratioRange: ClosedRange<Double>
        /// The shard count both sides used.
        public var shards: Int
    }

    /// Creates the workload with the defaults above.
    public init() {}

    /// Fills both sides and measures them.
    public func run() async -> Result {
        let keys = (0..<self.keyCount).map { "key-\($0)" }
        let charge = MemoryCache<[UInt8]>.charge(cost: self.valueCost, key: keys.last ?? "")
        let cache = MemoryCache<[UInt8]>(budget: 2 * charge * self.keyCount)
        let baseline = ShardedDictionaryBaseline<[UInt8]>(shards: cache.shardCount)
        for (id, key) in keys.enumerated() {
            let value = [UInt8](repeating: UInt8(truncatingIfNeeded: id), count: 64)
            cache.insert(value, forKey: key, cost: self.valueCost)
            baseline.insert(value, forKey: key)
        }
        var random = CacheBenchmarkRandom(seed: self.seed)
        let sequence = (0..<(1 << 20)).map { _ in keys[Int(random.next() % UInt64(keys.count))] }
        var cacheRates: [Double] = []
        var baselineRates: [Double] = []
        var ratios: [Double] = []
        for round in 0..<max(self.rounds, 1) {
            var cacheRate = 0.0
            var baselineRate = 0.0
            for side in [round % 2, 1 - round % 2] {
                if side == 0 {
                    cacheRate = await self.measure(sequence) { cache.value(forKey: $0) != nil }
                } else {
                    baselineRate = await self.measure(sequence) { baseline.value(forKey: $0) != nil }
                }
            }
            cacheRates.append(cacheRate)
            baselineRates.append(baselineRate)
            ratios.append(cacheRate / baselineRate)
        }
        return Result(
            memoryCacheGetsPerSecond: Self.median(cacheRates),
            baselineGetsPerSecond: Self.median(baselineRates),
            medianRatio: Self.median(ratios),
            ratioRange: (ratios.min() ?? 0)...(ratios.max() ?? 0),
            shards: cache.shardCount
        )
    }

    /// Runs `tasks` detached tasks of `getsPerTask` lookups each and returns lookups per second.
    private func measure(_ sequence: [String], _ get: @escaping @Sendable (String) -> Bool) async -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        let getsPerTask = self.getsPerTask
        let mask = sequence.count - 1
        let handles = (0..<self.tasks).map { task in
            Task.detached {
                var found = 0
                var position = task &* 104_729
                for _ in 0..<getsPerTask {
                    if get(sequence[position & mask]) { found += 1 }
                    position &+= 1
                }
                return found
            }
        }
        var found = 0
        for handle in handles {
            found += await handle.value
        }
        let elapsed = start.duration(to: clock.now)
        precondition(found == getsPerTask * self.tasks, "every key must be present")
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return Double(found) / seconds
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
