/// The autoscaler at a glance, for the API and the page.
public struct AutoscalerStatus: Sendable, Hashable {
    /// Whether it resizes the pool.
    public var enabled: Bool
    /// This instance's share of the server, once read.
    public var budget: AutoscalerBudget?
    /// Why the budget could not be read the last time, if it could not.
    public var budgetError: String?
    /// The latest decision (routine holds included).
    public var lastDecision: AutoscalerDecision?
    /// Decisions made so far.
    public var decisions: Int
    /// Whether a 53300 back-off blocks growth.
    public var backingOff: Bool
    /// The size growth may not pass while the database is the bottleneck, if it is.
    public var bottleneckSize: Int?
}
