import NIOCore
import Redis
import ResponseCaching
import Synchronization
import TestSupport
import Testing

@Suite(
    "The shared tier and the backplane on real Redis",
    .enabled(if: TestServers.shouldRun(TestServers.redisURL), "needs Redis: run scripts/test")
)
struct RedisResponseCacheTests {
    let options = ResponseCacheEntryOptions(
        duration: .seconds(60),
        maximumStaleness: .seconds(600),
        earlyRefreshBeta: 0
    )

    func entry(
        _ value: String,
        epoch: UInt64,
        tags: [String] = [],
        now: Int64 = 1_800_000_000_000
    )
        -> ResponseCacheEntry
    {
        ResponseCacheEntry(
            value: bytes(value),
            tags: tags,
            loadedAt: now,
            freshUntil: now + 60_000,
            revalidateUntil: now + 60_000,
            staleUntil: now + 600_000,
            loadMilliseconds: 3,
            epoch: epoch
        )
    }

    @Test(
        "the scripts: an entry round-trips; marks newer than it hide it (hard) or mark it stale (soft) and refuse older stores"
    )
    func scripts() async throws {
        try await RedisCaching.withCaches(1) { _, store in
            let epoch = try await store.epoch()
            #expect(
                try await store.store(
                    entry("v1", epoch: epoch, tags: ["p:1", "list"]),
                    forKey: "k",
                    lifetime: .seconds(60)
                )
            )
            let read = try #require(try await store.entry(forKey: "k"))
            #expect(read == entry("v1", epoch: epoch, tags: ["p:1", "list"]))

            _ = try await store.invalidate(.tag("list"), soft: true, origin: "t")
            #expect(try await store.entry(forKey: "k")?.isSoftPurged == true)
            // A value loaded before the soft purge is not stored either.
            #expect(
                try await !store.store(entry("old", epoch: epoch, tags: ["list"]), forKey: "k", lifetime: .seconds(60))
            )

            let hard = try await store.invalidate(.tag("p:1"), soft: false, origin: "t")
            #expect(hard.epoch > epoch)
            #expect(try await store.entry(forKey: "k") == nil)
            #expect(
                try await !store.store(entry("old", epoch: epoch, tags: ["p:1"]), forKey: "k", lifetime: .seconds(60))
            )
            // Loaded after the invalidation: stored.
            #expect(
                try await store.store(
                    entry("new", epoch: hard.epoch, tags: ["p:1"]),
                    forKey: "k",
                    lifetime: .seconds(60)
                )
            )
            #expect(try await store.entry(forKey: "k")?.value == bytes("new"))

            let replaced = try await store.replace(
                entry("w", epoch: 0),
                forKey: "k",
                lifetime: .seconds(60),
                origin: "t"
            )
            #expect(replaced.epoch > hard.epoch)
            #expect(try await store.entry(forKey: "k")?.value == bytes("w"))
            #expect(try await !store.store(entry("stale", epoch: hard.epoch), forKey: "k", lifetime: .seconds(60)))

            #expect(try await store.lock("k", token: "one", lifetime: .seconds(10)))
            #expect(try await !store.lock("k", token: "two", lifetime: .seconds(10)))
            try await store.unlock("k", token: "two")  // not the holder: nothing happens
            #expect(try await !store.lock("k", token: "two", lifetime: .seconds(10)))
            try await store.unlock("k", token: "one")
            #expect(try await store.lock("k", token: "two", lifetime: .seconds(10)))
        }
    }

    @Test(
        "a key with hostile bytes (quotes, Lua patterns, %, spaces, UTF-8) round-trips; a control character is refused"
    )
    func hostileKeys() async throws {
        try await RedisCaching.withCaches(1) { caches, _ in
            let cache = caches[0]
            for key in ["a'b\"c", "%d+ .* [^\\n]", "ключ 🗝️", "k:e:h:*", String(repeating: "x", count: 2_048)] {
                let result = try await cache.value(forKey: key, options: options) { .store(bytes(key)) }
                #expect(result.text == key)
                try await cache.remove(key)
            }
            await #expect(throws: ResponseCacheError.self) {
                _ = try await cache.value(forKey: "a\nb", options: options) { .store(bytes("x")) }
            }
            await #expect(throws: ResponseCacheError.self) { try await cache.invalidate(tag: "") }
        }
    }

    @Test("an invalidation on one instance reaches the other's in-process tier (tag, key, soft)")
    func invalidationAcrossInstances() async throws {
        try await RedisCaching.withCaches(2) { caches, _ in
            let (a, b) = (caches[0], caches[1])
            let tagged = ResponseCacheEntryOptions(
                duration: .seconds(60),
                maximumStaleness: .seconds(600),
                tags: ["product:42"],
                earlyRefreshBeta: 0
            )
            let origin = Origin()
            _ = try await b.value(forKey: "p42", options: tagged, load: origin.load)
            #expect(try await b.value(forKey: "p42", options: tagged, load: origin.load).source == .memory)

            origin.answer("v2")
            try await a.invalidate(tag: "product:42")
            try await waitUntil("b heard the tag invalidation") { b.statistics.invalidationsHeard >= 1 }
            let after = try await b.value(forKey: "p42", options: tagged, load: origin.load)
            #expect(after.text == "v2" && after.source == .origin)

            try await a.softPurge(tag: "product:42")
            try await waitUntil("b heard the soft purge") { b.statistics.invalidationsHeard >= 2 }
            origin.fail()
            let stale = try await b.value(forKey: "p42", options: tagged, load: origin.load)
            #expect(stale.source == .staleOnError && stale.text == "v2")
        }
    }

    @Test("1,000 concurrent requests for one cold key across two instances make exactly one origin call")
    func oneOriginCallAcrossInstances() async throws {
        try await RedisCaching.withCaches(2) { caches, _ in
            let origin = Origin()
            origin.close()
            let results = try await withThrowingTaskGroup(of: ResponseCacheResult.self) { group in
                for index in 0..<1_000 {
                    let cache = caches[index % 2]
                    group.addTask { try await cache.value(forKey: "cold", options: options, load: origin.load) }
                }
                try await waitUntil("one origin call is in flight") { origin.held == 1 }
                origin.open()
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(origin.calls == 1)
            #expect(results.count == 1_000 && results.allSatisfy { $0.text == "v1" })
        }
    }

    @Test("a write-through on one instance while the other's slow origin call is in flight leaves the new value")
    func noStaleWriteBack() async throws {
        try await RedisCaching.withCaches(2) { caches, store in
            let (a, b) = (caches[0], caches[1])
            let origin = Origin()
            origin.answer("old")
            origin.close()
            let slow = Task { try await b.value(forKey: "k", options: options, load: origin.load) }
            try await waitUntil("b's origin call is in flight") { origin.held == 1 }
            try await a.set("k", value: bytes("new"), options: options)
            try await waitUntil("b heard the write") { b.statistics.invalidationsHeard >= 1 }
            origin.open()
            _ = try await slow.value  // b's caller gets what its own origin call read
            #expect(try await store.entry(forKey: "k")?.value == bytes("new"))
            for cache in [a, b] {
                let read = try await cache.value(forKey: "k", options: options, load: origin.load)
                #expect(read.text == "new")
            }
            #expect(origin.calls == 1)
        }
    }
}
