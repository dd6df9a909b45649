import CoreMetrics
import Synchronization

/// The limiter's metrics, created once (per policy on first use):
/// `ratelimit_decisions_total{policy, outcome, source}`, `ratelimit_store_duration_seconds`,
/// `ratelimit_store_fallback_active`, `ratelimit_store_fallback_switches_total`, `ratelimit_store_recoveries_total`.
final class RateLimitMetrics: Sendable {
    struct Key: Hashable, Sendable {
        var policy: String
        var allowed: Bool
        var source: RateLimitResult.Source
    }

    let factory: any MetricsFactory
    let storeDuration: Timer
    let fallbackActive: Gauge
    let fallbackSwitches: Counter
    let recoveries: Counter
    private let decisions = Mutex<[Key: Counter]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
        storeDuration = Timer(label: "ratelimit_store_duration_seconds", dimensions: [], preferredDisplayUnit: .seconds, factory: factory)
        fallbackActive = Gauge(label: "ratelimit_store_fallback_active", dimensions: [], factory: factory)
        fallbackSwitches = Counter(label: "ratelimit_store_fallback_switches_total", dimensions: [], factory: factory)
        recoveries = Counter(label: "ratelimit_store_recoveries_total", dimensions: [], factory: factory)
        fallbackActive.record(0)
    }

    /// Counts one decision per check, under the check's own policy and outcome.
    func record(_ result: RateLimitResult) {
        for decision in result.decisions {
            let key = Key(policy: decision.policy.name, allowed: decision.allowed && result.allowed, source: result.source)
            let counter = decisions.withLock { counters in
                if let counter = counters[key] { return counter }
                let counter = Counter(
                    label: "ratelimit_decisions_total",
                    dimensions: [("policy", key.policy), ("outcome", key.allowed ? "allowed" : "denied"), ("source", key.source.rawValue)],
                    factory: factory
                )
                counters[key] = counter
                return counter
            }
            counter.increment()
        }
    }
}
