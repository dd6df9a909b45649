public import Hummingbird

/// Where a system's routes go, given to it by the composition root: its API under `/v1/<slug>` and its page
/// under `/systems/<slug>`. A system registers paths relative to these groups and never spells its own prefix;
/// where it must write a full URL (a link, a document) it takes ``apiPath`` or ``pagePath``.
public struct SystemRoutes {
    /// The group of the system's HTTP API (`/v1/<slug>`).
    public let api: RouterGroup<MasteryRequestContext>
    /// The group of the system's dashboard page and its assets (`/systems/<slug>`).
    public let page: RouterGroup<MasteryRequestContext>
    /// The API's prefix (`/v1/ratelimit`).
    public let apiPath: String
    /// The page's path (`/systems/ratelimit`).
    public let pagePath: String
    let router: Router<MasteryRequestContext>

    /// The groups of `descriptor` on `router`.
    public init(descriptor: SystemDescriptor, router: Router<MasteryRequestContext>) {
        self.router = router
        apiPath = descriptor.apiPath
        pagePath = descriptor.pagePath
        api = router.group(RouterPath(apiPath))
        page = router.group(RouterPath(pagePath))
    }

    /// Answers `GET legacyPath` with a permanent redirect (308) to the page, for a page that moved under
    /// `/systems/<slug>`: bookmarks keep working. The query string is kept.
    public func redirect(from legacyPath: String) {
        let target = pagePath
        router.get(RouterPath(legacyPath)) { request, _ in
            let query = request.uri.query.map { "?" + $0 } ?? ""
            return Response(status: .permanentRedirect, headers: [.location: target + query])
        }
    }
}
