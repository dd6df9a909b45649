/// Exponential backoff with jitter for reconnecting: after the n-th failure in a row the pause is drawn from
/// `[d/2, d]`, where `d = min(maximumDelay, initialDelay * 2^(n-1))` ("equal jitter": never a storm of
/// simultaneous retries, never a pause of zero).
public struct RedisBackoff: Hashable, Sendable {
    /// The pause's upper bound after the first failure.
    public var initialDelay: Duration
    /// The cap: no pause is ever longer.
    public var maximumDelay: Duration

    /// Creates a backoff; by default 100 ms doubling up to 10 s.
    public init(initialDelay: Duration = .milliseconds(100), maximumDelay: Duration = .seconds(10)) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
    }

    /// The pause after `failures` failed attempts in a row (at least 1).
    public func delay(afterFailures failures: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let exponent = min(max(failures, 1) - 1, 30)
        var ceiling = initialDelay * (1 << exponent)
        if ceiling > maximumDelay || ceiling < initialDelay { ceiling = maximumDelay }
        let half = ceiling / 2
        return half + half * Double.random(in: 0...1, using: &generator)
    }

    /// Checks that the backoff can be used.
    /// - Throws: ``RedisError/Code/invalidConfiguration`` unless `0 < initialDelay <= maximumDelay`.
    public func validate() throws(RedisError) {
        guard initialDelay > .zero, maximumDelay >= initialDelay else {
            throw RedisError(code: .invalidConfiguration, message: "a backoff needs 0 < initialDelay <= maximumDelay")
        }
    }
}
