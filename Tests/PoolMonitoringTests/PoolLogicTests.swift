import PoolMonitoring
import Synchronization
import TestSupport
import Testing

/// The pool's logic on stub connections (no I/O): fairness, bounds, timeouts, resizing, leaks, resets.
@Suite("ConnectionPool on stub connections")
struct PoolLogicTests {
    static func configuration(maximum: Int, _ change: (inout PoolConfiguration) -> Void = { _ in }) -> PoolConfiguration
    {
        var configuration = PoolConfiguration()
        configuration.maximum = maximum
        configuration.acquireTimeout = .seconds(30)
        change(&configuration)
        return configuration
    }

    static func pool(
        _ configuration: PoolConfiguration,
        factory: StubFactory = StubFactory()
    ) throws -> ConnectionPool<StubFactory, ContinuousClock> {
        try ConnectionPool(factory: factory, configuration: configuration, logger: quietLogger)
    }

    /// Holds `count` connections in child tasks until `gate` opens; returns when all are held.
    static func hold(
        _ count: Int,
        of pool: ConnectionPool<StubFactory, ContinuousClock>,
        label: String,
        until gate: Gate,
        in group: inout ThrowingTaskGroup<Void, any Error>
    ) async throws {
        let before = pool.snapshot().inUse
        for _ in 0..<count {
            group.addTask { try await pool.withConnection(label: label) { _ in await gate.wait() } }
        }
        try await waitUntil("\(count) connections held") { pool.snapshot().inUse == before + count }
    }

    @Test("waiters are served first come, first served")
    func fifo() async throws {
        let pool = try Self.pool(Self.configuration(maximum: 1))
        try await withRunning(pool) {
            let order = Locked<[Int]>([])
            try await withThrowingTaskGroup(of: Void.self) { group in
                let gate = Gate()
                try await Self.hold(1, of: pool, label: "first", until: gate, in: &group)
                for index in 1...5 {
                    group.addTask {
                        try await pool.withConnection(label: "waiter \(index)") { _ in
                            order.withLock { $0.append(index) }
                        }
                    }
                    try await waitUntil("waiter \(index) queued") { pool.snapshot().waiting == index }
                }
                gate.open()
                try await group.waitForAll()
            }
            #expect(order.withLock { $0 } == [1, 2, 3, 4, 5])
            #expect(pool.snapshot().total == 1)
        }
    }

