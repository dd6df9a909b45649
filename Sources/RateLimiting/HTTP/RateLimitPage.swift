public import Dashboard
public import Hummingbird
public import Logging
public import Platform

/// The rate limiter's dashboard page, `GET <basePath>` (`/systems/ratelimit` as mounted today), inside the
/// dashboard frame.
///
/// The page is rendered on the server from a Mustache template (``RateLimitPageTemplates``) with the limiter's
/// statistics and the policies (every key and name HTML-escaped by the template: keys are whatever clients send),
/// then kept live by a small script on the dashboard kit's `Mastery` helper, served as a file beside the page with
/// the style sheet (no inline script or style, so the page works under a strict `Content-Security-Policy`):
///
/// - it polls `GET <apiPath>/stats` about once a second (backing off while it fails) and shows allowed and denied
///   decisions per second (from the deltas of the cumulative counters) as numbers and as bars over the last minute,
///   the totals, the per-policy counts, the most limited keys and whether the store is failing (decisions by
///   fallback);
/// - its "Fire burst" button sends ``burstSize`` requests, one after the other, to `GET <apiPath>/demo` and
///   lists each response as it arrives: its status, and its `RateLimit` and `Retry-After` headers.
///
/// `RateLimitSystem` mounts it with ``addRoutes(to:)``.
public struct RateLimitPage: Sendable {
    /// Where the policies come from when the page is rendered (the policy registry).
    public typealias PolicySource = @Sendable () async throws -> [RateLimitPolicy]

    /// The page's template, to register in the `DashboardRenderer` given to the page.
    public static var templates: [String: String] { RateLimitPageTemplates.all }

    /// The page's path; its stylesheet and script are served beside it (`<basePath>/page.css`, `…/page.js`).
    public let basePath: String
    /// The path of the limiter's API: the script polls `<apiPath>/stats` and fires at `<apiPath>/demo`.
    public let apiPath: String

    let renderer: DashboardRenderer
    let limiter: RateLimiter
    let policies: PolicySource
    let storeName: String
    let burstSize: Int

    /// Creates the page.
    /// - Parameters:
    ///   - renderer: Renders the page inside the dashboard frame; it must hold ``templates``.
    ///   - basePath: Where the page is mounted (`/systems/ratelimit`).
    ///   - apiPath: Where the limiter's API is mounted (`/v1/ratelimit`).
    ///   - limiter: The limiter whose statistics and fallback state the page shows.
    ///   - storeName: The store's name as `GET /v1/ratelimit/stats` reports it (`memory`, `redis`).
    ///   - burstSize: How many requests the "Fire burst" button sends (1 to 200; 20 by default).
    ///   - policies: The policies to list. When it throws (the shared store is down), the page still renders, with
    ///     the error in place of the table.
    public init(
        renderer: DashboardRenderer,
        basePath: String,
        apiPath: String,
        limiter: RateLimiter,
        storeName: String,
        burstSize: Int = 20,
        policies: @escaping PolicySource
    ) {
        self.renderer = renderer
        self.basePath = basePath
        self.apiPath = apiPath
        self.limiter = limiter
        self.storeName = storeName
        self.burstSize = min(max(burstSize, 1), 200)
        self.policies = policies
    }

    /// Adds the page (`GET /systems/ratelimit`, the group it is given) and its assets beside it, `page.css` and
    /// `page.js` (the page holds no inline script or style, for the server's CSP).
    public func addRoutes(to routes: SystemRoutes) {
        routes.page.get { request, context in
            await response(for: request, logger: context.logger)
        }
        routes.page.get("page.css") { _, _ in
            StaticAsset.stylesheet(RateLimitPageAssets.style).response
        }
        routes.page.get("page.js") { _, _ in
            StaticAsset.script(RateLimitPageAssets.script).response
        }
    }

    /// The page for `request` (a dashboard session is issued on a loopback server without an admin token, as on
    /// every dashboard page).
    public func response(for request: Request, logger: Logger) async -> Response {
        let listed: Result<[RateLimitPolicy], any Error>
        do {
            listed = .success(try await policies().sorted { $0.name < $1.name })
        } catch {
            logger.warning("Rate-limit page: the policies could not be read", metadata: ["ratelimit.error": "\(error)"])
            listed = .failure(error)
        }
        let content = RateLimitPageContent(
            policies: listed,
            statistics: limiter.statistics.snapshot(top: RateLimitPageContent.limitedKeyCount),
            usingFallback: limiter.isUsingFallback,
            storeName: storeName,
            burstSize: burstSize,
            basePath: basePath,
            apiPath: apiPath
        )
        return renderer.page(
            title: "Rate limiter",
            template: RateLimitPageTemplates.page,
            context: content.context,
            assets: content.assets,
            request: request
        )
    }
}
