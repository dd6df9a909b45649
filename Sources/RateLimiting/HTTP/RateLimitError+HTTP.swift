import HTTPTypes
public import Platform

extension ProblemDetails {
    /// `429 /problems/rate-limited`: a limit rejected the request.
    public static let rateLimited = Kind(
        slug: "rate-limited",
        title: "Too Many Requests",
        status: .tooManyRequests,
        summary:
            "A rate limit rejected the request: Retry-After says when to try again, RateLimit what is left of each policy."
    )
    /// `400 /problems/invalid-policy`: a rate-limit policy that makes no sense.
    public static let invalidPolicy = Kind(
        slug: "invalid-policy",
        title: "Invalid Rate-Limit Policy",
        status: .badRequest,
        summary:
            "The rate-limit policy makes no sense: a zero or negative limit, a window out of range, an unknown algorithm, numbers that overflow, or a bad name."
    )

    /// `409 /problems/too-many-policies`: a new policy past `ratelimit.maxPolicies`.
    public static let tooManyPolicies = Kind(
        slug: "too-many-policies",
        title: "Too Many Rate-Limit Policies",
        status: .conflict,
        summary:
            "The maximum number of rate-limit policies (ratelimit.maxPolicies) is stored already: delete one, replace one, or raise the maximum."
    )
    /// `409 /problems/policy-in-use`: deleting a policy a route's middleware applies.
    public static let policyInUse = Kind(
        slug: "policy-in-use",
        title: "Rate-Limit Policy In Use",
        status: .conflict,
        summary:
            "A route's rate-limit middleware applies the policy: deleting it would remove that limit. Add ?force=true to delete it anyway."
    )

    /// The problem types the rate limiter adds to Platform's.
    public static let rateLimitKinds: [Kind] = [rateLimited, invalidPolicy, tooManyPolicies, policyInUse]
}

extension RateLimitError: ProblemDetailsConvertible {
    /// The error as an RFC 9457 problem, which `ProblemMiddleware` answers with wherever a route throws it: `invalidPolicy` → 400 `invalid-policy`; `invalidKey` and `invalidCost`
    /// → 400 `bad-request`; `unknownPolicy` → 404 `not-found`; `policyLimitReached` → 409 `too-many-policies`;
    /// `policyInUse` → 409 `policy-in-use`; `storeUnavailable` and `storeTimeout` → 503
    /// `unavailable`. The detail is the error's message (which never holds secrets), as a sentence.
    public var problem: ProblemDetails {
        let detail = Self.sentence(message)
        switch code {
        case .invalidPolicy: return ProblemDetails.invalidPolicy(detail)
        case .invalidKey, .invalidCost: return ProblemDetails.badRequest(detail)
        case .unknownPolicy: return ProblemDetails.notFound(detail)
        case .policyLimitReached: return ProblemDetails.tooManyPolicies(detail)
        case .policyInUse: return ProblemDetails.policyInUse(detail)
        case .storeUnavailable, .storeTimeout:
            return ProblemDetails.unavailable("The rate-limit store cannot answer: \(message).")
        default: return ProblemDetails.internalError(detail)
        }
    }

    /// The problem of a rejected request: `429 /problems/rate-limited` naming the policies that rejected it,
    /// with `headers` (``RateLimitHeaders/fields(for:)``) attached.
    static func rejection(_ result: RateLimitResult, headers: HTTPFields) -> ProblemDetails {
        let rejecting = result.decisions.filter { !$0.allowed }.map { RateLimitPolicy.quoted($0.policy.name) }
        let names = rejecting.isEmpty ? "the rate limit" : "policy " + rejecting.joined(separator: ", ")
        let detail: String
        if result.source == .failClosed {
            detail = "Requests under \(names) are refused while the rate-limit store is unavailable."
        } else if let retryAfter = result.retryAfter {
            detail =
                "Too many requests under \(names); retry after \(RateLimitHeaders.retryAfterSeconds(retryAfter)) s."
        } else {
            detail = "The request costs more than \(names) can ever admit at once."
        }
        return ProblemDetails.rateLimited(detail, headers: headers)
    }

    /// `text` with a capital first letter and a final full stop.
    static func sentence(_ text: String) -> String {
        guard let first = text.first else { return text }
        let capitalised = first.uppercased() + text.dropFirst()
        return capitalised.hasSuffix(".") ? capitalised : capitalised + "."
    }
}
