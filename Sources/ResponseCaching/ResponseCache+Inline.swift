import NIOCore
import Synchronization

extension ResponseCache {
    /// Whether a caller leads a key's origin call or waits for one.
    enum Role {
        case lead(UInt64)
        case wait
    }

    /// The value for `key`, as ``value(forKey:options:reload:load:)``, except that the origin call is made by the
    /// caller whose miss starts it, in its own task: for an origin that cannot leave the caller (a Hummingbird
    /// middleware's `next`). Callers that find a call in flight wait for it (the soft and hard timeouts apply to
    /// them, not to the caller making it); an uncacheable answer releases them at once to make their own.
    /// Stale-while-revalidate works by the first caller to find the entry stale refreshing it while the others are
    /// served the stale value; there is no early refresh (XFetch) in this form.
    /// - Throws: as ``value(forKey:options:load:)``, and what `load` throws when nothing stale can be served.
    public func value(
        forKey key: String,
        options: ResponseCacheEntryOptions,
        reload: Bool = false,
        inline load: (ResponseCacheEntry?) async throws -> ResponseCacheLoad
    ) async throws -> ResponseCacheResult {
        try ResponseCacheKey.validate(key)
        try options.validate()
        let now = clock.now
        var fallback: ResponseCacheEntry?
        if let cached = memoryEntry(key, now: now) {
            switch (reload, cached.freshness(at: now)) {
            case (false, .fresh):
                counters.memoryHits.add(1, ordering: .relaxed)
                return ResponseCacheResult(value: cached.value, entry: cached, source: .memory)
            case (false, .revalidate):
                counters.staleServed.add(1, ordering: .relaxed)
                if let id = claimFlight(key, fallback: cached) {
                    return try await lead(key, flightID: id, options: options, reload: true, load: load)
                }
                return ResponseCacheResult(value: cached.value, entry: cached, source: .revalidating)
            case (_, .expired):
                memory.removeValue(forKey: key)
            default:
                fallback = cached
            }
        }
        let (passing, throttled) = flights.withLock {
            ($0.active(\.passes, key, now: now), $0.active(\.throttled, key, now: now))
        }
        if throttled, let fallback {
            counters.staleServed.add(1, ordering: .relaxed)
            return ResponseCacheResult(value: fallback.value, entry: fallback, source: .staleOnError)
        }
        if passing { return try await pass(key, options: options, load: load) }
        counters.misses.add(1, ordering: .relaxed)
        while true {
            if let id = claimFlight(key, fallback: fallback) {
                return try await lead(key, flightID: id, options: options, reload: reload, load: load)
            }
            switch try await waitForFlight(key, fallback: fallback) {
            case .result(let result): return result
            case .pass: return try await pass(key, options: options, load: load)
            case .retry: continue
            }
        }
    }

    /// Starts a flight for `key` led by the caller, unless one is in flight.
    func claimFlight(_ key: String, fallback: ResponseCacheEntry?) -> UInt64? {
        flights.withLock { table in
            guard table.flights[key] == nil else { return nil }
            let id = table.makeID()
            table.flights[key] = FlightTable.Flight(id: id, fallback: fallback)
            return id
        }
    }

    /// Makes the flight's origin call in the caller's task, then releases its waiters.
    func lead(
        _ key: String,
        flightID: UInt64,
        options: ResponseCacheEntryOptions,
        reload: Bool,
        load: (ResponseCacheEntry?) async throws -> ResponseCacheLoad
    ) async throws -> ResponseCacheResult {
        let started = clock.now
        if options.softTimeout != nil || options.hardTimeout != nil {
            Task { await self.watchTimeouts(key, flightID: flightID, options: options, started: started) }
        }
        let fallback = flights.withLock { $0.flights[key]?.fallback }
        let outcome: Result<FlightTable.Outcome, any Error>
        do {
            outcome = .success(try await fill(key, options: options, load: load, reload: reload))
        } catch {
            outcome = .failure(error)
        }
        let delivered =
            finish(key, flightID: flightID, outcome: outcome)
            ?? settle(key, outcome: outcome, fallback: fallback, serving: 1)
        switch try delivered.get() {
        case .result(let result): return result
        case .pass(let value): return ResponseCacheResult(value: value, entry: nil, source: .pass)
        case .retry: throw ResponseCacheError(.originFailed, "the origin call ended without an answer")
        }
    }

    /// Waits for the key's flight; ``FlightTable/Outcome/retry`` when there is none (any more).
    func waitForFlight(_ key: String, fallback: ResponseCacheEntry?) async throws -> FlightTable.Outcome {
        let waiterID = flights.withLock { $0.makeID() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let joined = flights.withLock { table -> Result<Bool, ResponseCacheError> in
                    guard var flight = table.flights[key] else { return .success(false) }
                    guard flight.waiters.count < configuration.maximumWaiters else {
                        return .failure(
                            ResponseCacheError(
                                .tooManyWaiters,
                                "\(flight.waiters.count) callers already wait for this key's origin call"
                            )
                        )
                    }
                    flight.waiters[waiterID] = continuation
                    if flight.fallback == nil { flight.fallback = fallback }
                    table.flights[key] = flight
                    return .success(true)
                }
                switch joined {
                case .success(false): continuation.resume(returning: .retry)
                case .success(true): break
                case .failure(let error): continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            let continuation = flights.withLock { table in table.flights[key]?.waiters.removeValue(forKey: waiterID) }
            continuation?.resume(throwing: CancellationError())
        }
    }
}
