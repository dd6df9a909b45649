/// Short texts for people (the dashboard page, `mastery ratelimit policies list`).
extension RateLimitPolicy {
    /// The window in the largest unit that divides it exactly: `10 s`, `500 ms`, `1 min`, `2 h`, `1 d`, `1500 µs`.
    public var windowLabel: String {
        let units: [(microseconds: Int64, symbol: String)] = [
            (86_400_000_000, "d"), (3_600_000_000, "h"), (60_000_000, "min"), (1_000_000, "s"), (1_000, "ms"),
        ]
        for unit in units where windowMicroseconds % unit.microseconds == 0 {
            return "\(windowMicroseconds / unit.microseconds) \(unit.symbol)"
        }
        return "\(windowMicroseconds) µs"
    }

    /// The quota: `5 per 10 s`.
    public var limitLabel: String { "\(limit) per \(windowLabel)" }
}

extension RateLimitFailureMode {
    /// `open`, `closed`, or `local at 50%` (the fraction of the limit each instance admits while the store fails).
    public var label: String {
        switch self {
        case .open: "open"
        case .closed: "closed"
        case .localFallback(let fraction):
            "local at \(Self.percent(fraction))%"
        }
    }

    /// `fraction` as a percentage with at most two decimals: `50`, `33.33`.
    static func percent(_ fraction: Double) -> String {
        let hundredths = (fraction * 10_000).rounded()
        return hundredths.truncatingRemainder(dividingBy: 100) == 0 ? "\(Int(hundredths / 100))" : "\(hundredths / 100)"
    }
}
