import Testing

@testable import PoolMonitoring

/// The autoscaler's rules, window by window, with no pool and no clock.
@Suite("Autoscaler policy")
struct AutoscalerPolicyTests {
    static let budget = AutoscalerBudget(maxConnections: 100, reserve: 4, instances: 8)  // 12

    static func configuration(_ change: (inout AutoscalerConfiguration) -> Void = { _ in }) -> AutoscalerConfiguration {
        var configuration = AutoscalerConfiguration()
        configuration.enabled = true
        configuration.interval = .seconds(5)
        configuration.targetWaitP95 = .milliseconds(10)
        configuration.growAfter = 2
        configuration.floor = 2
        configuration.ceiling = 50
        configuration.step = .connections(2)
        configuration.idlePeriod = .seconds(15)
        configuration.latencyTolerance = 0.25
        configuration.bottleneckCooldown = .seconds(60)
        configuration.backoff = .seconds(20)
        configuration.maximumBackoff = .seconds(60)
        change(&configuration)
        return configuration
    }

    /// A window of 5 s with the pool at `maximum`.
    static func window(
        maximum: Int,
        p95: Duration? = nil,
        hold: Duration? = .milliseconds(20),
        _ change: (inout AutoscalerWindow) -> Void = { _ in }
    ) -> AutoscalerWindow {
        var window = AutoscalerWindow(length: .seconds(5), maximum: maximum)
        window.p95Wait = p95
        window.holdMean = hold
        window.acquisitions = p95 == nil ? 0 : 100
        window.total = maximum
        window.inUse = p95 == nil ? 0 : maximum
        window.averageInUse = Double(window.inUse)
        change(&window)
        return window
    }

    static let busy: Duration = .milliseconds(50)

    @Test("grows by a step after the p95 wait has been above the target for growAfter windows")
    func growsUnderPressure() {
        var policy = AutoscalerPolicy(configuration: Self.configuration())
        let first = policy.decide(Self.window(maximum: 4, p95: Self.busy), budget: Self.budget)
        #expect(first.action == .hold)
        #expect(first.rule == .pressure)
        #expect(first.reason.contains("1 of 2 windows"))
        let second = policy.decide(Self.window(maximum: 4, p95: Self.busy), budget: Self.budget)
        #expect(second.action == .grow(to: 6))
        #expect(second.rule == .pressure)
        #expect(second.reason.contains("p95 wait 50 ms > target 10 ms"))
        #expect(second.budget == 12)
        // The count starts again after a growth.
        #expect(policy.decide(Self.window(maximum: 6, p95: Self.busy), budget: Self.budget).action == .hold)
        #expect(policy.decide(Self.window(maximum: 6, p95: Self.busy), budget: Self.budget).action == .grow(to: 8))
    }

    @Test("a window within the target breaks the run of pressure")
    func pressureMustBeConsecutive() {
        var policy = AutoscalerPolicy(configuration: Self.configuration())
        _ = policy.decide(Self.window(maximum: 4, p95: Self.busy), budget: Self.budget)
        let calm = policy.decide(Self.window(maximum: 4, p95: .milliseconds(2)), budget: Self.budget)
        #expect(calm.action == .hold)
        #expect(calm.rule == .steady)
        #expect(policy.decide(Self.window(maximum: 4, p95: Self.busy), budget: Self.budget).action == .hold)
        #expect(policy.decide(Self.window(maximum: 4, p95: Self.busy), budget: Self.budget).action == .grow(to: 6))
    }

    @Test("acquires failing on a full pool are pressure even without a p95")
    func exhaustionIsPressure() {
        var policy = AutoscalerPolicy(configuration: Self.configuration { $0.growAfter = 1 })
        let decision = policy.decide(Self.window(maximum: 4) { $0.exhausted = 3 }, budget: Self.budget)
        #expect(decision.action == .grow(to: 6))
        #expect(decision.reason.contains("3 acquire(s) failed on a full pool"))
    }

    @Test("a fractional step rounds up and has a minimum")
    func steps() {
        let step = AutoscalerConfiguration.Step.fraction(0.25, atLeast: 2)
        #expect(step.amount(from: 4) == 2)
        #expect(step.amount(from: 24) == 6)
        #expect(step.amount(from: 9) == 3)
        #expect(AutoscalerConfiguration.Step.connections(3).amount(from: 40) == 3)
        var policy = AutoscalerPolicy(
            configuration: Self.configuration {
                $0.growAfter = 1
                $0.step = step
            }
        )
        #expect(policy.decide(Self.window(maximum: 8, p95: Self.busy), budget: Self.budget).action == .grow(to: 10))
    }

