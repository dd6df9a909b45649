/// How long a failed job waits before its next attempt: exponential back-off with full jitter (a uniformly random
/// delay between zero and `min(maximum, base × 2^(attempt-1))`), which spreads a burst of failures over the whole
/// window instead of retrying them in lock-step.
public struct JobRetryPolicy: Hashable, Sendable {
    /// The window after the first failed attempt.
    public var base: Duration
    /// The largest window.
    public var maximum: Duration
    /// Whether to draw the delay uniformly from the window (full jitter) or wait its whole length.
    public var jitter: Bool

    /// Exponential back-off with full jitter.
    /// - Parameters:
    ///   - base: The window after the first failed attempt (default 1 s).
    ///   - maximum: The largest window (default 1 hour).
    ///   - jitter: Draw uniformly from the window (the default) or wait its whole length.
    public static func exponential(
        base: Duration = .seconds(1),
        maximum: Duration = .seconds(3600),
        jitter: Bool = true
    ) -> Self {
        Self(base: base, maximum: maximum, jitter: jitter)
    }

    /// The window after failed attempt number `attempt` (from 1): `min(maximum, base × 2^(attempt-1))`.
    public func window(afterAttempt attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 40)
        let seconds = min(maximum.seconds, base.seconds * Double(1 << exponent))
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// The delay before the attempt after `attempt`.
    public func delay(afterAttempt attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let window = self.window(afterAttempt: attempt)
        guard jitter else { return window }
        let milliseconds = Int64((window.seconds * 1000).rounded())
        guard milliseconds > 0 else { return .zero }
        return .milliseconds(Int64.random(in: 0...milliseconds, using: &generator))
    }
}
