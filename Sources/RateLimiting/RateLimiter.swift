public import CoreMetrics
public import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The entry point: decides requests against a store, keeps deciding when a shared store fails, and counts.
///
/// With an ``InMemoryRateLimitStore`` every decision is synchronous. With a shared store (Redis) each decision
/// waits at most ``Configuration/decisionTimeout``; when the store fails or is late, each policy's
/// ``RateLimitPolicy/onStoreFailure`` decides: admit (`open`), reject (`closed`), or decide locally at a fraction
/// of the limit (`localFallback`). After a failure the limiter stops waiting on the store: one decision per
/// ``Configuration/recoveryProbeInterval`` probes it, the others go straight to the fallback. The switch and the
/// recovery are logged (`Rate-limit store failing` / `Rate-limit store recovered`) and counted
/// (`ratelimit_store_fallback_switches_total`, gauge `ratelimit_store_fallback_active`).
public final class RateLimiter: Sendable {
    /// The store decisions go to.
    public let store: any RateLimitStore
    /// The in-process store used for `localFallback` policies while the shared store fails (and the store itself
    /// when it is in-memory).
    public let localStore: InMemoryRateLimitStore
    /// What the limiter has decided so far, for the dashboard.
    public let statistics: RateLimitStatistics
    let configuration: Configuration
    let logger: Logger
    let health: Mutex<StoreHealth>
    let memory: InMemoryRateLimitStore?
    let metrics: RateLimitMetrics
    let clock = ContinuousClock()

    /// Creates a limiter.
    /// - Parameters:
    ///   - store: Where state lives. An ``InMemoryRateLimitStore`` is used synchronously.
    ///   - localStore: The fallback store for `localFallback` policies (a fresh one by default; the in-memory
    ///     `store` itself when it is one).
    ///   - configuration: Timeouts and limits.
    ///   - metricsFactory: Where metrics go (the server's registry); the global factory by default.
    ///   - logger: Where the fallback switch and recovery are logged.
    public init(
        store: any RateLimitStore,
        localStore: InMemoryRateLimitStore? = nil,
        configuration: Configuration = .init(),
        metricsFactory: (any MetricsFactory)? = nil,
        logger: Logger
    ) {
        self.store = store
        memory = store as? InMemoryRateLimitStore
        self.localStore = localStore ?? memory ?? InMemoryRateLimitStore()
        self.configuration = configuration
        self.logger = logger
        health = Mutex(StoreHealth())
        metrics = RateLimitMetrics(factory: metricsFactory ?? MetricsSystem.factory)
        statistics = RateLimitStatistics(trackedKeys: configuration.trackedLimitedKeys, metrics: metrics)
    }

    /// Whether decisions currently bypass a failing store.
    public var isUsingFallback: Bool { health.withLock { $0.failingSince != nil } }

    /// Decides a request: admitted only if every check admits (nothing consumed otherwise).
    /// - Parameter checks: 1 to ``RateLimitCheck/maximumChecks`` checks.
    /// - Returns: The decision; its ``RateLimitResult/source`` says whether the store or a fallback decided.
    /// - Throws: ``RateLimitError`` with code `invalidKey` or `invalidCost` for bad input (nothing is decided).
    ///   A failing store never throws: the policies' failure modes decide instead.
    public func check(_ checks: [RateLimitCheck]) async throws -> RateLimitResult {
        if let result = try checkImmediately(checks) { return result }
        try RateLimitCheck.validate(checks)
        let now = clock.now
        guard health.withLock({ $0.shouldTry(at: now, probeInterval: configuration.recoveryProbeInterval) }) else {
            return record(fallback(checks))
        }
        let started = clock.now
        do {
            let result = try await withDeadline(configuration.decisionTimeout) { [store] in
                try await store.check(checks)
            }
            metrics.storeDuration.recordNanoseconds((clock.now - started).nanoseconds)
            recovered()
            return record(result)
        } catch let error as RateLimitError where !error.code.isStoreFailure {
            // The request's own fault (bad input the store refused): an answer for this request only, never a
            // reason to switch every request to the fallback.
            throw error
        } catch let error as RateLimitError {
            failed(error)
            return record(fallback(checks))
        } catch {
            failed(RateLimitError(.storeUnavailable, "the store failed", underlying: error))
            return record(fallback(checks))
        }
    }

    /// Decides a request without suspending when the store is in-memory: the middleware's fast path, with no
    /// task hop and no asynchronous frame. `nil` when the store is shared: call ``check(_:)``.
    /// - Parameter checks: 1 to ``RateLimitCheck/maximumChecks`` checks.
    /// - Throws: ``RateLimitError`` with code `invalidKey` or `invalidCost` for bad input (nothing is decided).
    public func checkImmediately(_ checks: [RateLimitCheck]) throws -> RateLimitResult? {
        guard let memory else { return nil }
        try RateLimitCheck.validate(checks)
        return record(memory.decide(checks))
    }

