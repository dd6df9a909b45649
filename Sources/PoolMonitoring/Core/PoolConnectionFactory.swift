/// The seam between the pool and a kind of connection: how to open, check, clean, cancel and close one.
///
/// ``PostgresPoolConnectionFactory`` opens PostgresNIO connections; a stub with no I/O pools just as well, which is
/// how the pool's logic is tested and benchmarked on its own.
public protocol PoolConnectionFactory: Sendable {
    /// What the pool hands out.
    associatedtype Connection: Sendable

    /// Opens a connection.
    /// - Parameter id: The pool's number for it (unique within the pool), for logs.
    /// - Throws: When the database cannot be reached or refuses the connection; the pool then fails its waiting
    ///   acquires and backs off.
    func makeConnection(id: Int) async throws -> Connection

    /// Whether the connection is known to be closed, without I/O.
    func isClosed(_ connection: Connection) -> Bool

    /// Checks that the connection answers (`SELECT 1`).
    /// - Throws: When it does not; the pool closes it.
    func validate(_ connection: Connection) async throws

    /// Gives the connection a clean session before the next borrower gets it: an open transaction rolled back,
    /// session state discarded.
    /// - Throws: When it cannot; the pool closes it.
    func reset(_ connection: Connection) async throws

    /// Cancels the statement running on the connection, on the server, without using the connection itself.
    /// - Throws: When the cancel could not be sent; the pool closes the connection.
    func cancel(_ connection: Connection) async throws

    /// Closes the connection (errors are the factory's to log, not the pool's).
    func close(_ connection: Connection) async

    /// A short description of an error for logs and ``PoolError`` messages: the server's message or the kind of
    /// network failure, never a password, a URL or SQL.
    func describe(_ error: any Error) -> String

    /// The thread (an event loop) the connection does its I/O on, or nil when that does not matter.
    ///
    /// A borrower running on that thread (``currentAffinity()``) is given one of its connections when one is idle,
    /// as HikariCP's `ConcurrentBag` gives a thread back the connections it used and Vapor keeps a pool per event
    /// loop: the statement's write, its answer and the next borrower's turn then stay on one thread, with no
    /// wake-up of another.
    func affinity(of connection: Connection) -> ObjectIdentifier?

    /// The thread the caller runs on, in the terms of ``affinity(of:)``; nil when it is none of the connections'.
    func currentAffinity() -> ObjectIdentifier?
}

extension PoolConnectionFactory {
    /// No affinity: every connection suits every borrower.
    public func affinity(of connection: Connection) -> ObjectIdentifier? { nil }

    /// No affinity.
    public func currentAffinity() -> ObjectIdentifier? { nil }

    /// A short description of an error for logs and ``PoolError`` messages (never a secret): by default its type.
    public func describe(_ error: any Error) -> String {
        if let error = error as? PoolError { return error.message }
        return "\(type(of: error))"
    }
}
