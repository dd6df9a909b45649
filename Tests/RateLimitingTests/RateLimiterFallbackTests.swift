import Logging
import Platform
import RateLimiting
import Synchronization
import Testing

/// A store that fails on demand or never answers: the logic above the store, tested without Redis (the Redis
/// store's own failures are tested against a real server).
final class ScriptedStore: RateLimitStore {
    enum Behaviour: Sendable { case answer, fail, hang }
    let behaviour = Mutex(Behaviour.fail)
    let inner = InMemoryRateLimitStore(clock: ManualRateLimitClock())
    let calls = Atomic(0)

    func check(_ checks: [RateLimitCheck]) async throws -> RateLimitResult {
        calls.add(1, ordering: .relaxed)
        switch behaviour.withLock({ $0 }) {
        case .answer: return inner.decide(checks)
        case .fail: throw RateLimitError(.storeUnavailable, "scripted failure")
        case .hang:
            // Never answers (until cancelled, which the limiter does after its deadline).
            try? await Task.sleep(for: .seconds(3600))
            throw RateLimitError(.storeUnavailable, "cancelled")
        }
    }
}

@Suite struct RateLimiterFallbackTests {
    let logger = Logger(label: "test")

    func policy(_ name: String, _ mode: RateLimitFailureMode, limit: Int = 10) throws -> RateLimitPolicy {
        try RateLimitPolicy(
            name: name,
            algorithm: .fixedWindow,
            limit: limit,
            window: .seconds(3600),
            onStoreFailure: mode
        )
    }

    @Test("a failing store: open admits, closed rejects, local decides at the fraction")
    func failureModes() async throws {
        let store = ScriptedStore()
        let limiter = RateLimiter(
            store: store,
            localStore: InMemoryRateLimitStore(clock: ManualRateLimitClock()),
            configuration: .init(decisionTimeout: .seconds(60), recoveryProbeInterval: .seconds(3600)),
            logger: logger
        )
        let open = try await limiter.check([RateLimitCheck(policy: policy("open", .open), key: "k")])
        #expect(open.allowed && open.source == .failOpen)
        #expect(limiter.isUsingFallback)
        let closed = try await limiter.check([
            RateLimitCheck(policy: policy("open", .open), key: "k"),
            RateLimitCheck(policy: policy("closed", .closed), key: "k"),
        ])
        #expect(!closed.allowed && closed.source == .failClosed)
        #expect(closed.retryAfter != nil)
        let local = try policy("local", .localFallback(fraction: 0.3))
        var admitted = 0
        for _ in 0..<10 where try await limiter.check([RateLimitCheck(policy: local, key: "k")]).allowed {
            admitted += 1
        }
        #expect(admitted == 3)
        // While failing, only probes reach the store: one call at the switch, none since (probe interval 1 h).
        #expect(store.calls.load(ordering: .relaxed) == 1)
        let stats = limiter.statistics.snapshot()
        #expect(stats.fallbackDecisions == 12)
        #expect(stats.limitedKeys.first?.policy == "local")
    }

    @Test("statistics and metrics count every decision under its policy, outcome and source")
    func countsAndMetrics() async throws {
        let metrics = MetricsRegistry()
        let memory = InMemoryRateLimitStore(clock: ManualRateLimitClock())
        let limiter = RateLimiter(store: memory, metricsFactory: metrics.factory, logger: logger)
        let a = try policy("a", .open, limit: 2)
        let b = try policy("b", .open, limit: 5)
        for _ in 0..<3 { _ = try await limiter.check([RateLimitCheck(policy: a, key: "k")]) }
        // Two policies on one request: b admits, a rejects, so the request (and b's count) is denied.
        let both = try limiter.checkImmediately([
            RateLimitCheck(policy: b, key: "k"), RateLimitCheck(policy: a, key: "k"),
        ])
        #expect(both?.allowed == false)
        let stats = limiter.statistics.snapshot()
        #expect(stats.allowed == 2 && stats.denied == 2 && stats.fallbackDecisions == 0)
        #expect(stats.policies["a"]?.allowed == 2 && stats.policies["a"]?.denied == 2)
        #expect(stats.policies["b"]?.allowed == 0 && stats.policies["b"]?.denied == 1)
        #expect(stats.limitedKeys.map { "\($0.policy) \($0.key) \($0.denied)" } == ["a k 2"])
        let text = String(decoding: metrics.render(), as: UTF8.self)
        #expect(text.contains(#"ratelimit_decisions_total{policy="a",outcome="allowed",source="store"} 2"#))
        #expect(text.contains(#"ratelimit_decisions_total{policy="a",outcome="denied",source="store"} 2"#))
        #expect(text.contains(#"ratelimit_decisions_total{policy="b",outcome="denied",source="store"} 1"#))
        #expect(!text.contains(#"policy="b",outcome="allowed""#))
    }

    @Test("only an in-memory store decides immediately; a shared store is asked through check")
    func immediateOnlyInMemory() async throws {
        let shared = RateLimiter(store: ScriptedStore(), logger: logger)
        #expect(try shared.checkImmediately([RateLimitCheck(policy: policy("a", .open), key: "k")]) == nil)
        let memory = RateLimiter(store: InMemoryRateLimitStore(clock: ManualRateLimitClock()), logger: logger)
        let result = try memory.checkImmediately([RateLimitCheck(policy: policy("a", .open), key: "k")])
        #expect(result?.allowed == true && result?.source == .store)
        #expect(throws: RateLimitError.self) {
            try memory.checkImmediately([RateLimitCheck(policy: policy("a", .open), key: "")])
        }
    }

    @Test("a store that never answers: no decision waits much past the timeout")
    func hangingStore() async throws {
        let store = ScriptedStore()
        store.behaviour.withLock { $0 = .hang }
        let limiter = RateLimiter(
            store: store,
            configuration: .init(decisionTimeout: .milliseconds(50), recoveryProbeInterval: .zero),
            logger: logger
        )
        let started = ContinuousClock.now
        for _ in 0..<5 {
            let result = try await limiter.check([RateLimitCheck(policy: policy("open", .open), key: "k")])
            #expect(result.allowed && result.source == .failOpen)
        }
        // Five decisions each bounded by 50 ms: generously, well under the hour the store would take.
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test("recovery: a probe that succeeds switches back to the store")
    func recovery() async throws {
        let store = ScriptedStore()
        // A generous deadline: only the store's answers (not the machine's pace) decide this test.
        let limiter = RateLimiter(
            store: store,
            configuration: .init(decisionTimeout: .seconds(60), recoveryProbeInterval: .zero),
            logger: logger
        )
        let open = try policy("open", .open, limit: 1)
        _ = try await limiter.check([RateLimitCheck(policy: open, key: "k")])
        #expect(limiter.isUsingFallback)
        store.behaviour.withLock { $0 = .answer }
        let first = try await limiter.check([RateLimitCheck(policy: open, key: "k")])
        #expect(first.source == .store && first.allowed)
        #expect(!limiter.isUsingFallback)
        #expect(try await limiter.check([RateLimitCheck(policy: open, key: "k")]).allowed == false)
    }

    @Test("bad input is an error and decides nothing")
    func badInput() async throws {
        let limiter = RateLimiter(store: InMemoryRateLimitStore(), logger: logger)
        await #expect(throws: RateLimitError.self) { try await limiter.check([]) }
        await #expect(throws: RateLimitError.self) {
            try await limiter.check([
                RateLimitCheck(policy: policy("p", .open), key: String(repeating: "k", count: 513))
            ])
        }
        #expect(limiter.statistics.snapshot().allowed == 0)
    }
}
