import Benchmarking
import Foundation
import Jobs
import Logging
import ServiceLifecycle
import Synchronization

/// The measurements of `mastery bench jobs`, on any store: bulk enqueue rate, burn-down rate of no-op jobs with
/// the worker's peak memory, and enqueue-to-start latency on an idle queue.
enum JobsMeasurements {
    struct Empty: Codable, Sendable {}

    static let noop = JobType<Empty>("bench.noop", queue: "bench", maxAttempts: 3, timeout: .seconds(60))

    /// Enqueues `count` no-op jobs in bulks of `batch`; returns jobs per second.
    static func enqueue(_ store: any JobStore, count: Int, batch: Int = 1_000) async throws -> Double {
        let registry = JobRegistry()
        registry.declare(noop)
        let queue = JobQueue(store: store, registry: registry)
        let payloads = Array(repeating: Empty(), count: batch)
        let clock = ContinuousClock()
        let elapsed = try await clock.measure {
            var remaining = count
            while remaining > 0 {
                let size = min(batch, remaining)
                _ = try await queue.enqueue(noop, Array(payloads.prefix(size)))
                remaining -= size
            }
        }
        return Double(count) / elapsed.secondsValue
    }

    /// What a burn-down measured.
    struct BurnDown: Sendable {
        var jobsPerSecond: Double
        /// The process's largest resident set while the worker ran, in MiB.
        var peakResidentMiB: Double
        /// The resident set before the worker started, in MiB.
        var baselineResidentMiB: Double
    }

    /// Runs a worker with no-op handlers until the `bench` queue's `count` jobs are completed.
    static func burnDown(
        _ store: any JobStore,
        signal: (any JobSignal)?,
        count: Int,
        concurrency: Int,
        logger: Logger,
        services: [any Service] = []
    ) async throws -> BurnDown {
        let registry = JobRegistry()
        let handled = Atomic<Int>(0)
        registry.register(noop) { _, _ in handled.add(1, ordering: .relaxed) }
        let worker = try JobWorker(
            store: store,
            registry: registry,
            signal: signal,
            configuration: JobWorker.Configuration(
                queues: ["bench": concurrency],
                pollInterval: .milliseconds(100),
                leaseDuration: .seconds(60),
                rescueInterval: .seconds(30),
                shutdownGracePeriod: .seconds(10)
            ),
            logger: logger
        )
        let baseline = residentMiB()
        let peak = Locked(baseline)
        let group = ServiceGroup(configuration: .init(services: services + [worker], logger: logger))
        let clock = ContinuousClock()
        let start = clock.now
        let elapsed = try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let sampling = Task {
                while !Task.isCancelled {
                    let now = residentMiB()
                    peak.withLock { $0 = max($0, now) }
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
            defer { sampling.cancel() }
            let deadline = clock.now + .seconds(Int64(max(60, count / 500)))
            while true {
                if handled.load(ordering: .relaxed) >= count {
                    let bench = try await store.statistics(at: Date()).first { $0.queue == "bench" }
                    if let bench, bench.ready == 0, bench.running == 0, bench.scheduled == 0 { break }
                }
                guard clock.now < deadline else {
                    throw BenchmarkError(
                        code: .timedOut,
                        message:
                            "the burn-down did not finish in time (\(handled.load(ordering: .relaxed)) of \(count) handled)"
                    )
                }
                try await Task.sleep(for: .milliseconds(5))
            }
            let elapsed = clock.now - start
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return elapsed
        }
        let completed = try await store.statistics(at: Date()).first { $0.queue == "bench" }?.completed ?? 0
        guard completed >= count else {
            throw BenchmarkError(code: .invalidMeasurement, message: "only \(completed) of \(count) jobs completed")
        }
        return BurnDown(
            jobsPerSecond: Double(count) / elapsed.secondsValue,
            peakResidentMiB: peak.withLock { $0 },
            baselineResidentMiB: baseline
        )
    }

    /// Enqueues one job at a time on an idle worker (whose poll interval is long, so that only the signal wakes
    /// it) and measures enqueue to handler start; returns milliseconds.
    static func idleLatency(
        _ store: any JobStore,
        signal: any JobSignal,
        samples: Int,
        logger: Logger,
        services: [any Service] = [],
        producerSignals: Bool = true
    ) async throws -> LatencyPercentiles {
        let registry = JobRegistry()
        let started = Locked<CheckedContinuation<ContinuousClock.Instant, Never>?>(nil)
        let probe = JobType<Empty>("bench.probe", queue: "probe", maxAttempts: 1)
        registry.register(probe) { _, _ in
            let now = ContinuousClock.now
            started.withLock { $0.take() }?.resume(returning: now)
        }
        let worker = try JobWorker(
            store: store,
            registry: registry,
            signal: signal,
            configuration: JobWorker.Configuration(queues: ["probe": 1], pollInterval: .seconds(30)),
            logger: logger
        )
        let queue = JobQueue(store: store, registry: registry, signal: producerSignals ? signal : nil)
        let group = ServiceGroup(configuration: .init(services: services + [worker], logger: logger))
        var latencies: [Double] = []
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // Let the worker's first claim and subscription happen.
            try await Task.sleep(for: .milliseconds(300))
            for _ in 0..<samples {
                let began = ContinuousClock.now
                let startedAt = try await withThrowingTaskGroup(of: ContinuousClock.Instant?.self) { race in
                    race.addTask {
                        await withCheckedContinuation { continuation in started.withLock { $0 = continuation } }
                    }
                    race.addTask {
                        try await Task.sleep(for: .seconds(10))
                        return nil
                    }
                    // The continuation is registered before the enqueue can be seen.
                    while started.withLock({ $0 == nil }) { await Task.yield() }
                    _ = try await queue.enqueue(probe, Empty())
                    defer { race.cancelAll() }
                    return try await race.next() ?? nil
                }
                guard let startedAt else {
                    throw BenchmarkError(code: .timedOut, message: "a probe job did not start within 10 s")
                }
                latencies.append((startedAt - began).secondsValue * 1000)
                try await Task.sleep(for: .milliseconds(20))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        return percentiles(latencies)
    }

    static func percentiles(_ values: [Double]) -> LatencyPercentiles {
        let sorted = values.sorted()
        func at(_ q: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))]
        }
        return LatencyPercentiles(p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999), max: sorted.last ?? 0)
    }

    /// This process's resident set (VmRSS), in MiB.
    static func residentMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kib = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kib / 1024
    }
}

/// A value behind a lock, shareable between tasks.
final class Locked<Value: Sendable>: Sendable {
    let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<Result>(_ body: (inout sending Value) throws -> sending Result) rethrows -> sending Result {
        try mutex.withLock(body)
    }
}

extension Duration {
    var secondsValue: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
