public import ServiceLifecycle

/// Every `interval` (a second by default), reads the pool's snapshot into its metrics (gauges and counters) and its
/// history (the page's charts), until graceful shutdown.
public struct PoolSampler<C: Clock>: Service where C.Duration == Duration {
    let read: @Sendable () -> PoolSnapshot
    let metrics: PoolMetrics
    let history: PoolHistory
    let interval: Duration
    let clock: C

    /// Creates the sampler.
    /// - Parameters:
    ///   - snapshot: Reads the pool (`pool.snapshot`).
    ///   - metrics: The metrics to update; it must also observe the pool, for the waits.
    ///   - history: Where samples go.
    ///   - interval: How often.
    ///   - clock: The clock the interval is measured on.
    public init(
        snapshot: @escaping @Sendable () -> PoolSnapshot,
        metrics: PoolMetrics,
        history: PoolHistory,
        interval: Duration = .seconds(1),
        clock: C
    ) {
        self.read = snapshot
        self.metrics = metrics
        self.history = history
        self.interval = interval
        self.clock = clock
    }

    /// Samples once now.
    public func sample() {
        let snapshot = read()
        metrics.update(from: snapshot)
        history.record(snapshot, waits: metrics.takeRecentWaits())
    }

    /// Samples every interval until the task is cancelled or graceful shutdown begins.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                sample()
                do { try await clock.sleep(for: interval) } catch { return }
            }
        }
    }
}
