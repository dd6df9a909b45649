/// What the autoscaler decided at the end of a window, and why.
public struct AutoscalerDecision: Sendable, Hashable, CustomStringConvertible {
    /// What happens to the pool's maximum.
    public enum Action: Sendable, Hashable {
        /// The maximum rises to this.
        case grow(to: Int)
        /// The maximum falls to this.
        case shrink(to: Int)
        /// The maximum stays.
        case hold
    }

    /// Which rule decided.
    public struct Rule: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case steady, pressure, idle, belowFloor, aboveLimit, tooManyConnections, backingOff
            case databaseBottleneck, atLimit, budgetUnknown
        }
        private let base: Base
        private init(base: Base) { self.base = base }

        /// Nothing to do: neither pressure nor idleness (a hold).
        public static let steady = Rule(base: .steady)
        /// Waits above the target for enough windows: grow (or, below that many windows, hold and count).
        public static let pressure = Rule(base: .pressure)
        /// Idle long enough: shrink (or, before that, hold and count).
        public static let idle = Rule(base: .idle)
        /// The maximum was below the floor: grow to it.
        public static let belowFloor = Rule(base: .belowFloor)
        /// The maximum was above the ceiling or the budget: shrink to it.
        public static let aboveLimit = Rule(base: .aboveLimit)
        /// The server refused a connection with SQLSTATE 53300: shrink below the open connections (or hold) and
        /// back off.
        public static let tooManyConnections = Rule(base: .tooManyConnections)
        /// Growth is blocked by the back-off after a 53300 (a hold).
        public static let backingOff = Rule(base: .backingOff)
        /// Growth is blocked because hold times rose with the last growth: the database is the bottleneck (a hold).
        public static let databaseBottleneck = Rule(base: .databaseBottleneck)
        /// Growth is blocked by the ceiling or the budget (a hold).
        public static let atLimit = Rule(base: .atLimit)
        /// Growth is blocked until the budget has been read (a hold).
        public static let budgetUnknown = Rule(base: .budgetUnknown)

        /// The rule's name (`databaseBottleneck`).
        public var description: String { base.rawValue }

        /// A hold with nothing to report (steady, or pressure or idleness still being counted).
        var isRoutine: Bool { base == .steady || base == .pressure || base == .idle }
    }

    /// What happens to the maximum.
    public var action: Action
    /// Which rule decided.
    public var rule: Rule
    /// Why, for people (`p95 wait 42 ms > target 10 ms for 2 windows`).
    public var reason: String
    /// The maximum before.
    public var from: Int
    /// The window's 95th percentile of acquire waits.
    public var p95Wait: Duration?
    /// The window's mean hold time.
    public var holdMean: Duration?
    /// This instance's budget, when known.
    public var budget: Int?
    /// The decision's number (the first is 1).
    public var tick: Int = 0

    /// Creates a decision.
    /// - Parameters:
    ///   - action: What happens to the maximum.
    ///   - rule: Which rule decided.
    ///   - reason: Why, for people.
    ///   - from: The maximum before.
    ///   - p95Wait: The window's 95th percentile of waits.
    ///   - holdMean: The window's mean hold time.
    ///   - budget: This instance's budget.
    public init(
        _ action: Action,
        rule: Rule,
        reason: String,
        from: Int,
        p95Wait: Duration? = nil,
        holdMean: Duration? = nil,
        budget: Int? = nil
    ) {
        self.action = action
        self.rule = rule
        self.reason = reason
        self.from = from
        self.p95Wait = p95Wait
        self.holdMean = holdMean
        self.budget = budget
    }

    /// The maximum after.
    public var to: Int {
        switch action {
        case .grow(let size), .shrink(let size): size
        case .hold: from
        }
    }

    /// Whether the maximum changes.
    public var changesSize: Bool { action != .hold }

    /// `grow 4 → 6 (pressure): p95 wait …`.
    public var description: String {
        let verb =
            switch action {
            case .grow: "grow"
            case .shrink: "shrink"
            case .hold: "hold"
            }
        return "\(verb) \(from) → \(to) (\(rule)): \(reason)"
    }
}
