import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// One request's call to the origin behind ``ResponseCacheMiddleware``: it revalidates the stale entry it is given,
/// decides whether the answer is stored (RFC 9111), and keeps for its own client the response it must answer with
/// directly (uncacheable, too large, or the first of a URL that varies).
final class OriginCall<Context: RequestContext>: Sendable {
    let middleware: ResponseCacheMiddleware<Context>
    let request: Request
    let primary: String
    let key: String
    /// The response this request answers with itself, when the entry is not what it should answer.
    let delivered = Mutex<Response?>(nil)
    /// What the origin threw, when no stale response answers instead: the client gets it as it was.
    let failure = Mutex<(any Error)?>(nil)

    init(middleware: ResponseCacheMiddleware<Context>, request: Request, primary: String, key: String) {
        self.middleware = middleware
        self.request = request
        self.primary = primary
        self.key = key
    }

    var cache: ResponseCache { middleware.cache }
    var policy: HTTPCachePolicy { middleware.policy }
    var now: Double { Double(cache.clock.now) / 1_000 }

    /// The flight's options (what waiters wait at most); every stored entry gets its own from its response.
    var defaultOptions: ResponseCacheEntryOptions {
        ResponseCacheEntryOptions(
            duration: .zero,
            hardTimeout: middleware.configuration.waitTimeout,
            earlyRefreshBeta: 0
        )
    }

