import CoreMetrics

/// The limiter's metrics, created once (`ratelimit_decisions_total` per policy, outcome and source on first use):
/// `ratelimit_decisions_total{policy, outcome, source}`, `ratelimit_store_duration_seconds`,
/// `ratelimit_store_fallback_active`, `ratelimit_store_fallback_switches_total`, `ratelimit_store_recoveries_total`.
final class RateLimitMetrics: Sendable {
    let factory: any MetricsFactory
    let storeDuration: Timer
    let fallbackActive: Gauge
    let fallbackSwitches: Counter
    let recoveries: Counter

    init(factory: any MetricsFactory) {
        self.factory = factory
        storeDuration = Timer(
            label: "ratelimit_store_duration_seconds",
            dimensions: [],
            preferredDisplayUnit: .seconds,
            factory: factory
        )
        fallbackActive = Gauge(label: "ratelimit_store_fallback_active", dimensions: [], factory: factory)
        fallbackSwitches = Counter(label: "ratelimit_store_fallback_switches_total", dimensions: [], factory: factory)
        recoveries = Counter(label: "ratelimit_store_recoveries_total", dimensions: [], factory: factory)
        fallbackActive.record(0)
    }

    /// The `ratelimit_decisions_total` counter of a policy, outcome and source (``RateLimitStatistics`` holds
    /// it once created, so a decision never looks it up by its labels).
    func decisionCounter(policy: String, allowed: Bool, source: RateLimitResult.Source) -> Counter {
        Counter(
            label: "ratelimit_decisions_total",
            dimensions: [("policy", policy), ("outcome", allowed ? "allowed" : "denied"), ("source", source.rawValue)],
            factory: factory
        )
    }
}
