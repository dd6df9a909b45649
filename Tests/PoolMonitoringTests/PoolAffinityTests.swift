import PoolMonitoring
import Synchronization
import Testing

/// Stub connections on two "loops": connection `n` does its I/O on loop `n % 2`, and a borrower runs on the loop
/// its task-local says (none by default), as a PostgreSQL borrower runs on an event loop or on Swift's threads.
struct LoopStubFactory: PoolConnectionFactory {
    final class Loop: Sendable {}

    static let loops = [Loop(), Loop()]
    @TaskLocal static var current: Int?

    let stub = StubFactory()

    static func loop(of connection: StubConnection) -> Int { connection.id % 2 }

    func affinity(of connection: StubConnection) -> ObjectIdentifier? {
        ObjectIdentifier(Self.loops[Self.loop(of: connection)])
    }

    func currentAffinity() -> ObjectIdentifier? { Self.current.map { ObjectIdentifier(Self.loops[$0]) } }

    func makeConnection(id: Int) async throws -> StubConnection { try await stub.makeConnection(id: id) }
    func isClosed(_ connection: StubConnection) -> Bool { stub.isClosed(connection) }
    func validate(_ connection: StubConnection) async throws { try await stub.validate(connection) }
    func reset(_ connection: StubConnection) async throws { try await stub.reset(connection) }
    func cancel(_ connection: StubConnection) async throws { try await stub.cancel(connection) }
    func close(_ connection: StubConnection) async { await stub.close(connection) }
}

/// Loop affinity: a borrower on an event loop gets that loop's connections first, without starving anyone.
@Suite("ConnectionPool: loop affinity")
struct PoolAffinityTests {
    typealias Pool = ConnectionPool<LoopStubFactory, ContinuousClock>

    static func pool(patience: Duration) throws -> Pool {
        var configuration = PoolConfiguration()
        configuration.minimum = 2
        configuration.maximum = 2
        configuration.affinityPatience = patience
        return try ConnectionPool(factory: LoopStubFactory(), configuration: configuration, logger: quietLogger)
    }

    /// The loop of the connection a borrower on `loop` (or on none) is given when both are idle.
    static func loopLent(by pool: Pool, on loop: Int?) async throws -> Int {
        try await LoopStubFactory.$current.withValue(loop) {
            try await pool.withConnection(label: "borrower") { LoopStubFactory.loop(of: $0) }
        }
    }

    @Test("an idle connection of the borrower's loop is lent first; a borrower on no loop gets the last used")
    func idleConnectionOfTheLoop() async throws {
        let pool = try Self.pool(patience: .seconds(3_600))
        try await withRunning(pool) {
            try await waitUntil("two idle connections") { pool.snapshot().idle == 2 }
            for loop in [0, 1, 1, 0, 0, 1] {
                #expect(try await Self.loopLent(by: pool, on: loop) == loop)
            }
            // No loop: the most recently returned connection (the loop-1 one just used).
            #expect(try await Self.loopLent(by: pool, on: nil) == 1)
        }
    }

    /// Holds both connections, queues a waiter on loop 0 and then one on loop 1, and returns the loop-1 connection:
    /// which waiter gets it.
    static func waiterServed(patience: Duration) async throws -> String {
        let pool = try Self.pool(patience: patience)
        return try await withRunning(pool) {
            try await waitUntil("two idle connections") { pool.snapshot().idle == 2 }
            let served = Locked<[String]>([])
            try await withThrowingTaskGroup(of: Void.self) { group in
                let gates = [Gate(), Gate()]
                for loop in [0, 1] {
                    group.addTask {
                        try await LoopStubFactory.$current.withValue(loop) {
                            try await pool.withConnection(label: "holder \(loop)") { _ in await gates[loop].wait() }
                        }
                    }
                }
                try await waitUntil("both held") { pool.snapshot().inUse == 2 }
                for loop in [0, 1] {
                    group.addTask {
                        try await LoopStubFactory.$current.withValue(loop) {
                            try await pool.withConnection(label: "waiter \(loop)") { connection in
                                served.withLock {
                                    $0.append("waiter \(loop) on \(LoopStubFactory.loop(of: connection))")
                                }
                            }
                        }
                    }
                    try await waitUntil("waiter \(loop) queued") { pool.snapshot().waiting == loop + 1 }
                }
                gates[1].open()
                // The first waiter served may return the connection to the other at once: both may be served.
                try await waitUntil("a waiter served") { served.withLock { $0.count } >= 1 }
                gates[0].open()
                try await group.waitForAll()
            }
            return served.withLock { $0[0] }
        }
    }

    @Test("a returned connection goes to the first waiter of its loop, ahead of an earlier waiter of another")
    func waiterOfTheLoopFirst() async throws {
        #expect(try await Self.waiterServed(patience: .seconds(3_600)) == "waiter 1 on 1")
    }

    @Test("a waiter that has waited the patience out is passed over no more: with none, the queue is FIFO")
    func patienceBoundsTheReordering() async throws {
        #expect(try await Self.waiterServed(patience: .zero) == "waiter 0 on 1")
    }

    @Test("a negative patience is refused")
    func negativePatience() throws {
        #expect(throws: PoolError.self) { try Self.pool(patience: .milliseconds(-1)) }
    }
}
