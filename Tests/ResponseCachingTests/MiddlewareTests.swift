import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ResponseCaching
import Synchronization
import TestSupport
import Testing

/// An app with routes behind ``ResponseCacheMiddleware`` on a manual clock, counting the origin's calls per path.
final class CachedApp: Sendable {
    let cluster = CacheCluster()
    let cache: ResponseCache
    let calls = Mutex<[String: Int]>([:])
    /// What `/changing` answers (its version), and the status `/flaky` answers.
    let state = Mutex<(version: Int, status: HTTPResponse.Status)>((1, .ok))

    /// An app whose cache is alone, or on the cluster's shared tier and backplane (`shared`).
    init(shared: Bool = false) throws {
        cache = try cluster.cache("http", shared: shared)
    }

    func count(_ path: String) -> Int { calls.withLock { $0[path] ?? 0 } }

    var application: some ApplicationProtocol {
        let router = Router()
        let state = self
        let cached = router.group().add(middleware: ResponseCacheMiddleware<BasicRequestContext>(cache: cache))
        let counted: @Sendable (String) -> Void = { [self] path in calls.withLock { $0[path, default: 0] += 1 } }
        let fresh: @Sendable (Request, BasicRequestContext) async throws -> Response = { _, _ in
            counted("fresh")
            return Response(
                status: .ok,
                headers: [
                    .cacheControl: "max-age=60", .eTag: "\"v1\"", HTTPField.Name("Surrogate-Key")!: "product:1 all",
                ],
                body: .init(byteBuffer: ByteBuffer(string: "fresh body"))
            )
        }
        cached.get("fresh", use: fresh)
        // Hummingbird routes HEAD only where a HEAD route exists; the middleware fetches it with GET.
        cached.head("fresh", use: fresh)
        cached.get("private") { _, _ in
            counted("private")
            return Response(
                status: .ok,
                headers: [.cacheControl: "private, max-age=60"],
                body: .init(byteBuffer: ByteBuffer(string: "mine"))
            )
        }
        cached.get("nostore") { _, _ in
            counted("nostore")
            return Response(
                status: .ok,
                headers: [.cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: "x"))
            )
        }
        cached.get("authorized") { _, _ in
            counted("authorized")
            return Response(
                status: .ok,
                headers: [.cacheControl: "max-age=60"],
                body: .init(byteBuffer: ByteBuffer(string: "secret"))
            )
        }
        cached.get("changing") { request, _ in
            counted("changing")
            let version = state.state.withLock { $0.version }
            let tag = "\"v\(version)\""
            if request.headers[.ifNoneMatch] == tag {
                return Response(status: .notModified, headers: [.eTag: tag, .cacheControl: "max-age=10"])
            }
            return Response(
                status: .ok,
                headers: [.cacheControl: "max-age=10", .eTag: tag],
                body: .init(byteBuffer: ByteBuffer(string: "version \(version)"))
            )
        }
        cached.get("flaky") { _, _ in
            counted("flaky")
            let status = state.state.withLock { $0.status }
            return Response(
                status: status,
                headers: [.cacheControl: "max-age=10, stale-if-error=600"],
                body: .init(byteBuffer: ByteBuffer(string: status == .ok ? "good" : "broken"))
            )
        }
        cached.get("vary") { request, _ in
            counted("vary")
            let language = request.headers[.acceptLanguage] ?? "none"
            return Response(
                status: .ok,
                headers: [.cacheControl: "max-age=60", .vary: "Accept-Language"],
                body: .init(byteBuffer: ByteBuffer(string: "in \(language)"))
            )
        }
        cached.get("arrives-stale") { _, _ in
            counted("arrives-stale")
            return Response(
                status: .ok,
                headers: [.cacheControl: "max-age=0", .eTag: "\"s1\""],
                body: .init(byteBuffer: ByteBuffer(string: "stale on arrival"))
            )
        }
        cached.post("fresh") { _, _ in Response(status: .noContent) }
        return Application(router: router)
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    var cacheStatus: String { headers[HTTPField.Name("Cache-Status")!] ?? "" }
}