    @Test("never grows past the budget (max_connections - reserve) / instances, and says so")
    func budgetCapsGrowth() {
        #expect(Self.budget.connections == 12)
        #expect(AutoscalerBudget(maxConnections: 100, reserve: 3, instances: 3).connections == 32)
        #expect(AutoscalerBudget(maxConnections: 10, reserve: 20, instances: 2).connections == 1)
        #expect(AutoscalerBudget(maxConnections: 100, reserve: 0, instances: 0).instances == 1)
        var policy = AutoscalerPolicy(
            configuration: Self.configuration {
                $0.growAfter = 1
                $0.step = .connections(5)
            }
        )
        #expect(policy.decide(Self.window(maximum: 10, p95: Self.busy), budget: Self.budget).action == .grow(to: 12))
        let held = policy.decide(Self.window(maximum: 12, p95: Self.busy), budget: Self.budget)
        #expect(held.action == .hold)
        #expect(held.rule == .atLimit)
        #expect(held.reason.contains("the budget 12 = (100 - 4) / 8"))
    }

    @Test("never grows past the ceiling when it is below the budget")
    func ceilingCapsGrowth() {
        var policy = AutoscalerPolicy(
            configuration: Self.configuration {
                $0.growAfter = 1
                $0.ceiling = 5
            }
        )
        #expect(policy.decide(Self.window(maximum: 4, p95: Self.busy), budget: Self.budget).action == .grow(to: 5))
        let held = policy.decide(Self.window(maximum: 5, p95: Self.busy), budget: Self.budget)
        #expect(held.rule == .atLimit)
        #expect(held.reason.contains("the ceiling 5"))
    }

    @Test("does not grow before the budget has been read")
    func unknownBudgetBlocksGrowth() {
        var policy = AutoscalerPolicy(configuration: Self.configuration { $0.growAfter = 1 })
        let decision = policy.decide(Self.window(maximum: 4, p95: Self.busy), budget: nil)
        #expect(decision.action == .hold)
        #expect(decision.rule == .budgetUnknown)
    }

    @Test("shrinks a maximum above the budget or ceiling, and grows one below the floor")
    func clampsToLimits() {
        var policy = AutoscalerPolicy(configuration: Self.configuration())
        let above = policy.decide(Self.window(maximum: 20), budget: Self.budget)
        #expect(above.action == .shrink(to: 12))
        #expect(above.rule == .aboveLimit)
        let below = policy.decide(Self.window(maximum: 1), budget: Self.budget)
        #expect(below.action == .grow(to: 2))
        #expect(below.rule == .belowFloor)
        // A budget below the floor wins: the server's limit is harder than ours.
        let tight = AutoscalerBudget(maxConnections: 10, reserve: 4, instances: 6)  // 1
        #expect(policy.decide(Self.window(maximum: 2), budget: tight).action == .shrink(to: 1))
        #expect(policy.decide(Self.window(maximum: 1), budget: tight).action == .hold)
    }

    @Test("holds when the last growth raised the mean hold time past the tolerance, until the cool-down ends")
    func databaseBottleneck() {
        var policy = AutoscalerPolicy(configuration: Self.configuration { $0.growAfter = 1 })
        let grown = policy.decide(Self.window(maximum: 4, p95: Self.busy, hold: .milliseconds(20)), budget: Self.budget)
        #expect(grown.action == .grow(to: 6))
        // 20 ms → 30 ms is +50 %, past the 25 % tolerance: the database, not the pool, is the bottleneck.
        let held = policy.decide(Self.window(maximum: 6, p95: Self.busy, hold: .milliseconds(30)), budget: Self.budget)
        #expect(held.action == .hold)
        #expect(held.rule == .databaseBottleneck)
        #expect(held.reason.contains("mean hold rose from 20 ms to 30 ms at 6 connections"))
        #expect(policy.bottleneckSize == 6)
        // Eleven more windows (55 s) of pressure: still held.
        for _ in 0..<11 {
            let decision = policy.decide(
                Self.window(maximum: 6, p95: Self.busy, hold: .milliseconds(30)),
                budget: Self.budget
            )
            #expect(decision.rule == .databaseBottleneck)
        }
        // The 60 s cool-down is over.
        let after = policy.decide(Self.window(maximum: 6, p95: Self.busy, hold: .milliseconds(30)), budget: Self.budget)
        #expect(after.action == .grow(to: 8))
        #expect(policy.bottleneckSize == nil)
    }

