import Dashboard
import Foundation
public import Hummingbird
import Logging
public import Platform

/// The rate limiter's HTTP API, under `/v1/ratelimit` (described by ``RateLimitOpenAPI``):
///
/// - `POST /check`: the decision API for other services (no admin credentials: a public write route).
/// - `GET /policies`, `GET`/`PUT`/`DELETE /policies/{name}`: policy management; writes need the admin token.
/// - `GET /stats`: cumulative counts for the dashboard.
/// - `GET /demo`: a tiny route behind ``RateLimitMiddleware`` with policy `demo`, keyed by client address;
///   `GET /demo/baseline`: the same handler without the middleware (what the benchmark compares against).
/// - `GET /openapi.json`: the OpenAPI 3.1 document; `GET /v1/ratelimit`: an index pointing at it.
///
/// Input is validated strictly: malformed JSON, unknown fields, numbers that are not integers or overflow, too
/// many descriptors, over-long keys (never truncated), and nonsensical policies are refused with a 400 problem
/// naming the field; an unknown policy is a 404 naming it.
public struct RateLimitController: Sendable {
    /// The decision route (relative to the API's prefix), which ``RateLimitSystem`` exempts from admin
    /// credentials.
    public static let checkRoute = "check"
    /// The demo route's policy, seeded at start when absent.
    public static let demoPolicyName = "demo"
    /// The most keys `GET /stats?top=` returns.
    public static let maximumTop = 100
    /// How many policies `GET /policies` returns when `limit` is not given.
    public static let defaultPageSize = 100
    /// The largest `limit` of `GET /policies`.
    public static let maximumPageSize = 1_000

    /// The demo policy seeded at start: GCRA, 5 per 10 s, bursts of 5.
    public static var demoPolicy: RateLimitPolicy {
        // Valid by construction (covered by the tests).
        try! RateLimitPolicy(name: demoPolicyName, algorithm: .gcra, limit: 5, window: .seconds(10), burst: 5)
    }

    let limiter: RateLimiter
    let registry: RateLimitPolicyRegistry
    let storeName: String
    let clientAddress: ClientAddressResolver

    /// Creates the controller.
    /// - Parameters:
    ///   - limiter: Decides `/check` and the demo route, and keeps the statistics.
    ///   - registry: The policies.
    ///   - storeName: `memory` or `redis`, reported by `/stats`.
    ///   - clientAddress: How the demo route finds the client's address behind trusted proxies.
    public init(
        limiter: RateLimiter,
        registry: RateLimitPolicyRegistry,
        storeName: String,
        clientAddress: ClientAddressResolver
    ) {
        self.limiter = limiter
        self.registry = registry
        self.storeName = storeName
        self.clientAddress = clientAddress
    }

    /// Adds the routes.
    public func addRoutes(to routes: SystemRoutes) {
        let api = routes.api
        api.get { _, _ in
            try Response.json([
                "openapi": routes.apiPath + "/openapi.json", "page": routes.pagePath, "store": storeName,
            ])
        }
        api.post(RouterPath(Self.checkRoute)) { request, context in
            try await check(request, context: context)
        }
        api.get("policies") { request, _ in
            try Response.json(try Self.page(of: registry.all, query: request.uri.queryParameters))
        }
        api.get("policies/{name}") { _, context in
            let name = try Self.name(context)
            guard let policy = registry.policy(named: name) else { throw Self.unknown([name]) }
            return try Response.json(policy)
        }
        api.put("policies/{name}") { request, context in
            try await put(request, context: context)
        }
        api.delete("policies/{name}") { request, context in
            let name = try Self.name(context)
            let force: Bool
            switch request.uri.queryParameters.get("force") {
            case nil, "false": force = false
            case "true": force = true
            default: throw ProblemDetails.invalidParameter("force must be true or false.")
            }
            guard try await Self.storing({ try await registry.delete(name: name, force: force) }) else {
                throw Self.unknown([name])
            }
            context.logger.info(
                "Rate-limit policy deleted through the API",
                metadata: ["ratelimit.policy": .string(name), "ratelimit.forced": .stringConvertible(force)]
            )
            return Response(status: .noContent)
        }
        api.get("stats") { request, _ in
            var top = 10
            if let text = request.uri.queryParameters.get("top") {
                guard let value = Int(text), (1...Self.maximumTop).contains(value) else {
                    throw ProblemDetails.invalidParameter("top must be an integer between 1 and \(Self.maximumTop).")
                }
                top = value
            }
            let stats = RateLimitAPI.Stats(
                limiter.statistics.snapshot(top: top),
                usingFallback: limiter.isUsingFallback,
                store: storeName
            )
            return try Response.json(stats)
        }
        registry.recordUse(of: Self.demoPolicyName, by: "GET \(routes.apiPath)/demo")
        api.group("demo")
            .add(
                middleware: RateLimitMiddleware(
                    limiter: limiter,
                    policies: registry,
                    names: [Self.demoPolicyName],
                    key: .clientIP(clientAddress),
                    missingKey: .shared("ip:unknown")
                )
            )
            .get { _, _ in
                try Response.json(["status": "ok", "policy": Self.demoPolicyName])
            }
        // The same handler without the middleware: the baseline of `mastery bench ratelimit`.
        api.get("demo/baseline") { _, _ in
            try Response.json(["status": "ok", "policy": Self.demoPolicyName])
        }
        api.get("openapi.json") { _, _ in StaticAsset.json(RateLimitOpenAPI.json).response }
    }