@Suite("The HTTP middleware (RFC 9111, RFC 9211) on a manual clock")
struct MiddlewareTests {
    @Test("a response stale on arrival answers the request that fetched it: one origin call per request, not two")
    func staleOnArrival() async throws {
        let app = try CachedApp()
        try await app.application.test(.router) { client in
            try await client.execute(uri: "/arrives-stale", method: .get) { response in
                #expect(response.status == .ok && response.text == "stale on arrival")
            }
            #expect(app.count("arrives-stale") == 1)
            // The next request revalidates what is stored: one more call.
            try await client.execute(uri: "/arrives-stale", method: .get) { #expect($0.status == .ok) }
            #expect(app.count("arrives-stale") == 2)
        }
    }

    @Test("only-if-cached never reaches the origin (504 when nothing is stored); max-stale is served what is stored")
    func onlyIfCachedAndMaxStale() async throws {
        let app = try CachedApp()
        try await app.application.test(.router) { client in
            try await client.execute(uri: "/fresh", method: .get, headers: [.cacheControl: "only-if-cached"]) {
                #expect($0.status == .gatewayTimeout)
            }
            #expect(app.count("fresh") == 0)
            try await client.execute(uri: "/fresh", method: .get) { #expect($0.status == .ok) }
            app.cluster.advance(.seconds(70))
            // Stale by 10 s (max-age=60): max-stale=30 takes it as it is; only-if-cached alone does not.
            try await client.execute(uri: "/fresh", method: .get, headers: [.cacheControl: "max-stale=30"]) {
                #expect($0.status == .ok && $0.text == "fresh body")
                #expect($0.headers[.age] == "70")
            }
            try await client.execute(uri: "/fresh", method: .get, headers: [.cacheControl: "only-if-cached"]) {
                #expect($0.status == .gatewayTimeout)
            }
            #expect(app.count("fresh") == 1)
        }
    }

    @Test("a miss is stored and then served as a hit with Age and Cache-Status; Surrogate-Key never reaches the client")
    func missThenHit() async throws {
        let app = try CachedApp()
        try await app.application.test(.router) { client in
            try await client.execute(uri: "/fresh", method: .get) { response in
                #expect(response.status == .ok && response.text == "fresh body")
                #expect(response.cacheStatus.contains("fwd=uri-miss") && response.cacheStatus.contains("stored"))
                #expect(response.headers[HTTPField.Name("Surrogate-Key")!] == nil)
            }
            app.cluster.advance(.seconds(5))
            try await client.execute(uri: "/fresh", method: .get) { response in
                #expect(response.text == "fresh body")
                #expect(response.cacheStatus.hasPrefix("mastery; hit"), "\(response.cacheStatus)")
                #expect(response.headers[.age] == "5")
                #expect(response.headers[HTTPField.Name("Surrogate-Key")!] == nil)
            }
            try await client.execute(uri: "/fresh", method: .head) { response in
                #expect(response.status == .ok && response.body.readableBytes == 0)
            }
            // A client whose validator matches gets a 304 from the cache.
            try await client.execute(uri: "/fresh", method: .get, headers: [.ifNoneMatch: "\"v1\""]) { response in
                #expect(response.status == .notModified)
                #expect(response.headers[.eTag] == "\"v1\"")
            }
        }
        #expect(app.count("fresh") == 1)
    }

    @Test("private, no-store and Authorization (without public) are never stored")
    func notStored() async throws {
        let app = try CachedApp()
        try await app.application.test(.router) { client in
            for _ in 0..<2 {
                try await client.execute(uri: "/private", method: .get) { #expect($0.text == "mine") }
                try await client.execute(uri: "/nostore", method: .get) { #expect($0.status == .ok) }
                try await client.execute(uri: "/authorized", method: .get, headers: [.authorization: "Bearer a"]) {
                    #expect($0.text == "secret")
                }
            }
        }
        #expect(app.count("private") == 2)
        #expect(app.count("nostore") == 2)
        #expect(app.count("authorized") == 2)
    }

    @Test("a stale entry is revalidated with If-None-Match: a 304 refreshes it, a new version replaces it")
    func revalidation() async throws {
        let app = try CachedApp()
        try await app.application.test(.router) { client in
            try await client.execute(uri: "/changing", method: .get) { #expect($0.text == "version 1") }
            app.cluster.advance(.seconds(11))
            try await client.execute(uri: "/changing", method: .get) { response in
                #expect(response.status == .ok && response.text == "version 1")
            }
            #expect(app.count("changing") == 2)  // the conditional request, answered 304
            try await client.execute(uri: "/changing", method: .get) { response in
                #expect(response.cacheStatus.hasPrefix("mastery; hit"), "\(response.cacheStatus)")
            }
            #expect(app.count("changing") == 2)
            app.state.withLock { $0.version = 2 }
            app.cluster.advance(.seconds(11))
            try await client.execute(uri: "/changing", method: .get) { #expect($0.text == "version 2") }
            // A request that demands validation goes to the origin even when the entry is fresh.
            try await client.execute(uri: "/changing", method: .get, headers: [.cacheControl: "no-cache"]) {
                #expect($0.text == "version 2")
            }
            #expect(app.count("changing") == 4)
        }
    }

    @Test("an origin error within stale-if-error serves the stale response")
    func staleIfError() async throws {
        let app = try CachedApp()
        try await app.application.test(.router) { client in
            try await client.execute(uri: "/flaky", method: .get) { #expect($0.text == "good") }
            app.state.withLock { $0.status = .serviceUnavailable }
            app.cluster.advance(.seconds(20))
            try await client.execute(uri: "/flaky", method: .get) { response in
                #expect(response.status == .ok && response.text == "good")
                #expect(response.cacheStatus.contains("stale-if-error"), "\(response.cacheStatus)")
            }
        }
    }

    @Test("Vary: each Accept-Language gets its own variant")
    func vary() async throws {
        let app = try CachedApp()
        try await app.application.test(.router) { client in
            for language in ["en", "fr", "en", "fr"] {
                try await client.execute(uri: "/vary", method: .get, headers: [.acceptLanguage: language]) {
                    #expect($0.text == "in \(language)")
                }
            }
        }
        #expect(app.count("vary") == 2)
    }

    @Test("a successful POST invalidates its URL; a tag purge reaches the entries tagged by Surrogate-Key")
    func invalidation() async throws {
        let app = try CachedApp()
        try await app.application.test(.router) { client in
            try await client.execute(uri: "/fresh", method: .get) { _ in }
            try await client.execute(uri: "/fresh", method: .post) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/fresh", method: .get) { #expect(!$0.cacheStatus.contains("hit")) }
            #expect(app.count("fresh") == 2)
            try await app.cache.invalidate(tag: "product:1")
            try await client.execute(uri: "/fresh", method: .get) { #expect(!$0.cacheStatus.contains("hit")) }
            #expect(app.count("fresh") == 3)
        }
    }
}
