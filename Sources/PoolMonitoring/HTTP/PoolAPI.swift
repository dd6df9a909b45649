import Foundation
import Hummingbird
import Logging
import Platform
import PostgresNIO
import Storage

/// The routes under `/v1/pool`: `GET` answers the snapshot, the limits and timeouts, the `pg_stat_activity`
/// cross-check and the last samples (the admin token or a session: the snapshot names holders and files); `PUT`
/// resizes the pool (the admin token, as every write).
struct PoolAPI: Sendable {
    /// The server's pool, when it has a PostgreSQL tier.
    let pool: PostgresPool?
    /// What `pg_stat_activity.application_name` shows for the pool's connections.
    let applicationName: String
    let history: PoolHistory
    /// The autoscaler, when there is a pool.
    let autoscaler: PoolAutoscaler<PostgresPoolConnectionFactory, ContinuousClock>?
    /// How long the cross-check may wait for a connection, and its statement run.
    let checkTimeout: Duration

    func addRoutes(to group: RouterGroup<MasteryRequestContext>) {
        group.get { _, context in
            try Response.json(await status(checked: true, logger: context.logger))
        }
        group.put { request, context in
            let body = try await request.decodeJSON(as: PoolViews.Resize.self, context: context)
            // Without a pool the body is still checked (ranges, minimum <= maximum), then refused with 409.
            let current = pool?.currentConfiguration
            let (minimum, maximum) = try body.limits(
                currentMinimum: current?.minimum ?? 0,
                currentMaximum: current?.maximum ?? PoolSystem.Configuration.maximumLimit
            )
            guard let pool else {
                throw ProblemDetails.conflict("This server has no PostgreSQL tier, so it has no pool to resize.")
            }
            do {
                try pool.resize(minimum: minimum, maximum: maximum)
            } catch let error as PoolError {
                throw ProblemDetails.badRequest(error.message + ".")
            }
            context.logger.info(
                "Pool resized by hand",
                metadata: ["pool.minimum": "\(minimum)", "pool.maximum": "\(maximum)"]
            )
            return try Response.json(await status(checked: false, logger: context.logger))
        }
    }

    /// The pool's status; with `checked`, the `pg_stat_activity` cross-check too.
    func status(checked: Bool, logger: Logger) async -> PoolViews.Status {
        guard let pool else {
            return PoolViews.Status(configured: false, history: history.samples)
        }
        let configuration = PoolViews.Limits(pool.currentConfiguration)
        let serverView = checked ? await crossCheck(pool, logger: logger) : nil
        return PoolViews.Status(
            configured: true,
            pool: pool.snapshot(),
            configuration: configuration,
            serverView: serverView,
            history: history.samples,
            autoscaler: autoscaler.map(PoolViews.Autoscaler.init)
        )
    }

    /// What PostgreSQL sees for the pool's `application_name` in its database against what the pool believes it
    /// holds, read on a pooled connection (labelled `pool.crossCheck`, with a short statement timeout). Unavailable, rather than
    /// waiting, when the pool has no connection to spare.
    func crossCheck(_ pool: PostgresPool, logger: Logger) async -> PoolViews.ServerView {
        let before = pool.snapshot()
        if before.idle == 0, before.total >= before.maximum {
            return .unavailable(
                applicationName,
                reason: "the pool is exhausted (\(before.inUse) of \(before.maximum) connections held)"
            )
        }
        let name = applicationName
        let timeout = checkTimeout
        do {
            return try await Self.withTimeout(timeout) {
                try await pool.withConnection(label: "pool.crossCheck", queryTimeout: timeout) { pooled in
                    // The pool's counts while this connection is held, which the query leaves out.
                    let believed = pool.snapshot()
                    let rows = try await pooled.query(
                        """
                        SELECT coalesce(state, 'unknown'), count(*)::int FROM pg_stat_activity \
                        WHERE application_name = \(name) AND datname = current_database() \
                        AND pid <> pg_backend_pid() GROUP BY 1 ORDER BY 1
                        """,
                        logger: logger
                    )
                    var states: [String: Int] = [:]
                    for try await (state, count) in rows.decode((String, Int).self) { states[state] = count }
                    return PoolViews.ServerView(applicationName: name, states: states, believed: believed)
                }
            }
        } catch {
            return .unavailable(name, reason: "the check did not complete: \(Storage.PostgresStorage.describe(error))")
        }
    }

    /// Runs `body`, cancelling it after `timeout`.
    static func withTimeout<Result: Sendable>(
        _ timeout: Duration,
        _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else {
                throw PoolError(.exhausted, "no connection for the check within \(timeout)")
            }
            return result
        }
    }
}
