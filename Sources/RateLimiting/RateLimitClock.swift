import Synchronization

/// The time a store decides by, in microseconds.
///
/// The in-memory store reads it on every decision; the Redis store ignores it and uses the Redis server's `TIME`,
/// so instances whose clocks disagree still agree on every decision. Tests inject ``ManualRateLimitClock``.
public protocol RateLimitClock: Sendable {
    /// Now, in microseconds since an arbitrary but fixed origin; never decreases.
    var nowMicroseconds: Int64 { get }
}

/// The system's monotonic clock (`ContinuousClock`), in microseconds since the clock was created.
public struct ContinuousRateLimitClock: RateLimitClock {
    private let origin: ContinuousClock.Instant

    /// Creates the clock; its origin is now.
    public init() { origin = .now }

    public var nowMicroseconds: Int64 {
        let elapsed = origin.duration(to: .now).components
        // Starts at one window's worth of headroom so that "before the origin" never occurs.
        return 1_000_000 + elapsed.seconds * 1_000_000 + elapsed.attoseconds / 1_000_000_000_000
    }
}

/// A clock that moves only when told to: for tests and deterministic simulations.
public final class ManualRateLimitClock: RateLimitClock {
    private let now: Mutex<Int64>

    /// Creates the clock at `microseconds`.
    public init(microseconds: Int64 = 1_000_000_000_000) { now = Mutex(microseconds) }

    public var nowMicroseconds: Int64 { now.withLock { $0 } }

    /// Moves the clock forward.
    public func advance(by duration: Duration) {
        let parts = duration.components
        let microseconds = parts.seconds * 1_000_000 + parts.attoseconds / 1_000_000_000_000
        now.withLock { $0 += max(0, microseconds) }
    }

    /// Moves the clock forward by `microseconds`.
    public func advance(microseconds: Int64) {
        now.withLock { $0 += max(0, microseconds) }
    }
}

extension Duration {
    /// A duration of whole microseconds.
    static func rateLimitMicroseconds(_ microseconds: Int64) -> Duration { .microseconds(microseconds) }
}
