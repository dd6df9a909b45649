import CoreMetrics
public import Foundation
public import Logging
public import ServiceLifecycle

/// Sets the per-queue gauges (`jobs_ready`, `jobs_scheduled`, `jobs_running`, `jobs_dead`,
/// `jobs_oldest_ready_age_seconds`) from the store every `interval`, until graceful shutdown.
public struct JobStatisticsService: Service, Sendable {
    let store: any JobStore
    let interval: Duration
    let logger: Logger
    let now: @Sendable () -> Date

    /// Creates the service.
    public init(
        store: any JobStore,
        interval: Duration = .seconds(5),
        logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.interval = interval
        self.logger = logger
        self.now = now
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown { try await self.loop() }
    }

    func loop() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                for statistics in try await store.statistics(at: now()) {
                    let metrics = JobMetrics.shared.queue(statistics.queue)
                    metrics.ready.record(statistics.ready)
                    metrics.scheduled.record(statistics.scheduled)
                    metrics.running.record(statistics.running)
                    metrics.deadLetter.record(statistics.dead)
                    metrics.oldestReadyAge.record(statistics.oldestReadyAge.seconds)
                }
            } catch {
                logger.debug("reading queue statistics failed", metadata: ["error": "\(JobsError.describe(error))"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
