import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Platform
import ResponseCaching
import Testing

@Suite("ResponseCacheEdge: hits answered before routing, as the middleware answers them")
struct EdgeTests {
    /// A request as HummingbirdTesting's router sends it (scheme `http`, authority `localhost`).
    func request(_ path: String, method: HTTPRequest.Method = .get, fields: HTTPFields = [:]) -> HTTPRequest {
        HTTPRequest(method: method, scheme: "http", authority: "localhost", path: path, headerFields: fields)
    }

    func text(_ answer: EdgeResponse?) -> String { answer.map { String(buffer: $0.body) } ?? "" }

    @Test("a stored response: the same status, body, ETag, Age and Cache-Status as the routed hit, with its length")
    func sameAsRouted() async throws {
        let app = try CachedApp()
        let edge = ResponseCacheEdge(cache: app.cache, pathPrefixes: ["/fresh", "/vary"])
        #expect(edge.respond(to: request("/fresh")) == nil, "nothing is stored yet")
        try await app.application.test(.router) { client in
            try await client.execute(uri: "/fresh", method: .get) { #expect($0.cacheStatus.contains("stored")) }
            app.cluster.advance(.seconds(5))
            try await client.execute(uri: "/fresh", method: .get) { routed in
                let answer = edge.respond(to: request("/fresh"))
                #expect(answer?.head.status == .ok && text(answer) == "fresh body")
                for name in [HTTPField.Name.eTag, .age, .cacheControl, HTTPField.Name("Cache-Status")!] {
                    #expect(answer?.head.headerFields[name] == routed.headers[name], "\(name)")
                }
                #expect(answer?.head.headerFields[.age] == "5")
                #expect(answer?.head.headerFields[.contentLength] == "10")
                #expect(answer?.head.headerFields[.xContentTypeOptions] == "nosniff")
                #expect(answer?.head.headerFields[HTTPField.Name("Surrogate-Key")!] == nil)
            }
        }
        #expect(app.count("fresh") == 1)
    }

    @Test(
        "HEAD has the length and no body; matching validators get 304; Age follows the clock until the entry is stale"
    )
    func headConditionalAndAge() async throws {
        let app = try CachedApp()
        let edge = ResponseCacheEdge(cache: app.cache, pathPrefixes: ["/fresh"])
        try await app.application.test(.router) { client in
            try await client.execute(uri: "/fresh", method: .get) { _ in }
        }
        let head = edge.respond(to: request("/fresh", method: .head))
        #expect(head?.head.status == .ok && head?.body.readableBytes == 0)
        #expect(head?.head.headerFields[.contentLength] == "10")
        let notModified = edge.respond(to: request("/fresh", fields: [.ifNoneMatch: "\"v1\""]))
        #expect(notModified?.head.status == .notModified && notModified?.body.readableBytes == 0)
        #expect(notModified?.head.headerFields[.contentLength] == nil)
        let changed = edge.respond(to: request("/fresh", fields: [.ifNoneMatch: "\"v0\""]))
        #expect(changed?.head.status == .ok && text(changed) == "fresh body")
        // The prepared answer is rebuilt when Age moves on.
        #expect(edge.respond(to: request("/fresh"))?.head.headerFields[.age] == "0")
        #expect(edge.respond(to: request("/fresh"))?.head.headerFields[.age] == "0")
        app.cluster.advance(.seconds(7))
        #expect(edge.respond(to: request("/fresh"))?.head.headerFields[.age] == "7")
        #expect(
            edge.respond(to: request("/fresh"))?.head.headerFields[HTTPField.Name("Cache-Status")!]?.contains("ttl=53")
                == true
        )
        // Stale (max-age=60): the routed middleware revalidates it; the edge declines.
        app.cluster.advance(.seconds(60))
        #expect(edge.respond(to: request("/fresh")) == nil)
        #expect(app.count("fresh") == 1)
    }

    @Test(
        "declined: Authorization, Cache-Control, Pragma, other methods, other paths, misses, and after an invalidation"
    )
    func declined() async throws {
        let app = try CachedApp()
        let edge = ResponseCacheEdge(cache: app.cache, pathPrefixes: ["/fresh", "/private"])
        try await app.application.test(.router) { client in
            try await client.execute(uri: "/fresh", method: .get) { _ in }
            try await client.execute(uri: "/private", method: .get) { _ in }
        }
        #expect(edge.respond(to: request("/fresh")) != nil)
        let declined: [HTTPRequest] = [
            request("/fresh", fields: [.authorization: "Bearer x"]),
            request("/fresh", fields: [.cacheControl: "no-cache"]),
            request("/fresh", fields: [HTTPField.Name("Pragma")!: "no-cache"]),
            request("/fresh", method: .post),
            request("/fresh", method: .delete),
            request("/vary"),
            request("/private"),
            request("/fresh/other"),
            request("/fresh?\(String(repeating: "%00", count: 10_000))"),
        ]
        for request in declined {
            #expect(edge.respond(to: request) == nil, "\(request.method) \(request.path ?? "")")
        }
        try await app.cache.invalidate(tag: "product:1")
        #expect(edge.respond(to: request("/fresh")) == nil)
    }

    @Test("Vary: the variant the request selects, and nothing for one not stored")
    func vary() async throws {
        let app = try CachedApp()
        let edge = ResponseCacheEdge(cache: app.cache, pathPrefixes: ["/vary"])
        try await app.application.test(.router) { client in
            try await client.execute(uri: "/vary", method: .get, headers: [.acceptLanguage: "fr"]) { _ in }
        }
        #expect(text(edge.respond(to: request("/vary", fields: [.acceptLanguage: "fr"]))) == "in fr")
        #expect(edge.respond(to: request("/vary", fields: [.acceptLanguage: "de"])) == nil)
        #expect(app.count("vary") == 1)
    }

    @Test("the lease holds at the edge too: an instance that has not heard its backplane stops answering after it")
    func lease() async throws {
        // A cache on a backplane it never hears (its service is not running): entries are trusted for the lease
        // (1 s) from when they were loaded, and then bypassed, although still fresh.
        let app = try CachedApp(shared: true)
        let edge = ResponseCacheEdge(cache: app.cache, pathPrefixes: ["/fresh"])
        try await app.application.test(.router) { client in
            try await client.execute(uri: "/fresh", method: .get) { _ in }
        }
        #expect(text(edge.respond(to: request("/fresh"))) == "fresh body")
        app.cluster.advance(.milliseconds(1_500))
        #expect(edge.respond(to: request("/fresh")) == nil)
    }
}
