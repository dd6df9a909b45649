import HTTPTypes
public import Hummingbird
import NIOCore
import Synchronization

/// Caches `GET` and `HEAD` responses of the routes behind it in a ``ResponseCache`` as a shared cache (RFC 9111):
/// keyed by the normalised URL plus the request fields the response's `Vary` names; request and response
/// `Cache-Control` honoured (a request with `Authorization` is never answered from a response that did not allow
/// it); stale responses revalidated with the origin (`If-None-Match`, `If-Modified-Since`; a 304 refreshes the
/// entry); 304 to clients whose validators match; `Age` and `Cache-Status` (RFC 9211) on every answer. A handler
/// tags its response with `Surrogate-Key` (space-separated tags, removed before the client sees them); a successful
/// unsafe request (`POST`, `PUT`, `DELETE`, …) invalidates its URL. Concurrent misses of one URL make one origin
/// call, across instances too; an uncacheable answer releases the others at once (hit-for-pass).
public struct ResponseCacheMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The cache.
    public let cache: ResponseCache
    /// The middleware's settings.
    public let configuration: Configuration
    let policy: HTTPCachePolicy
    let answers: CachedAnswer

    /// A middleware storing into `cache`.
    public init(cache: ResponseCache, configuration: Configuration = Configuration()) {
        self.cache = cache
        self.configuration = configuration
        self.policy = HTTPCachePolicy(configuration: configuration.policy)
        self.answers = CachedAnswer(name: configuration.name)
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let head = request.head
        guard head.method == .get || head.method == .head else {
            return try await invalidating(request, context: context, next: next)
        }
        let primary = HTTPCacheKey(head).primary
        guard (try? ResponseCacheKey.validate(primary)) != nil else {
            return try await bypass(request, context: context, next: next, detail: "key-too-long")
        }
        let control = HTTPCacheControl(head.headerFields)
        if control.onlyIfCached || control.maxStale != nil {
            // What is stored may answer (stale too, within max-stale); only-if-cached never reaches the origin.
            if let response = try await storedAnswer(head, primary: primary) { return response }
            if control.onlyIfCached {
                return Response(
                    status: .gatewayTimeout,
                    headers: [.cacheStatus: answers.status(hit: false, detail: "only-if-cached")]
                )
            }
        }
        var reload = control.noCache || control.maxAge == 0
        var key = primary
        for _ in 0..<3 {
            let origin = OriginCall(middleware: self, request: request, primary: primary, key: key)
            let result = try await cache.value(
                forKey: key,
                options: origin.defaultOptions,
                reload: reload,
                inline: { stale in try await origin.call(stale: stale, context: context, next: next) }
            )
            if let error = origin.failure.withLock({ $0.take() }) { throw error }
            if let response = origin.delivered.withLock({ $0.take() }) {
                return try await origin.finishDelivered(response, result: result)
            }
            guard let stored = result.entry.flatMap({ StoredResponse(decoding: $0.value) }) else {
                return try await bypass(request, context: context, next: next, detail: "unreadable-entry")
            }
            switch stored.content {
            case .vary(let names):
                key = CachedAnswer.variantKey(primary: primary, names: names, fields: head.headerFields)
                continue
            case .response(_, _, _, let metadata):
                let now = Double(cache.clock.now) / 1_000
                // A response fetched for this request (or the one it waited on) answers it, fresh or not: asking
                // the origin again because it is stale on arrival (max-age=0, a large Age) would double every call.
                if result.source == .origin || result.source == .collapsed {
                    return respond(stored, result: result, request: head, now: now)
                }
                switch policy.decision(for: head, stored: metadata, now: now) {
                case .serve, .serveWhileRevalidating:
                    return respond(stored, result: result, request: head, now: now)
                case .gatewayTimeout:
                    return Response(
                        status: .gatewayTimeout,
                        headers: [.cacheStatus: answers.status(hit: false, detail: "only-if-cached")]
                    )
                case .revalidate, .forward:
                    guard !reload else { return respond(stored, result: result, request: head, now: now) }
                    reload = true
                    continue
                }
            }
        }
        return try await bypass(request, context: context, next: next, detail: "vary-loop")
    }

    /// The answer from what either tier holds for the request (its variant, fresh or stale), when the request's
    /// directives accept it; `nil` otherwise. It never calls the origin.
    func storedAnswer(_ head: HTTPRequest, primary: String) async throws -> Response? {
        var key = primary
        for _ in 0..<2 {
            guard let entry = try await cache.storedEntry(key), let stored = StoredResponse(decoding: entry.value)
            else {
                return nil
            }
            switch stored.content {
            case .vary(let names):
                key = CachedAnswer.variantKey(primary: primary, names: names, fields: head.headerFields)
            case .response(_, _, _, let metadata):
                let now = Double(cache.clock.now) / 1_000
                switch policy.decision(for: head, stored: metadata, now: now) {
                case .serve, .serveWhileRevalidating:
                    let result = ResponseCacheResult(value: entry.value, entry: entry, source: .memory)
                    return respond(stored, result: result, request: head, now: now)
                case .revalidate, .forward, .gatewayTimeout:
                    return nil
                }
            }
        }
        return nil
    }

    /// An unsafe request: passed on; when it succeeds, its URL (and `Location`, `Content-Location` on the same
    /// origin) is invalidated (RFC 9111 §4.4).
    func invalidating(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let response = try await next(request, context)
        let head = HTTPResponse(status: response.status, headerFields: response.headers)
        for key in policy.invalidatedKeys(request: request.head, response: head) {
            try? await cache.invalidate(tag: CachedAnswer.urlTag(key.primary))
        }
        return response
    }

    /// Passes a request the cache does not handle, saying so in `Cache-Status`.
    func bypass(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response,
        detail: String
    ) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.cacheStatus] = answers.status(hit: false, forward: .bypass, detail: detail)
        response.headers[.surrogateKey] = nil
        return response
    }

    /// A stored response for the client: `Age`, `Cache-Status`, a 304 when its validators match, no body for
    /// `HEAD`.
    func respond(_ stored: StoredResponse, result: ResponseCacheResult, request: HTTPRequest, now: Double) -> Response {
        guard
            let answer = answers.answer(
                stored,
                request: request,
                now: now,
                cacheStatus: { cacheStatus(for: result, ttl: $0) }
            )
        else { return Response(status: .internalServerError) }
        let body = answer.body.map { ResponseBody(byteBuffer: $0) } ?? ResponseBody()
        return Response(status: answer.head.status, headers: answer.head.headerFields, body: body)
    }

    func cacheStatus(for result: ResponseCacheResult, ttl: Int64?) -> String {
        switch result.source {
        case .memory, .shared:
            return answers.status(hit: true, ttl: ttl)
        case .revalidating:
            return answers.status(hit: true, ttl: ttl, detail: "stale-while-revalidate")
        case .staleOnError:
            return answers.status(hit: true, ttl: ttl, detail: "stale-if-error")
        case .origin:
            return answers.status(hit: false, forward: .uriMiss, ttl: ttl, stored: result.stored)
        case .collapsed:
            return answers.status(hit: false, forward: .uriMiss, ttl: ttl, collapsed: true)
        case .pass:
            return answers.status(hit: false, forward: .uriMiss, detail: "uncacheable")
        }
    }
}

extension HTTPField.Name {
    /// `Cache-Status` (RFC 9211).
    static let cacheStatus = HTTPField.Name("Cache-Status")!
    /// `Surrogate-Key`: a response's tags, as Fastly and Varnish read them.
    static let surrogateKey = HTTPField.Name("Surrogate-Key")!
}
