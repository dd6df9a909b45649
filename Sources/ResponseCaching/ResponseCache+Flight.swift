import Logging
import NIOCore
import Synchronization

extension ResponseCache {
    /// Waits for the key's origin call, starting it if none is in flight.
    func join(
        _ key: String,
        options: ResponseCacheEntryOptions,
        load: @escaping @Sendable (ResponseCacheEntry?) async throws -> ResponseCacheLoad,
        fallback: ResponseCacheEntry?,
        reload: Bool
    ) async throws -> ResponseCacheResult {
        let waiterID = flights.withLock { $0.makeID() }
        let outcome: FlightTable.Outcome = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let (refusal, startID) = flights.withLock { table -> (ResponseCacheError?, UInt64?) in
                    if var flight = table.flights[key] {
                        guard flight.waiters.count < configuration.maximumWaiters else {
                            return (
                                ResponseCacheError(
                                    .tooManyWaiters,
                                    "\(flight.waiters.count) callers already wait for this key's origin call"
                                ), nil
                            )
                        }
                        flight.waiters[waiterID] = continuation
                        if flight.fallback == nil { flight.fallback = fallback }
                        table.flights[key] = flight
                        return (nil, nil)
                    }
                    let id = table.makeID()
                    var flight = FlightTable.Flight(id: id, fallback: fallback)
                    flight.waiters[waiterID] = continuation
                    flight.leader = waiterID
                    table.flights[key] = flight
                    return (nil, id)
                }
                if let refusal {
                    continuation.resume(throwing: refusal)
                } else if let startID {
                    start(key, flightID: startID, options: options, load: load, reload: reload)
                }
            }
        } onCancel: {
            let continuation = flights.withLock { table -> CheckedContinuation<FlightTable.Outcome, any Error>? in
                table.flights[key]?.waiters.removeValue(forKey: waiterID)
            }
            continuation?.resume(throwing: CancellationError())
        }
        switch outcome {
        case .result(let result):
            return result
        case .pass:
            return try await pass(key, options: options, load: load)
        case .retry:
            return try await join(key, options: options, load: load, fallback: fallback, reload: reload)
        }
    }

    /// Starts a background refresh of `key` unless a call for it is in flight (stale-while-revalidate, XFetch).
    func refresh(
        _ key: String,
        options: ResponseCacheEntryOptions,
        load: @escaping @Sendable (ResponseCacheEntry?) async throws -> ResponseCacheLoad,
        fallback: ResponseCacheEntry
    ) {
        let id = flights.withLock { table -> UInt64? in
            guard table.flights[key] == nil else { return nil }
            let id = table.makeID()
            table.flights[key] = FlightTable.Flight(id: id, fallback: fallback)
            return id
        }
        if let id { start(key, flightID: id, options: options, load: load, reload: true) }
    }

    /// Calls the origin for this caller alone (hit-for-pass): nothing is stored unless the answer is cacheable again.
    func pass(
        _ key: String,
        options: ResponseCacheEntryOptions,
        load: (ResponseCacheEntry?) async throws -> ResponseCacheLoad
    ) async throws -> ResponseCacheResult {
        counters.originCalls.add(1, ordering: .relaxed)
        counters.passes.add(1, ordering: .relaxed)
        let started = clock.now
        switch try await load(nil).base {
        case .uncached(let value):
            return ResponseCacheResult(value: value, entry: nil, source: .pass)
        case .pass(let value):
            flights.withLock {
                $0.mark(\.passes, key, until: started + configuration.passDuration.milliseconds, now: started)
            }
            return ResponseCacheResult(value: value, entry: nil, source: .pass)
        case .store(let value, let override):
            flights.withLock { _ = $0.passes.removeValue(forKey: key) }
            let entry = makeEntry(value, options: override ?? options, loadedAt: started, now: clock.now, epoch: 0)
            insertMemory(entry, forKey: key, validAt: started)
            return ResponseCacheResult(value: value, entry: entry, source: .origin)
        }
    }

    /// Runs flight `flightID` of `key` in a task of its own (a waiter's cancellation does not end it), with the
    /// timers that release its waiters at the soft and hard timeouts.
    func start(
        _ key: String,
        flightID: UInt64,
        options: ResponseCacheEntryOptions,
        load: @escaping @Sendable (ResponseCacheEntry?) async throws -> ResponseCacheLoad,
        reload: Bool
    ) {
        let started = clock.now
        if options.softTimeout != nil || options.hardTimeout != nil {
            Task { await self.watchTimeouts(key, flightID: flightID, options: options, started: started) }
        }
        Task {
            let outcome: Result<FlightTable.Outcome, any Error>
            do {
                outcome = .success(try await self.fill(key, options: options, load: load, reload: reload))
            } catch {
                outcome = .failure(error)
            }
            self.finish(key, flightID: flightID, outcome: outcome)
        }
    }

    /// Releases the flight's waiters with its outcome (an origin failure is answered with the fallback if any), and
    /// returns what was delivered (`nil` when a timeout had released the flight already).
    @discardableResult
    func finish(
        _ key: String,
        flightID: UInt64,
        outcome: Result<FlightTable.Outcome, any Error>
    )
        -> Result<FlightTable.Outcome, any Error>?
    {
        guard let flight = flights.withLock({ $0.finish(key, id: flightID) }) else { return nil }
        let delivered = settle(key, outcome: outcome, fallback: flight.fallback, serving: max(1, flight.waiters.count))
        for (id, waiter) in flight.waiters {
            switch delivered {
            case .success(.result(var result)) where id != flight.leader && result.source == .origin:
                result.source = .collapsed
                waiter.resume(returning: .result(result))
            case .success(.pass(let value)) where id == flight.leader:
                waiter.resume(returning: .result(ResponseCacheResult(value: value, entry: nil, source: .pass)))
            default:
                waiter.resume(with: delivered)
            }
        }
        return delivered
    }

    /// What a flight's outcome gives its callers: an origin failure becomes the stale fallback while it may be served
    /// (and the key is throttled), else a ``ResponseCacheError``.
    func settle(
        _ key: String,
        outcome: Result<FlightTable.Outcome, any Error>,
        fallback: ResponseCacheEntry?,
        serving: Int
    ) -> Result<FlightTable.Outcome, any Error> {
        guard case .failure(let error) = outcome else { return outcome }
        counters.originFailures.add(1, ordering: .relaxed)
        let now = clock.now
        if let fallback, fallback.freshness(at: now) != .expired {
            flights.withLock {
                $0.mark(\.throttled, key, until: now + configuration.failSafeThrottle.milliseconds, now: now)
            }
            logger.notice(
                "Origin failed: serving a stale value",
                metadata: ["cache.key": "\(key)", "cache.error": "\(error)"]
            )
            counters.staleServed.add(serving, ordering: .relaxed)
            return .success(.result(ResponseCacheResult(value: fallback.value, entry: fallback, source: .staleOnError)))
        }
        if error is ResponseCacheError || error is CancellationError { return outcome }
        return .failure(ResponseCacheError(.originFailed, "the origin call failed: \(error)", underlying: error))
    }

    /// At the soft timeout, gives waiters the stale fallback; at the hard timeout, the fallback or an error. The
    /// origin call goes on and stores its value when it ends.
    func watchTimeouts(_ key: String, flightID: UInt64, options: ResponseCacheEntryOptions, started: Int64) async {
        if let soft = options.softTimeout {
            do { try await clock.sleep(until: started + soft.milliseconds) } catch { return }
            let (waiters, fallback) = flights.withLock { $0.release(key, id: flightID, all: false) }
            if let fallback, !waiters.isEmpty {
                counters.staleServed.add(waiters.count, ordering: .relaxed)
                let result = ResponseCacheResult(value: fallback.value, entry: fallback, source: .staleOnError)
                for waiter in waiters { waiter.resume(returning: .result(result)) }
            }
        }
        guard let hard = options.hardTimeout else { return }
        do { try await clock.sleep(until: started + hard.milliseconds) } catch { return }
        let (waiters, fallback) = flights.withLock { $0.release(key, id: flightID, all: true) }
        guard !waiters.isEmpty else { return }
        if let fallback, fallback.freshness(at: clock.now) != .expired {
            counters.staleServed.add(waiters.count, ordering: .relaxed)
            let result = ResponseCacheResult(value: fallback.value, entry: fallback, source: .staleOnError)
            for waiter in waiters { waiter.resume(returning: .result(result)) }
        } else {
            let error = ResponseCacheError(.originTimeout, "the origin did not answer within \(hard)")
            for waiter in waiters { waiter.resume(throwing: error) }
        }
    }

    /// The flight's work: the shared tier, the fill lock (or the holder's value), then the origin; stores what it
    /// may.
    func fill(
        _ key: String,
        options: ResponseCacheEntryOptions,
        load: (ResponseCacheEntry?) async throws -> ResponseCacheLoad,
        reload: Bool
    ) async throws -> FlightTable.Outcome {
        let checked = clock.now
        if !reload, let shared = await sharedEntry(key, now: checked) {
            switch shared.freshness(at: checked) {
            case .fresh:
                counters.sharedHits.add(1, ordering: .relaxed)
                return .result(ResponseCacheResult(value: shared.value, entry: shared, source: .shared))
            case .revalidate, .staleIfError:
                flights.withLock { table in
                    if table.flights[key]?.fallback.map({ $0.staleUntil < shared.staleUntil }) ?? true {
                        table.flights[key]?.fallback = shared
                    }
                }
            case .expired:
                break
            }
        }
        let token = "\(instance):\(flights.withLock { $0.makeID() })"
        let locked = reload ? .notHeld : await acquireFillLock(key, token: token)
        if case .filled(let shared) = locked {
            return .result(ResponseCacheResult(value: shared.value, entry: shared, source: .collapsed))
        }
        // Released before the callers get their value, so the next miss of this instance never waits on it.
        let release: @Sendable () async -> Void = { [self] in
            guard case .held = locked, let store else { return }
            _ = try? await withStoreTimeout { try await store.unlock(key, token: token) }
        }
        do {
            let outcome = try await callOrigin(key, options: options, load: load, locked: locked)
            await release()
            return outcome
        } catch {
            await release()
            throw error
        }
    }

    /// The origin call of a flight, once the fill lock is settled: stores what it may.
    func callOrigin(
        _ key: String,
        options: ResponseCacheEntryOptions,
        load: (ResponseCacheEntry?) async throws -> ResponseCacheLoad,
        locked: FillLock
    ) async throws -> FlightTable.Outcome {
        // Another instance may have filled the key and released the lock between our first look and our lock.
        if case .held = locked, let shared = await sharedEntry(key, now: clock.now),
            shared.freshness(at: clock.now) == .fresh
        {
            counters.sharedHits.add(1, ordering: .relaxed)
            return .result(ResponseCacheResult(value: shared.value, entry: shared, source: .collapsed))
        }
        // The epoch and the local sequence before the origin call: invalidations after them win.
        let epoch = await sharedEpoch()
        let sequence = coherence.withLock { $0.sequence }
        let started = clock.now
        counters.originCalls.add(1, ordering: .relaxed)
        let stale = flights.withLock { $0.flights[key]?.fallback }
        let answer = try await load(stale)
        let now = clock.now
        switch answer.base {
        case .uncached(let value):
            return .pass(value)
        case .pass(let value):
            flights.withLock { $0.mark(\.passes, key, until: now + configuration.passDuration.milliseconds, now: now) }
            return .pass(value)
        case .store(let value, let override):
            let entryOptions = override ?? options
            let entry = makeEntry(value, options: entryOptions, loadedAt: started, now: now, epoch: epoch ?? 0)
            var stored = false
            var refused = false
            if let store, epoch != nil, storeAvailable(now: now) {
                do {
                    stored = try await withStoreTimeout {
                        try await store.store(entry, forKey: key, lifetime: self.lifetime(of: entry))
                    }
                    refused = !stored
                    storeSucceeded()
                } catch {
                    storeFailed(error)
                }
            }
            let touched = coherence.withLock { $0.touched(since: sequence, key: key, tags: entry.tags) }
            if !refused, !touched {
                insertMemory(entry, forKey: key, validAt: started)
                stored = true
            }
            return .result(ResponseCacheResult(value: value, entry: entry, source: .origin, stored: stored))
        }
    }
}
