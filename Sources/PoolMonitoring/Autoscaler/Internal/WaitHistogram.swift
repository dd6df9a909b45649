import Foundation

/// Durations counted in fixed, geometric buckets: a percentile in constant memory, however many samples a window
/// holds.
///
/// Bucket `i` holds durations up to 2^((i + 1) / 4) microseconds (each bucket is 19 % wider than the one below):
/// 128 buckets span a microsecond to several hours, and a percentile read from them is at most 19 % above the
/// true value, never below it (the bucket's upper bound is reported).
struct WaitHistogram: Sendable, Hashable {
    static let bucketCount = 128

    private(set) var counts = [Int](repeating: 0, count: Self.bucketCount)
    private(set) var count = 0

    mutating func record(_ duration: Duration) {
        counts[Self.bucket(of: duration)] += 1
        count += 1
    }

    /// The smallest bucket bound at or below which `fraction` of the samples lie; nil with no samples.
    func percentile(_ fraction: Double) -> Duration? {
        guard count > 0 else { return nil }
        let rank = max(1, Int((Double(count) * fraction).rounded(.up)))
        var seen = 0
        for (index, bucketCount) in counts.enumerated() {
            seen += bucketCount
            if seen >= rank { return Self.upperBound(of: index) }
        }
        return Self.upperBound(of: Self.bucketCount - 1)
    }

    static func bucket(of duration: Duration) -> Int {
        let microseconds = Self.microseconds(duration)
        guard microseconds > 1 else { return 0 }
        // Bucket i covers (2^(i/4), 2^((i+1)/4)] microseconds.
        let index = Int((4 * log2(microseconds)).rounded(.up)) - 1
        return min(max(index, 0), Self.bucketCount - 1)
    }

    static func upperBound(of bucket: Int) -> Duration {
        let microseconds = exp2(Double(bucket + 1) / 4)
        return .nanoseconds(Int64((microseconds * 1_000).rounded(.up)))
    }

    static func microseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1_000_000 + Double(attoseconds) / 1_000_000_000_000
    }
}