    /// Decides with the policies' failure modes: `closed` rejects, `localFallback` asks the local store at the
    /// fraction, `open` admits.
    func fallback(_ checks: [RateLimitCheck]) -> RateLimitResult {
        if let closed = checks.first(where: { $0.policy.onStoreFailure == .closed }) {
            let decisions = checks.map { check in
                RateLimitDecision(
                    policy: check.policy,
                    key: check.key,
                    allowed: check.policy.name != closed.policy.name,
                    limit: check.policy.capacity,
                    remaining: 0,
                    resetAfter: configuration.recoveryProbeInterval,
                    retryAfter: check.policy.name == closed.policy.name ? configuration.recoveryProbeInterval : nil
                )
            }
            return RateLimitResult(allowed: false, decisions: decisions, source: .failClosed)
        }
        var local: [RateLimitCheck] = []
        var positions: [Int] = []
        for (position, check) in checks.enumerated() {
            if case .localFallback(let fraction) = check.policy.onStoreFailure {
                var scaled = check
                scaled.policy = check.policy.scaled(by: fraction)
                local.append(scaled)
                positions.append(position)
            }
        }
        var decisions = checks.map { check in
            RateLimitDecision(
                policy: check.policy,
                key: check.key,
                allowed: true,
                limit: check.policy.capacity,
                remaining: check.policy.capacity,
                resetAfter: .zero,
                retryAfter: nil
            )
        }
        guard !local.isEmpty else { return RateLimitResult(allowed: true, decisions: decisions, source: .failOpen) }
        let result = localStore.decide(local)
        for (offset, position) in positions.enumerated() {
            var decision = result.decisions[offset]
            decision.policy = checks[position].policy
            decisions[position] = decision
        }
        return RateLimitResult(allowed: result.allowed, decisions: decisions, source: .localFallback)
    }

    private func record(_ result: RateLimitResult) -> RateLimitResult {
        statistics.record(result)
        return result
    }

    private func failed(_ error: RateLimitError) {
        let switched = health.withLock { $0.failed(at: clock.now) }
        if switched {
            metrics.fallbackSwitches.increment()
            metrics.fallbackActive.record(1)
            logger.warning(
                "Rate-limit store failing: deciding with each policy's failure mode",
                metadata: ["ratelimit.error": "\(error)"]
            )
        }
    }

    private func recovered() {
        if let since = health.withLock({ $0.succeeded() }) {
            metrics.fallbackActive.record(0)
            metrics.recoveries.increment()
            logger.info("Rate-limit store recovered", metadata: ["ratelimit.failed_for": "\(clock.now - since)"])
        }
    }

    /// Runs `operation`, giving up after `timeout` (the operation is cancelled and left to finish on its own, so
    /// a store that never answers cannot hold the caller).
    private func withDeadline<Value: Sendable>(
        _ timeout: Duration,
        _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let pending = Deadline<Value>()
        return try await withCheckedThrowingContinuation { continuation in
            pending.withLock { $0.continuation = continuation }
            let timer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: .nanoseconds(timeout.nanoseconds))
            {
                let (late, work) = pending.withLock { ($0.continuation.take(), $0.work) }
                late?.resume(throwing: RateLimitError(.storeTimeout, "the store did not answer within \(timeout)"))
                work?.cancel()
            }
            let work = Task {
                let result: Result<Value, any Error>
                do { result = .success(try await operation()) } catch { result = .failure(error) }
                timer.cancel()
                pending.withLock { $0.continuation.take() }?.resume(with: result)
            }
            pending.withLock { $0.work = work }
        }
    }
}

/// The continuation of a decision racing its deadline, and the task doing it: resumed once, by whichever ends first.
private final class Deadline<Value: Sendable>: Sendable {
    private let state = Mutex<(continuation: CheckedContinuation<Value, any Error>?, work: Task<Void, Never>?)>(
        (nil, nil)
    )

    func withLock<R>(
        _ body: (inout (continuation: CheckedContinuation<Value, any Error>?, work: Task<Void, Never>?)) -> R
    ) -> R {
        state.withLock { body(&$0) }
    }
}

extension Duration {
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}

extension RateLimitPolicy {
    /// The policy at `fraction` of its limit and burst (at least 1 each), for an instance's local share.
    func scaled(by fraction: Double) -> RateLimitPolicy {
        let limit = max(1, Int((Double(self.limit) * fraction).rounded(.down)))
        let burst = self.burst.map { max(1, Int((Double($0) * fraction).rounded(.down))) }
        return
            (try? RateLimitPolicy(
                name: name,
                algorithm: algorithm,
                limit: limit,
                window: window,
                burst: burst,
                onStoreFailure: onStoreFailure
            )) ?? self
    }
}
