public import Hummingbird
import Logging
import Platform

/// Limits the routes it is added to: every request is checked against the configured policies under a key
/// taken from the request, and rejected with `429` when any policy rejects it.
///
/// ```swift
/// router.group("/v1/search")
///     .add(middleware: RateLimitMiddleware(
///         limiter: limiter, policies: registry, names: ["search-per-second", "search-per-day"],
///         key: .clientIP(ClientAddressResolver(trustedProxies: proxies))))
///     .get { _, _ in … }
/// ```
///
/// - Policies are looked up by name on every request (through the registry, so a policy changed through the
///   API applies to the next request). A name with no policy is skipped; with none left, the request passes
///   unlimited and without rate-limit fields.
/// - Every response the middleware lets through carries `RateLimit-Policy` and `RateLimit`
///   (``RateLimitHeaders``), also when a later handler throws: its problem response gets them too.
/// - A rejection is answered here, without calling the handler: `429` with `Retry-After`, the two fields and a
///   `/problems/rate-limited` body. Nothing is consumed from any policy when one rejects.
/// - A request without a key (see ``RateLimitKeyExtractor``) follows ``MissingKey``; a key longer than
///   ``RateLimitCheck/maximumKeyLength`` bytes is refused with `400`, never truncated.
/// - When the store fails, each policy's failure mode decides (``RateLimiter``): the request never waits longer
///   than the limiter's decision timeout.
public struct RateLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    /// What happens to a request whose key cannot be extracted.
    public enum MissingKey: Sendable, Hashable {
        /// It passes unlimited, without rate-limit fields (for example: limit API-key holders only).
        case skip
        /// It is limited under this one key, shared by every request without one (for example `anonymous`).
        case shared(String)
    }

    let limiter: RateLimiter
    let policies: any RateLimitPolicyLookup
    let names: [String]
    let key: RateLimitKeyExtractor<Context>
    let cost: Int
    let missingKey: MissingKey

    /// Creates the middleware.
    /// - Parameters:
    ///   - limiter: Decides (and counts) each request.
    ///   - policies: Where the policies are looked up by name on every request.
    ///   - names: 1 to ``RateLimitCheck/maximumChecks`` policy names; the request must pass all of them.
    ///     Duplicates are ignored.
    ///   - key: What to limit by.
    ///   - cost: The units each request consumes, 0 to ``RateLimitCheck/maximumCost`` (1 by default).
    ///   - missingKey: What to do with a request that has no key (``MissingKey/skip`` by default).
    public init(
        limiter: RateLimiter,
        policies: some RateLimitPolicyLookup,
        names: [String],
        key: RateLimitKeyExtractor<Context>,
        cost: Int = 1,
        missingKey: MissingKey = .skip
    ) {
        var unique: [String] = []
        for name in names where !unique.contains(name) { unique.append(name) }
        precondition(
            (1...RateLimitCheck.maximumChecks).contains(unique.count),
            "1 to \(RateLimitCheck.maximumChecks) policy names"
        )
        precondition(
            (0...RateLimitCheck.maximumCost).contains(cost),
            "cost must be between 0 and \(RateLimitCheck.maximumCost)"
        )
        if case .shared(let shared) = missingKey {
            precondition(
                (try? RateLimitCheck.validate(key: shared)) != nil,
                "the shared key must be 1 to \(RateLimitCheck.maximumKeyLength) bytes"
            )
        }
        self.limiter = limiter
        self.policies = policies
        self.names = unique
        self.key = key
        self.cost = cost
        self.missingKey = missingKey
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var checks: [RateLimitCheck] = []
        checks.reserveCapacity(names.count)
        var requestKey: String? = nil
        for name in names {
            guard let policy = policies.policy(named: name) else { continue }
            if requestKey == nil {
                requestKey = key.key(for: request, context: context)
                if requestKey == nil {
                    switch missingKey {
                    case .skip: return try await next(request, context)
                    case .shared(let shared): requestKey = shared
                    }
                }
            }
            checks.append(RateLimitCheck(policy: policy, key: requestKey!, cost: cost))
        }
        guard !checks.isEmpty else { return try await next(request, context) }
        // With the in-memory store the decision is synchronous: no suspension on the way to the handler. A
        // RateLimitError becomes its problem in ProblemMiddleware.
        let result: RateLimitResult
        if let immediate = try limiter.checkImmediately(checks) {
            result = immediate
        } else {
            result = try await limiter.check(checks)
        }
        guard result.allowed else {
            context.logger.debug(
                "Request throttled",
                metadata: [
                    "ratelimit.policy": .string(result.binding?.policy.name ?? ""),
                    "ratelimit.key": .string(checks[0].key),
                    "ratelimit.source": .string(result.source.rawValue),
                ]
            )
            return try RateLimitError.rejection(result, headers: RateLimitHeaders.fields(for: result))
                .response(from: request, context: context)
        }
        do {
            var response = try await next(request, context)
            RateLimitHeaders.append(result, to: &response.headers)
            return response
        } catch var problem as ProblemDetails {
            RateLimitHeaders.append(result, to: &problem.headers)
            throw problem
        } catch {
            throw AdditionalHeadersError(error, headers: RateLimitHeaders.fields(for: result))
        }
    }
}
