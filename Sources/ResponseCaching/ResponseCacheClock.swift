#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The time the cache decides by, in milliseconds since the Unix epoch.
///
/// Entries in the shared tier carry absolute times (fresh until, stale until) that every instance reads, so this is
/// wall time, as in FusionCache and Varnish; instances whose clocks disagree by a few milliseconds disagree on
/// freshness by as much. Tests use ``ResponseCacheClockAdapter`` over a manual clock.
public protocol ResponseCacheClock: Sendable {
    /// Now, in milliseconds since the Unix epoch.
    var now: Int64 { get }
    /// Returns at `deadline` (milliseconds since the epoch), or throws `CancellationError`.
    func sleep(until deadline: Int64) async throws
}

/// The system's real-time clock for readings and the continuous clock for sleeps.
public struct SystemResponseCacheClock: ResponseCacheClock {
    /// Creates the clock.
    public init() {}

    public var now: Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000 + Int64(spec.tv_nsec) / 1_000_000
    }

    public func sleep(until deadline: Int64) async throws {
        let wait = deadline - now
        guard wait > 0 else {
            try Task.checkCancellation()
            return
        }
        try await Task.sleep(for: .milliseconds(wait))
    }
}

/// Any `Clock` as a cache clock, starting at a given epoch time: tests pass a manual clock and move it.
public struct ResponseCacheClockAdapter<C: Clock>: ResponseCacheClock where C.Duration == Duration {
    let clock: C
    let origin: C.Instant
    let epochMilliseconds: Int64

    /// A cache clock that reads `epochMilliseconds` now and moves as `clock` does.
    public init(_ clock: C, epochMilliseconds: Int64 = 1_800_000_000_000) {
        self.clock = clock
        self.origin = clock.now
        self.epochMilliseconds = epochMilliseconds
    }

    public var now: Int64 {
        let elapsed = origin.duration(to: clock.now).components
        return epochMilliseconds + elapsed.seconds * 1_000 + elapsed.attoseconds / 1_000_000_000_000_000
    }

    public func sleep(until deadline: Int64) async throws {
        try await clock.sleep(until: origin.advanced(by: .milliseconds(deadline - epochMilliseconds)), tolerance: nil)
    }
}
