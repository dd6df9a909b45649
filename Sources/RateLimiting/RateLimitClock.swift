import Dispatch
import Synchronization

/// The time a store decides by, in microseconds.
///
/// The in-memory store reads it on every decision; the Redis store ignores it and uses the Redis server's `TIME`,
/// so instances whose clocks disagree still agree on every decision. Tests inject ``ManualRateLimitClock``.
public protocol RateLimitClock: Sendable {
    /// Now, in microseconds since an arbitrary but fixed origin; never decreases.
    var nowMicroseconds: Int64 { get }
}

/// The system's monotonic clock (`CLOCK_MONOTONIC` through `DispatchTime`, one vDSO call and no `Duration`
/// arithmetic per reading), in microseconds since boot.
public struct ContinuousRateLimitClock: RateLimitClock {
    /// Creates the clock.
    public init() {}

    public var nowMicroseconds: Int64 { Int64(DispatchTime.now().uptimeNanoseconds / 1000) }
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
