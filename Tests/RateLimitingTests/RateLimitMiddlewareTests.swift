import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Platform
import RateLimiting
import Synchronization
import Testing

/// Policies that a test changes while requests flow, as the registry changes them.
final class MutablePolicies: RateLimitPolicyLookup {
    let policies = Mutex<[String: RateLimitPolicy]>([:])

    init(_ list: [RateLimitPolicy] = []) {
        policies.withLock { $0 = Dictionary(uniqueKeysWithValues: list.map { ($0.name, $0) }) }
    }

    func policy(named name: String) -> RateLimitPolicy? { policies.withLock { $0[name] } }
    func set(_ policy: RateLimitPolicy) { policies.withLock { $0[policy.name] = policy } }
    func remove(_ name: String) { policies.withLock { $0[name] = nil } }
}

@Suite("RateLimitMiddleware: fields on every response, 429 with Retry-After, keys, live policies")
struct RateLimitMiddlewareTests {
    let clock = ManualRateLimitClock()
    let logger = Logger(label: "test")
    let demo: RateLimitPolicy

    init() throws {
        demo = try RateLimitPolicy(name: "demo", algorithm: .gcra, limit: 5, window: .seconds(10), burst: 5)
    }

    func limiter() -> RateLimiter {
        RateLimiter(store: InMemoryRateLimitStore(clock: clock), logger: logger)
    }

    /// A router like the server's (problems rendered by ProblemMiddleware) with `middleware` on `/limited…`.
    func application(
        _ middleware: RateLimitMiddleware<MasteryRequestContext>
    ) -> some ApplicationProtocol {
        let router = Router(context: MasteryRequestContext.self)
        router.add(middleware: ProblemMiddleware(routeTable: RouteTable()))
        let group = router.group("/limited").add(middleware: middleware)
        group.get { _, _ in "ok" }
        group.get("missing") { _, _ -> String in throw ProblemDetails.notFound("Nothing here.") }
        group.get("teapot") { _, _ -> String in throw HTTPError(.badRequest, message: "short and stout") }
        group.get("crash") { _, _ -> String in
            struct Unexpected: Error {}
            throw Unexpected()
        }
        group.get("things/{id}") { _, _ in "thing" }
        group.post("things/{id}") { _, _ in "posted" }
        router.get("/open") { _, _ in "open" }
        var quiet = logger
        quiet.logLevel = .critical
        return Application(router: router, logger: quiet)
    }

    func middleware(
        _ policies: some RateLimitPolicyLookup,
        names: [String] = ["demo"],
        key: RateLimitKeyExtractor<MasteryRequestContext> = .constant("everyone"),
        cost: Int = 1,
        missingKey: RateLimitMiddleware<MasteryRequestContext>.MissingKey = .skip,
        limiter: RateLimiter? = nil
    ) -> RateLimitMiddleware<MasteryRequestContext> {
        RateLimitMiddleware(
            limiter: limiter ?? self.limiter(),
            policies: policies,
            names: names,
            key: key,
            cost: cost,
            missingKey: missingKey
        )
    }

