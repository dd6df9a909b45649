import Foundation
public import Hummingbird
import Logging
public import Platform

/// The dashboard shell: `/` lists the 41 systems of the roadmap and which are mounted; `/dashboard/login` signs
/// in with the admin token; `/dashboard/assets/*` serves the kit's stylesheet and script.
public struct DashboardController: Sendable {
    let renderer: DashboardRenderer
    let credentials: AdminCredentials
    let mounted: Set<String>
    let loginLinks: LoginLinks

    /// Creates the controller.
    /// - Parameters:
    ///   - renderer: The page renderer.
    ///   - credentials: The admin credentials (for sign-in).
    ///   - mountedModules: The modules of the systems this server mounts.
    ///   - loginLinks: The one-time sign-in links `GET /dashboard/login?code=…` redeems.
    public init(
        renderer: DashboardRenderer,
        credentials: AdminCredentials,
        mountedModules: Set<String>,
        loginLinks: LoginLinks
    ) {
        self.renderer = renderer
        self.credentials = credentials
        self.mounted = mountedModules
        self.loginLinks = loginLinks
    }

    /// The routes that change state without admin credentials (signing in).
    public static let publicWriteRoutes: Set<String> = ["/dashboard/login"]

    /// Adds the routes: `/`, the sign-in page and form, and the kit's stylesheet and script
    /// (``PageAssets/kitStylesheetPath``, ``PageAssets/kitScriptPath``; also at their former paths
    /// `/static/dashboard.css` and `/static/dashboard.js`, for pages cached before the move).
    public func addRoutes(to router: Router<MasteryRequestContext>) {
        router.get("/") { request, _ in
            renderer.page(title: "Systems", template: "systems", context: systemsPage(), request: request)
        }
        router.get("/dashboard/login") { request, context in
            guard let code = request.uri.queryParameters["code"] else {
                return renderer.page(title: "Sign in", template: "login", context: LoginPage(), request: request)
            }
            return redeem(code: String(code), request: request, context: context)
        }
        router.post("/dashboard/login") { request, context in
            try await signIn(request: request, context: context)
        }
        for path in [PageAssets.kitStylesheetPath, "/static/dashboard.css"] {
            router.get(RouterPath(path)) { _, _ in StaticAsset.stylesheet(Assets.css).response }
        }
        for path in [PageAssets.kitScriptPath, "/static/dashboard.js"] {
            router.get(RouterPath(path)) { _, _ in StaticAsset.script(Assets.javascript).response }
        }
    }

    /// The context of the `systems` template.
    struct SystemsPage {
        struct Row {
            var paddedNumber: String
            var name: String
            var module: String
            var summary: [InlineCode.Part]
            var mounted: Bool
            var pagePath: String
            var apiPath: String
        }
        var systems: [Row]
        var mountedCount: Int
        var total: Int
    }

    /// The context of the `login` template.
    struct LoginPage {
        var error: String?
    }

    func systemsPage() -> SystemsPage {
        SystemsPage(
            systems: SystemCatalog.all.map { system in
                SystemsPage.Row(
                    paddedNumber: system.paddedNumber,
                    name: system.name,
                    module: system.module,
                    summary: InlineCode.parts(of: system.summary),
                    mounted: mounted.contains(system.module),
                    pagePath: system.pagePath,
                    apiPath: system.apiPath
                )
            },
            mountedCount: mounted.count,
            total: SystemCatalog.all.count
        )
    }

    func signIn(request: Request, context: MasteryRequestContext) async throws -> Response {
        let body = request.body
        let buffer = try await body.collect(upTo: 4096)
        let form = String(buffer: buffer)
        let token = form.split(separator: "&").compactMap { pair -> String? in
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0] == "token" else { return nil }
            return String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }.first
        guard let token, credentials.verify(token: token) else {
            context.logger.notice("Dashboard sign-in refused")
            return refusal("That is not the admin token.", request: request)
        }
        context.logger.info("Dashboard signed in with the admin token")
        return signedIn()
    }

    /// Exchanges a one-time sign-in code for a session; a used, expired or unknown code shows the form again.
    func redeem(code: String, request: Request, context: MasteryRequestContext) -> Response {
        guard loginLinks.redeem(code) else {
            context.logger.notice("Dashboard sign-in link refused")
            return refusal(
                "That sign-in link was already used, has expired, or belongs to another server run.",
                request: request
            )
        }
        context.logger.info("Dashboard signed in with a one-time link")
        return signedIn()
    }

    /// The sign-in form again, with why, as a 401.
    func refusal(_ error: String, request: Request) -> Response {
        var response = renderer.page(
            title: "Sign in",
            template: "login",
            context: LoginPage(error: error),
            request: request
        )
        response.status = .unauthorized
        return response
    }

    /// A new session cookie and the way home.
    func signedIn() -> Response {
        var response = Response(status: .seeOther, headers: [.location: "/", .cacheControl: "no-store"])
        response.setCookie(DashboardRenderer.sessionCookie(credentials.makeSession()))
        return response
    }
}
