/// `GET /v1/cache`: the counters, per tier.
struct ResponseCacheStatisticsView: Codable, Sendable {
    struct Memory: Codable, Sendable {
        var hits: Int
        var entries: Int
        var bytes: Int
        var budget: Int
        var evictions: Int
        var rejections: Int
    }

    var instance: String
    var shared: Bool
    var memory: Memory
    var sharedHits: Int
    var misses: Int
    var staleServed: Int
    var originCalls: Int
    var originFailures: Int
    var passes: Int
    var leaseBypasses: Int
    var quarantined: Int
    var storeErrors: Int
    var invalidationsMade: Int
    var invalidationsHeard: Int
    var pendingInvalidations: Int
    var lastContact: Int64?

    init(_ cache: ResponseCache) {
        let statistics = cache.statistics
        instance = cache.instance
        shared = cache.store != nil
        memory = Memory(
            hits: statistics.memoryHits,
            entries: statistics.memory.count,
            bytes: statistics.memory.bytes,
            budget: statistics.memory.budget,
            evictions: statistics.memory.evictions,
            rejections: statistics.memory.rejections
        )
        sharedHits = statistics.sharedHits
        misses = statistics.misses
        staleServed = statistics.staleServed
        originCalls = statistics.originCalls
        originFailures = statistics.originFailures
        passes = statistics.passes
        leaseBypasses = statistics.leaseBypasses
        quarantined = statistics.quarantined
        storeErrors = statistics.storeErrors
        invalidationsMade = statistics.invalidationsMade
        invalidationsHeard = statistics.invalidationsHeard
        pendingInvalidations = statistics.pendingInvalidations
        lastContact = statistics.lastContact
    }
}