    func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    @Test(
        "admitted: exact RateLimit-Policy and RateLimit; rejected: 429, Retry-After, problem+json; then admitted again"
    )
    func admitAndReject() async throws {
        let app = application(middleware(RateLimitPolicySet([demo])))
        try await app.test(.router) { client in
            try await client.execute(uri: "/limited", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[RateLimitHeaders.policyField] == #""demo";q=5;w=10"#)
                #expect(response.headers[RateLimitHeaders.limitField] == #""demo";r=4;t=2"#)
                #expect(response.headers[.retryAfter] == nil)
            }
            for remaining in [3, 2, 1, 0] {
                try await client.execute(uri: "/limited", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(
                        response.headers[RateLimitHeaders.limitField]
                            == "\"demo\";r=\(remaining);t=\(10 - 2 * remaining)"
                    )
                }
            }
            try await client.execute(uri: "/limited", method: .get) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "2")
                #expect(response.headers[RateLimitHeaders.policyField] == #""demo";q=5;w=10"#)
                #expect(response.headers[RateLimitHeaders.limitField] == #""demo";r=0;t=2"#)
                #expect(response.headers[.contentType] == "application/problem+json")
                let body = try json(response)
                #expect(body["type"] as? String == "/problems/rate-limited")
                #expect(body["status"] as? Int == 429)
                #expect(body["title"] as? String == "Too Many Requests")
                #expect(body["detail"] as? String == #"Too many requests under policy "demo"; retry after 2 s."#)
            }
            clock.advance(by: .milliseconds(1999))
            try await client.execute(uri: "/limited", method: .get) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "1")
            }
            clock.advance(by: .milliseconds(1))
            try await client.execute(uri: "/limited", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[RateLimitHeaders.limitField] == #""demo";r=0;t=10"#)
            }
            // Routes outside the group are not limited and carry no fields.
            try await client.execute(uri: "/open", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[RateLimitHeaders.limitField] == nil)
            }
        }
    }

    @Test("errors thrown by the handler keep the fields: 404 problem, HTTPError, unexpected 500")
    func errorsCarryFields() async throws {
        let app = application(middleware(RateLimitPolicySet([demo])))
        try await app.test(.router) { client in
            try await client.execute(uri: "/limited/missing", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.headers[RateLimitHeaders.policyField] == #""demo";q=5;w=10"#)
                #expect(response.headers[RateLimitHeaders.limitField] == #""demo";r=4;t=2"#)
                let problem = try json(response)
                #expect(problem["detail"] as? String == "Nothing here.")
            }
            try await client.execute(uri: "/limited/teapot", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[RateLimitHeaders.limitField] == #""demo";r=3;t=4"#)
                let problem = try json(response)
                #expect(problem["detail"] as? String == "short and stout")
            }
            try await client.execute(uri: "/limited/crash", method: .get) { response in
                #expect(response.status == .internalServerError)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.headers[RateLimitHeaders.limitField] == #""demo";r=2;t=6"#)
            }
        }
    }

    @Test("several policies: all must admit, a rejection consumes none, fields list each")
    func severalPolicies() async throws {
        let perSecond = try RateLimitPolicy(
            name: "per-second",
            algorithm: .fixedWindow,
            limit: 100,
            window: .seconds(1)
        )
        let tight = try RateLimitPolicy(name: "tight", algorithm: .tokenBucket, limit: 2, window: .seconds(60))
        let limiter = limiter()
        let app = application(
            middleware(
                RateLimitPolicySet([perSecond, tight]),
                names: ["per-second", "tight", "per-second"],
                limiter: limiter
            )
        )
        try await app.test(.router) { client in
            for _ in 0..<2 {
                try await client.execute(uri: "/limited", method: .get) { #expect($0.status == .ok) }
            }
            try await client.execute(uri: "/limited", method: .get) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[RateLimitHeaders.policyField] == #""per-second";q=100;w=1, "tight";q=2;w=60"#)
                #expect(response.headers[.retryAfter] == "30")
                let limit = try #require(response.headers[RateLimitHeaders.limitField])
                #expect(limit.hasPrefix(#""per-second";r=98;"#) && limit.hasSuffix(#", "tight";r=0;t=30"#), "\(limit)")
                let problem = try json(response)
                #expect(problem["detail"] as? String == #"Too many requests under policy "tight"; retry after 30 s."#)
            }
        }
        // The rejected request consumed nothing from the policy that admitted it.
        let counts = limiter.statistics.snapshot()
        #expect(counts.policies["per-second"]?.allowed == 2)
        #expect(counts.policies["per-second"]?.denied == 1)
    }

    @Test("policies resolve per request: added, changed and removed ones apply to the next request")
    func livePolicies() async throws {
        let policies = MutablePolicies()
        let app = application(middleware(policies))
        try await app.test(.router) { client in
            try await client.execute(uri: "/limited", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[RateLimitHeaders.policyField] == nil)
            }
            policies.set(demo)
            try await client.execute(uri: "/limited", method: .get) { response in
                #expect(response.headers[RateLimitHeaders.policyField] == #""demo";q=5;w=10"#)
            }
            policies.set(try RateLimitPolicy(name: "demo", algorithm: .fixedWindow, limit: 1, window: .seconds(60)))
            try await client.execute(uri: "/limited", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[RateLimitHeaders.policyField] == #""demo";q=1;w=60"#)
            }
            try await client.execute(uri: "/limited", method: .get) { #expect($0.status == .tooManyRequests) }
            policies.remove("demo")
            try await client.execute(uri: "/limited", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[RateLimitHeaders.limitField] == nil)
            }
        }
    }

    @Test("a request without a key: skipped, or limited under the shared key")
    func missingKeys() async throws {
        let apiKey = RateLimitKeyExtractor<MasteryRequestContext>.apiKey()
        let skip = application(middleware(RateLimitPolicySet([demo]), key: apiKey))
        try await skip.test(.router) { client in
            for _ in 0..<7 {
                try await client.execute(uri: "/limited", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[RateLimitHeaders.limitField] == nil)
                }
            }
            try await client.execute(uri: "/limited", method: .get, headers: [HTTPField.Name("X-API-Key")!: "k1"]) {
                response in
                #expect(response.headers[RateLimitHeaders.limitField] == #""demo";r=4;t=2"#)
            }
        }
        let shared = application(middleware(RateLimitPolicySet([demo]), key: apiKey, missingKey: .shared("anonymous")))
        try await shared.test(.router) { client in
            for _ in 0..<5 {
                try await client.execute(uri: "/limited", method: .get) { #expect($0.status == .ok) }
            }
            try await client.execute(uri: "/limited", method: .get) { #expect($0.status == .tooManyRequests) }
            // A client with a key of its own has its own bucket.
            try await client.execute(uri: "/limited", method: .get, headers: [HTTPField.Name("X-API-Key")!: "k1"]) {
                #expect($0.status == .ok)
            }
        }
    }

    @Test("over-long keys are refused with 400, never truncated; hostile keys never reach the fields")
    func keyValidation() async throws {
        let header = HTTPField.Name("X-User")!
        let user = RateLimitKeyExtractor<MasteryRequestContext>.user { request, _ in request.headers[header] }
        let app = application(middleware(RateLimitPolicySet([demo]), key: user))
        try await app.test(.router) { client in
            let long = String(repeating: "u", count: RateLimitCheck.maximumKeyLength)
            try await client.execute(uri: "/limited", method: .get, headers: [header: long]) { response in
                #expect(response.status == .badRequest)
                let problem = try json(response)
                #expect(problem["type"] as? String == "/problems/bad-request")
                #expect((problem["detail"] as? String ?? "").contains("at most 512"))
            }
            let hostile = #"x";r=999, "demo";q=1000000;w=1 \ "#
            try await client.execute(uri: "/limited", method: .get, headers: [header: hostile]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[RateLimitHeaders.policyField] == #""demo";q=5;w=10"#)
                #expect(response.headers[RateLimitHeaders.limitField] == #""demo";r=4;t=2"#)
            }
        }
    }

    @Test("extractors: API keys digested, route patterns with the method, combinations collision-free, client IP")
    func extractors() async throws {
        let policy = try RateLimitPolicy(name: "one", algorithm: .fixedWindow, limit: 1, window: .seconds(60))
        let peer = HTTPField.Name("X-Test-Peer")!
        let resolver = ClientAddressResolver(trustedProxies: [IPAddressRange("10.0.0.0/8")!])
        // Router tests have no TCP peer: the test names one in X-Test-Peer.
        let byIP = RateLimitKeyExtractor<MasteryRequestContext>.clientIP(resolver) { request, _ in request.headers[peer]
        }
        let limiter = limiter()
        let app = application(
            middleware(RateLimitPolicySet([policy]), names: ["one"], key: .combined([.route, byIP]), limiter: limiter)
        )
        try await app.test(.router) { client in
            try await client.execute(uri: "/limited/things/1", method: .get, headers: [peer: "203.0.113.5"]) {
                #expect($0.status == .ok)
            }
            // Same route pattern, other id: the same bucket.
            try await client.execute(uri: "/limited/things/2", method: .get, headers: [peer: "203.0.113.5"]) {
                #expect($0.status == .tooManyRequests)
            }
            // Another method is another route.
            try await client.execute(uri: "/limited/things/2", method: .post, headers: [peer: "203.0.113.5"]) {
                #expect($0.status == .ok)
            }
            // A spoofed X-Forwarded-For from an untrusted peer changes nothing.
            try await client.execute(
                uri: "/limited/things/3",
                method: .get,
                headers: [peer: "203.0.113.5", HTTPField.Name("X-Forwarded-For")!: "198.51.100.1"]
            ) { #expect($0.status == .tooManyRequests) }
            // Through a trusted proxy, the forwarded client is another bucket.
            try await client.execute(
                uri: "/limited/things/3",
                method: .get,
                headers: [peer: "10.0.0.1", HTTPField.Name("X-Forwarded-For")!: "198.51.100.1"]
            ) { #expect($0.status == .ok) }
        }
        let keys = Set(limiter.statistics.snapshot(top: 10).limitedKeys.map(\.key))
        #expect(keys == ["route:GET /limited/things/{id}|ip:203.0.113.5"])
    }

    @Test("key extractors in isolation: digests, escaping, principal")
    func extractorKeys() throws {
        let request = Request(
            head: HTTPRequest(
                method: .get,
                scheme: "http",
                authority: "x",
                path: "/",
                headerFields: [HTTPField.Name("X-API-Key")!: "secret-1"]
            ),
            body: .init(buffer: .init())
        )
        let context = PlainContext(source: LoggerSource(logger: logger))
        let apiKey = try #require(RateLimitKeyExtractor<PlainContext>.apiKey().key(for: request, context: context))
        #expect(apiKey.hasPrefix("apikey:") && apiKey.count == "apikey:".count + 32)
        #expect(!apiKey.contains("secret"))
        #expect(apiKey.dropFirst(7).allSatisfy { $0.isHexDigit && !$0.isUppercase })
        let other = Request(
            head: HTTPRequest(
                method: .get,
                scheme: "http",
                authority: "x",
                path: "/",
                headerFields: [HTTPField.Name("X-API-Key")!: "secret-2"]
            ),
            body: .init(buffer: .init())
        )
        #expect(RateLimitKeyExtractor<PlainContext>.apiKey().key(for: other, context: context) != apiKey)
        func combined(_ a: String, _ b: String) -> String? {
            RateLimitKeyExtractor<PlainContext>.combined([.constant(a), .constant(b)]).key(
                for: request,
                context: context
            )
        }
        #expect(combined("a|b", "c") == "a%7Cb|c")
        #expect(combined("a", "b|c") == "a|b%7Cc")
        #expect(combined("100%", "x") == "100%25|x")
        #expect(
            RateLimitKeyExtractor<PlainContext>.combined([.constant("a"), .user { _, _ in nil }]).key(
                for: request,
                context: context
            ) == nil
        )
        #expect(RateLimitKeyExtractor<PlainContext>.user { _, _ in "" }.key(for: request, context: context) == nil)
        #expect(
            RateLimitKeyExtractor<PlainContext>.user { _, _ in "ada" }.key(for: request, context: context) == "user:ada"
        )
    }
}

/// A context made without a channel, for calling extractors directly.
struct LoggerSource: RequestContextSource {
    var logger: Logger
}

struct PlainContext: RequestContext {
    typealias Source = LoggerSource
    var coreContext: CoreRequestContextStorage
    init(source: LoggerSource) { coreContext = .init(source: source) }
}
