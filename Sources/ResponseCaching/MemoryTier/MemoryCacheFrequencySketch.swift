/// A count-min sketch of 4-bit counters estimating how often each key was asked for (TinyLFU's memory).
///
/// Counters are packed sixteen to a `UInt64`. A key maps to one 64-byte block (eight words) and to one counter in
/// each of four word pairs inside it, so an increment or an estimate touches a single cache line. Counters saturate
/// at 15. When the number of increments reaches the sample size (ten times the shard's entry count, with a floor),
/// every counter is halved, so the sketch forgets old popularity and follows the workload as it changes.
@usableFromInline
struct MemoryCacheFrequencySketch: Sendable {
    /// The smallest table, in words (one block is eight words).
    static let minimumWords = 64
    /// The largest table, in words (32 MiB): beyond it the estimates merely get coarser.
    static let maximumWords = 1 << 22
    /// The counters per expected entry (sixteen fit a word). Fewer than Caffeine's sixteen keep the table small
    /// enough to stay in a core's cache, which matters more to the hit path than the rarer collisions.
    static let countersPerEntry = 8
    /// The floor of the sample size, so a nearly empty shard does not age on every few requests.
    static let minimumSampleSize = 2_560

    private var table: [UInt64]
    private var blockMask: Int
    /// Increments since the last aging.
    private(set) var additions = 0

    /// Creates a sketch sized for about `expectedEntries` keys.
    init(expectedEntries: Int) {
        let words = Self.words(for: expectedEntries)
        self.table = Array(repeating: 0, count: words)
        self.blockMask = words / 8 - 1
    }

    /// The number of keys the table is sized for.
    var capacity: Int { self.table.count }

    /// Grows the table (clearing it) when the shard holds more entries than it was sized for.
    mutating func ensureCapacity(_ entries: Int) {
        guard entries * Self.countersPerEntry > self.table.count * 16, self.table.count < Self.maximumWords else {
            return
        }
        let words = Self.words(for: entries)
        self.table = Array(repeating: 0, count: words)
        self.blockMask = words / 8 - 1
        self.additions = 0
    }

    /// The estimated frequency of the key with hash `hash`, 0 to 15.
    func frequency(_ hash: Int) -> Int {
        let spread = Self.spread(hash)
        let block = (Int(truncatingIfNeeded: spread) & self.blockMask) << 3
        let counterHash = spread >> 32
        var minimum: UInt64 = 15
        for i in 0..<4 {
            let bits = counterHash >> UInt64(i << 3)
            let word = block + (i << 1) + Int(bits & 1)
            let shift = ((bits >> 1) & 15) << 2
            minimum = min(minimum, (self.table[word] >> shift) & 15)
        }
        return Int(minimum)
    }

    /// Counts one more request for the key with hash `hash`; ages the sketch when the sample is complete.
    /// - Parameter entries: the shard's current entry count, which sizes the sample.
    @usableFromInline
    mutating func increment(_ hash: Int, entries: Int) {
        let spread = Self.spread(hash)
        let block = (Int(truncatingIfNeeded: spread) & self.blockMask) << 3
        let counterHash = spread >> 32
        var added = false
        self.table.withUnsafeMutableBufferPointer { table in
            for i in 0..<4 {
                let bits = counterHash >> UInt64(i << 3)
                let word = block + (i << 1) + Int(bits & 1)
                let shift = ((bits >> 1) & 15) << 2
                if (table[word] >> shift) & 15 < 15 {
                    table[word] &+= 1 << shift
                    added = true
                }
            }
        }
        guard added else { return }
        self.additions += 1
        if self.additions >= max(10 * entries, Self.minimumSampleSize) {
            self.age()
        }
    }

    /// Halves every counter.
    mutating func age() {
        self.table.withUnsafeMutableBufferPointer { table in
            for i in table.indices {
                table[i] = (table[i] >> 1) & 0x7777_7777_7777_7777
            }
        }
        self.additions /= 2
    }

    private static func words(for entries: Int) -> Int {
        var words = minimumWords
        while words * 16 < entries * countersPerEntry, words < maximumWords {
            words <<= 1
        }
        return words
    }

    /// Re-mixes a `hashValue` so the block and counter choices are independent of the shard choice.
    private static func spread(_ hash: Int) -> UInt64 {
        MemoryCacheRandom.mix(UInt64(bitPattern: Int64(hash)) &+ 0x2545_F491_4F6C_DD1D)
    }
}
