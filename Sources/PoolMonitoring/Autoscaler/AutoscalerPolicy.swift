/// The autoscaler's rules as a value: fed one window at a time, it answers grow, shrink or hold, with the reason.
///
/// It does no I/O and reads no clock (its time is the sum of the windows' lengths), so it is tested table by table.
/// In order, for each window:
/// 1. The server refused a connection with SQLSTATE 53300 (too many connections): shrink the maximum to the open
///    connections less one (never below the floor; else hold), and block growth for ``AutoscalerConfiguration/backoff``,
///    doubling with each further refusal up to ``AutoscalerConfiguration/maximumBackoff`` (back to the first period
///    once a whole period passes without one).
/// 2. The maximum is above the limit (the ceiling, or the budget when lower): shrink to it.
/// 3. The maximum is below the floor (or the limit, when that is lower): grow to it.
/// 4. Pressure (the 95th percentile of acquire waits above the target, or acquires that failed because the pool was
///    full) for ``AutoscalerConfiguration/growAfter`` windows in a row: grow by a step, up to the limit; unless the
///    budget is not known yet, a 53300 back-off is running, or the database is the bottleneck. The database is taken
///    to be the bottleneck when, as the pool is about to grow again (``AutoscalerConfiguration/growAfter`` windows
///    after the last growth, so measured at the new size), the mean hold time is above the one before the last
///    growth by more than ``AutoscalerConfiguration/latencyTolerance``: no growth past that size for
///    ``AutoscalerConfiguration/bottleneckCooldown`` (more connections would only queue inside the database).
/// 5. Idleness (no wait past the target, none waiting, nothing failed, at most
///    ``AutoscalerConfiguration/idleUtilisation`` of the maximum in use) for ``AutoscalerConfiguration/idlePeriod``:
///    shrink by a step, not below the floor nor below the connections in use.
/// 6. Otherwise hold.
public struct AutoscalerPolicy: Sendable {
    struct Growth: Sendable {
        var from: Int
        var to: Int
        var holdBefore: Duration
    }

    struct Bottleneck: Sendable {
        var size: Int
        var until: Duration
        var holdBefore: Duration
        var holdAfter: Duration
    }

    /// The settings it decides by.
    public let configuration: AutoscalerConfiguration
    /// The sum of the lengths of the windows it has seen.
    public private(set) var elapsed: Duration = .zero
    /// Consecutive windows under pressure since the last growth.
    public private(set) var pressureWindows = 0
    /// How long the pool has been idle since the last shrink.
    public private(set) var idleTime: Duration = .zero
    var lastGrowth: Growth?
    var bottleneck: Bottleneck?
    var backoffUntil: Duration?
    var lastBackoff: Duration = .zero
    var nextBackoff: Duration

    /// Creates a policy with no history.
    /// - Parameter configuration: The settings (validated by the caller).
    public init(configuration: AutoscalerConfiguration) {
        self.configuration = configuration
        self.nextBackoff = configuration.backoff
    }

    /// Whether a 53300 back-off blocks growth now.
    public var isBackingOff: Bool { backoffUntil.map { elapsed < $0 } ?? false }

    /// The size growth may not pass while the database is the bottleneck, if it is.
    public var bottleneckSize: Int? { bottleneck?.size }

