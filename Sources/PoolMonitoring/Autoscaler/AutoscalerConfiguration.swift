/// How a ``PoolAutoscaler`` watches its pool and how far and how fast it may resize it.
///
/// The autoscaler changes the pool's maximum only (and lowers the pool's minimum with it when the maximum would fall
/// below it); the sizes here bound that maximum: never below ``floor``, never above ``ceiling`` nor the server's
/// budget (``AutoscalerBudget``).
public struct AutoscalerConfiguration: Sendable, Hashable {
    /// By how much one decision grows or shrinks the maximum.
    public struct Step: Sendable, Hashable, CustomStringConvertible {
        private enum Base: Sendable, Hashable {
            case connections(Int)
            case fraction(Double, atLeast: Int)
        }
        private let base: Base
        private init(base: Base) { self.base = base }

        /// A fixed number of connections (`+2`).
        public static func connections(_ count: Int) -> Self { Self(base: .connections(count)) }

        /// A fraction of the current maximum, rounded up (`0.25`: +25 %), and at least `minimum` connections.
        public static func fraction(_ fraction: Double, atLeast minimum: Int = 1) -> Self {
            Self(base: .fraction(fraction, atLeast: minimum))
        }

        /// How many connections a step from `size` adds or removes (at least 1 once validated).
        public func amount(from size: Int) -> Int {
            switch base {
            case .connections(let count):
                return count
            case .fraction(let fraction, let minimum):
                return max(minimum, Int((Double(size) * fraction).rounded(.up)))
            }
        }

        /// `+2` or `25 % (at least 2)`.
        public var description: String {
            switch base {
            case .connections(let count): "\(count) connections"
            case .fraction(let fraction, let minimum): "\(Int((fraction * 100).rounded())) % (at least \(minimum))"
            }
        }

        func validate() throws {
            switch base {
            case .connections(let count):
                guard count >= 1 else { throw PoolError(.invalidConfiguration, "autoscaler step must be >= 1") }
            case .fraction(let fraction, let minimum):
                guard fraction > 0, fraction <= 10 else {
                    throw PoolError(.invalidConfiguration, "autoscaler step fraction must be > 0 and <= 10")
                }
                guard minimum >= 1 else {
                    throw PoolError(.invalidConfiguration, "autoscaler step minimum must be >= 1")
                }
            }
        }
    }

    /// Whether the autoscaler resizes the pool; when off, ``PoolAutoscaler/run()`` only waits for shutdown.
    public var enabled: Bool = false
    /// How often it decides, from what the pool reported since the last decision (a window).
    public var interval: Duration = .seconds(5)
    /// The 95th percentile of acquire waits above which a window counts as under pressure.
    public var targetWaitP95: Duration = .milliseconds(10)
    /// Consecutive windows under pressure before the pool grows (and between two growths).
    public var growAfter: Int = 2
    /// The smallest maximum it shrinks to.
    public var floor: Int = 2
    /// The largest maximum it grows to (the server's budget may be lower).
    public var ceiling: Int = 50
    /// By how much a decision grows or shrinks the maximum.
    public var step: Step = .fraction(0.25, atLeast: 2)
    /// How long the pool must be idle (no acquire waited past the target, none waiting, at most
    /// ``idleUtilisation`` of the maximum in use) before it shrinks by a step; each further step needs as long again.
    public var idlePeriod: Duration = .seconds(30)
    /// The share of the maximum in use (at the decision, and on average over the window) at or below which a window
    /// counts as idle.
    public var idleUtilisation: Double = 0.5
    /// Connections of the server's `max_connections` kept out of every instance's budget (administrators,
    /// migrations, replication, `superuser_reserved_connections`).
    public var reserve: Int = 5
    /// How many instances share the server; nil counts them (for PostgreSQL, the distinct `application_name`s in
    /// `pg_stat_activity` starting with ``instancePrefix``, or 1 when that is nil too).
    public var instances: Int? = nil
    /// The `application_name` prefix the instances sharing the server have in common (for counting them).
    public var instancePrefix: String? = nil
    /// How much the mean hold time may rise after a growth (0.25: by 25 %) before the database, not the pool, is
    /// taken to be the bottleneck: growth stops at that size for ``bottleneckCooldown``.
    public var latencyTolerance: Double = 0.25
    /// How long growth past the size at which hold times rose stays blocked.
    public var bottleneckCooldown: Duration = .seconds(300)
    /// How long growth is blocked after the server refused a connection with SQLSTATE 53300 (too many
    /// connections); it doubles with each further refusal, up to ``maximumBackoff``.
    public var backoff: Duration = .seconds(30)
    /// The longest back-off after repeated refusals.
    public var maximumBackoff: Duration = .seconds(600)
    /// The budget is read again every this many decisions.
    public var budgetRefreshTicks: Int = 12

    /// Creates a configuration with the defaults (off; every 5 s; 2 to 50 connections; 10 ms target).
    public init() {}

    /// Checks every setting.
    /// - Throws: ``PoolError`` with code ``PoolError/Code/invalidConfiguration`` naming the setting.
    public func validate() throws {
        func require(_ condition: Bool, _ message: String) throws {
            guard condition else { throw PoolError(.invalidConfiguration, "autoscaler \(message)") }
        }
        try require(interval > .zero, "interval must be > 0")
        try require(targetWaitP95 > .zero, "targetWaitP95 must be > 0")
        try require(growAfter >= 1, "growAfter must be >= 1")
        try require(floor >= 1, "floor must be >= 1")
        try require(ceiling >= floor, "ceiling must be >= floor (\(floor)), not \(ceiling)")
        try step.validate()
        try require(idlePeriod > .zero, "idlePeriod must be > 0")
        try require(idleUtilisation > 0 && idleUtilisation <= 1, "idleUtilisation must be > 0 and <= 1")
        try require(reserve >= 0, "reserve must be >= 0")
        if let instances { try require(instances >= 1, "instances must be >= 1") }
        if let instancePrefix { try require(!instancePrefix.isEmpty, "instancePrefix must not be empty") }
        try require(latencyTolerance >= 0, "latencyTolerance must be >= 0")
        try require(bottleneckCooldown >= .zero, "bottleneckCooldown must be >= 0")
        try require(backoff > .zero, "backoff must be > 0")
        try require(maximumBackoff >= backoff, "maximumBackoff must be >= backoff")
        try require(budgetRefreshTicks >= 1, "budgetRefreshTicks must be >= 1")
    }
}
