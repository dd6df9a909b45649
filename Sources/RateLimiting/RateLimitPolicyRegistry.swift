public import Logging
public import ServiceLifecycle
import Synchronization

/// The policies this instance applies: a cache read synchronously on every request, kept in step with a
/// ``RateLimitPolicyStore``.
///
/// Run it as a `Service`. ``run()`` loads the policies, then reloads them whenever the store says they changed
/// elsewhere (with ``RedisRateLimitPolicyStore``: a pub/sub notice, or a reconnect after which notices may have been
/// missed) and every ``reloadInterval`` as a backstop, until graceful shutdown. A reload that fails keeps the policies
/// it has and is retried (every second until the first load succeeds, then every ``reloadInterval``).
///
/// Changes made here go through ``put(_:)`` and ``delete(name:)``: the store is written first, then this cache, then
/// the change is announced to the other instances, which reload within a moment.
///
/// A reload never undoes a change made here meanwhile: a store snapshot read before a local write landed is
/// discarded and read again, and a snapshot older than one already applied is dropped.
public final class RateLimitPolicyRegistry: Service, Sendable {
    private struct State {
        var policies: [String: RateLimitPolicy] = [:]
        var sorted: [RateLimitPolicy] = []
        var loaded = false
        var failing = false
        /// Whether the current watch got established (its first notice arrived).
        var watching = false
        /// Local writes applied to the cache so far.
        var writes: UInt64 = 0
        /// Reloads started so far, and the newest one applied.
        var reloadsStarted: UInt64 = 0
        var reloadApplied: UInt64 = 0
        /// The routes whose middleware applies each policy (``recordUse(of:by:)``).
        var uses: [String: [String]] = [:]

        mutating func replace(with policies: [RateLimitPolicy]) {
            self.policies = Dictionary(policies.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
            sorted = self.policies.values.sorted { $0.name < $1.name }
        }

        mutating func set(_ name: String, _ policy: RateLimitPolicy?) {
            policies[name] = policy
            sorted = policies.values.sorted { $0.name < $1.name }
            writes += 1
        }
    }

    /// How often ``run()`` reloads every policy, whatever the notices say.
    public let reloadInterval: Duration
    /// The most policies the store may hold: ``put(_:)`` refuses a new one past it (replacing one always works).
    public let maximumPolicies: Int
    /// The default of ``maximumPolicies`` (and of the `ratelimit.maxPolicies` key).
    public static let defaultMaximumPolicies = 1_000
    private let store: any RateLimitPolicyStore
    private let state = Mutex(State())
    private let logger: Logger
    private let sleep: @Sendable (Duration) async throws -> Void

    /// Creates an empty registry; ``run()`` (or ``reload()``) fills it.
    /// - Parameters:
    ///   - store: Where the policies live.
    ///   - reloadInterval: How often to reload everything as a backstop for missed notices (30 s by default).
    ///   - maximumPolicies: The most policies the store may hold (1,000 by default; at least 1).
    ///   - logger: Receives reloads (`ratelimit.policies`, `ratelimit.reason`) and failures (`ratelimit.error`).
    ///   - clock: The clock the pauses between reloads run on.
    public init(
        store: some RateLimitPolicyStore,
        reloadInterval: Duration = .seconds(30),
        maximumPolicies: Int = RateLimitPolicyRegistry.defaultMaximumPolicies,
        logger: Logger,
        clock: some Clock<Duration> = ContinuousClock()
    ) {
        self.store = store
        self.reloadInterval = reloadInterval
        self.maximumPolicies = max(1, maximumPolicies)
        self.logger = logger
        self.sleep = { duration in try await clock.sleep(for: duration) }
    }

    /// The policy named `name`, or `nil`. Synchronous: one uncontended lock.
    public func policy(named name: String) -> RateLimitPolicy? {
        state.withLock { $0.policies[name] }
    }

    /// Every policy, sorted by name.
    public var all: [RateLimitPolicy] { state.withLock { $0.sorted } }

    /// Whether a load has succeeded yet (before that, the registry knows no policy).
    public var isLoaded: Bool { state.withLock { $0.loaded } }

    /// Stores a policy (replacing any of the same name), updates this cache, then announces the change.
    ///
    /// When the announcement fails (Redis went away after the write), the change is stored and applied here; the
    /// other instances see it at their next periodic reload. The failure is logged, not thrown.
    /// - Throws: ``RateLimitError`` with code `policyLimitReached` when the policy is new and ``maximumPolicies``
    ///   are stored already; `storeUnavailable` or `storeTimeout` when the store write fails (then nothing changed).
    public func put(_ policy: RateLimitPolicy) async throws {
        try await store.put(policy, maximumCount: maximumPolicies)
        state.withLock { $0.set(policy.name, policy) }
        logger.info("Rate-limit policy stored", metadata: ["ratelimit.policy": "\(policy.name)"])
        await announce(policy.name)
    }

    /// Records that `route`'s middleware applies the policy `name`, so ``delete(name:force:)`` refuses to remove
    /// it silently. Call it where the middleware is mounted.
    public func recordUse(of name: String, by route: String) {
        state.withLock { state in
            if !(state.uses[name] ?? []).contains(route) { state.uses[name, default: []].append(route) }
        }
    }

    /// The routes recorded as applying the policy `name`.
    public func routes(using name: String) -> [String] {
        state.withLock { $0.uses[name] ?? [] }
    }

