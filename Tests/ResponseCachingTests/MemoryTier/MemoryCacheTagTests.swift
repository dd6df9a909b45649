import Testing

@testable import ResponseCaching

@Suite("MemoryCache tags and bulk changes")
struct MemoryCacheTagTests {
    /// Ten entries `k0`…`k9`: even ones tagged `even`, multiples of three tagged `three`.
    private func makeCache() -> MemoryCache<String> {
        let cache = MemoryCache<String>(budget: 1 << 20, shards: 4)
        for i in 0..<10 {
            var tags: [String] = []
            if i % 2 == 0 { tags.append("even") }
            if i % 3 == 0 { tags.append("three") }
            cache.insert("v\(i)", forKey: "k\(i)", cost: 10, tags: tags)
        }
        return cache
    }

    @Test("removeAll(taggedWith:) removes exactly the tagged entries")
    func removeTagged() {
        let cache = self.makeCache()
        #expect(cache.removeAll(taggedWith: "even") == 5)
        for i in 0..<10 {
            #expect((cache.peek(forKey: "k\(i)") == nil) == (i % 2 == 0))
        }
        #expect(cache.removeAll(taggedWith: "three") == 2)  // k3, k9; k0 and k6 are gone already
        #expect(cache.removeAll(taggedWith: "none") == 0)
        #expect(cache.statistics.count == 3)
        #expect(cache.statistics.removals == 7)
        #expect(cache.checkInvariants() == [])
    }

    @Test("a replace moves the entry to its new tags")
    func retag() {
        let cache = self.makeCache()
        cache.insert("new", forKey: "k0", cost: 10, tags: ["other"])
        #expect(cache.removeAll(taggedWith: "even") == 4)
        #expect(cache.peek(forKey: "k0") == "new")
        #expect(cache.removeAll(taggedWith: "other") == 1)
        #expect(cache.checkInvariants() == [])
    }

    @Test("modify and modifyAll change exactly the chosen entries, in place")
    func modify() {
        let cache = self.makeCache()
        let bytes = cache.statistics.bytes
        #expect(cache.modifyAll(taggedWith: "three") { $0 += "-stale" } == 4)
        for i in 0..<10 {
            #expect(cache.peek(forKey: "k\(i)") == (i % 3 == 0 ? "v\(i)-stale" : "v\(i)"))
        }
        #expect(cache.modify(forKey: "k1") { $0 = "changed" })
        #expect(!cache.modify(forKey: "absent") { $0 = "changed" })
        #expect(cache.peek(forKey: "k1") == "changed")
        #expect(cache.statistics.bytes == bytes)
        #expect(cache.removeAll(taggedWith: "three") == 4)
        #expect(cache.checkInvariants() == [])
    }

    @Test("removeAll(where:) removes exactly the matching entries")
    func removeWhere() {
        let cache = self.makeCache()
        #expect(cache.removeAll { key, value in key.hasSuffix("1") || value == "v5" } == 2)
        #expect(cache.peek(forKey: "k1") == nil)
        #expect(cache.peek(forKey: "k5") == nil)
        #expect(cache.statistics.count == 8)
        #expect(cache.removeAll(taggedWith: "even") == 5)
        #expect(cache.checkInvariants() == [])
    }
}
