import Dashboard
import Hummingbird
import Platform

/// The pool monitor's dashboard page, `GET /systems/pool`, inside the dashboard frame.
///
/// The server renders the first paint from a Mustache template (``PoolPageTemplates``): the counts and limits from
/// the pool's snapshot. A script served beside the page (``PoolPageScript``; no inline script or style, for the
/// server's CSP) polls `GET /v1/pool` every second through the kit's `Mastery.poll`, reading the API's path from
/// `data-api`, and redraws the counts, the `pg_stat_activity` cross-check and two SVG charts of the last samples
/// (in use, idle and waiting; the p95 acquire wait). The resize form writes through `Mastery.send` (the session's
/// CSRF token); everything from the API is written as text.
struct PoolPage: Sendable {
    /// The page's templates, to register in the `DashboardRenderer` given to the page.
    static var templates: [String: String] { PoolPageTemplates.all }

    let renderer: DashboardRenderer
    let api: PoolAPI

    /// Adds the page and its assets beside it (`page.css`, `page.js`).
    func addRoutes(to routes: SystemRoutes) {
        let apiPath = routes.apiPath
        let assets = PageAssets.beside(routes.pagePath)
        routes.page.get { request, context in
            let status = await api.status(checked: false, logger: context.logger)
            return renderer.page(
                title: "Connection pool",
                template: PoolPageTemplates.page,
                context: PoolPageContent(apiPath: apiPath, status: status).context,
                assets: assets,
                request: request
            )
        }
        routes.page.get("page.css") { _, _ in StaticAsset.stylesheet(PoolPageTemplates.style).response }
        routes.page.get("page.js") { _, _ in StaticAsset.script(PoolPageScript.script).response }
    }
}

/// The page's content without the frame: a pure function of the status, so it is tested without a server.
struct PoolPageContent: Sendable {
    /// The API's path (`/v1/pool`), put in `data-api` for the script.
    var apiPath: String
    var status: PoolViews.Status

    /// What the template reads.
    struct Context {
        struct Count {
            var id: String
            var label: String
            var value: String
        }
        var apiPath: String
        var configured: Bool
        var counts: [Count]
        var counters: [Count]
        var minimum: Int
        var maximum: Int
        var maximumAllowed: Int
    }

    var context: Context {
        let snapshot = status.pool
        func count(_ id: String, _ label: String, _ value: Int?) -> Context.Count {
            Context.Count(id: id, label: label, value: value.map(String.init) ?? "—")
        }
        return Context(
            apiPath: apiPath,
            configured: status.configured,
            counts: [
                count("total", "Total", snapshot?.total), count("inUse", "In use", snapshot?.inUse),
                count("idle", "Idle", snapshot?.idle), count("waiting", "Waiting", snapshot?.waiting),
                count("opening", "Opening", snapshot?.opening), count("dedicated", "Dedicated", snapshot?.dedicated),
                count("minimum", "Minimum", snapshot?.minimum), count("maximum", "Maximum", snapshot?.maximum),
            ],
            counters: [
                count("acquired", "Acquires served", snapshot?.acquired),
                count("timeouts", "Acquire timeouts", snapshot?.timeouts),
                count("leaks", "Leaks", snapshot?.leaks),
                count("connectionErrors", "Connection errors", snapshot?.connectionErrors),
                count("sizeChanges", "Size changes", snapshot?.sizeChanges),
                count("connectionsOpened", "Connections opened", snapshot?.connectionsOpened),
                count("connectionsClosed", "Connections closed", snapshot?.connectionsClosed),
            ],
            minimum: snapshot?.minimum ?? 0,
            maximum: snapshot?.maximum ?? 1,
            maximumAllowed: PoolSystem.Configuration.maximumLimit
        )
    }
}