    // MARK: - Handlers

    func check(_ request: Request, context: MasteryRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(as: RateLimitAPI.CheckRequest.self, context: context)
        guard (1...RateLimitCheck.maximumChecks).contains(body.descriptors.count) else {
            throw ProblemDetails.badRequest(
                "descriptors must hold 1 to \(RateLimitCheck.maximumChecks) descriptors, not \(body.descriptors.count)."
            )
        }
        if let cost = body.cost { try Self.validate(cost: cost, field: "cost") }
        for (index, descriptor) in body.descriptors.enumerated() {
            do {
                try RateLimitCheck.validate(key: descriptor.key)
            } catch let error as RateLimitError {
                throw ProblemDetails.badRequest("descriptors[\(index)].key: \(error.message).")
            }
            if let cost = descriptor.cost { try Self.validate(cost: cost, field: "descriptors[\(index)].cost") }
        }
        var checks: [RateLimitCheck] = []
        var unknown: [String] = []
        for descriptor in body.descriptors {
            guard let policy = registry.policy(named: descriptor.policy) else {
                if !unknown.contains(descriptor.policy) { unknown.append(descriptor.policy) }
                continue
            }
            checks.append(RateLimitCheck(policy: policy, key: descriptor.key, cost: descriptor.cost ?? body.cost ?? 1))
        }
        guard unknown.isEmpty else { throw Self.unknown(unknown) }
        let result = try await limiter.check(checks)
        return try Response.json(RateLimitAPI.CheckResponse(result))
    }

    func put(_ request: Request, context: MasteryRequestContext) async throws -> Response {
        let name = try Self.name(context)
        guard RateLimitPolicy.isValidName(name) else {
            throw ProblemDetails.invalidPolicy("The \(RateLimitPolicy.invalidNameMessage(name)).")
        }
        let data = try await request.collectJSON(context: context)
        let policy = try Self.policy(from: data, named: name)
        try await Self.storing { try await registry.put(policy) }
        context.logger.info("Rate-limit policy stored through the API", metadata: ["ratelimit.policy": .string(name)])
        return try Response.json(policy)
    }

    // MARK: - Helpers

    /// The path's policy name, percent-decoded (`x%3Ay` is `x:y`).
    /// - Throws: ``ProblemDetails`` 400 `invalid-parameter` for a malformed percent-encoding.
    static func name(_ context: MasteryRequestContext) throws -> String {
        let raw = try context.parameters.require("name")
        guard let name = raw.removingPercentEncoding else {
            throw ProblemDetails.invalidParameter("The policy name in the path is not valid percent-encoded UTF-8.")
        }
        return name
    }

