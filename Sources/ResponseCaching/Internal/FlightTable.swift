import NIOCore

/// The origin calls in flight in one instance, by key (single-flight), and the keys that skip the queue for a while,
/// kept in a `Mutex` by ``ResponseCache``.
struct FlightTable: Sendable {
    /// How a flight ended for its waiters.
    enum Outcome: Sendable {
        /// The value for every waiter.
        case result(ResponseCacheResult)
        /// Uncacheable: the leader gets this value, every other waiter calls the origin itself.
        case pass(ByteBuffer)
        /// The flight ended before the caller could join it: look again.
        case retry
    }

    struct Flight: Sendable {
        var id: UInt64
        var waiters: [UInt64: CheckedContinuation<Outcome, any Error>] = [:]
        /// The waiter whose miss started the call: its result's source is `origin`, the others' `collapsed`.
        var leader: UInt64?
        /// A stale entry that waiters get at the soft or hard timeout, or when the origin fails.
        var fallback: ResponseCacheEntry?
    }

    var flights: [String: Flight] = [:]
    /// Keys whose origin answer was uncacheable, until when (hit-for-pass).
    var passes: [String: Int64] = [:]
    /// Keys whose origin failed and whose stale value is served without asking it again, until when.
    var throttled: [String: Int64] = [:]
    var nextID: UInt64 = 1

    /// The most keys remembered as passes or throttled; past it, the expired ones are dropped, then the oldest.
    static let markerLimit = 10_000

    mutating func makeID() -> UInt64 {
        defer { nextID += 1 }
        return nextID
    }

    /// Removes the flight `id` of `key` and returns it (`nil` if a timeout released it and another replaced it).
    mutating func finish(_ key: String, id: UInt64) -> Flight? {
        guard let flight = flights[key], flight.id == id else { return nil }
        flights[key] = nil
        return flight
    }

    /// Removes and returns the waiters of flight `id` that a timeout releases: only those a fallback can answer
    /// (`withFallbackOnly`), or all.
    mutating func release(
        _ key: String,
        id: UInt64,
        all: Bool
    ) -> (
        waiters: [CheckedContinuation<Outcome, any Error>], fallback: ResponseCacheEntry?
    ) {
        guard var flight = flights[key], flight.id == id else { return ([], nil) }
        guard all || flight.fallback != nil else { return ([], nil) }
        let waiters = Array(flight.waiters.values)
        flight.waiters = [:]
        if all {
            // The call goes on in the background; later callers start their own.
            flights[key] = nil
        } else {
            flights[key] = flight
        }
        return (waiters, flight.fallback)
    }

    mutating func mark(
        _ markers: WritableKeyPath<FlightTable, [String: Int64]>,
        _ key: String,
        until: Int64,
        now: Int64
    ) {
        if self[keyPath: markers].count >= Self.markerLimit {
            self[keyPath: markers] = self[keyPath: markers].filter { $0.value > now }
            if self[keyPath: markers].count >= Self.markerLimit {
                let oldest = self[keyPath: markers].min { $0.value < $1.value }?.key
                if let oldest { self[keyPath: markers][oldest] = nil }
            }
        }
        self[keyPath: markers][key] = until
    }

    func active(_ markers: KeyPath<FlightTable, [String: Int64]>, _ key: String, now: Int64) -> Bool {
        guard let until = self[keyPath: markers][key] else { return false }
        return now < until
    }
}
