import PoolMonitoring

/// A connection that is only an object: what the pool hands out when its own bookkeeping is measured, with no I/O.
final class StubPoolConnection: Sendable {
    /// The pool's number for it.
    let id: Int

    init(id: Int) { self.id = id }
}

/// A factory whose connections do nothing (HikariCP's benchmark measures its pool the same way, on a stub
/// driver): opening, validating, resetting and closing return at once, so an acquire/release cycle costs only the
/// pool's lock, its bookkeeping and, when tasks wait, their continuations.
struct StubPoolConnectionFactory: PoolConnectionFactory {
    func makeConnection(id: Int) async throws -> StubPoolConnection { StubPoolConnection(id: id) }

    func isClosed(_ connection: StubPoolConnection) -> Bool { false }

    func validate(_ connection: StubPoolConnection) async throws {}

    func reset(_ connection: StubPoolConnection) async throws {}

    func cancel(_ connection: StubPoolConnection) async throws {}

    func close(_ connection: StubPoolConnection) async {}
}
