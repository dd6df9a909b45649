public import Prometheus
import Synchronization

/// The pool's Prometheus metrics, written into the server's registry (`context.metrics.registry`) and so served by
/// its `/metrics`:
///
/// - `mastery_pool_connections{state="total|idle|in_use|waiting|opening|dedicated"}` (gauges),
/// - `mastery_pool_acquire_wait_seconds` (histogram: every acquire's wait, failed ones included),
/// - `mastery_pool_hold_seconds` (histogram: how long each connection was held),
/// - `mastery_pool_acquire_timeouts_total`, `mastery_pool_leaks_total`, `mastery_pool_connection_errors_total`,
///   `mastery_pool_size_changes_total` (counters).
///
/// The histograms are fed as a ``PoolObserver`` (add it with ``ConnectionPool/addObserver(_:)``); the gauges and
/// counters are set from a ``PoolSnapshot`` by ``update(from:)`` (``PoolSampler`` calls it every second). It also
/// keeps the waits since the last ``takeRecentWaits()``, for the page's p95 chart.
public final class PoolMetrics: PoolObserver {
    /// The waits kept between two samples at most; past it, new waits replace old ones at random positions.
    static let recentWaitLimit = 4_096

    struct Totals {
        var timeouts = 0
        var leaks = 0
        var connectionErrors = 0
        var sizeChanges = 0
    }

    let connections: [String: Gauge]
    let acquireWait: DurationHistogram
    let hold: DurationHistogram
    let timeouts: Counter
    let leaks: Counter
    let connectionErrors: Counter
    let sizeChanges: Counter
    let totals = Mutex(Totals())
    let recent = Mutex((waits: [Duration](), seen: 0))

    /// Registers the metrics in `registry` (a registry hands back the same series to a second caller).
    public init(registry: PrometheusCollectorRegistry) {
        var connections: [String: Gauge] = [:]
        for state in ["total", "idle", "in_use", "waiting", "opening", "dedicated"] {
            connections[state] = registry.makeGauge(
                descriptor: Self.name(
                    "connections",
                    unit: "",
                    help: "Connections of the shared PostgreSQL pool by state (waiting: acquires queued for one)."
                ),
                labels: [("state", state)]
            )
        }
        self.connections = connections
        acquireWait = registry.makeDurationHistogram(
            descriptor: Self.name(
                "acquire_wait",
                unit: "seconds",
                help: "How long acquires waited for a connection (failed acquires included)."
            ),
            buckets: [
                .microseconds(100), .microseconds(500), .milliseconds(1), .milliseconds(5), .milliseconds(10),
                .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                .seconds(1), .milliseconds(2_500), .seconds(5), .seconds(10), .seconds(30),
            ]
        )
        hold = registry.makeDurationHistogram(
            descriptor: Self.name("hold", unit: "seconds", help: "How long callers held a connection."),
            buckets: [
                .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2_500),
                .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300),
            ]
        )
        timeouts = registry.makeCounter(
            descriptor: Self.name(
                "acquire_timeouts",
                unit: "total",
                help: "Acquires that failed on the acquire timeout (the pool was exhausted)."
            )
        )
        leaks = registry.makeCounter(
            descriptor: Self.name(
                "leaks",
                unit: "total",
                help: "Connections held past the leak threshold (each counted once)."
            )
        )
        connectionErrors = registry.makeCounter(
            descriptor: Self.name("connection_errors", unit: "total", help: "Failed connects, validations and resets.")
        )
        sizeChanges = registry.makeCounter(
            descriptor: Self.name(
                "size_changes",
                unit: "total",
                help: "Resizes that changed the pool's minimum or maximum."
            )
        )
    }

    static func name(_ metric: String, unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "mastery",
            subsystem: "pool",
            metricName: metric,
            unitName: unit,
            helpText: help
        )
    }

    /// Records the wait.
    public func acquired(wait: Duration) {
        acquireWait.record(wait)
        remember(wait)
    }

    /// Records the wait of a failed acquire.
    public func acquireFailed(_ error: PoolError, wait: Duration) {
        acquireWait.record(wait)
        remember(wait)
    }

    /// Records the hold time.
    public func released(held: Duration) {
        hold.record(held)
    }

    /// Sets the gauges from `snapshot` and advances each counter to the pool's own count.
    public func update(from snapshot: PoolSnapshot) {
        connections["total"]?.set(Double(snapshot.total))
        connections["idle"]?.set(Double(snapshot.idle))
        connections["in_use"]?.set(Double(snapshot.inUse))
        connections["waiting"]?.set(Double(snapshot.waiting))
        connections["opening"]?.set(Double(snapshot.opening))
        connections["dedicated"]?.set(Double(snapshot.dedicated))
        let deltas = totals.withLock { totals in
            defer {
                totals = Totals(
                    timeouts: max(totals.timeouts, snapshot.timeouts),
                    leaks: max(totals.leaks, snapshot.leaks),
                    connectionErrors: max(totals.connectionErrors, snapshot.connectionErrors),
                    sizeChanges: max(totals.sizeChanges, snapshot.sizeChanges)
                )
            }
            return Totals(
                timeouts: snapshot.timeouts - totals.timeouts,
                leaks: snapshot.leaks - totals.leaks,
                connectionErrors: snapshot.connectionErrors - totals.connectionErrors,
                sizeChanges: snapshot.sizeChanges - totals.sizeChanges
            )
        }
        if deltas.timeouts > 0 { timeouts.increment(by: Int64(deltas.timeouts)) }
        if deltas.leaks > 0 { leaks.increment(by: Int64(deltas.leaks)) }
        if deltas.connectionErrors > 0 { connectionErrors.increment(by: Int64(deltas.connectionErrors)) }
        if deltas.sizeChanges > 0 { sizeChanges.increment(by: Int64(deltas.sizeChanges)) }
    }

    /// The waits recorded since the last call (a uniform sample of them past ``recentWaitLimit``), and forgets them.
    public func takeRecentWaits() -> [Duration] {
        recent.withLock { recent in
            defer { recent = ([], 0) }
            return recent.waits
        }
    }

    func remember(_ wait: Duration) {
        recent.withLock { recent in
            recent.seen += 1
            if recent.waits.count < Self.recentWaitLimit {
                recent.waits.append(wait)
            } else {
                // Reservoir sampling: each wait seen stays with the same probability.
                let slot = Int.random(in: 0..<recent.seen)
                if slot < Self.recentWaitLimit { recent.waits[slot] = wait }
            }
        }
    }

    /// The 95th percentile of `waits` (nearest rank), zero when there are none.
    public static func percentile95(_ waits: [Duration]) -> Duration {
        guard !waits.isEmpty else { return .zero }
        let sorted = waits.sorted()
        let rank = Int((Double(sorted.count) * 0.95).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}
