import Logging
import NIOCore
import Platform
import ResponseCaching
import Synchronization
import TestSupport
import Testing

/// A logger that drops everything.
let quietLogger = Logger(label: "cache-tests") { _ in SwiftLogNoOpLogHandler() }

/// Bytes of a string.
func bytes(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

/// Instances of the cache on one in-memory shared tier and one manual clock.
struct CacheCluster {
    let manual = ManualClock()
    let clock: ResponseCacheClockAdapter<ManualClock>
    let store: InMemoryResponseCacheStore

    init() {
        clock = ResponseCacheClockAdapter(manual)
        store = InMemoryResponseCacheStore(clock: clock)
    }

    func cache(
        _ name: String,
        shared: Bool = true,
        _ adjust: (inout ResponseCache.Configuration) -> Void = { _ in }
    ) throws -> ResponseCache {
        var configuration = ResponseCache.Configuration(memoryBudget: 1 << 20)
        adjust(&configuration)
        return try ResponseCache(
            configuration: configuration,
            store: shared ? store : nil,
            backplane: shared ? store.backplane : nil,
            instance: name,
            clock: clock,
            logger: quietLogger
        )
    }

    /// Moves the clock.
    func advance(_ duration: Duration) { manual.advance(by: duration) }
}

/// Runs the caches' services while `body` runs, once each has heard its first heartbeat.
func withRunning<Result: Sendable>(
    _ caches: [ResponseCache],
    _ body: () async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for cache in caches { group.addTask { try await cache.run() } }
        defer { group.cancelAll() }
        for cache in caches {
            try await waitUntil("\(cache.instance) heard its heartbeat") { cache.statistics.lastContact != nil }
        }
        return try await body()
    }
}

/// Waits (polling every 2 ms, at most `limit`) until `condition` holds; a timeout is an issue naming `what`.
func waitUntil(
    _ what: Comment,
    limit: Duration = .seconds(60),
    sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    do {
        try await Platform.waitUntil(timeout: limit, interval: .milliseconds(2), condition)
    } catch let error as ChildProcessError {
        Issue.record("timed out waiting: \(what)", sourceLocation: sourceLocation)
        throw error
    }
}

/// An origin that counts its calls, answers what it is told, and can hold callers until the test opens it.
final class Origin: Sendable {
    struct State {
        var calls = 0
        var answer: Result<ResponseCacheLoad, OriginFailure> = .success(.store(bytes("v1")))
        var closed = false
        var held: [CheckedContinuation<Void, Never>] = []
    }

    struct OriginFailure: Error {}

    let state = Mutex(State())

    var calls: Int { state.withLock { $0.calls } }
    var held: Int { state.withLock { $0.held.count } }

    /// The next calls answer `value`.
    func answer(_ value: String, options: ResponseCacheEntryOptions? = nil) {
        state.withLock { $0.answer = .success(.store(bytes(value), options: options)) }
    }

    func pass(_ value: String) { state.withLock { $0.answer = .success(.pass(bytes(value))) } }

    func fail() { state.withLock { $0.answer = .failure(OriginFailure()) } }

    /// Calls wait (before reading their answer) until ``open()``.
    func close() { state.withLock { $0.closed = true } }

    func open() {
        let held = state.withLock { state in
            state.closed = false
            defer { state.held = [] }
            return state.held
        }
        for waiter in held { waiter.resume() }
    }

    /// The load closure.
    var load: @Sendable () async throws -> ResponseCacheLoad {
        { [self] in
            await withCheckedContinuation { continuation in
                let go = state.withLock { state -> Bool in
                    state.calls += 1
                    guard state.closed else { return true }
                    state.held.append(continuation)
                    return false
                }
                if go { continuation.resume() }
            }
            return try state.withLock { $0.answer }.get()
        }
    }
}

extension ResponseCacheResult {
    var text: String { String(buffer: value) }
}
