import Synchronization

/// The shared tier in one process, for several ``ResponseCache`` instances in one process (tests, simulations): the
/// same epochs, markers, lock and announcements as ``RedisResponseCacheStore``, with its own backplane
/// (``backplane``). A store can be cut off (``isReachable``) to simulate an outage.
public final class InMemoryResponseCacheStore: ResponseCacheStore, Sendable {
    struct Stored {
        var entry: ResponseCacheEntry
        var expiresAt: Int64
    }

    struct Lock {
        var token: String
        var expiresAt: Int64
    }

    struct State {
        var entries: [String: Stored] = [:]
        var epoch: UInt64 = 0
        var hardMarks: [String: UInt64] = [:]
        var softMarks: [String: UInt64] = [:]
        var everything: UInt64 = 0
        var locks: [String: Lock] = [:]
        var listeners: [UInt64: @Sendable (ResponseCacheBackplaneEvent) -> Void] = [:]
        var nextListener: UInt64 = 0
        var reachable = true
    }

    let state = Mutex(State())
    let clock: any ResponseCacheClock

    /// An empty store on `clock`.
    public init(clock: any ResponseCacheClock = SystemResponseCacheClock()) {
        self.clock = clock
    }

    /// Whether calls reach the store (false: every call throws, nothing is delivered, as with Redis down).
    public var isReachable: Bool {
        get { state.withLock { $0.reachable } }
        set { state.withLock { $0.reachable = newValue } }
    }

    /// A backplane delivering this store's announcements.
    public var backplane: some ResponseCacheBackplane { InMemoryResponseCacheBackplane(store: self) }

    func reachable() throws {
        guard state.withLock({ $0.reachable }) else {
            throw ResponseCacheError(.storeUnavailable, "the in-memory store is cut off")
        }
    }

    static func marker(_ target: ResponseCacheInvalidation.Target) -> String {
        switch target {
        case .key(let key): "k:" + key
        case .tag(let tag): "t:" + tag
        case .everything: "*"
        }
    }

    /// The newest hard and soft marks that concern `key` with `tags`.
    static func marks(_ state: State, key: String, tags: [String]) -> (hard: UInt64, soft: UInt64) {
        let names = ["k:" + key] + tags.map { "t:" + $0 }
        let hard = names.compactMap { state.hardMarks[$0] }.max() ?? 0
        let soft = names.compactMap { state.softMarks[$0] }.max() ?? 0
        return (max(hard, state.everything), soft)
    }

    public func entry(forKey key: String) async throws -> ResponseCacheEntry? {
        try reachable()
        let now = clock.now
        return state.withLock { state in
            guard let stored = state.entries[key], stored.expiresAt > now else { return nil }
            let marks = Self.marks(state, key: key, tags: stored.entry.tags)
            if marks.hard > stored.entry.epoch { return nil }
            var entry = stored.entry
            if marks.soft > entry.epoch { entry.isSoftPurged = true }
            return entry
        }
    }

    public func store(_ entry: ResponseCacheEntry, forKey key: String, lifetime: Duration) async throws -> Bool {
        try reachable()
        let now = clock.now
        return state.withLock { state in
            let marks = Self.marks(state, key: key, tags: entry.tags)
            guard max(marks.hard, marks.soft) <= entry.epoch else { return false }
            state.entries[key] = Stored(entry: entry, expiresAt: now + lifetime.milliseconds)
            return true
        }
    }

    public func replace(
        _ entry: ResponseCacheEntry,
        forKey key: String,
        lifetime: Duration,
        origin: String
    ) async throws -> ResponseCacheInvalidation {
        try reachable()
        let now = clock.now
        let (announcement, listeners) = state.withLock { state in
            state.epoch += 1
            state.hardMarks["k:" + key] = state.epoch
            var stored = entry
            stored.epoch = state.epoch
            state.entries[key] = Stored(entry: stored, expiresAt: now + lifetime.milliseconds)
            let announcement = ResponseCacheInvalidation(
                target: .key(key),
                isSoft: false,
                epoch: state.epoch,
                origin: origin
            )
            return (announcement, Array(state.listeners.values))
        }
        for listener in listeners { listener(.invalidation(announcement)) }
        return announcement
    }

    public func epoch() async throws -> UInt64 {
        try reachable()
        return state.withLock { $0.epoch }
    }

    public func invalidate(
        _ target: ResponseCacheInvalidation.Target,
        soft: Bool,
        origin: String
    ) async throws -> ResponseCacheInvalidation {
        try reachable()
        let (announcement, listeners) = state.withLock { state in
            state.epoch += 1
            if case .everything = target, !soft {
                state.everything = state.epoch
            } else if soft {
                state.softMarks[Self.marker(target)] = state.epoch
            } else {
                state.hardMarks[Self.marker(target)] = state.epoch
            }
            if case .key(let key) = target, !soft { state.entries[key] = nil }
            let announcement = ResponseCacheInvalidation(
                target: target,
                isSoft: soft,
                epoch: state.epoch,
                origin: origin
            )
            return (announcement, Array(state.listeners.values))
        }
        for listener in listeners { listener(.invalidation(announcement)) }
        return announcement
    }

    public func lock(_ key: String, token: String, lifetime: Duration) async throws -> Bool {
        try reachable()
        let now = clock.now
        return state.withLock { state in
            if let held = state.locks[key], held.expiresAt > now { return false }
            state.locks[key] = Lock(token: token, expiresAt: now + lifetime.milliseconds)
            return true
        }
    }

    public func unlock(_ key: String, token: String) async throws {
        try reachable()
        state.withLock { state in
            if state.locks[key]?.token == token { state.locks[key] = nil }
        }
    }

    func deliver(_ event: ResponseCacheBackplaneEvent) {
        let listeners = state.withLock { $0.reachable ? Array($0.listeners.values) : [] }
        for listener in listeners { listener(event) }
    }

    func addListener(_ listener: @escaping @Sendable (ResponseCacheBackplaneEvent) -> Void) -> UInt64 {
        state.withLock { state in
            defer { state.nextListener += 1 }
            state.listeners[state.nextListener] = listener
            return state.nextListener
        }
    }

    func removeListener(_ id: UInt64) {
        _ = state.withLock { $0.listeners.removeValue(forKey: id) }
    }
}
