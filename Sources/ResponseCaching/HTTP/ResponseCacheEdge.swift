public import HTTPTypes
import NIOCore
public import Platform
import Synchronization

/// Answers cache hits before routing, on the connection's event loop (an ``EdgeResponder``): a `GET` or `HEAD`
/// under one of its path prefixes whose fresh response is in this instance's memory tier, within the backplane
/// lease, is answered as ``ResponseCacheMiddleware`` would answer it (`Age`, `Cache-Status`, 304 to matching
/// validators), without the hops to Swift's concurrency pool. Everything else (a miss, a stale entry, a request
/// with `Authorization`, `Cache-Control` or `Pragma`) is routed to the middleware, which handles it whole.
///
/// Such an answer skips the router's middleware (request log, HTTP metrics, tracing, the admin check), as a
/// reverse proxy's cache in front of the server would: list only prefixes of public reads that the middleware
/// caches. Its hits are counted in the cache's memory hits.
///
/// The answer to an unconditional request is prepared once per entry and per whole second of `Age` (the decoded
/// entry, its head with `Age` and `Cache-Status`), so a hit reads memory and compares, and builds nothing.
public struct ResponseCacheEdge: EdgeResponder {
    /// The cache the middleware stores into.
    public let cache: ResponseCache
    /// The path prefixes answered here (`/v1/cache/demo/products/`).
    public let pathPrefixes: [String]
    let policy: HTTPCachePolicy
    let answers: CachedAnswer
    let prepared: PreparedAnswers
    static let pragma = HTTPField.Name("Pragma")!

    /// An edge answering from `cache` under `pathPrefixes`, with the middleware's name and RFC 9111 settings.
    public init(
        cache: ResponseCache,
        pathPrefixes: [String],
        name: String = "mastery",
        policy: HTTPCachePolicy.Configuration = HTTPCachePolicy.Configuration()
    ) {
        self.cache = cache
        self.pathPrefixes = pathPrefixes
        self.policy = HTTPCachePolicy(configuration: policy)
        self.answers = CachedAnswer(name: name)
        self.prepared = PreparedAnswers()
    }

    public func respond(to request: HTTPRequest) -> EdgeResponse? {
        guard request.method == .get || request.method == .head, let path = request.path,
            pathPrefixes.contains(where: { path.hasPrefix($0) })
        else { return nil }
        let fields = request.headerFields
        guard fields[.authorization] == nil, fields[.cacheControl] == nil, fields[Self.pragma] == nil else {
            return nil
        }
        let conditional = fields[.ifNoneMatch] != nil || fields[.ifModifiedSince] != nil
        let primary = HTTPCacheKey(request).primary
        var key = primary
        // The URL's entry, or its Vary marker and then the variant's entry.
        for _ in 0..<2 {
            guard let entry = cache.freshMemoryEntry(key) else { return nil }
            let now = Double(cache.clock.now) / 1_000
            let slot = PreparedAnswers.Slot(key: key, isHead: request.method == .head)
            if !conditional, let answer = prepared.answer(for: slot, entry: entry, now: now) { return answer }
            guard let stored = StoredResponse(decoding: entry.value) else { return nil }
            switch stored.content {
            case .vary(let names):
                key = CachedAnswer.variantKey(primary: primary, names: names, fields: fields)
            case .response(_, _, _, let metadata):
                guard case .serve = policy.decision(for: request, stored: metadata, now: now),
                    let answer = answers.answer(
                        stored,
                        request: request,
                        now: now,
                        cacheStatus: { answers.status(hit: true, ttl: $0) }
                    )
                else { return nil }
                let response = EdgeResponse(
                    head: answer.head,
                    body: answer.body ?? .init(),
                    contentLength: answer.length
                )
                if !conditional { prepared.keep(response, for: slot, entry: entry, metadata: metadata, now: now) }
                return response
            }
        }
        return nil
    }
}

/// The answers prepared for unconditional hits: per key and method, the answer built for one entry (compared by
/// value, times and epoch) and one whole second of `Age` and time to live. At most ``capacity`` answers and
/// ``byteCapacity`` bytes of entries are kept (an entry evicted from the memory tier may still be held here until
/// then); when either is reached, they are all dropped and rebuilt on the next hits.
final class PreparedAnswers: Sendable {
    struct Slot: Hashable, Sendable {
        var key: String
        var isHead: Bool
    }

    struct Prepared: Sendable {
        var entry: ResponseCacheEntry
        var metadata: HTTPCacheMetadata
        var age: Int64
        var timeToLive: Int64
        var response: EdgeResponse
    }

    struct Table: Sendable {
        var answers: [Slot: Prepared] = [:]
        var bytes = 0
    }

    static let capacity = 4_096
    static let byteCapacity = 8 << 20
    let table = Mutex(Table())

    /// The prepared answer for `slot`, if it was built from `entry` and for the `Age` and time to live of `now`,
    /// and the entry is still fresh then.
    func answer(for slot: Slot, entry: ResponseCacheEntry, now: Double) -> EdgeResponse? {
        guard let prepared = table.withLock({ $0.answers[slot] }), Self.same(prepared.entry, entry) else {
            return nil
        }
        let (age, timeToLive) = Self.seconds(prepared.metadata, now: now)
        guard age == prepared.age, timeToLive == prepared.timeToLive, timeToLive > 0 else { return nil }
        return prepared.response
    }

    /// Keeps `response`, built from `entry` at `now`.
    func keep(
        _ response: EdgeResponse,
        for slot: Slot,
        entry: ResponseCacheEntry,
        metadata: HTTPCacheMetadata,
        now: Double
    ) {
        let (age, timeToLive) = Self.seconds(metadata, now: now)
        let prepared = Prepared(entry: entry, metadata: metadata, age: age, timeToLive: timeToLive, response: response)
        let cost = entry.cost
        guard cost <= Self.byteCapacity / 8 else { return }
        table.withLock { table in
            if let previous = table.answers[slot] { table.bytes -= previous.entry.cost }
            if table.answers.count >= Self.capacity || table.bytes + cost > Self.byteCapacity {
                table.answers.removeAll(keepingCapacity: true)
                table.bytes = 0
            }
            table.answers[slot] = prepared
            table.bytes += cost
        }
    }

    /// `Age` and the time to live in whole seconds, as the answer shows them.
    static func seconds(_ metadata: HTTPCacheMetadata, now: Double) -> (Int64, Int64) {
        (
            HTTPCacheMetadata.wholeSeconds(metadata.currentAge(now: now)),
            Int64(metadata.timeToLive(now: now).rounded(.down))
        )
    }

    static func same(_ left: ResponseCacheEntry, _ right: ResponseCacheEntry) -> Bool {
        left.loadedAt == right.loadedAt && left.epoch == right.epoch && left.freshUntil == right.freshUntil
            && left.value == right.value
    }
}
