public import Logging
public import ServiceLifecycle
import Synchronization

/// Resizes a ``ConnectionPool``'s maximum as its load changes, as flexy-pool does, within the server's budget.
///
/// It watches the pool through a ``PoolObserver`` (acquire waits, hold times, failed connects) and, every
/// ``AutoscalerConfiguration/interval`` on its clock, decides from the window since the last decision with an
/// ``AutoscalerPolicy``: grow when acquires wait (p95 above the target) unless the database itself is the
/// bottleneck, back off when the server refuses connections (SQLSTATE 53300), shrink after sustained idleness, and
/// never exceed ``AutoscalerBudget/connections``, read every ``AutoscalerConfiguration/budgetRefreshTicks``
/// decisions.
///
/// Every decision is logged with its reason (`pool.autoscale.*` metadata): changes and blocked growth at `info`,
/// routine holds at `debug`. The changes and blocks are kept in ``recentDecisions`` (the last 50); the latest
/// decision of any kind is in ``status``.
///
/// Memory is constant: the window's waits go to a fixed histogram, its hold times to a sum.
public final class PoolAutoscaler<Factory: PoolConnectionFactory, C: Clock>: Service, Sendable
where C.Duration == Duration {
    /// Reads this instance's share of the server (for PostgreSQL, ``AutoscalerBudget/read(from:reserve:instances:instancePrefix:)``).
    public typealias BudgetReader = @Sendable () async throws -> AutoscalerBudget

    /// How many decisions ``recentDecisions`` keeps.
    public static var recentLimit: Int { 50 }

    struct State: Sendable {
        var policy: AutoscalerPolicy
        var windowStart: C.Instant
        var budget: AutoscalerBudget?
        var budgetError: String?
        var recent: [AutoscalerDecision] = []
        var last: AutoscalerDecision?
        var ticks = 0
    }

    let pool: ConnectionPool<Factory, C>
    /// The settings it runs by.
    public let configuration: AutoscalerConfiguration
    let clock: C
    let logger: Logger
    let readBudget: BudgetReader
    let recorder: AutoscalerRecorder
    let baseMinimum: Int
    let state: Mutex<State>

    /// Creates an autoscaler and registers its observer on `pool` (it resizes nothing until ``run()`` runs or
    /// ``decide()`` is called).
    /// - Parameters:
    ///   - pool: The pool to resize; its minimum at this moment is kept, except while the maximum is below it.
    ///   - configuration: The rules' settings.
    ///   - clock: The clock its windows are measured and its interval slept on.
    ///   - logger: Receives every decision (`info` for changes and blocks, `debug` for routine holds).
    ///   - budget: Reads this instance's share of the server.
    ///   - isTooManyConnections: Whether a failed connect's error is the server's "too many connections"
    ///     (SQLSTATE 53300).
    /// - Throws: ``PoolError`` with code ``PoolError/Code/invalidConfiguration`` naming the setting.
    public init(
        pool: ConnectionPool<Factory, C>,
        configuration: AutoscalerConfiguration,
        clock: C,
        logger: Logger,
        budget: @escaping BudgetReader,
        isTooManyConnections: @escaping @Sendable (any Error) -> Bool
    ) throws {
        try configuration.validate()
        self.pool = pool
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.readBudget = budget
        self.recorder = AutoscalerRecorder(isTooManyConnections: isTooManyConnections)
        self.baseMinimum = pool.snapshot().minimum
        self.state = Mutex(State(policy: AutoscalerPolicy(configuration: configuration), windowStart: clock.now))
        pool.addObserver(recorder)
    }

    /// The latest decisions that changed the size or blocked a change (a run of the same block is kept once),
    /// oldest first; at most ``recentLimit``.
    public var recentDecisions: [AutoscalerDecision] { state.withLock { $0.recent } }

    /// Whether it is on, its budget and its latest decision.
    public var status: AutoscalerStatus {
        state.withLock { state in
            AutoscalerStatus(
                enabled: configuration.enabled,
                budget: state.budget,
                budgetError: state.budgetError,
                lastDecision: state.last,
                decisions: state.ticks,
                backingOff: state.policy.isBackingOff,
                bottleneckSize: state.policy.bottleneckSize
            )
        }
    }

    /// Runs until the task is cancelled or graceful shutdown begins: reads the budget at once and every
    /// ``AutoscalerConfiguration/budgetRefreshTicks`` intervals, and decides every
    /// ``AutoscalerConfiguration/interval``. When the configuration is not enabled it only waits for shutdown.
    public func run() async throws {
        guard configuration.enabled else {
            logger.debug("Pool autoscaler is disabled")
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.refreshBudgetPeriodically() }
                await self.decidePeriodically()
                group.cancelAll()
            }
        }
    }

    /// Reads the budget now; on failure the last one read is kept (and nothing grows while none has been read).
    public func refreshBudget() async {
        do {
            let budget = try await readBudget()
            let previous = state.withLock { state in
                defer {
                    state.budget = budget
                    state.budgetError = nil
                }
                return state.budget
            }
            if previous != budget {
                logger.info("Pool autoscaler budget read", metadata: ["pool.autoscale.budget": "\(budget)"])
            }
        } catch {
            let reason = "\(error)"
            state.withLock { $0.budgetError = reason }
            logger.info("Pool autoscaler could not read its budget", metadata: ["pool.autoscale.error": "\(reason)"])
        }
    }

    /// Decides now from the window since the last decision, resizes the pool if the decision says so, logs it and
    /// keeps it (``run()`` calls this every interval).
    /// - Returns: The decision.
    @discardableResult
    public func decide() -> AutoscalerDecision {
        let now = clock.now
        let snapshot = pool.snapshot()
        let decision = state.withLock { state in
            let window = recorder.takeWindow(length: state.windowStart.duration(to: now), snapshot: snapshot)
            state.windowStart = now
            var decision = state.policy.decide(window, budget: state.budget)
            state.ticks += 1
            decision.tick = state.ticks
            return decision
        }
        if decision.changesSize {
            do {
                try pool.resize(minimum: min(baseMinimum, decision.to), maximum: decision.to)
            } catch {
                logger.info("Pool autoscaler could not resize the pool", metadata: ["pool.autoscale.error": "\(error)"])
            }
        }
        let notable = state.withLock { state in
            state.last = decision
            let notable =
                decision.changesSize
                || (!decision.rule.isRoutine
                    && state.recent.last.map { $0.changesSize || $0.rule != decision.rule } ?? true)
            if notable {
                state.recent.append(decision)
                if state.recent.count > Self.recentLimit { state.recent.removeFirst() }
            }
            return notable
        }
        log(decision, notable: notable)
        return decision
    }

    func log(_ decision: AutoscalerDecision, notable: Bool) {
        var metadata: Logger.Metadata = [
            "pool.autoscale.action": "\(decision.action)",
            "pool.autoscale.rule": "\(decision.rule)",
            "pool.autoscale.reason": "\(decision.reason)",
            "pool.autoscale.from": "\(decision.from)",
            "pool.autoscale.to": "\(decision.to)",
        ]
        if let p95 = decision.p95Wait { metadata["pool.autoscale.p95"] = "\(AutoscalerPolicy.format(p95))" }
        if let hold = decision.holdMean { metadata["pool.autoscale.hold_mean"] = "\(AutoscalerPolicy.format(hold))" }
        if let budget = decision.budget { metadata["pool.autoscale.budget"] = "\(budget)" }
        let message: Logger.Message = decision.changesSize ? "Pool autoscaler resized the pool" : "Pool autoscaler held"
        logger.log(level: notable || decision.changesSize ? .info : .debug, message, metadata: metadata)
    }

    func decidePeriodically() async {
        state.withLock { $0.windowStart = clock.now }
        while !Task.isCancelled {
            do {
                try await clock.sleep(for: configuration.interval)
            } catch {
                return
            }
            decide()
        }
    }

    func refreshBudgetPeriodically() async {
        let period = configuration.interval * configuration.budgetRefreshTicks
        while !Task.isCancelled {
            await refreshBudget()
            do {
                try await clock.sleep(for: period)
            } catch {
                return
            }
        }
    }
}
