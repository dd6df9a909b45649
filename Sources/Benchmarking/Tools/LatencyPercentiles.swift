/// Latency percentiles of a run, in microseconds.
public struct LatencyPercentiles: Hashable, Sendable {
    /// The median latency.
    public var p50: Double
    /// The 90th percentile.
    public var p90: Double
    /// The 99th percentile.
    public var p99: Double
    /// The 99.9th percentile.
    public var p999: Double
    /// The largest latency seen.
    public var max: Double

    /// Creates percentiles, all in microseconds.
    public init(p50: Double, p90: Double, p99: Double, p999: Double, max: Double) {
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.p999 = p999
        self.max = max
    }
}