    @Test("a growth that leaves the mean hold time within the tolerance lets the pool keep growing")
    func latencyWithinTolerance() {
        var policy = AutoscalerPolicy(configuration: Self.configuration { $0.growAfter = 1 })
        #expect(
            policy.decide(Self.window(maximum: 4, p95: Self.busy, hold: .milliseconds(20)), budget: Self.budget).action
                == .grow(to: 6)
        )
        #expect(
            policy.decide(Self.window(maximum: 6, p95: Self.busy, hold: .milliseconds(24)), budget: Self.budget).action
                == .grow(to: 8)
        )
        #expect(policy.bottleneckSize == nil)
    }

    @Test("hold times are judged when the pool would grow again, and forgotten once the pressure ends")
    func growthJudgedAtTheNextGrowth() {
        var policy = AutoscalerPolicy(configuration: Self.configuration())
        _ = policy.decide(Self.window(maximum: 4, p95: Self.busy, hold: .milliseconds(20)), budget: Self.budget)
        #expect(
            policy.decide(Self.window(maximum: 4, p95: Self.busy, hold: .milliseconds(20)), budget: Self.budget).action
                == .grow(to: 6)
        )
        // The first window after the growth still holds statements started before it: not judged yet.
        #expect(
            policy.decide(Self.window(maximum: 6, p95: Self.busy, hold: .milliseconds(21)), budget: Self.budget).rule
                == .pressure
        )
        let judged = policy.decide(
            Self.window(maximum: 6, p95: Self.busy, hold: .milliseconds(35)),
            budget: Self.budget
        )
        #expect(judged.rule == .databaseBottleneck)
        // Another run: growth, then calm, then pressure again at higher hold times is a new load, not the growth's.
        var fresh = AutoscalerPolicy(configuration: Self.configuration { $0.growAfter = 1 })
        #expect(
            fresh.decide(Self.window(maximum: 4, p95: Self.busy, hold: .milliseconds(20)), budget: Self.budget).action
                == .grow(to: 6)
        )
        #expect(
            fresh.decide(Self.window(maximum: 6, p95: .milliseconds(1), hold: .milliseconds(20)), budget: Self.budget)
                .rule == .steady
        )
        #expect(
            fresh.decide(Self.window(maximum: 6, p95: Self.busy, hold: .milliseconds(50)), budget: Self.budget).action
                == .grow(to: 8)
        )
    }

    @Test("a bottleneck caps growth at the size where latency rose, even from below it")
    func bottleneckCapsFromBelow() {
        var policy = AutoscalerPolicy(
            configuration: Self.configuration {
                $0.growAfter = 1
                $0.step = .connections(4)
            }
        )
        #expect(
            policy.decide(Self.window(maximum: 4, p95: Self.busy, hold: .milliseconds(20)), budget: Self.budget).action
                == .grow(to: 8)
        )
        #expect(
            policy.decide(Self.window(maximum: 8, p95: Self.busy, hold: .milliseconds(40)), budget: Self.budget).rule
                == .databaseBottleneck
        )
        #expect(policy.bottleneckSize == 8)
        // Someone shrank the pool to 5: growth goes back to 8, no further.
        #expect(
            policy.decide(Self.window(maximum: 5, p95: Self.busy, hold: .milliseconds(40)), budget: Self.budget).action
                == .grow(to: 8)
        )
    }

    @Test("53300 shrinks the maximum below the open connections and blocks growth for a back-off that doubles")
    func tooManyConnections() {
        var policy = AutoscalerPolicy(configuration: Self.configuration { $0.growAfter = 1 })
        let refused = policy.decide(
            Self.window(maximum: 10, p95: Self.busy) {
                $0.tooManyConnections = 1
                $0.total = 7
            },
            budget: Self.budget
        )
        #expect(refused.action == .shrink(to: 6))
        #expect(refused.rule == .tooManyConnections)
        #expect(refused.reason.contains("53300"))
        #expect(refused.reason.contains("growth blocked for 20 s"))
        #expect(policy.isBackingOff)
        // 20 s of back-off: three windows of pressure are held.
        for _ in 0..<3 {
            let decision = policy.decide(Self.window(maximum: 6, p95: Self.busy), budget: Self.budget)
            #expect(decision.action == .hold)
            #expect(decision.rule == .backingOff)
        }
        #expect(policy.decide(Self.window(maximum: 6, p95: Self.busy), budget: Self.budget).action == .grow(to: 8))
        // Refused again soon after: the back-off doubles to 40 s.
        let again = policy.decide(
            Self.window(maximum: 8, p95: Self.busy) {
                $0.tooManyConnections = 2
                $0.total = 8
            },
            budget: Self.budget
        )
        #expect(again.action == .shrink(to: 7))
        #expect(again.reason.contains("growth blocked for 40 s"))
        for _ in 0..<7 {
            #expect(policy.decide(Self.window(maximum: 7, p95: Self.busy), budget: Self.budget).rule == .backingOff)
        }
        #expect(policy.decide(Self.window(maximum: 7, p95: Self.busy), budget: Self.budget).action == .grow(to: 9))
    }

    @Test("the back-off stops at its maximum and starts again from the first period after a quiet period")
    func backoffBoundsAndReset() {
        var policy = AutoscalerPolicy(configuration: Self.configuration())
        func refuse() -> AutoscalerDecision {
            policy.decide(
                Self.window(maximum: 4) {
                    $0.tooManyConnections = 1
                    $0.total = 4
                },
                budget: Self.budget
            )
        }
        #expect(refuse().reason.contains("blocked for 20 s"))
        #expect(refuse().reason.contains("blocked for 40 s"))
        #expect(refuse().reason.contains("blocked for 60 s"))
        #expect(refuse().reason.contains("blocked for 60 s"))
        // 60 s blocked, then 60 s without a refusal: the next one starts from 20 s again.
        for _ in 0..<24 { _ = policy.decide(Self.window(maximum: 3), budget: Self.budget) }
        #expect(refuse().reason.contains("blocked for 20 s"))
    }

    @Test("53300 at the floor holds rather than going below it")
    func tooManyConnectionsAtFloor() {
        var policy = AutoscalerPolicy(configuration: Self.configuration { $0.floor = 4 })
        let decision = policy.decide(
            Self.window(maximum: 4) {
                $0.tooManyConnections = 1
                $0.total = 2
            },
            budget: Self.budget
        )
        #expect(decision.action == .hold)
        #expect(decision.rule == .tooManyConnections)
        #expect(policy.isBackingOff)
    }

    @Test("shrinks by a step after the idle period, one step per idle period, down to the floor")
    func shrinksWhenIdle() {
        var policy = AutoscalerPolicy(configuration: Self.configuration())
        // 15 s idle period, 5 s windows: hold, hold, shrink.
        #expect(policy.decide(Self.window(maximum: 7), budget: Self.budget).rule == .idle)
        #expect(policy.decide(Self.window(maximum: 7), budget: Self.budget).action == .hold)
        let shrunk = policy.decide(Self.window(maximum: 7), budget: Self.budget)
        #expect(shrunk.action == .shrink(to: 5))
        #expect(shrunk.rule == .idle)
        #expect(shrunk.reason.contains("idle for 15 s"))
        #expect(policy.decide(Self.window(maximum: 5), budget: Self.budget).action == .hold)
        #expect(policy.decide(Self.window(maximum: 5), budget: Self.budget).action == .hold)
        #expect(policy.decide(Self.window(maximum: 5), budget: Self.budget).action == .shrink(to: 3))
        for _ in 0..<2 { _ = policy.decide(Self.window(maximum: 3), budget: Self.budget) }
        #expect(policy.decide(Self.window(maximum: 3), budget: Self.budget).action == .shrink(to: 2))
        for _ in 0..<5 { #expect(policy.decide(Self.window(maximum: 2), budget: Self.budget).action == .hold) }
    }

    @Test("a waiter, or more than idleUtilisation of the maximum in use, is not idleness")
    func busyIsNotIdle() {
        var policy = AutoscalerPolicy(configuration: Self.configuration())
        for _ in 0..<2 { _ = policy.decide(Self.window(maximum: 8), budget: Self.budget) }
        // The third window would have shrunk it; a waiter starts the count again.
        let waiting = policy.decide(Self.window(maximum: 8) { $0.waiting = 1 }, budget: Self.budget)
        #expect(waiting.rule == .steady)
        for _ in 0..<2 { _ = policy.decide(Self.window(maximum: 8), budget: Self.budget) }
        // Five of eight in use on average: above half.
        let used = policy.decide(
            Self.window(maximum: 8, p95: .milliseconds(1)) {
                $0.averageInUse = 5
                $0.inUse = 0
            },
            budget: Self.budget
        )
        #expect(used.rule == .steady)
        #expect(used.action == .hold)
        #expect(policy.idleTime == .zero)
    }

    @Test("shrinking never goes below the connections in use")
    func shrinkKeepsConnectionsInUse() {
        var policy = AutoscalerPolicy(
            configuration: Self.configuration {
                $0.step = .connections(10)
                $0.idleUtilisation = 0.5
            }
        )
        for _ in 0..<2 { _ = policy.decide(Self.window(maximum: 12) { $0.inUse = 5 }, budget: Self.budget) }
        #expect(policy.decide(Self.window(maximum: 12) { $0.inUse = 5 }, budget: Self.budget).action == .shrink(to: 5))
    }

    /// Each setting with a value it refuses.
    static func invalid(_ setting: String, _ configuration: inout AutoscalerConfiguration) {
        switch setting {
        case "interval": configuration.interval = .zero
        case "targetWaitP95": configuration.targetWaitP95 = .zero
        case "growAfter": configuration.growAfter = 0
        case "floor": configuration.floor = 0
        case "ceiling": configuration.ceiling = configuration.floor - 1
        case "step": configuration.step = .connections(0)
        case "step fraction": configuration.step = .fraction(0)
        case "step minimum": configuration.step = .fraction(0.5, atLeast: 0)
        case "idlePeriod": configuration.idlePeriod = .zero
        case "idleUtilisation": configuration.idleUtilisation = 1.5
        case "reserve": configuration.reserve = -1
        case "instances": configuration.instances = 0
        case "instancePrefix": configuration.instancePrefix = ""
        case "latencyTolerance": configuration.latencyTolerance = -0.1
        case "bottleneckCooldown": configuration.bottleneckCooldown = .seconds(-1)
        case "backoff": configuration.backoff = .zero
        case "maximumBackoff": configuration.maximumBackoff = configuration.backoff / 2
        case "budgetRefreshTicks": configuration.budgetRefreshTicks = 0
        default: Issue.record("no invalid value for \(setting)")
        }
    }

    @Test(
        "an invalid setting is refused, naming it",
        arguments: [
            "interval", "targetWaitP95", "growAfter", "floor", "ceiling", "step", "step fraction", "step minimum",
            "idlePeriod", "idleUtilisation", "reserve", "instances", "instancePrefix", "latencyTolerance",
            "bottleneckCooldown", "backoff", "maximumBackoff", "budgetRefreshTicks",
        ]
    )
    func validation(setting: String) throws {
        try Self.configuration().validate()
        var configuration = Self.configuration()
        Self.invalid(setting, &configuration)
        let error = #expect(throws: PoolError.self) { try configuration.validate() }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains("autoscaler \(setting) must") == true)
    }

    @Test("the wait histogram's p95 is within one bucket (19 %) above the true value, never below")
    func histogram() throws {
        var histogram = WaitHistogram()
        #expect(histogram.percentile(0.95) == nil)
        for _ in 0..<95 { histogram.record(.milliseconds(1)) }
        for _ in 0..<5 { histogram.record(.milliseconds(500)) }
        let p95 = try #require(histogram.percentile(0.95))
        #expect(p95 >= .milliseconds(1))
        #expect(p95 <= .microseconds(1_190))
        histogram.record(.milliseconds(500))
        let shifted = try #require(histogram.percentile(0.95))
        #expect(shifted >= .milliseconds(500))
        #expect(shifted <= .milliseconds(595))
        var extremes = WaitHistogram()
        extremes.record(.zero)
        extremes.record(.seconds(100_000))
        #expect(extremes.percentile(0) != nil)
        #expect(extremes.percentile(1)! > .seconds(3_600))
        #expect(histogram.counts.count == WaitHistogram.bucketCount)
    }
}
