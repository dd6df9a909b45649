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
}

extension PoolConnectionFactory {
    /// A short description of an error for logs and ``PoolError`` messages (never a secret): by default its type.
    public func describe(_ error: any Error) -> String {
        if let error = error as? PoolError { return error.message }
        return "\(type(of: error))"
    }
}