    /// Deletes a policy from the store, then from this cache, then announces the change.
    /// - Parameter force: Delete it even when a route's middleware applies it (that route is then unlimited).
    /// - Returns: Whether the store had it.
    /// - Throws: ``RateLimitError`` with code `policyInUse` (naming the routes) when a route applies it and `force`
    ///   is false; `storeUnavailable` or `storeTimeout` when the store write fails.
    @discardableResult
    public func delete(name: String, force: Bool = false) async throws -> Bool {
        let routes = routes(using: name)
        guard force || routes.isEmpty else {
            throw RateLimitError(
                .policyInUse,
                "policy \(RateLimitPolicy.quoted(name)) is applied by \(routes.joined(separator: ", ")); deleting it would remove that limit (force it with ?force=true)"
            )
        }
        let existed = try await store.delete(name: name)
        state.withLock { $0.set(name, nil) }
        if existed {
            logger.info("Rate-limit policy deleted", metadata: ["ratelimit.policy": "\(RateLimitPolicy.quoted(name))"])
            await announce(name)
        }
        return existed
    }

    /// Reads every policy from the store and replaces the cache with them.
    /// - Returns: The policies now in the cache.
    /// - Throws: ``RateLimitError`` with code `storeUnavailable` or `storeTimeout`; the cache is then unchanged.
    @discardableResult
    public func reload() async throws -> [RateLimitPolicy] {
        try await reload(reason: "requested")
    }

    /// Loads the policies, then keeps them in step until graceful shutdown or cancellation.
    public func run() async throws {
        let (requests, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(1))
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.watch(continuation) }
                group.addTask { await self.tick(continuation) }
                group.addTask {
                    // One consumer: reloads never overlap, and notices that arrive during one are merged into one.
                    await self.reloadLogged(reason: "start")
                    for await reason in requests { await self.reloadLogged(reason: reason) }
                }
                await group.waitForAll()
            }
        }
        continuation.finish()
    }

    // MARK: - Private

    private enum Outcome {
        case applied(changed: Bool)
        case retry
        case superseded
    }

    private func reload(reason: String) async throws -> [RateLimitPolicy] {
        for attempt in 1...5 {
            let (ticket, writes) = state.withLock { state in
                state.reloadsStarted += 1
                return (state.reloadsStarted, state.writes)
            }
            let policies = try await store.all()
            let outcome = state.withLock { state -> Outcome in
                guard state.writes == writes else { return .retry }
                guard ticket > state.reloadApplied else { return .superseded }
                let previous = state.sorted
                state.replace(with: policies)
                let changed = !state.loaded || state.sorted != previous
                state.reloadApplied = ticket
                state.loaded = true
                return .applied(changed: changed)
            }
            switch outcome {
            case .applied(let changed):
                logger.log(
                    level: changed ? .info : .debug,
                    changed ? "Rate-limit policies loaded" : "Rate-limit policies unchanged",
                    metadata: ["ratelimit.policies": "\(policies.count)", "ratelimit.reason": "\(reason)"]
                )
                return policies
            case .superseded:
                return all
            case .retry:
                // A change made here landed while the store was read: this snapshot may predate it.
                logger.debug(
                    "Rate-limit policies reread after a local change",
                    metadata: ["ratelimit.attempt": "\(attempt)"]
                )
            }
        }
        // Local changes keep landing; keep them, and let the next reload catch up with the rest.
        return all
    }

    private func reloadLogged(reason: String) async {
        do {
            _ = try await reload(reason: reason)
            let recovered = state.withLock { state in
                defer { state.failing = false }
                return state.failing
            }
            if recovered {
                logger.info("Rate-limit policies reloaded again", metadata: ["ratelimit.reason": "\(reason)"])
            }
        } catch {
            let first = state.withLock { state in
                defer { state.failing = true }
                return !state.failing
            }
            logger.log(
                level: first ? .info : .debug,
                "Rate-limit policies could not be reloaded; keeping the current ones",
                metadata: ["ratelimit.reason": "\(reason)", "ratelimit.error": "\(error)"]
            )
        }
    }

    private func announce(_ name: String) async {
        do {
            try await store.announceChange(name: name)
        } catch {
            logger.info(
                "Rate-limit policy change not announced; other instances see it at their next reload",
                metadata: ["ratelimit.policy": "\(RateLimitPolicy.quoted(name))", "ratelimit.error": "\(error)"]
            )
        }
    }

    /// Feeds the store's change notices to the reload loop, re-establishing the watch when it breaks.
    private func watch(_ requests: AsyncStream<String>.Continuation) async {
        var failures = 0
        while !Task.isCancelled {
            state.withLock { $0.watching = false }
            do {
                try await store.watchChanges { reason in
                    self.state.withLock { $0.watching = true }
                    requests.yield(reason)
                }
                return  // nothing to watch, or the subscriber stopped
            } catch {
                if Task.isCancelled { return }
                // A watch that worked for a while starts the pauses over.
                failures = state.withLock { $0.watching } ? 1 : failures + 1
                let pause = min(reloadInterval, .milliseconds(100) * (1 << min(failures, 7)))
                logger.log(
                    level: failures == 1 ? .info : .debug,
                    "Watching rate-limit policy changes failed; retrying",
                    metadata: ["ratelimit.error": "\(error)", "ratelimit.retry_in": "\(pause)"]
                )
                do { try await sleep(pause) } catch { return }
            }
        }
    }

    /// Asks for a reload every ``reloadInterval`` (every second until the first load succeeded).
    private func tick(_ requests: AsyncStream<String>.Continuation) async {
        while true {
            let pause = isLoaded ? reloadInterval : min(reloadInterval, .seconds(1))
            do { try await sleep(pause) } catch { return }
            requests.yield(isLoaded ? "periodic" : "retrying the first load")
        }
    }
}