    @Test("the wait queue is bounded: one more acquire is refused at once")
    func boundedQueue() async throws {
        let pool = try Self.pool(Self.configuration(maximum: 1) { $0.maximumWaiters = 2 })
        try await withRunning(pool) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                let gate = Gate()
                try await Self.hold(1, of: pool, label: "holder", until: gate, in: &group)
                for _ in 0..<2 { group.addTask { try await pool.withConnection(label: "waiter") { _ in } } }
                try await waitUntil("two waiters") { pool.snapshot().waiting == 2 }
                let error = await #expect(throws: PoolError.self) {
                    try await pool.withConnection(label: "third") { _ in }
                }
                #expect(error?.code == .waitQueueFull)
                #expect(error?.message.contains("2 waiting") == true)
                #expect(pool.snapshot().rejected == 1)
                gate.open()
                try await group.waitForAll()
            }
        }
    }

    @Test("an acquire timeout says the pool is exhausted and names the holders")
    func acquireTimeout() async throws {
        let pool = try Self.pool(Self.configuration(maximum: 2) { $0.acquireTimeout = .milliseconds(100) })
        try await withRunning(pool) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                let gate = Gate()
                try await Self.hold(2, of: pool, label: "report", until: gate, in: &group)
                let started = ContinuousClock.now
                let error = await #expect(throws: PoolError.self) {
                    try await pool.withConnection(label: "api") { _ in }
                }
                // Generous for loaded cores; the timeout is 100 ms.
                #expect(ContinuousClock.now - started < .seconds(20))
                #expect(error?.code == .exhausted)
                let message = error?.message ?? ""
                #expect(message.contains("exhausted"))
                #expect(message.contains("'api'"))
                #expect(message.contains("2 of 2 connections held (maximum 2)"))
                #expect(message.contains("holders: report ×2"))
                #expect(pool.snapshot().timeouts == 1)
                #expect(pool.snapshot().waiting == 0)
                gate.open()
                try await group.waitForAll()
            }
        }
    }

    @Test("resizing never disturbs a borrowed connection; shrinking closes it when returned")
    func resizeWhileBorrowed() async throws {
        let factory = StubFactory()
        let pool = try Self.pool(Self.configuration(maximum: 2), factory: factory)
        try await withRunning(pool) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                let gate = Gate()
                try await Self.hold(2, of: pool, label: "holder", until: gate, in: &group)
                try pool.resize(minimum: 0, maximum: 1)
                var snapshot = pool.snapshot()
                #expect(snapshot.inUse == 2)
                #expect(snapshot.maximum == 1)
                #expect(factory.opened.allSatisfy { !$0.closed })
                gate.open()
                try await group.waitForAll()
                snapshot = pool.snapshot()
                #expect(snapshot.total == 1)
                #expect(snapshot.idle == 1)
                #expect(factory.opened.filter(\.closed).count == 1)
                #expect(snapshot.sizeChanges == 1)
            }
        }
    }

    @Test("growing serves a waiter at once while the other connection stays borrowed")
    func resizeUpServesWaiter() async throws {
        let factory = StubFactory()
        let pool = try Self.pool(Self.configuration(maximum: 1), factory: factory)
        try await withRunning(pool) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                let gate = Gate()
                try await Self.hold(1, of: pool, label: "holder", until: gate, in: &group)
                let served = Gate()
                group.addTask { try await pool.withConnection(label: "waiter") { _ in served.open() } }
                try await waitUntil("a waiter") { pool.snapshot().waiting == 1 }
                try pool.resize(minimum: 2, maximum: 3)
                await served.wait()
                try await waitUntil("grown to the minimum") { pool.snapshot().total == 2 }
                #expect(pool.snapshot().inUse >= 1)
                gate.open()
                try await group.waitForAll()
                #expect(factory.opened.allSatisfy { !$0.closed })
            }
            #expect(throws: PoolError.self) { try pool.resize(minimum: 3, maximum: 2) }
        }
    }

    @Test("a cancelled waiter leaves the queue and the next waiter is served")
    func cancelledWaiter() async throws {
        let pool = try Self.pool(Self.configuration(maximum: 1))
        try await withRunning(pool) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                let gate = Gate()
                try await Self.hold(1, of: pool, label: "holder", until: gate, in: &group)
                let cancelled = Task { try await pool.withConnection(label: "impatient") { _ in } }
                try await waitUntil("one waiter") { pool.snapshot().waiting == 1 }
                cancelled.cancel()
                await #expect(throws: CancellationError.self) { try await cancelled.value }
                #expect(pool.snapshot().waiting == 0)
                group.addTask { try await pool.withConnection(label: "patient") { _ in } }
                try await waitUntil("the patient waiter queued") { pool.snapshot().waiting == 1 }
                gate.open()
                try await group.waitForAll()
                #expect(pool.snapshot().acquired == 2)
            }
        }
    }

    @Test("replacing every connection closes idle ones now and held ones when returned")
    func replaceAll() async throws {
        let factory = StubFactory()
        let pool = try Self.pool(Self.configuration(maximum: 3) { $0.minimum = 2 }, factory: factory)
        try await withRunning(pool) {
            try await waitUntil("the minimum open") { pool.snapshot().idle == 2 }
            try await withThrowingTaskGroup(of: Void.self) { group in
                let gate = Gate()
                try await Self.hold(1, of: pool, label: "in flight", until: gate, in: &group)
                pool.replaceAllConnections()
                try await waitUntil("the idle one replaced") { factory.opened.count == 3 && pool.snapshot().idle == 1 }
                #expect(factory.opened.filter(\.closed).count == 1)
                gate.open()
                try await group.waitForAll()
            }
            try await waitUntil("the held one replaced on return") {
                factory.opened.count == 4 && pool.snapshot().idle == 2
            }
            #expect(factory.opened.prefix(2).allSatisfy { $0.closed })
            #expect(pool.snapshot().connectionErrors == 0)
        }
    }

    @Test("a leak is reported once with label, file and line, and reclaimed past the hard limit")
    func leak() async throws {
        let clock = ManualClock()
        let factory = StubFactory()
        var configuration = Self.configuration(maximum: 2)
        configuration.leakThreshold = .seconds(10)
        configuration.leakReclaimLimit = .seconds(60)
        configuration.maintenanceInterval = .seconds(3_600)
        let pool = try ConnectionPool(factory: factory, configuration: configuration, clock: clock, logger: quietLogger)
        try await withRunning(pool) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                let gate = Gate()
                let line = #line + 1
                group.addTask { try await pool.withConnection(label: "leaky") { _ in await gate.wait() } }
                try await waitUntil("held") { pool.snapshot().inUse == 1 }
                clock.advance(by: .seconds(5))
                pool.maintain()
                #expect(pool.snapshot().leaks == 0)
                clock.advance(by: .seconds(6))
                pool.maintain()
                pool.maintain()
                let snapshot = pool.snapshot()
                #expect(snapshot.leaks == 1)
                let leak = try #require(snapshot.currentLeaks.first)
                #expect(leak.label == "leaky")
                #expect(leak.file.hasSuffix("PoolLogicTests.swift"))
                #expect(leak.line == line)
                #expect(leak.heldMilliseconds == 11_000)
                clock.advance(by: .seconds(60))
                pool.maintain()
                #expect(pool.snapshot().reclaimed == 1)
                #expect(pool.snapshot().leaks == 1)
                #expect(pool.snapshot().inUse == 0)
                try await waitUntil("closed") { factory.opened.first?.closed == true }
                gate.open()
                try await group.waitForAll()
            }
        }
    }

    static func manualPool(
        _ change: (inout PoolConfiguration) -> Void
    ) throws -> (ConnectionPool<StubFactory, ManualClock>, StubFactory, ManualClock) {
        let (clock, factory) = (ManualClock(), StubFactory())
        var configuration = Self.configuration(maximum: 2)
        configuration.maintenanceInterval = .seconds(3_600)
        configuration.validationThreshold = .seconds(3_600)
        change(&configuration)
        let pool = try ConnectionPool(factory: factory, configuration: configuration, clock: clock, logger: quietLogger)
        return (pool, factory, clock)
    }

    @Test("an idle connection that fails its keepalive is closed and replaced up to the minimum")
    func keepalive() async throws {
        let (pool, factory, clock) = try Self.manualPool {
            $0.minimum = 1
            $0.keepaliveInterval = .seconds(10)
        }
        try await withRunning(pool) {
            try await waitUntil("the minimum open") { pool.snapshot().idle == 1 }
            clock.advance(by: .seconds(5))
            pool.maintain()
            #expect(factory.opened.first.map { $0.state.withLock { $0.validations } } == 0)
            factory.behaviour.withLock { $0.failValidations = true }
            clock.advance(by: .seconds(6))
            pool.maintain()
            try await waitUntil("replaced") { factory.opened.count == 2 && pool.snapshot().idle == 1 }
            #expect(factory.opened.first?.closed == true)
            #expect(pool.snapshot().connectionErrors == 1)
        }
    }

    @Test("a validation that gets no answer is bounded: the connection is closed and another handed out")
    func validationTimeout() async throws {
        let factory = StubFactory()
        let configuration = Self.configuration(maximum: 2) {
            $0.validationThreshold = .zero
            // The hung validation never answers; a shorter bound could also cut off a healthy one on loaded cores.
            $0.validationTimeout = .seconds(1)
        }
        let pool = try Self.pool(configuration, factory: factory)
        try await withRunning(pool) {
            let first = try await pool.withConnection { $0.id }
            factory.behaviour.withLock { $0.hangNextValidation = true }
            let started = ContinuousClock.now
            let second = try await pool.withConnection { $0.id }
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(second != first)
            #expect(factory.opened.first?.closed == true)
            #expect(pool.snapshot().connectionErrors == 1)
        }
    }

    @Test("idle connections above the minimum close after the idle timeout, any after its lifetime")
    func idleTimeoutAndLifetime() async throws {
        let (pool, factory, clock) = try Self.manualPool {
            $0.minimum = 1
            $0.idleTimeout = .seconds(30)
            $0.maximumLifetime = .seconds(100)
            $0.keepaliveInterval = nil
        }
        try await withRunning(pool) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                let gate = Gate()
                for _ in 0..<2 { group.addTask { try await pool.withConnection { _ in await gate.wait() } } }
                try await waitUntil("two held") { pool.snapshot().inUse == 2 }
                gate.open()
                try await group.waitForAll()
            }
            #expect(pool.snapshot().idle == 2)
            clock.advance(by: .seconds(31))
            pool.maintain()
            #expect(pool.snapshot().idle == 1)
            clock.advance(by: .seconds(70))
            pool.maintain()
            try await waitUntil("replaced after its lifetime") {
                factory.opened.count == 3 && pool.snapshot().idle == 1
            }
            #expect(factory.opened.prefix(2).allSatisfy { $0.closed })
        }
    }

    @Test("a returned connection is reset; one whose reset fails is closed and never handed out")
    func resetOnRelease() async throws {
        let factory = StubFactory()
        let pool = try Self.pool(Self.configuration(maximum: 1), factory: factory)
        try await withRunning(pool) {
            let first = try await pool.withConnection { $0.id }
            #expect(factory.opened.first?.resets == 1)
            factory.behaviour.withLock { $0.failResets = true }
            #expect(try await pool.withConnection { $0.id } == first)
            #expect(factory.opened.first?.closed == true)
            factory.behaviour.withLock { $0.failResets = false }
            #expect(try await pool.withConnection { $0.id } != first)
            #expect(pool.snapshot().connectionErrors == 1)
        }
    }

    @Test("while the database is unreachable, acquires fail fast with the reason")
    func failFast() async throws {
        let factory = StubFactory()
        factory.behaviour.withLock { $0.failConnects = true }
        let pool = try Self.pool(Self.configuration(maximum: 2) { $0.initialBackoff = .seconds(60) }, factory: factory)
        try await withRunning(pool) {
            let started = ContinuousClock.now
            for _ in 0..<2 {
                let error = await #expect(throws: PoolError.self) { try await pool.withConnection { _ in } }
                #expect(error?.code == .databaseUnavailable)
                #expect(error?.message.contains("connection refused") == true)
            }
            // Below the 30 s acquire timeout: it failed fast.
            #expect(ContinuousClock.now - started < .seconds(20))
            #expect(pool.snapshot().connectionErrors == 1)
        }
    }

    @Test("a query timeout cancels through the factory and returns the connection")
    func queryTimeout() async throws {
        let factory = StubFactory()
        let pool = try Self.pool(Self.configuration(maximum: 1), factory: factory)
        try await withRunning(pool) {
            let error = await #expect(throws: PoolError.self) {
                try await pool.withConnection(queryTimeout: .milliseconds(50)) { connection in
                    await connection.cancelled.wait()
                    throw StubFailure(reason: "canceling statement due to user request")
                }
            }
            #expect(error?.code == .queryTimeout)
            #expect(factory.behaviour.withLock { $0.cancels } == 1)
            #expect(pool.snapshot().queryTimeouts == 1)
            #expect(pool.snapshot().idle == 1)
        }
    }
}