    /// Calls the origin (`GET`, conditional when a stale entry has validators) and says what to cache.
    func call(
        stale: ResponseCacheEntry?,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> ResponseCacheLoad {
        var head = request.head
        head.method = .get
        // The client's own validators are answered by us; the origin is asked for a full response to store.
        head.headerFields[.ifNoneMatch] = nil
        head.headerFields[.ifModifiedSince] = nil
        var previous: (status: Int, headers: HTTPFields, body: ByteBuffer, metadata: HTTPCacheMetadata)?
        if case .response(let status, let headers, let body, let metadata)? = stale.flatMap({
            StoredResponse(decoding: $0.value)
        })?.content {
            previous = (status, headers, body, metadata)
            head = HTTPCacheValidation.revalidationRequest(for: head, stored: metadata)
        }
        let requestTime = now
        let response: Response
        do {
            response = try await next(Request(head: head, body: request.body), context)
        } catch {
            // A handler's own answer (a 404 problem) goes to the client; a failure may be answered stale.
            let isAnswer = ((error as? any HTTPResponseError)?.status.code ?? 500) < 500
            if !isAnswer, let previous,
                policy.canServeStale(onErrorFor: request.head, stored: previous.metadata, now: now)
            {
                throw error
            }
            failure.withLock { $0 = error }
            return .uncached(ByteBuffer())
        }
        let responseTime = now
        let answer = HTTPResponse(status: response.status, headerFields: response.headers)
        if response.status == .notModified, let previous,
            HTTPCacheValidation.validates(stored: previous.metadata, notModified: response.headers)
        {
            let refreshed = policy.refreshed(
                storedResponse: HTTPResponse(status: .init(code: previous.status), headerFields: previous.headers),
                notModified: answer,
                request: head,
                requestTime: requestTime,
                responseTime: responseTime
            )
            let stored = StoredResponse(
                .response(
                    status: previous.status,
                    headers: refreshed.response.headerFields,
                    body: previous.body,
                    metadata: refreshed.metadata
                )
            )
            return .store(stored.encoded(), options: options(for: refreshed.metadata, tags: tags(previous.headers)))
        }
        if HTTPCachePolicy.isOriginError(response.status), let previous,
            policy.canServeStale(onErrorFor: request.head, stored: previous.metadata, now: responseTime)
        {
            throw ResponseCacheError(.originFailed, "the origin answered \(response.status.code)")
        }
        if let refusal = policy.refusal(request: head, response: answer) {
            deliver(response, detail: refusal.detail)
            return HTTPCachePolicy.isOriginError(response.status) ? .uncached(ByteBuffer()) : .pass(ByteBuffer())
        }
        if HTTPCacheControl(request.head.headerFields).noStore {
            deliver(response, detail: "request-no-store")
            return .uncached(ByteBuffer())
        }
        let limit = middleware.configuration.maximumBodySize
        if let length = response.body.contentLength, length > limit {
            deliver(response, detail: "too-large")
            return .pass(ByteBuffer())
        }
        let body = try await Self.collect(response.body)
        var headers = HTTPCacheValidation.storableFields(response.headers)
        let entryTags = tags(response.headers)
        headers[.surrogateKey] = nil
        if body.readableBytes > limit {
            deliver(
                Response(status: response.status, headers: headers, body: ResponseBody(byteBuffer: body)),
                detail: "too-large"
            )
            return .pass(ByteBuffer())
        }
        let metadata = policy.metadata(
            request: head,
            response: answer,
            requestTime: requestTime,
            responseTime: responseTime
        )
        let stored = StoredResponse(
            .response(status: response.status.code, headers: headers, body: body, metadata: metadata)
        )
        let entryOptions = options(for: metadata, tags: entryTags)
        if !metadata.varyFieldNames.isEmpty, key == primary {
            // The first answer of a URL that varies: a marker at the URL, the variant at its own key.
            let variant = CachedAnswer.variantKey(
                primary: primary,
                names: metadata.varyFieldNames,
                fields: request.head.headerFields
            )
            _ = try? await cache.set(variant, value: stored.encoded(), options: entryOptions)
            delivered.withLock {
                $0 = Response(status: response.status, headers: headers, body: ResponseBody(byteBuffer: body))
            }
            return .store(StoredResponse(.vary(metadata.varyFieldNames)).encoded(), options: entryOptions)
        }
        return .store(stored.encoded(), options: entryOptions)
    }

    /// The client's answer when this request made the origin call itself (not a stored entry).
    func finishDelivered(_ response: Response, result: ResponseCacheResult) async throws -> Response {
        var response = response
        response.headers[.surrogateKey] = nil
        if response.headers[.cacheStatus] == nil {
            response.headers[.cacheStatus] = middleware.cacheStatus(for: result, ttl: nil)
        }
        if request.head.method == .head { response.body = ResponseBody() }
        return response
    }

    func deliver(_ response: Response, detail: String) {
        var response = response
        response.headers[.surrogateKey] = nil
        response.headers[.cacheStatus] = middleware.answers.status(hit: false, forward: .uriMiss, detail: detail)
        delivered.withLock { $0 = response }
    }

    /// The entry's times from the response's: fresh for what remains of its lifetime, served stale while
    /// revalidating within `stale-while-revalidate`, kept for revalidation and `stale-if-error`.
    func options(for metadata: HTTPCacheMetadata, tags: [String]) -> ResponseCacheEntryOptions {
        let remaining = metadata.noCache ? 0 : max(0, metadata.timeToLive(now: now))
        let revalidate = metadata.mustRevalidate || metadata.noCache ? 0 : (metadata.staleWhileRevalidate ?? 0)
        // Stale responses are kept: revalidated when they have a validator, served to `max-stale` requests, and
        // when the origin fails and `stale-if-error` allows.
        let keep = max(revalidate, metadata.staleIfError ?? 0, middleware.configuration.keepStale.components.seconds)
        return ResponseCacheEntryOptions(
            duration: .milliseconds(Int64(remaining * 1_000)),
            staleWhileRevalidate: .seconds(revalidate),
            maximumStaleness: .seconds(keep),
            hardTimeout: middleware.configuration.waitTimeout,
            tags: tags,
            earlyRefreshBeta: 0
        )
    }

    /// The response's `Surrogate-Key` tags that are valid (at most the bound), and the URL's own tag.
    func tags(_ headers: HTTPFields) -> [String] {
        let named = headers[values: .surrogateKey].flatMap { $0.split(separator: " ") }.map(String.init)
            .filter { (try? ResponseCacheKey.validate($0, kind: "tag")) != nil }
        return Array(named.prefix(ResponseCacheKey.maximumTags - 1))
            + [CachedAnswer.urlTag(primary)]
    }

    /// The whole body of a response.
    static func collect(_ body: ResponseBody) async throws -> ByteBuffer {
        let collector = BodyCollector()
        try await body.write(collector)
        return collector.buffer.withLock { $0 }
    }
}

/// Gathers a response body's buffers.
final class BodyCollector: ResponseBodyWriter, Sendable {
    let buffer = Mutex(ByteBuffer())

    func write(_ part: ByteBuffer) async throws {
        buffer.withLock { buffer in
            var part = part
            buffer.writeBuffer(&part)
        }
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
