public import ServiceLifecycle

/// Copies the cache's counters into its metrics every `interval`, as a `Service`.
public struct ResponseCacheSampler: Service {
    let cache: ResponseCache
    let metrics: ResponseCacheMetrics
    let interval: Duration

    /// A sampler of `cache` into `metrics`.
    public init(cache: ResponseCache, metrics: ResponseCacheMetrics, interval: Duration = .seconds(1)) {
        self.cache = cache
        self.metrics = metrics
        self.interval = interval
    }

    /// One copy now.
    public func sample() { metrics.update(from: cache.statistics) }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                sample()
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }
}
