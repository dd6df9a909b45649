import Synchronization

extension ConnectionPool {
    /// Runs `body`; if it runs longer than `timeout`, cancels the statement on the server through
    /// ``PoolConnectionFactory/cancel(_:)`` (which does not use the connection), and closes the connection if
    /// `body` has not ended ``PoolConfiguration/cancelGracePeriod`` later.
    ///
    /// `body` runs in the caller's task; a child task watches the clock, so a body that ends in time costs one
    /// child task and no server round trip.
    func run<Result>(
        _ body: (Factory.Connection) async throws -> Result,
        on connection: Factory.Connection,
        timeout: Duration,
        isolation: isolated (any Actor)? = #isolation
    ) async throws -> Result {
        let (factory, clock, grace) = (self.factory, self.clock, fixed.cancelGracePeriod)
        let (outcome, fired) = await withTaskGroup(
            of: Bool.self,
            returning: (Swift.Result<Result, any Error>, Bool).self
        ) { group in
            group.addTask {
                do { try await clock.sleep(for: timeout) } catch { return false }
                do {
                    try await factory.cancel(connection)
                } catch {
                    // Cancelled because the body ended meanwhile: the connection is fine.
                    if !Task.isCancelled { await factory.close(connection) }
                    return true
                }
                do { try await clock.sleep(for: grace) } catch { return true }
                await factory.close(connection)
                return true
            }
            let outcome: Swift.Result<Result, any Error>
            do {
                outcome = .success(try await body(connection))
            } catch {
                outcome = .failure(error)
            }
            group.cancelAll()
            return (outcome, await group.next() ?? false)
        }
        switch outcome {
        case .success(let value):
            return value
        case .failure(let error) where fired:
            state.withLock { $0.counters.queryTimeouts += 1 }
            throw PoolError(
                .queryTimeout,
                "the statement ran longer than \(timeout) and was cancelled on the server",
                underlying: error
            )
        case .failure(let error):
            throw error
        }
    }
}
