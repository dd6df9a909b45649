public import Logging
public import NIOCore
public import ServiceLifecycle
import Synchronization

/// A two-tier cache for API responses: in process (``MemoryCache``, W-TinyLFU, bounded by bytes) over a shared tier
/// (``ResponseCacheStore``, Redis), with invalidation heard by every instance through a backplane
/// (``ResponseCacheBackplane``, Redis pub/sub). Anchors: FusionCache (tiers, backplane, fail-safe), Caffeine,
/// Varnish (grace, hit-for-pass).
///
/// Guarantees:
/// - **Invalidation.** An invalidation (``remove(_:)``, ``invalidate(tag:)``, the soft variants, or a
///   write-through ``set(_:value:options:)``) applies in this instance at once and, through the shared tier, in
///   every instance as soon as its backplane delivers it. An instance that has not heard its own heartbeat for
///   ``Configuration/backplaneLease`` serves an in-process entry only within that lease of when it was checked, and
///   forgets everything it holds when hearing resumes: nothing invalidated is served for longer than the lease
///   (1 s by default), through outages too.
/// - **No stale write-back.** An origin call that began before an invalidation of its key or one of its tags
///   stores nothing, in either tier.
/// - **Single-flight.** Concurrent misses of one key make one origin call in an instance, and, through a short lock
///   in the shared tier, one across instances; at most ``Configuration/maximumWaiters`` wait. An uncacheable answer
///   (``ResponseCacheLoad/pass(_:)``) releases every waiter at once to call the origin itself.
/// - **Staleness.** Stale entries are served while one background call refreshes them (stale-while-revalidate,
///   XFetch early refresh), and when the origin fails or passes its timeouts (stale-if-error), never past their
///   maximum staleness. A soft-purged entry is served only when the origin fails.
/// - **Outages.** A shared-tier call never takes longer than ``Configuration/storeTimeout``; after a failure the
///   tier is skipped for ``Configuration/storeRetryInterval``, and invalidations made meanwhile are recorded when it
///   answers again.
public final class ResponseCache: Service, Sendable {
    /// An in-process entry and when it was last known valid (loaded, or read from the shared tier).
    struct MemoryEntry: Sendable {
        var entry: ResponseCacheEntry
        var validAt: Int64
    }

    /// The cache's configuration.
    public let configuration: Configuration
    /// This instance's name in invalidations and heartbeats.
    public let instance: String
    let memory: MemoryCache<MemoryEntry>
    let store: (any ResponseCacheStore)?
    let backplane: (any ResponseCacheBackplane)?
    let clock: any ResponseCacheClock
    let logger: Logger
    let coherence: Mutex<CoherenceState>
    /// The time of the last heartbeat heard, mirrored from `coherence` for the lease check of every in-process hit
    /// (``CoherenceState/noBackplane`` without a backplane). It moves forward only once a flush the heartbeat
    /// calls for is done, so no hit is granted by a contact whose flush has not happened yet.
    let contact: Atomic<Int64>
    let flights = Mutex(FlightTable())
    let counters = ResponseCacheCounters()

    /// Creates a cache; with a backplane, ``run()`` must run (as a `Service`) for it to hear other instances.
    /// - Parameters:
    ///   - configuration: Sizes, bounds and timings.
    ///   - store: The shared tier; `nil` for one instance with nothing shared.
    ///   - backplane: How invalidations of other instances arrive; `nil` when there is one instance.
    ///   - instance: This instance's name (unique among the instances sharing the store).
    ///   - clock: The time entries are stamped with.
    ///   - logger: Receives outages (`warning`), fail-safe serves (`notice`) and origin failures (`debug`).
    /// - Throws: ``ResponseCacheError`` with code ``ResponseCacheError/Code/invalidConfiguration``.
    public init(
        configuration: Configuration = Configuration(),
        store: (any ResponseCacheStore)? = nil,
        backplane: (any ResponseCacheBackplane)? = nil,
        instance: String,
        clock: any ResponseCacheClock = SystemResponseCacheClock(),
        logger: Logger
    ) throws {
        try configuration.validate()
        try ResponseCacheKey.validate(instance, kind: "instance name")
        self.configuration = configuration
        self.instance = instance
        self.memory = MemoryCache(budget: configuration.memoryBudget)
        self.store = store
        self.backplane = backplane
        self.clock = clock
        self.logger = logger
        var state = CoherenceState()
        // With a backplane, nothing in process is trusted beyond the lease until the first heartbeat comes back.
        if backplane != nil { state.lastContact = .min / 2 }
        self.coherence = Mutex(state)
        self.contact = Atomic(state.lastContact ?? CoherenceState.noBackplane)
    }

