public import Dashboard
public import Hummingbird
public import Logging
public import Platform

/// The rate limiter's dashboard page, `GET /systems/ratelimit`, inside the dashboard frame.
///
/// The page is rendered on the server from the limiter's statistics and the policies (every key and name
/// HTML-escaped: keys are whatever clients send), then kept live by a small script, served as a file with the
/// style sheet (no inline script or style, so the page works under a strict `Content-Security-Policy`):
///
/// - it polls `GET /v1/ratelimit/stats` about once a second and shows allowed and denied decisions per second
///   (from the deltas of the cumulative counters) as numbers and as bars over the last minute, the totals, the
///   per-policy counts, the most limited keys and whether the store is failing (decisions by fallback);
/// - its "Fire burst" button sends ``burstSize`` requests, one after the other, to `GET /v1/ratelimit/demo` and
///   lists each response as it arrives: its status, and its `RateLimit` and `Retry-After` headers.
///
/// `RateLimitSystem` mounts it with ``addRoutes(to:)``.
public struct RateLimitPage: Sendable {
    /// Where the policies come from when the page is rendered (the policy registry).
    public typealias PolicySource = @Sendable () async throws -> [RateLimitPolicy]

    /// The page's path.
    public static let path = "/systems/ratelimit"
    /// The statistics the script polls.
    public static let statisticsPath = "/v1/ratelimit/stats"
    /// The rate-limited route the burst button fires at.
    public static let demoPath = "/v1/ratelimit/demo"

    let renderer: DashboardRenderer
    let limiter: RateLimiter
    let policies: PolicySource
    let storeName: String
    let burstSize: Int

    /// Creates the page.
    /// - Parameters:
    ///   - renderer: Renders the page inside the dashboard frame.
    ///   - limiter: The limiter whose statistics and fallback state the page shows.
    ///   - storeName: The store's name as `GET /v1/ratelimit/stats` reports it (`memory`, `redis`).
    ///   - burstSize: How many requests the "Fire burst" button sends (1 to 200; 20 by default).
    ///   - policies: The policies to list. When it throws (the shared store is down), the page still renders, with
    ///     the error in place of the table.
    public init(
        renderer: DashboardRenderer,
        limiter: RateLimiter,
        storeName: String,
        burstSize: Int = 20,
        policies: @escaping PolicySource
    ) {
        self.renderer = renderer
        self.limiter = limiter
        self.storeName = storeName
        self.burstSize = min(max(burstSize, 1), 200)
        self.policies = policies
    }

    /// Adds `GET /systems/ratelimit` and its assets, `GET /systems/ratelimit/page.css` and
    /// `GET /systems/ratelimit/page.js` (the page holds no inline script or style, for the server's CSP).
    public func addRoutes(to routes: SystemRoutes) {
        routes.page.get { request, context in
            await response(for: request, logger: context.logger)
        }
        routes.page.get("page.css") { _, _ in
            Self.asset(RateLimitPageAssets.style, contentType: "text/css; charset=utf-8")
        }
        routes.page.get("page.js") { _, _ in
            Self.asset(RateLimitPageAssets.script, contentType: "text/javascript; charset=utf-8")
        }
    }

    /// A static asset; revalidated on every load (`no-cache`), so a new server version is picked up at once.
    static func asset(_ text: String, contentType: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: contentType, .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
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
            burstSize: burstSize
        )
        return renderer.page(title: "Rate limiter", content: content.html, request: request)
    }
}
