import ResponseCaching

/// The hit-ratio comparison: W-TinyLFU (``MemoryCache``) against a plain LRU (``LRUMemoryCache``) at the same byte
/// budget, on the same request sequence.
///
/// The sequence: `requests` lookups of Zipf(`exponent`) over `keyCount` keys (`"k0"` … `"k999999"`, rank 0 the
/// most popular) and, after every `scanInterval` of them, a scan of `scanLength` sequential keys used once
/// (`"scan-0"`, `"scan-1"`, … continuing from scan to scan, never repeating and distinct from the Zipf keys: a
/// crawler walking a catalogue). Scans come on top of `requests`. Every lookup is read-through: a miss inserts
/// the key with a fixed cost of `valueCost` bytes.
///
/// The default budget holds 2 % of the Zipf keys (20,000 entries of `valueCost` plus key and overhead, about
/// 22 MB), a realistic share for an in-process tier in front of a shared one; a scan (100,000 keys) is five times
/// that, so it flushes an LRU entirely.
public struct HitRatioWorkload: Sendable {
    /// The number of distinct Zipf keys.
    public var keyCount = 1_000_000
    /// The number of Zipf lookups (scans come on top).
    public var requests = 2_000_000
    /// The Zipf exponent.
    public var exponent = 0.99
    /// The Zipf lookups between two scans.
    public var scanInterval = 100_000
    /// The keys of one scan.
    public var scanLength = 100_000
    /// The cost of every value, in bytes.
    public var valueCost = 1_000
    /// The budget in bytes, or `nil` for room for `defaultRoom` of the keys.
    public var budget: Int?
    /// The share of the Zipf keys the default budget holds.
    public var defaultRoom = 0.02
    /// The seed of the request sequence.
    public var seed: UInt64 = 42

    /// The outcome of a run.
    public struct Result: Sendable, Hashable {
        /// The budget both caches had, in bytes.
        public var budget: Int
        /// All lookups, Zipf and scan.
        public var lookups: Int
        /// Hits of W-TinyLFU over all lookups.
        public var memoryCacheHitRatio: Double
        /// Hits of the LRU over all lookups.
        public var lruHitRatio: Double
        /// Hits of W-TinyLFU over the Zipf lookups only (scans always miss).
        public var memoryCacheZipfHitRatio: Double
        /// Hits of the LRU over the Zipf lookups only.
        public var lruZipfHitRatio: Double
        /// The most bytes the W-TinyLFU cache held, sampled after every 1,000th insertion and at the end.
        public var peakBytes: Int
    }

    /// Creates the workload with the defaults above.
    public init() {}

    /// The budget the run uses.
    public var effectiveBudget: Int {
        if let budget { return budget }
        let entries = Int(Double(self.keyCount) * self.defaultRoom)
        return entries * MemoryCache<Int>.charge(cost: self.valueCost, key: "k\(self.keyCount / 2)")
    }

    /// Runs the sequence on both caches, one after the other.
    public func run() -> Result {
        let budget = self.effectiveBudget
        let keys = (0..<self.keyCount).map { "k\($0)" }
        let memoryCache = MemoryCache<Int>(budget: budget)
        var insertions = 0
        var peakBytes = 0
        let memory = self.replay(keys: keys) { key, id in
            if memoryCache.value(forKey: key) != nil { return true }
            memoryCache.insert(id, forKey: key, cost: self.valueCost)
            insertions += 1
            if insertions % 1_000 == 0 { peakBytes = max(peakBytes, memoryCache.statistics.bytes) }
            return false
        }
        peakBytes = max(peakBytes, memoryCache.statistics.bytes)
        let lruCache = LRUMemoryCache<Int>(budget: budget)
        let lru = self.replay(keys: keys) { key, id in
            if lruCache.value(forKey: key) != nil { return true }
            lruCache.insert(id, forKey: key, cost: self.valueCost)
            return false
        }
        let lookups = Double(memory.lookups)
        return Result(
            budget: budget,
            lookups: memory.lookups,
            memoryCacheHitRatio: Double(memory.zipfHits) / lookups,
            lruHitRatio: Double(lru.zipfHits) / lookups,
            memoryCacheZipfHitRatio: Double(memory.zipfHits) / Double(self.requests),
            lruZipfHitRatio: Double(lru.zipfHits) / Double(self.requests),
            peakBytes: peakBytes
        )
    }

    /// Replays the sequence through `lookUp` (which reads through and says whether it hit).
    private func replay(
        keys: [String],
        _ lookUp: (String, Int) -> Bool
    ) -> (lookups: Int, zipfHits: Int) {
        var zipf = ZipfGenerator(count: self.keyCount, exponent: self.exponent, seed: self.seed)
        var lookups = 0
        var zipfHits = 0
        var nextScanKey = 0
        for request in 1...max(self.requests, 1) where request <= self.requests {
            let rank = zipf.next()
            if lookUp(keys[rank], rank) { zipfHits += 1 }
            lookups += 1
            if self.scanInterval > 0, request % self.scanInterval == 0 {
                for _ in 0..<self.scanLength {
                    // Scan keys never repeat, so they always miss: only their pollution matters.
                    _ = lookUp("scan-\(nextScanKey)", -1)
                    nextScanKey += 1
                    lookups += 1
                }
            }
        }
        return (lookups, zipfHits)
    }
}
