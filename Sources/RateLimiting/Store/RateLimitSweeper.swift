public import Logging
public import ServiceLifecycle

/// Frees the in-memory store's expired keys every `interval`, for the server's lifetime.
public struct RateLimitSweeper: Service {
    let store: InMemoryRateLimitStore
    let interval: Duration
    let logger: Logger

    /// Creates the sweeper.
    /// - Parameters:
    ///   - store: The store to sweep.
    ///   - interval: Time between sweeps (each sweep locks one shard at a time, briefly).
    ///   - logger: Where sweeps are logged (at debug level).
    public init(store: InMemoryRateLimitStore, interval: Duration = .seconds(5), logger: Logger) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    /// Sweeps until graceful shutdown.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                let removed = store.removeExpired()
                if removed > 0 {
                    logger.debug(
                        "Expired rate-limit keys removed",
                        metadata: ["ratelimit.removed": "\(removed)", "ratelimit.keys": "\(store.keyCount)"]
                    )
                }
            }
        }
    }
}
