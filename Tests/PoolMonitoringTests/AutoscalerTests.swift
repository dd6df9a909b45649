import Logging
import PoolMonitoring
import Synchronization
import TestSupport
import Testing

/// The autoscaler on a stub pool with real time: a load spike followed by idleness, and a server that refuses
/// connections with 53300.
@Suite("Autoscaler on stub connections")
struct AutoscalerTests {
    typealias Pool = ConnectionPool<StubFactory, ContinuousClock>

    /// The server refusing connections past `limit` open at once (SQLSTATE 53300).
    struct TooManyConnections: Error {}

    /// Opens stub connections until `limit` are open, then refuses with ``TooManyConnections``.
    final class LimitedFactory: PoolConnectionFactory {
        let limit: Int
        let open = Mutex((count: 0, refused: 0))

        init(limit: Int) { self.limit = limit }

        func makeConnection(id: Int) async throws -> StubConnection {
            try open.withLock { open in
                guard open.count < limit else {
                    open.refused += 1
                    throw TooManyConnections()
                }
                open.count += 1
                return StubConnection(id: id)
            }
        }

        func isClosed(_ connection: StubConnection) -> Bool { connection.closed }
        func validate(_ connection: StubConnection) async throws {}
        func reset(_ connection: StubConnection) async throws {}
        func cancel(_ connection: StubConnection) async throws {}

        func close(_ connection: StubConnection) async {
            let wasOpen = connection.state.withLock { state in
                defer { state.closed = true }
                return !state.closed
            }
            if wasOpen { open.withLock { $0.count -= 1 } }
        }
    }

    static func configuration(_ change: (inout AutoscalerConfiguration) -> Void = { _ in }) -> AutoscalerConfiguration {
        var configuration = AutoscalerConfiguration()
        configuration.enabled = true
        configuration.interval = .milliseconds(50)
        configuration.targetWaitP95 = .milliseconds(5)
        configuration.growAfter = 2
        configuration.floor = 2
        configuration.ceiling = 40
        configuration.step = .fraction(0.25, atLeast: 2)
        configuration.idlePeriod = .milliseconds(250)
        // Hold times of 20 ms sleeps stretch on loaded cores; the bottleneck rule has its own tests.
        configuration.latencyTolerance = 10
        configuration.budgetRefreshTicks = 4
        change(&configuration)
        return configuration
    }

    /// `tasks` tasks acquiring and holding a connection for 20 ms, again and again, until `stop` is set; failures
    /// (a refused connect fails the waiters) are counted and the loop goes on.
    static func spike<Factory: PoolConnectionFactory>(
        _ pool: ConnectionPool<Factory, ContinuousClock>,
        tasks: Int,
        until stop: Locked<Bool>,
        failures: Locked<Int>,
        in group: inout ThrowingTaskGroup<Void, any Error>
    ) {
        for _ in 0..<tasks {
            group.addTask {
                while !stop.value {
                    do {
                        try await pool.withConnection(label: "spike") { _ in
                            try await Task.sleep(for: .milliseconds(20))
                        }
                    } catch is PoolError {
                        failures.withLock { $0 += 1 }
                        // Paces the retry after a fast failure (the pool's connect back-off), not a wait for a state.
                        try await Task.sleep(for: .milliseconds(5))
                    }
                }
            }
        }
    }