    // MARK: Read-through

    /// The value for `key`: from process memory, else the shared tier, else one origin call (`load`) shared by
    /// every concurrent caller of the key, in this instance and, through the fill lock, in others.
    /// - Parameters:
    ///   - key: The key (see ``ResponseCacheKey``).
    ///   - options: How long the value lives and how the origin call is bounded.
    ///   - load: The origin call: the value to store, or a value not to cache (``ResponseCacheLoad/pass(_:)``).
    /// - Throws: ``ResponseCacheError`` (invalid key or options, origin timeout, origin failure with nothing stale to
    ///   serve, too many waiters), or `CancellationError`.
    public func value(
        forKey key: String,
        options: ResponseCacheEntryOptions,
        load: @escaping @Sendable () async throws -> ResponseCacheLoad
    ) async throws -> ResponseCacheResult {
        try await value(forKey: key, options: options, reload: false) { _ in try await load() }
    }

    /// The value for `key`, as ``value(forKey:options:load:)``, with an origin call that is given the stale entry
    /// it replaces (to revalidate it: an HTTP `If-None-Match`), and that can be forced.
    /// - Parameters:
    ///   - key: The key (see ``ResponseCacheKey``).
    ///   - options: How long the value lives and how the origin call is bounded.
    ///   - reload: Skip both tiers and call the origin (still one call for concurrent callers); a stale entry is
    ///     still given to `load` and served if the origin fails.
    ///   - load: The origin call, given the stale entry of the key if there is one.
    /// - Throws: as ``value(forKey:options:load:)``.
    public func value(
        forKey key: String,
        options: ResponseCacheEntryOptions,
        reload: Bool,
        load: @escaping @Sendable (ResponseCacheEntry?) async throws -> ResponseCacheLoad
    ) async throws -> ResponseCacheResult {
        try ResponseCacheKey.validate(key)
        try options.validate()
        let now = clock.now
        var fallback: ResponseCacheEntry?
        if reload {
            fallback = memoryEntry(key, now: now).flatMap { $0.freshness(at: now) == .expired ? nil : $0 }
            counters.misses.add(1, ordering: .relaxed)
            return try await join(key, options: options, load: load, fallback: fallback, reload: true)
        }
        if let cached = memoryEntry(key, now: now) {
            switch cached.freshness(at: now) {
            case .fresh:
                counters.memoryHits.add(1, ordering: .relaxed)
                if XFetch.shouldRefresh(cached, now: now, beta: options.earlyRefreshBeta) {
                    refresh(key, options: options, load: load, fallback: cached)
                }
                return ResponseCacheResult(value: cached.value, entry: cached, source: .memory)
            case .revalidate:
                counters.staleServed.add(1, ordering: .relaxed)
                refresh(key, options: options, load: load, fallback: cached)
                return ResponseCacheResult(value: cached.value, entry: cached, source: .revalidating)
            case .staleIfError:
                fallback = cached
            case .expired:
                memory.removeValue(forKey: key)
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
        return try await join(key, options: options, load: load, fallback: fallback, reload: false)
    }

    // MARK: Cache-aside

    /// The entry for `key` if either tier holds one that may be served now (fresh, or stale while revalidating;
    /// check ``ResponseCacheEntry/freshness(at:)``), else `nil`. It calls no origin.
    /// - Throws: ``ResponseCacheError`` with code ``ResponseCacheError/Code/invalidKey``.
    public func get(_ key: String) async throws -> ResponseCacheEntry? {
        try await lookUp(key) { $0 != .expired && $0 != .staleIfError }
    }

    /// The entry for `key` if either tier still holds one, fresh or stale (until it expires), without calling the
    /// origin: what an HTTP request with `only-if-cached` or `max-stale` may be answered from.
    /// - Throws: ``ResponseCacheError`` with code ``ResponseCacheError/Code/invalidKey``.
    public func storedEntry(_ key: String) async throws -> ResponseCacheEntry? {
        try await lookUp(key) { $0 != .expired }
    }

    /// The entry of either tier whose freshness `accepts` takes, counted as a hit of its tier or a miss.
    func lookUp(
        _ key: String,
        accepting accepts: (ResponseCacheEntry.Freshness) -> Bool
    ) async throws -> ResponseCacheEntry? {
        try ResponseCacheKey.validate(key)
        let now = clock.now
        if let cached = memoryEntry(key, now: now), accepts(cached.freshness(at: now)) {
            counters.memoryHits.add(1, ordering: .relaxed)
            return cached
        }
        guard let shared = await sharedEntry(key, now: now), accepts(shared.freshness(at: now)) else {
            counters.misses.add(1, ordering: .relaxed)
            return nil
        }
        counters.sharedHits.add(1, ordering: .relaxed)
        return shared
    }

    /// Stores `value` as the key's new value in both tiers and invalidates every older copy on every instance
    /// (write-through: call it after the write to the database).
    /// - Throws: ``ResponseCacheError``: invalid key or options; ``ResponseCacheError/Code/storeUnavailable`` when
    ///   the shared tier could not record it (this instance no longer holds the old value; the others drop theirs
    ///   within the lease, and the shared tier when it answers again).
    @discardableResult
    public func set(
        _ key: String,
        value: ByteBuffer,
        options: ResponseCacheEntryOptions
    ) async throws
        -> ResponseCacheEntry
    {
        try ResponseCacheKey.validate(key)
        try options.validate()
        let now = clock.now
        var entry = makeEntry(value, options: options, loadedAt: now, now: now, epoch: 0)
        // The old value goes first, here and (through the shared tier) everywhere.
        _ = coherence.withLock { $0.record(.key(key)) }
        memory.removeValue(forKey: key)
        if let store {
            guard storeAvailable(now: now) else {
                enqueuePending(ResponseCacheInvalidation(target: .key(key), isSoft: false, origin: instance))
                throw ResponseCacheError(.storeUnavailable, "the shared tier is down; the write-through is local")
            }
            do {
                let proposed = entry
                let announced = try await withStoreTimeout {
                    try await store.replace(
                        proposed,
                        forKey: key,
                        lifetime: self.lifetime(of: proposed),
                        origin: self.instance
                    )
                }
                entry.epoch = announced.epoch
                storeSucceeded()
            } catch {
                storeFailed(error)
                enqueuePending(ResponseCacheInvalidation(target: .key(key), isSoft: false, origin: instance))
                throw ResponseCacheError(
                    .storeUnavailable,
                    "the shared tier did not take the write-through",
                    underlying: error
                )
            }
        }
        insertMemory(entry, forKey: key, validAt: now)
        return entry
    }

    // MARK: Invalidation

    /// Removes `key` everywhere.
    /// - Throws: ``ResponseCacheError``: invalid key; ``ResponseCacheError/Code/storeUnavailable`` when the shared
    ///   tier could not record it now (it is applied here, and recorded when the tier answers again).
    public func remove(_ key: String) async throws {
        try ResponseCacheKey.validate(key)
        try await invalidate(.key(key), soft: false)
    }

    /// Removes every entry tagged `tag` everywhere. Throws as ``remove(_:)``.
    public func invalidate(tag: String) async throws {
        try ResponseCacheKey.validate(tag, kind: "tag")
        try await invalidate(.tag(tag), soft: false)
    }

    /// Marks `key` stale everywhere: served only when the origin fails. Throws as ``remove(_:)``.
    public func softPurge(_ key: String) async throws {
        try ResponseCacheKey.validate(key)
        try await invalidate(.key(key), soft: true)
    }

    /// Marks every entry tagged `tag` stale everywhere. Throws as ``remove(_:)``.
    public func softPurge(tag: String) async throws {
        try ResponseCacheKey.validate(tag, kind: "tag")
        try await invalidate(.tag(tag), soft: true)
    }

    /// The counters and the in-process tier's figures now.
    public var statistics: ResponseCacheStatistics {
        let (contact, pending) = coherence.withLock { ($0.lastContact, $0.pending.count) }
        return counters.snapshot(
            memory: memory.statistics,
            lastContact: contact.flatMap { $0 > .min / 2 ? $0 : nil },
            pendingInvalidations: pending
        )
    }
}
