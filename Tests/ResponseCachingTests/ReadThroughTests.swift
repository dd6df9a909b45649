import NIOCore
import ResponseCaching
import TestSupport
import Testing

@Suite("Read-through, single-flight and staleness (in-memory shared tier, manual clock)")
struct ReadThroughTests {
    let options = ResponseCacheEntryOptions(duration: .seconds(10), earlyRefreshBeta: 0)

    @Test("a miss calls the origin once; then the in-process tier answers until the entry expires")
    func missThenHit() async throws {
        let cluster = CacheCluster()
        let cache = try cluster.cache("a", shared: false)
        let origin = Origin()
        let first = try await cache.value(forKey: "k", options: options, load: origin.load)
        #expect(first.source == .origin && first.text == "v1" && first.stored)
        let second = try await cache.value(forKey: "k", options: options, load: origin.load)
        #expect(second.source == .memory && second.text == "v1")
        #expect(origin.calls == 1)
        cluster.advance(.seconds(10))
        origin.answer("v2")
        let third = try await cache.value(forKey: "k", options: options, load: origin.load)
        #expect(third.source == .origin && third.text == "v2")
        #expect(origin.calls == 2)
    }

    @Test("100 concurrent misses of one key make one origin call; the others are collapsed onto it")
    func singleFlight() async throws {
        let cluster = CacheCluster()
        let cache = try cluster.cache("a", shared: false)
        let origin = Origin()
        origin.close()
        let results = try await withThrowingTaskGroup(of: ResponseCacheResult.self) { group in
            for _ in 0..<100 {
                group.addTask { try await cache.value(forKey: "k", options: options, load: origin.load) }
            }
            try await waitUntil("the origin call started") { origin.held == 1 }
            origin.open()
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(origin.calls == 1)
        #expect(results.allSatisfy { $0.text == "v1" })
        #expect(results.filter { $0.source == .origin }.count == 1)
        #expect(results.filter { $0.source == .collapsed }.count == 99)
    }

    @Test("the waiting list is capped: one caller more than the bound is refused at once")
    func cappedWaiters() async throws {
        let cluster = CacheCluster()
        let cache = try cluster.cache("a", shared: false) { $0.maximumWaiters = 3 }
        let origin = Origin()
        origin.close()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<3 {
                group.addTask { _ = try await cache.value(forKey: "k", options: options, load: origin.load) }
            }
            try await waitUntil("three callers wait") { origin.held == 1 && cache.statistics.misses == 3 }
            await #expect(throws: ResponseCacheError.self) {
                _ = try await cache.value(forKey: "k", options: options, load: origin.load)
            }
            origin.open()
            try await group.waitForAll()
        }
        #expect(origin.calls == 1)
    }

    @Test("an uncacheable answer releases every waiter at once to call the origin itself, and later callers pass")
    func hitForPass() async throws {
        let cluster = CacheCluster()
        let cache = try cluster.cache("a", shared: false)
        let origin = Origin()
        origin.pass("private")
        origin.close()
        try await withThrowingTaskGroup(of: ResponseCacheResult.self) { group in
            for _ in 0..<10 {
                group.addTask { try await cache.value(forKey: "k", options: options, load: origin.load) }
            }
            try await waitUntil("the first call started") { origin.held == 1 && cache.statistics.misses == 10 }
            origin.open()
            // The origin is closed again: the nine released waiters must all be in it together (served one by one,
            // only one would be).
            origin.close()
            try await waitUntil("the nine released waiters call the origin together") { origin.held == 9 }
            origin.open()
            let results = try await group.reduce(into: []) { $0.append($1) }
            #expect(results.allSatisfy { $0.source == .pass && $0.text == "private" })
        }
        #expect(origin.calls == 10)
        // While the pass lasts, callers go straight to the origin, nothing is stored.
        let later = try await cache.value(forKey: "k", options: options, load: origin.load)
        #expect(later.source == .pass)
        #expect(origin.calls == 11)
    }

    @Test("stale-while-revalidate serves the stale value and refreshes it once in the background")
    func staleWhileRevalidate() async throws {
        let cluster = CacheCluster()
        let cache = try cluster.cache("a", shared: false)
        let origin = Origin()
        let options = ResponseCacheEntryOptions(
            duration: .seconds(10),
            staleWhileRevalidate: .seconds(30),
            earlyRefreshBeta: 0
        )
        _ = try await cache.value(forKey: "k", options: options, load: origin.load)
        cluster.advance(.seconds(15))
        origin.answer("v2")
        origin.close()
        let stale = try await cache.value(forKey: "k", options: options, load: origin.load)
        #expect(stale.source == .revalidating && stale.text == "v1")
        let again = try await cache.value(forKey: "k", options: options, load: origin.load)
        #expect(again.source == .revalidating && again.text == "v1")
        try await waitUntil("the refresh started") { origin.held == 1 }
        origin.open()
        try await waitUntil("the refresh stored v2") {
            try await cache.value(forKey: "k", options: options, load: origin.load).text == "v2"
        }
        #expect(origin.calls == 2)
    }

    @Test("an origin failure serves the stale value within its maximum staleness, then fails")
    func staleIfError() async throws {
        let cluster = CacheCluster()
        let cache = try cluster.cache("a", shared: false)
        let origin = Origin()
        let options = ResponseCacheEntryOptions(
            duration: .seconds(10),
            maximumStaleness: .seconds(60),
            earlyRefreshBeta: 0
        )
        _ = try await cache.value(forKey: "k", options: options, load: origin.load)
        cluster.advance(.seconds(20))
        origin.fail()
        let served = try await cache.value(forKey: "k", options: options, load: origin.load)
        #expect(served.source == .staleOnError && served.text == "v1")
        // Throttled: the next call within the fail-safe throttle does not ask the origin again.
        let calls = origin.calls
        _ = try await cache.value(forKey: "k", options: options, load: origin.load)
        #expect(origin.calls == calls)
        cluster.advance(.seconds(60))
        await #expect(throws: ResponseCacheError.self) {
            _ = try await cache.value(forKey: "k", options: options, load: origin.load)
        }
    }

    @Test("the hard timeout answers with the stale value if any, else with originTimeout; the call still stores")
    func hardTimeout() async throws {
        let cluster = CacheCluster()
        let cache = try cluster.cache("a", shared: false)
        let origin = Origin()
        let options = ResponseCacheEntryOptions(
            duration: .seconds(10),
            maximumStaleness: .seconds(60),
            hardTimeout: .seconds(2),
            earlyRefreshBeta: 0
        )
        origin.close()
        let cold = Task { try await cache.value(forKey: "cold", options: options, load: origin.load) }
        try await waitUntil("the cold call started") { origin.held == 1 }
        cluster.advance(.seconds(2))
        await #expect(throws: ResponseCacheError.self) { _ = try await cold.value }
        origin.open()
        try await waitUntil("the late answer was stored") { (try? await cache.get("cold")) != nil }

        cluster.advance(.seconds(20))  // "cold" is stale now, within its staleness
        origin.answer("late")
        origin.close()
        let warm = Task { try await cache.value(forKey: "cold", options: options, load: origin.load) }
        try await waitUntil("the refresh started") { origin.held == 1 }
        cluster.advance(.seconds(2))
        let served = try await warm.value
        #expect(served.source == .staleOnError && served.text == "v1")
        origin.open()
    }
}
