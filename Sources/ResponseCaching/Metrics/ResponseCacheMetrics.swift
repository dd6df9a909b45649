public import CoreMetrics
import Synchronization

/// The cache's metrics for Prometheus, per tier, fed from ``ResponseCache/statistics`` by
/// ``ResponseCacheSampler``: `cache_hits_total{tier="memory"|"shared"}`, `cache_misses_total`,
/// `cache_stale_served_total`, `cache_origin_calls_total`, `cache_origin_failures_total`,
/// `cache_evictions_total{tier="memory"}`, `cache_bytes{tier="memory"}`, `cache_entries{tier="memory"}`,
/// `cache_invalidations_total{origin="here"|"heard"}`, `cache_store_errors_total`, `cache_lease_bypasses_total`.
public final class ResponseCacheMetrics: Sendable {
    let memoryHits: Counter
    let sharedHits: Counter
    let misses: Counter
    let staleServed: Counter
    let originCalls: Counter
    let originFailures: Counter
    let evictions: Counter
    let invalidationsMade: Counter
    let invalidationsHeard: Counter
    let storeErrors: Counter
    let leaseBypasses: Counter
    let bytes: Gauge
    let entries: Gauge
    /// The statistics of the last update, to add only what changed since.
    let last = Mutex<ResponseCacheStatistics?>(nil)

    /// Creates the metrics on `factory` (the server's registry).
    public init(factory: any MetricsFactory) {
        func counter(_ label: String, _ dimensions: [(String, String)] = []) -> Counter {
            Counter(label: label, dimensions: dimensions, factory: factory)
        }
        memoryHits = counter("cache_hits_total", [("tier", "memory")])
        sharedHits = counter("cache_hits_total", [("tier", "shared")])
        misses = counter("cache_misses_total")
        staleServed = counter("cache_stale_served_total")
        originCalls = counter("cache_origin_calls_total")
        originFailures = counter("cache_origin_failures_total")
        evictions = counter("cache_evictions_total", [("tier", "memory")])
        invalidationsMade = counter("cache_invalidations_total", [("origin", "here")])
        invalidationsHeard = counter("cache_invalidations_total", [("origin", "heard")])
        storeErrors = counter("cache_store_errors_total")
        leaseBypasses = counter("cache_lease_bypasses_total")
        bytes = Gauge(label: "cache_bytes", dimensions: [("tier", "memory")], factory: factory)
        entries = Gauge(label: "cache_entries", dimensions: [("tier", "memory")], factory: factory)
    }

    /// Adds what changed since the last update.
    public func update(from statistics: ResponseCacheStatistics) {
        let previous = last.withLock { last in
            defer { last = statistics }
            return last
        }
        func add(_ counter: Counter, _ value: KeyPath<ResponseCacheStatistics, Int>) {
            let delta = statistics[keyPath: value] - (previous?[keyPath: value] ?? 0)
            if delta > 0 { counter.increment(by: delta) }
        }
        add(memoryHits, \.memoryHits)
        add(sharedHits, \.sharedHits)
        add(misses, \.misses)
        add(staleServed, \.staleServed)
        add(originCalls, \.originCalls)
        add(originFailures, \.originFailures)
        add(evictions, \.memory.evictions)
        add(invalidationsMade, \.invalidationsMade)
        add(invalidationsHeard, \.invalidationsHeard)
        add(storeErrors, \.storeErrors)
        add(leaseBypasses, \.leaseBypasses)
        bytes.record(statistics.memory.bytes)
        entries.record(statistics.memory.count)
    }
}