    /// Decides what to do after `window`.
    /// - Parameters:
    ///   - window: What the pool did since the last decision, and its counts now.
    ///   - budget: This instance's share of the server, or nil when it has not been read yet (nothing grows then).
    /// - Returns: The action and its reason.
    public mutating func decide(_ window: AutoscalerWindow, budget: AutoscalerBudget?) -> AutoscalerDecision {
        elapsed += window.length
        expire()
        let current = window.maximum
        let limit = min(configuration.ceiling, budget?.connections ?? .max)
        let limitName =
            if let budget, budget.connections < configuration.ceiling {
                "the budget \(budget)"
            } else {
                "the ceiling \(configuration.ceiling)"
            }
        let floor = min(configuration.floor, limit)

        func decision(
            _ action: AutoscalerDecision.Action,
            _ rule: AutoscalerDecision.Rule,
            _ reason: String
        )
            -> AutoscalerDecision
        {
            AutoscalerDecision(
                action,
                rule: rule,
                reason: reason,
                from: current,
                p95Wait: window.p95Wait,
                holdMean: window.holdMean,
                budget: budget?.connections
            )
        }

        if window.tooManyConnections > 0 {
            let period = nextBackoff
            backoffUntil = elapsed + period
            lastBackoff = period
            nextBackoff = min(period * 2, configuration.maximumBackoff)
            pressureWindows = 0
            idleTime = .zero
            lastGrowth = nil
            let target = max(floor, min(current, limit, window.total - 1))
            let reason =
                "the server refused \(window.tooManyConnections) connect(s) with SQLSTATE 53300 (too many "
                + "connections) at \(window.total) open; growth blocked for \(Self.format(period))"
            return decision(target < current ? .shrink(to: target) : .hold, .tooManyConnections, reason)
        }
        if current > limit {
            idleTime = .zero
            return decision(.shrink(to: limit), .aboveLimit, "the maximum \(current) is above \(limitName)")
        }
        if current < floor {
            return decision(.grow(to: floor), .belowFloor, "the maximum \(current) is below the floor \(floor)")
        }

        let target = configuration.targetWaitP95
        let p95 = window.p95Wait.map(Self.format) ?? "none"
        let waits = "p95 wait \(p95)"
        if (window.p95Wait ?? .zero) > target || window.exhausted > 0 {
            idleTime = .zero
            pressureWindows += 1
            var pressure = "\(waits) > target \(Self.format(target))"
            if window.exhausted > 0 { pressure += ", \(window.exhausted) acquire(s) failed on a full pool" }
            if pressureWindows < configuration.growAfter {
                return decision(
                    .hold,
                    .pressure,
                    "\(pressure) (\(pressureWindows) of \(configuration.growAfter) windows)"
                )
            }
            guard budget != nil else {
                return decision(.hold, .budgetUnknown, "\(pressure), but the budget has not been read yet")
            }
            if let until = backoffUntil, elapsed < until {
                let left = Self.format(until - elapsed)
                return decision(.hold, .backingOff, "\(pressure), but backing off after a 53300 for \(left) more")
            }
            checkLastGrowth(window)
            if let bottleneck, current >= bottleneck.size {
                let reason =
                    "\(pressure), but the database is the bottleneck: mean hold rose from "
                    + "\(Self.format(bottleneck.holdBefore)) to \(Self.format(bottleneck.holdAfter)) at "
                    + "\(bottleneck.size) connections; no growth past it for \(Self.format(bottleneck.until - elapsed))"
                return decision(.hold, .databaseBottleneck, reason)
            }
            if current >= limit {
                return decision(.hold, .atLimit, "\(pressure), but the maximum is at \(limitName)")
            }
            var size = min(current + configuration.step.amount(from: current), limit)
            if let bottleneck { size = min(size, bottleneck.size) }
            let windows = pressureWindows
            pressureWindows = 0
            lastGrowth = window.holdMean.map { Growth(from: current, to: size, holdBefore: $0) }
            return decision(.grow(to: size), .pressure, "\(pressure) for \(windows) window(s)")
        }
        pressureWindows = 0
        // The pressure is over: the next growth is judged afresh.
        lastGrowth = nil

        let busy = max(Double(window.inUse), window.averageInUse)
        let inUse = "in use \(window.inUse) (\(Self.format(window.averageInUse)) on average) of \(current)"
        let idle =
            window.waiting == 0 && window.exhausted == 0
            && busy <= configuration.idleUtilisation * Double(current)
        guard idle else {
            idleTime = .zero
            return decision(.hold, .steady, "\(waits) within target, \(inUse), \(window.waiting) waiting")
        }
        idleTime += window.length
        let idleFor = "idle for \(Self.format(idleTime))"
        guard current > floor else {
            return decision(.hold, .idle, "\(idleFor) at the floor \(floor)")
        }
        guard idleTime >= configuration.idlePeriod else {
            return decision(.hold, .idle, "\(idleFor) of \(Self.format(configuration.idlePeriod)), \(inUse)")
        }
        idleTime = .zero
        let size = max(floor, current - configuration.step.amount(from: current), Int(busy.rounded(.up)))
        guard size < current else {
            return decision(.hold, .idle, "\(idleFor), but \(inUse)")
        }
        return decision(.shrink(to: size), .idle, "\(idleFor) (\(waits), \(inUse))")
    }

    /// Ends a back-off or a bottleneck block whose time is up.
    mutating func expire() {
        if let until = backoffUntil, elapsed >= until + lastBackoff {
            // A whole period has passed since the block ended without a refusal: start again from the first.
            backoffUntil = nil
            nextBackoff = configuration.backoff
        }
        if let bottleneck, elapsed >= bottleneck.until { self.bottleneck = nil }
    }

    /// Before growing again, compares the mean hold time now (``AutoscalerConfiguration/growAfter`` windows after the
    /// last growth, so at its size) with the one before the last growth.
    mutating func checkLastGrowth(_ window: AutoscalerWindow) {
        guard let growth = lastGrowth, let holdAfter = window.holdMean, window.maximum >= growth.to else { return }
        lastGrowth = nil
        guard holdAfter > growth.holdBefore * (1 + configuration.latencyTolerance) else { return }
        bottleneck = Bottleneck(
            size: growth.to,
            until: elapsed + configuration.bottleneckCooldown,
            holdBefore: growth.holdBefore,
            holdAfter: holdAfter
        )
    }

    /// `42 ms`, `1.5 s`, `250 µs`.
    static func format(_ duration: Duration) -> String {
        let microseconds = WaitHistogram.microseconds(duration)
        if microseconds < 1_000 { return "\(Int(microseconds.rounded())) µs" }
        if microseconds < 1_000_000 { return "\(format(microseconds / 1_000)) ms" }
        return "\(format(microseconds / 1_000_000)) s"
    }

    /// A number with at most one decimal.
    static func format(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0 ? "\(Int(tenths / 10))" : "\(tenths / 10)"
    }
}
