#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A seeded, deterministic generator of Zipf-distributed ranks: rank `k` (0-based) comes with probability
/// proportional to `1 / (k + 1)^s`.
///
/// It precomputes the cumulative distribution (8 bytes a rank: 8 MB for a million) and draws by binary search, so a
/// draw costs about log2(n) comparisons and no allocation.
public struct ZipfGenerator: Sendable {
    /// The number of ranks.
    public let count: Int
    /// The exponent `s`.
    public let exponent: Double
    private let cumulative: [Double]
    private var random: CacheBenchmarkRandom

    /// Creates a generator.
    /// - Parameters:
    ///   - count: the number of ranks, at least 1 (the workloads use 1,000,000).
    ///   - exponent: the skew `s` (the workloads use 0.99).
    ///   - seed: the seed; equal seeds give equal sequences.
    public init(count: Int, exponent: Double = 0.99, seed: UInt64) {
        precondition(count > 0, "ZipfGenerator: count must be positive")
        self.count = count
        self.exponent = exponent
        var cumulative = [Double](repeating: 0, count: count)
        var sum = 0.0
        for rank in 0..<count {
            sum += 1 / pow(Double(rank + 1), exponent)
            cumulative[rank] = sum
        }
        for rank in 0..<count {
            cumulative[rank] /= sum
        }
        cumulative[count - 1] = 1
        self.cumulative = cumulative
        self.random = CacheBenchmarkRandom(seed: seed)
    }

    /// The next rank, in `0..<count`; rank 0 is the most frequent.
    public mutating func next() -> Int {
        let u = self.random.nextUnit()
        var low = 0
        var high = self.count - 1
        while low < high {
            let middle = (low + high) / 2
            if self.cumulative[middle] > u {
                high = middle
            } else {
                low = middle + 1
            }
        }
        return low
    }

    /// The probability of `rank`.
    public func probability(of rank: Int) -> Double {
        rank == 0 ? self.cumulative[0] : self.cumulative[rank] - self.cumulative[rank - 1]
    }
}
