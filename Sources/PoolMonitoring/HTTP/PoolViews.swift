import Platform

/// The JSON of `/v1/pool`.
enum PoolViews {
    /// What `GET /v1/pool` (and `PUT`) answers.
    struct Status: Encodable, Sendable {
        /// Whether the server has a PostgreSQL tier (and so a pool).
        var configured: Bool
        /// The pool's counts, when there is one.
        var pool: PoolSnapshot?
        /// Its limits and timeouts, when there is one.
        var configuration: Limits?
        /// The `pg_stat_activity` cross-check (`GET` only).
        var serverView: ServerView?
        /// The last one-second samples, oldest first.
        var history: [PoolHistory.Sample]
        /// The autoscaler: whether it is on, its budget, its latest decisions.
        var autoscaler: Autoscaler? = nil
    }

    /// The pool's settings, in seconds.
    /// The autoscaler's state, as `GET /v1/pool` reports it.
    struct Autoscaler: Encodable, Sendable {
        var enabled: Bool
        /// This instance's share of `max_connections`, once read.
        var budget: Int?
        var budgetError: String?
        var backingOff: Bool
        /// The latest decisions that changed the size or blocked a change, oldest first.
        var decisions: [Decision]

        struct Decision: Encodable, Sendable {
            var action: String
            var rule: String
            var reason: String
            var from: Int
            var to: Int
            /// The autoscaler's tick (one per interval) that made it.
            var tick: Int
            /// The window's 95th percentile of acquire waits, when measured.
            var p95WaitMilliseconds: Double?
            /// This instance's budget then, once read.
            var budget: Int?
        }

        init(_ autoscaler: PoolAutoscaler<PostgresPoolConnectionFactory, ContinuousClock>) {
            let status = autoscaler.status
            enabled = status.enabled
            budget = status.budget?.connections
            budgetError = status.budgetError
            backingOff = status.backingOff
            decisions = autoscaler.recentDecisions.map { decision in
                let action =
                    switch decision.action {
                    case .grow: "grow"
                    case .shrink: "shrink"
                    case .hold: "hold"
                    }
                return Decision(
                    action: action,
                    rule: "\(decision.rule)",
                    reason: decision.reason,
                    from: decision.from,
                    to: decision.to,
                    tick: decision.tick,
                    p95WaitMilliseconds: decision.p95Wait.map { $0.poolSeconds * 1_000 },
                    budget: decision.budget
                )
            }
        }
    }

    struct Limits: Encodable, Sendable {
        var minimum: Int
        var maximum: Int
        var maximumWaiters: Int
        var acquireTimeoutSeconds: Double
        var leakThresholdSeconds: Double?
        var leakReclaimLimitSeconds: Double?
        var idleTimeoutSeconds: Double?
        var maximumLifetimeSeconds: Double?
        var keepaliveIntervalSeconds: Double?
        var maximumAllowed: Int

        init(_ configuration: PoolConfiguration) {
            minimum = configuration.minimum
            maximum = configuration.maximum
            maximumWaiters = configuration.maximumWaiters
            acquireTimeoutSeconds = configuration.acquireTimeout.poolSeconds
            leakThresholdSeconds = configuration.leakThreshold?.poolSeconds
            leakReclaimLimitSeconds = configuration.leakReclaimLimit?.poolSeconds
            idleTimeoutSeconds = configuration.idleTimeout?.poolSeconds
            maximumLifetimeSeconds = configuration.maximumLifetime?.poolSeconds
            keepaliveIntervalSeconds = configuration.keepaliveInterval?.poolSeconds
            maximumAllowed = PoolSystem.Configuration.maximumLimit
        }
    }

    /// What PostgreSQL sees for the pool's `application_name` against what the pool believes it holds.
    struct ServerView: Encodable, Sendable {
        /// Whether the check ran.
        var available: Bool
        /// Why it did not.
        var reason: String?
        /// The `application_name` looked for.
        var applicationName: String
        /// Backends with that name, by `pg_stat_activity.state` (the checking connection left out).
        var states: [String: Int]
        /// Their sum.
        var serverConnections: Int?
        /// The pool's open connections plus its dedicated ones, the checking connection left out.
        var poolConnections: Int?
        /// Connections the pool is opening (they may not have reached the server yet).
        var poolOpening: Int?
        /// Whether the server's count is the pool's (within the connections being opened).
        var agrees: Bool?

        init(applicationName: String, states: [String: Int], believed: PoolSnapshot) {
            let server = states.values.reduce(0, +)
            let pool = believed.total + believed.dedicated - 1
            available = true
            self.applicationName = applicationName
            self.states = states
            serverConnections = server
            poolConnections = pool
            poolOpening = believed.opening
            agrees = (pool - believed.opening...pool).contains(server)
        }

        private init(applicationName: String, reason: String) {
            available = false
            self.reason = reason
            self.applicationName = applicationName
            states = [:]
        }

        static func unavailable(_ applicationName: String, reason: String) -> Self {
            Self(applicationName: applicationName, reason: reason)
        }
    }

    /// `PUT /v1/pool`'s body: the new limits; an absent one stays as it is. Unknown fields are ignored, as in the
    /// other systems' bodies.
    struct Resize: Decodable, Sendable {
        var minimum: Int?
        var maximum: Int?

        /// The limits to apply.
        /// - Throws: ``ProblemDetails`` (400) when neither is given, or one is out of range, or minimum > maximum.
        func limits(currentMinimum: Int, currentMaximum: Int) throws -> (minimum: Int, maximum: Int) {
            guard minimum != nil || maximum != nil else {
                throw ProblemDetails.badRequest("Give minimum, maximum or both.")
            }
            let limit = PoolSystem.Configuration.maximumLimit
            if let minimum, !(0...limit).contains(minimum) {
                throw ProblemDetails.badRequest("minimum must be between 0 and \(limit).")
            }
            if let maximum, !(1...limit).contains(maximum) {
                throw ProblemDetails.badRequest("maximum must be between 1 and \(limit).")
            }
            let newMinimum = minimum ?? currentMinimum
            let newMaximum = maximum ?? currentMaximum
            guard newMinimum <= newMaximum else {
                throw ProblemDetails.badRequest(
                    "minimum (\(newMinimum)) must not be above maximum (\(newMaximum))."
                )
            }
            return (newMinimum, newMaximum)
        }
    }
}

extension Duration {
    /// The duration in seconds, to the millisecond.
    var poolSeconds: Double {
        ((Double(components.seconds) + Double(components.attoseconds) / 1e18) * 1_000).rounded() / 1_000
    }
}
