import NIOCore
import Platform
import ResponseCaching
import TestSupport
import Testing

@Suite("Outages of the shared tier and the backplane")
struct OutageTests {
    let tagged = ResponseCacheEntryOptions(duration: .seconds(600), tags: ["product:42"], earlyRefreshBeta: 0)

    @Test(
        "cut off: in-process entries live the lease, then are bypassed; an invalidation made meanwhile is recorded when the tier answers and nothing older is trusted"
    )
    func partitionInMemory() async throws {
        let cluster = CacheCluster()
        let settings: (inout ResponseCache.Configuration) -> Void = {
            $0.heartbeatInterval = .milliseconds(200)
            $0.backplaneLease = .seconds(1)
        }
        let (a, b) = (try cluster.cache("a", settings), try cluster.cache("b", settings))
        let origin = Origin()
        try await withRunning([a, b]) {
            _ = try await b.value(forKey: "k", options: tagged, load: origin.load)
            #expect(try await b.value(forKey: "k", options: tagged, load: origin.load).source == .memory)

            cluster.store.isReachable = false
            origin.answer("v2")
            await #expect(throws: ResponseCacheError.self) { try await a.invalidate(tag: "product:42") }
            #expect(a.statistics.pendingInvalidations == 1)
            #expect(try await a.value(forKey: "k", options: tagged, load: origin.load).text == "v2")

            // b cannot hear it: within the lease it still serves what it holds, past it never.
            cluster.advance(.milliseconds(500))
            #expect(try await b.value(forKey: "k", options: tagged, load: origin.load).text == "v1")
            cluster.advance(.milliseconds(600))
            let bypassed = try await b.value(forKey: "k", options: tagged, load: origin.load)
            #expect(bypassed.text == "v2" && bypassed.source == .origin)
            #expect(b.statistics.leaseBypasses >= 1)

            cluster.store.isReachable = true
            try await waitUntil("a recorded its invalidation and b heard again") {
                cluster.advance(.milliseconds(50))
                return a.statistics.pendingInvalidations == 0 && b.statistics.quarantined >= 0
                    && (b.statistics.lastContact ?? 0) > cluster.clock.now - 1_000
            }
            // The shared tier's v1 (stored before the outage) is invalid now.
            #expect(try await cluster.store.entry(forKey: "k") == nil)
            #expect(try await b.value(forKey: "k", options: tagged, load: origin.load).text == "v2")
        }
    }

    @Test(
        "Redis frozen (SIGSTOP), then killed: calls never wait past the store timeout, L1 and the origin serve within the lease, and the invalidation made meanwhile survives the thaw",
        .enabled(if: TestServers.shouldRun(tools: "redis-server"), "needs redis-server: run scripts/test")
    )
    func frozenRedis() async throws {
        try await PrivateRedis.with { redis in
            try await RedisCaching.withCaches(2, url: redis.url, fastFailures: true) {
                $0.storeTimeout = .milliseconds(200)
                $0.storeRetryInterval = .milliseconds(500)
                $0.heartbeatInterval = .milliseconds(100)
                $0.backplaneLease = .seconds(1)
            } _: { caches, store in
                let (a, b) = (caches[0], caches[1])
                let origin = Origin()
                _ = try await b.value(forKey: "k", options: tagged, load: origin.load)
                // Stored, and served without the origin: from memory, or from Redis when a starved test process
                // missed heartbeats for longer than the lease (then b rightly flushed its memory tier).
                let source = try await b.value(forKey: "k", options: tagged, load: origin.load).source
                #expect(source == .memory || source == .shared, "\(source)")

                redis.freeze()
                origin.answer("v2")
                let frozenAt = ContinuousClock.now
                let invalidating = ContinuousClock.now
                await #expect(throws: ResponseCacheError.self) { try await a.invalidate(tag: "product:42") }
                // The store timeout is 200 ms: ten times that is the generous bound.
                #expect(ContinuousClock.now - invalidating < .seconds(2))

                // b serves v1 at most for the lease after its last heartbeat, then v2 from the origin; no call waits
                // on the frozen server.
                var servedOld = Duration.zero
                while true {
                    let asked = ContinuousClock.now
                    let answer = try await b.value(forKey: "k", options: tagged, load: origin.load)
                    #expect(ContinuousClock.now - asked < .seconds(2))
                    if answer.text == "v2" { break }
                    servedOld = ContinuousClock.now - frozenAt
                    try #require(servedOld < .seconds(10), "b kept serving the invalidated value")
                    try await Task.sleep(for: .milliseconds(20))
                }
                // The lease is 1 s; three times it bounds the old value's life through the outage, on a busy machine.
                #expect(servedOld < .seconds(3))

                redis.thaw()
                try await waitUntil("a recorded its invalidation after the thaw") {
                    a.statistics.pendingInvalidations == 0
                }
                #expect(try await store.entry(forKey: "k") == nil)
                for cache in [a, b] {
                    #expect(try await cache.value(forKey: "k", options: tagged, load: origin.load).text == "v2")
                }

                redis.process.kill(signal: .kill)
                origin.answer("v3")
                let asked = ContinuousClock.now
                let afterKill = try await b.value(forKey: "fresh", options: tagged, load: origin.load)
                #expect(afterKill.text == "v3")
                #expect(ContinuousClock.now - asked < .seconds(2))
            }
        }
    }
}
