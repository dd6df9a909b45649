import Foundation
public import Hummingbird
import Logging
public import Platform

/// The dashboard shell: `/` lists the 41 systems of the roadmap and which are mounted; `/dashboard/login` signs
/// in with the admin token; `/static/*` serves the shared stylesheet and script.
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

    /// Adds the routes.
    public func addRoutes(to router: Router<MasteryRequestContext>) {
        router.get("/") { request, _ in
            renderer.page(title: "Systems", content: systemsTable(), request: request)
        }
        router.get("/dashboard/login") { request, context in
            guard let code = request.uri.queryParameters["code"] else {
                return renderer.page(
                    title: "Sign in",
                    content: renderer.render("login", [String: String]()),
                    request: request
                )
            }
            return redeem(code: String(code), request: request, context: context)
        }
        router.post("/dashboard/login") { request, context in
            try await signIn(request: request, context: context)
        }
        router.get("/static/dashboard.css") { _, _ in
            Self.asset(Assets.css, type: "text/css; charset=utf-8")
        }
        router.get("/static/dashboard.js") { _, _ in
            Self.asset(Assets.javascript, type: "text/javascript; charset=utf-8")
        }
    }

    func systemsTable() -> String {
        let rows: [[String: Any]] = SystemCatalog.all.map { system in
            [
                "paddedNumber": system.paddedNumber, "name": system.name, "module": system.module,
                "summaryHTML": Self.inlineMarkdown(system.summary), "mounted": mounted.contains(system.module),
                "pagePath": system.pagePath, "apiPath": system.apiPath,
            ]
        }
        return renderer.render(
            "systems",
            ["systems": rows, "mountedCount": mounted.count, "total": SystemCatalog.all.count] as [String: Any]
        )
    }

    /// HTML-escapes `text` and turns `code` spans into `<code>` elements.
    static func inlineMarkdown(_ text: String) -> String {
        let escaped = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        var html = ""
        for (index, part) in escaped.split(separator: "`", omittingEmptySubsequences: false).enumerated() {
            html += index.isMultiple(of: 2) ? String(part) : "<code>\(part)</code>"
        }
        return html
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
            content: renderer.render("login", ["error": error]),
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

    static func asset(_ text: String, type: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: type, .cacheControl: "public, max-age=300"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }
}
