/// How a policy counts: the five algorithms of the curriculum.
///
/// | Algorithm | State per key | Guarantee |
/// |---|---|---|
/// | ``gcra`` | one timestamp (the theoretical arrival time) | exact: at most `burst` at once, then `limit` per `window`, smoothly |
/// | ``tokenBucket`` | tokens and a timestamp | exact: at most `burst` at once, refilled at `limit` per `window` |
/// | ``slidingWindowLog`` | one entry (time, cost) per admitted request | exact: at most `limit` in any `window`-long span |
/// | ``slidingWindowCounter`` | two counters | at most `limit` per aligned window; any `window`-long span admits at most `2 × limit` (the estimate assumes the previous window was uniform) |
/// | ``fixedWindow`` | one counter | at most `limit` per aligned window; any `window`-long span admits at most `2 × limit` |
public enum RateLimitAlgorithm: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// The generic cell rate algorithm, with redis-cell's `CL.THROTTLE` semantics.
    case gcra
    /// A token bucket: `burst` tokens, refilled continuously at `limit` per `window`.
    case tokenBucket = "token_bucket"
    /// A log of the admitted requests' times, exact over a sliding window.
    case slidingWindowLog = "sliding_window_log"
    /// Cloudflare's estimate: this window's count plus the previous window's, weighted by their overlap.
    case slidingWindowCounter = "sliding_window_counter"
    /// A counter per window aligned on the Unix epoch.
    case fixedWindow = "fixed_window"

    /// The name used in JSON, the CLI and the Redis script (`gcra`, `token_bucket`, …).
    public var description: String { rawValue }

    /// Whether the algorithm admits bursts of `burst` (GCRA and token bucket) rather than counting in windows.
    public var hasBurst: Bool { self == .gcra || self == .tokenBucket }
}
