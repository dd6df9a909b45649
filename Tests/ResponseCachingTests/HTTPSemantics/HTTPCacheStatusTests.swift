import ResponseCaching
import Testing

@Suite struct HTTPCacheStatusTests {
    @Test(
        "formats Cache-Status members (RFC 9211)",
        arguments: [
            (HTTPCacheStatus(cacheName: "Mastery", hit: true, timeToLive: 376), "Mastery; hit; ttl=376"),
            (
                HTTPCacheStatus(
                    cacheName: "Mastery",
                    forward: .uriMiss,
                    forwardStatus: 200,
                    timeToLive: 60,
                    stored: true
                ),
                "Mastery; fwd=uri-miss; fwd-status=200; ttl=60; stored"
            ),
            (HTTPCacheStatus(cacheName: "Mastery", hit: true, timeToLive: -12), "Mastery; hit; ttl=-12"),
            (HTTPCacheStatus(cacheName: "Mastery", forward: .varyMiss), "Mastery; fwd=vary-miss"),
            (HTTPCacheStatus(cacheName: "Mastery", forward: .miss, collapsed: true), "Mastery; fwd=miss; collapsed"),
            (
                HTTPCacheStatus(cacheName: "Mastery", forward: .request, forwardStatus: 304),
                "Mastery; fwd=request; fwd-status=304"
            ),
            (
                HTTPCacheStatus(cacheName: "Mastery", forward: .stale, forwardStatus: 503),
                "Mastery; fwd=stale; fwd-status=503"
            ),
            (HTTPCacheStatus(cacheName: "Mastery", forward: .partial), "Mastery; fwd=partial"),
            (HTTPCacheStatus(cacheName: "Mastery", forward: .bypass), "Mastery; fwd=bypass"),
            (HTTPCacheStatus(cacheName: "Mastery", forward: .method), "Mastery; fwd=method"),
            (
                HTTPCacheStatus(cacheName: "Mastery", forward: .uriMiss, key: "https://h/a?\"q\""),
                "Mastery; fwd=uri-miss; key=\"https://h/a?\\\"q\\\"\""
            ),
            (
                HTTPCacheStatus(cacheName: "Mastery", forward: .uriMiss, detail: "no-store"),
                "Mastery; fwd=uri-miss; detail=no-store"
            ),
            (
                HTTPCacheStatus(cacheName: "Mastery", forward: .uriMiss, detail: "store full, évicted"),
                "Mastery; fwd=uri-miss; detail=\"store full, ?victed\""
            ),
            (HTTPCacheStatus(cacheName: "cdn.example/edge:1"), "cdn.example/edge:1"),
            (HTTPCacheStatus(cacheName: "My Cache"), "\"My Cache\""),
            (HTTPCacheStatus(cacheName: "1cache"), "\"1cache\""),
            (HTTPCacheStatus(cacheName: "back\\slash"), "\"back\\\\slash\""),
        ]
    )
    func formats(status: HTTPCacheStatus, expected: String) {
        #expect(status.description == expected)
    }

    @Test("appends after the upstream caches' members")
    func appends() {
        let status = HTTPCacheStatus(cacheName: "Mastery", hit: true, timeToLive: 5)
        #expect(status.appended(to: nil) == "Mastery; hit; ttl=5")
        #expect(status.appended(to: "") == "Mastery; hit; ttl=5")
        #expect(status.appended(to: "Origin; fwd=miss") == "Origin; fwd=miss, Mastery; hit; ttl=5")
    }
}