    /// One page of `policies` (sorted by name) for `?limit=&after=`: at most `limit` (``defaultPageSize`` by
    /// default, at most ``maximumPageSize``) policies named after `after`, and the cursor of the next page.
    /// - Throws: ``ProblemDetails`` 400 `invalid-parameter` for a bad `limit`.
    static func page(of policies: [RateLimitPolicy], query: Parameters) throws -> RateLimitAPI.PolicyList {
        var limit = defaultPageSize
        if let text = query.get("limit") {
            guard let value = Int(text), (1...maximumPageSize).contains(value) else {
                throw ProblemDetails.invalidParameter("limit must be an integer between 1 and \(maximumPageSize).")
            }
            limit = value
        }
        var remaining = policies[...]
        if let after = query.get("after") {
            // The list is sorted: the page starts at the first name after the cursor.
            var low = remaining.startIndex
            var high = remaining.endIndex
            while low < high {
                let middle = (low + high) / 2
                if remaining[middle].name <= after { low = middle + 1 } else { high = middle }
            }
            remaining = remaining[low...]
        }
        let page = Array(remaining.prefix(limit))
        return RateLimitAPI.PolicyList(policies: page, next: remaining.count > limit ? page.last?.name : nil)
    }

    /// Decodes a policy body for the path's `name`: a JSON object of the policy's fields, `name` optional but,
    /// when present, equal to the path's.
    /// - Throws: ``ProblemDetails`` 400: `malformed-json` for malformed JSON, unknown fields and numbers that are not
    ///   integers where integers belong; `bad-request` for a name that differs; `invalid-policy` for a policy that
    ///   makes no sense.
    static func policy(from data: Data, named name: String) throws -> RateLimitPolicy {
        do {
            return try decodePolicy(from: data, named: name)
        } catch let error as DecodingError {
            throw ProblemDetails.malformedJSON(error, body: data)
        }
    }

    private static func decodePolicy(from data: Data, named name: String) throws -> RateLimitPolicy {
        let probe = try JSONDecoder().decode(PolicyProbe.self, from: data)
        var body = data
        if let named = probe.name {
            guard named == name else {
                throw ProblemDetails.badRequest(
                    "The body names policy \(RateLimitPolicy.quoted(named)) but the path names \(RateLimitPolicy.quoted(name))."
                )
            }
        } else if let brace = body.firstIndex(of: UInt8(ascii: "{")) {
            // The name is a valid policy name (checked by the caller): no character of it needs escaping.
            let member = "\"name\":\"\(name)\"" + (probe.isEmpty ? "" : ",")
            body.insert(contentsOf: Data(member.utf8), at: body.index(after: brace))
        }
        return try JSONDecoder().decode(RateLimitPolicy.self, from: body)
    }

    /// The fields of a policy body, to refuse unknown ones and read the optional name.
    struct PolicyProbe: Decodable {
        static let fields = ["name", "algorithm", "limit", "window", "burst", "onStoreFailure", "localFraction"]
        let name: String?
        let isEmpty: Bool

        init(from decoder: any Decoder) throws {
            try StrictKeys.check(decoder, allowed: Self.fields)
            let container = try decoder.container(keyedBy: StrictKeys.AnyKey.self)
            name = try container.decodeIfPresent(String.self, forKey: StrictKeys.AnyKey(stringValue: "name"))
            isEmpty = container.allKeys.isEmpty
            // Integers that overflow or have a fraction: named here, at their field.
            for field in ["limit", "burst"] {
                _ = try StrictKeys.integer(container, StrictKeys.AnyKey(stringValue: field))
            }
        }
    }

    static func validate(cost: Int, field: String) throws {
        guard (0...RateLimitCheck.maximumCost).contains(cost) else {
            throw ProblemDetails.badRequest(
                "\(field) must be between 0 and \(RateLimitCheck.maximumCost), not \(cost)."
            )
        }
    }

    static func unknown(_ names: [String]) -> ProblemDetails {
        let list = names.prefix(RateLimitCheck.maximumChecks).map(RateLimitPolicy.quoted).joined(separator: ", ")
        return RateLimitError(.unknownPolicy, "there is no policy \(list)").problem
    }

    /// Runs a policy-store write, turning a store failure into its problem (503).
    @discardableResult
    static func storing<T: Sendable>(_ write: () async throws -> T) async throws -> T {
        do {
            return try await write()
        } catch let error as RateLimitError {
            throw error.problem
        }
    }
}

extension RateLimitPolicyRegistry: RateLimitPolicyLookup {}