    @Test("the maximum follows a load spike up to the budget and back down to the floor after idleness")
    func followsALoadSpike() async throws {
        var poolConfiguration = PoolConfiguration()
        poolConfiguration.maximum = 2
        poolConfiguration.acquireTimeout = .seconds(30)
        let pool = try Pool(factory: StubFactory(), configuration: poolConfiguration, logger: quietLogger)
        let budget = AutoscalerBudget(maxConnections: 100, reserve: 4, instances: 8)  // 12
        let budgetReads = Locked(0)
        let autoscaler = try PoolAutoscaler(
            pool: pool,
            configuration: Self.configuration(),
            clock: ContinuousClock(),
            logger: quietLogger,
            budget: {
                budgetReads.withLock { $0 += 1 }
                return budget
            },
            isTooManyConnections: { _ in false }
        )
        let peak = Locked((maximum: 0, total: 0))
        @Sendable func observe() -> PoolSnapshot {
            let snapshot = pool.snapshot()
            peak.withLock { peak in
                peak.maximum = max(peak.maximum, snapshot.maximum)
                peak.total = max(peak.total, snapshot.total)
            }
            return snapshot
        }
        try await withRunning(pool) {
            try await withThrowingTaskGroup(of: Void.self) { service in
                service.addTask { try await autoscaler.run() }
                defer { service.cancelAll() }
                let stop = Locked(false)
                let failures = Locked(0)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    Self.spike(pool, tasks: 40, until: stop, failures: failures, in: &group)
                    try await waitUntil("the pool grows to its budget") { observe().maximum == 12 }
                    try await waitUntil("growth held at the budget") {
                        _ = observe()
                        return autoscaler.recentDecisions.contains { $0.rule == .atLimit }
                    }
                    stop.withLock { $0 = true }
                    try await group.waitForAll()
                }
                #expect(failures.value == 0)
                try await waitUntil("the pool shrinks back to the floor") { observe().maximum == 2 }
            }
        }
        let decisions = autoscaler.recentDecisions
        let grows = decisions.filter { if case .grow = $0.action { true } else { false } }
        let shrinks = decisions.filter { if case .shrink = $0.action { true } else { false } }
        #expect(grows.count >= 3)
        #expect(grows.allSatisfy { $0.rule == .pressure && $0.reason.contains("> target 5 ms") })
        #expect(shrinks.count >= 3)
        #expect(shrinks.allSatisfy { $0.rule == .idle && $0.reason.contains("idle for") })
        let held = try #require(decisions.first { $0.rule == .atLimit })
        #expect(held.reason.contains("the budget 12 = (100 - 4) / 8"))
        // Up, then down, never past the budget.
        #expect(decisions.allSatisfy { $0.to <= 12 && $0.budget == 12 })
        #expect(peak.value.maximum == 12)
        #expect(peak.value.total <= 12)
        let lastGrow = try #require(grows.last?.tick)
        #expect(shrinks.allSatisfy { $0.tick > lastGrow })
        let status = autoscaler.status
        #expect(status.enabled)
        #expect(status.budget == budget)
        #expect(status.decisions >= decisions.count)
        #expect(status.lastDecision != nil)
        #expect(budgetReads.value >= 1)
    }

    @Test("a connect refused with 53300 shrinks the maximum below the open connections and blocks growth")
    func backsOffOnTooManyConnections() async throws {
        let factory = LimitedFactory(limit: 5)
        var poolConfiguration = PoolConfiguration()
        poolConfiguration.maximum = 4
        poolConfiguration.acquireTimeout = .seconds(30)
        let pool = try ConnectionPool(factory: factory, configuration: poolConfiguration, logger: quietLogger)
        let autoscaler = try PoolAutoscaler(
            pool: pool,
            configuration: Self.configuration {
                $0.step = .connections(2)
                $0.backoff = .seconds(120)
                $0.maximumBackoff = .seconds(600)
            },
            clock: ContinuousClock(),
            logger: quietLogger,
            budget: { AutoscalerBudget(maxConnections: 100, reserve: 0, instances: 5) },  // 20
            isTooManyConnections: { $0 is TooManyConnections }
        )
        try await withRunning(pool) {
            try await withThrowingTaskGroup(of: Void.self) { service in
                service.addTask { try await autoscaler.run() }
                defer { service.cancelAll() }
                let stop = Locked(false)
                let failures = Locked(0)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    Self.spike(pool, tasks: 40, until: stop, failures: failures, in: &group)
                    try await waitUntil("the server refuses a connect and the autoscaler backs off") {
                        autoscaler.recentDecisions.contains { $0.rule == .tooManyConnections }
                    }
                    let refusedAt = try #require(autoscaler.recentDecisions.first { $0.rule == .tooManyConnections })
                    // Pressure goes on for twenty more windows: every one is held.
                    try await waitUntil("twenty more decisions") { autoscaler.status.decisions >= refusedAt.tick + 20 }
                    stop.withLock { $0 = true }
                    try await group.waitForAll()
                }
            }
        }
        let decisions = autoscaler.recentDecisions
        let refused = try #require(decisions.first { $0.rule == .tooManyConnections })
        #expect(refused.from == 6)
        #expect(refused.action == .shrink(to: 4))
        #expect(refused.reason.contains("53300"))
        #expect(refused.reason.contains("growth blocked for 120 s"))
        let after = decisions.filter { $0.tick > refused.tick }
        #expect(after.allSatisfy { $0.action == .hold || $0.rule == .tooManyConnections })
        #expect(after.contains { $0.rule == .backingOff && $0.reason.contains("backing off after a 53300") })
        #expect(autoscaler.status.backingOff)
        #expect(pool.snapshot().maximum <= 4)
        #expect(factory.open.withLock { $0.refused } >= 1)
    }

    @Test("no growth past the size at which hold times rose with it (the database is the bottleneck)")
    func stopsWhereLatencyRisesWithSize() async throws {
        var poolConfiguration = PoolConfiguration()
        poolConfiguration.maximum = 2
        poolConfiguration.acquireTimeout = .seconds(30)
        let pool = try Pool(factory: StubFactory(), configuration: poolConfiguration, logger: quietLogger)
        let autoscaler = try PoolAutoscaler(
            pool: pool,
            configuration: Self.configuration {
                $0.interval = .milliseconds(100)
                $0.step = .connections(2)
                $0.latencyTolerance = 0.25
                $0.bottleneckCooldown = .seconds(120)
            },
            clock: ContinuousClock(),
            logger: quietLogger,
            budget: { AutoscalerBudget(maxConnections: 100, reserve: 4, instances: 8) },  // 12
            isTooManyConnections: { _ in false }
        )
        try await withRunning(pool) {
            try await withThrowingTaskGroup(of: Void.self) { service in
                service.addTask { try await autoscaler.run() }
                defer { service.cancelAll() }
                let stop = Locked(false)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    // A database that serves connections one at a time: each statement takes 15 ms per connection
                    // in use, so a larger pool only makes every statement slower.
                    for _ in 0..<20 {
                        group.addTask {
                            while !stop.value {
                                try await pool.withConnection(label: "serial") { _ in
                                    try await Task.sleep(for: .milliseconds(15) * pool.snapshot().inUse)
                                }
                            }
                        }
                    }
                    try await waitUntil("growth held as a database bottleneck") {
                        autoscaler.recentDecisions.contains { $0.rule == .databaseBottleneck }
                    }
                    let blocked = try #require(autoscaler.recentDecisions.first { $0.rule == .databaseBottleneck })
                    try await waitUntil("ten more decisions") { autoscaler.status.decisions >= blocked.tick + 10 }
                    stop.withLock { $0 = true }
                    try await group.waitForAll()
                }
            }
        }
        let decisions = autoscaler.recentDecisions
        let blocked = try #require(decisions.first { $0.rule == .databaseBottleneck })
        #expect(blocked.reason.contains("the database is the bottleneck: mean hold rose from"))
        let size = try #require(autoscaler.status.bottleneckSize)
        #expect(size < 12)
        #expect(decisions.allSatisfy { $0.to <= size })
        #expect(pool.snapshot().maximum <= size)
    }

    @Test("decide() on a manual clock: the window's p95 wait and mean hold come from the pool's own reports")
    func windowFromThePoolsReports() async throws {
        let clock = ManualClock()
        var poolConfiguration = PoolConfiguration()
        poolConfiguration.maximum = 1
        poolConfiguration.acquireTimeout = .seconds(3_600)
        let pool = try ConnectionPool(
            factory: StubFactory(),
            configuration: poolConfiguration,
            clock: clock,
            logger: quietLogger
        )
        let autoscaler = try PoolAutoscaler(
            pool: pool,
            configuration: Self.configuration {
                $0.interval = .seconds(1)
                $0.floor = 1
                $0.targetWaitP95 = .milliseconds(10)
                $0.step = .connections(2)
            },
            clock: clock,
            logger: quietLogger,
            budget: { AutoscalerBudget(maxConnections: 100, reserve: 4, instances: 8) },
            isTooManyConnections: { _ in false }
        )
        let decisions = try await withRunning(pool) {
            await autoscaler.refreshBudget()
            var decisions: [AutoscalerDecision] = []
            for _ in 0..<2 {
                // One holder for 50 ms (manual) and one acquire waiting those 50 ms behind it.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    let gate = Gate()
                    let entered = Locked(false)
                    group.addTask {
                        try await pool.withConnection(label: "holder") { _ in
                            entered.withLock { $0 = true }
                            await gate.wait()
                        }
                    }
                    // In its body, not only leased: the hold is timed from when withConnection hands it over.
                    try await waitUntil("held") { entered.value }
                    group.addTask { try await pool.withConnection(label: "waiter") { _ in } }
                    try await waitUntil("waiting") { pool.snapshot().waiting == 1 }
                    clock.advance(by: .milliseconds(50))
                    gate.open()
                    try await group.waitForAll()
                }
                clock.advance(by: .milliseconds(950))
                decisions.append(autoscaler.decide())
            }
            return decisions
        }
        let first = try #require(decisions.first)
        #expect(first.action == .hold)
        #expect(first.rule == .pressure)
        // Waits of 0 and 50 ms: the p95 is 50 ms, read from the histogram's bucket (at most 19 % above).
        let p95 = try #require(first.p95Wait)
        #expect(p95 >= .milliseconds(50) && p95 <= .milliseconds(60))
        // Held 50 ms and 0 ms.
        #expect(first.holdMean == .milliseconds(25))
        #expect(first.budget == 12)
        #expect(decisions.last?.action == .grow(to: 3))
        #expect(pool.snapshot().maximum == 3)
        #expect(autoscaler.status.lastDecision == decisions.last)
        #expect(autoscaler.recentDecisions == [decisions[1]])
    }

    @Test("when disabled it never resizes, and run() ends on cancellation")
    func disabled() async throws {
        let pool = try Pool(factory: StubFactory(), configuration: PoolConfiguration(), logger: quietLogger)
        let autoscaler = try PoolAutoscaler(
            pool: pool,
            configuration: Self.configuration { $0.enabled = false },
            clock: ContinuousClock(),
            logger: quietLogger,
            budget: { AutoscalerBudget(maxConnections: 100, reserve: 0, instances: 1) },
            isTooManyConnections: { _ in false }
        )
        let run = Task { try await autoscaler.run() }
        run.cancel()
        try await run.value
        #expect(autoscaler.status.enabled == false)
        #expect(autoscaler.status.decisions == 0)
        #expect(pool.snapshot().maximum == 10)
    }

    @Test("an invalid configuration is refused when the autoscaler is made")
    func invalidConfiguration() throws {
        let pool = try Pool(factory: StubFactory(), configuration: PoolConfiguration(), logger: quietLogger)
        let error = #expect(throws: PoolError.self) {
            try PoolAutoscaler(
                pool: pool,
                configuration: Self.configuration { $0.floor = 0 },
                clock: ContinuousClock(),
                logger: quietLogger,
                budget: { AutoscalerBudget(maxConnections: 100, reserve: 0, instances: 1) },
                isTooManyConnections: { _ in false }
            )
        }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains("floor") == true)
    }
}
