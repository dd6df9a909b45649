public import Hummingbird
import Mustache
public import Platform

/// Renders dashboard pages from Mustache templates inside the shared frame, with the session's CSRF token in the
/// page so scripts can change state. Systems use it for their own pages (`/systems/<slug>`).
///
/// A page is a template and a context. The template is the page's content (what goes in `<main>`); the renderer
/// puts it in the frame, the `layout` template, through a wrapper that inherits it (`{{<layout}}{{$content}}` and
/// the page's template as a partial). The context is a struct (read through its stored properties) or a
/// `[String: Any]`; inside the page's template its names come first, then the frame's (`title`, `signedIn`).
///
/// `{{name}}` HTML-escapes `&`, `<`, `>`, `"` and `'`, so a value is safe in element content and in a quoted
/// attribute value; the kit never renders `{{{raw}}}` values and pages should not either (build a list of parts
/// and let the template add the markup). Partials the kit offers: `{{>status}}` (a status glyph drawn by CSS:
/// `statusGlyph` is `todo`, `active`, `done`, `skipped`, `ok` or `error`, `statusLabel` its text).
public struct DashboardRenderer: Sendable {
    let library: MustacheLibrary
    let credentials: AdminCredentials

    /// The names of the kit's own templates; a system's templates take other names (by convention `<slug>/<name>`).
    public static let reservedTemplateNames: Set<String> = Set(Templates.all.keys)

    /// Creates a renderer with the kit's templates and `templates`.
    /// - Parameters:
    ///   - credentials: The admin credentials (to recognise a session and derive its CSRF token).
    ///   - templates: A system's templates by name (Mustache text); any name but ``reservedTemplateNames``.
    /// - Throws: When a template does not parse (the error names the line).
    public init(credentials: AdminCredentials, templates: [String: String] = [:]) throws {
        var library = MustacheLibrary()
        for (name, text) in Templates.all {
            try library.register(text, named: name)
        }
        for (name, text) in templates {
            precondition(!Self.reservedTemplateNames.contains(name), "\(name) is the name of a dashboard template")
            try library.register(text, named: name)
        }
        for name in Set(Templates.all.keys).union(templates.keys) where name != "layout" {
            try library.register(Templates.framed(name), named: Templates.framedName(name))
        }
        self.library = library
        self.credentials = credentials
    }

    /// Renders a Mustache template string with `object`, HTML-escaping `{{values}}`.
    /// - Throws: When the template does not parse.
    public static func render(template: String, _ object: Any) throws -> String {
        try MustacheTemplate(string: template).render(object)
    }

    /// Renders the registered template `template` with `context`, without the frame (a fragment, or a page's
    /// content for a test).
    /// - Parameters:
    ///   - template: The template's registered name.
    ///   - context: A struct or a `[String: Any]`.
    /// - Returns: The HTML; empty when no template has that name (a programming error, caught in debug builds).
    public func render(template: String, context: Any) -> String {
        guard let html = library.render(context, withTemplate: template) else {
            assertionFailure("No template named \(template)")
            return ""
        }
        return html
    }

    /// A full page: the registered template `template` rendered with `context`, inside the frame (which inherits
    /// `layout`). A signed-in page (a valid session cookie) carries the session's CSRF token so its scripts can
    /// change state; otherwise the frame links to the sign-in page. A page never starts a session by itself:
    /// sessions come only from the admin token or a one-time sign-in link.
    /// - Parameters:
    ///   - title: The page's title.
    ///   - template: The page template's registered name (its content, without the frame).
    ///   - context: The values the template reads (a struct or a `[String: Any]`).
    ///   - assets: The page's own stylesheets and scripts, loaded after the kit's.
    ///   - request: The request (its session cookie).
    public func page(
        title: String,
        template: String,
        context: Any,
        assets: PageAssets = .none,
        request: Request
    ) -> Response {
        let cookie = request.cookies[AdminCredentials.sessionCookie]?.value
        let session = cookie.flatMap { (value: String) -> String? in credentials.verify(session: value) ? value : nil }
        let frame = DashboardFrame(
            title: title,
            csrfToken: session.map(credentials.csrfToken(for:)) ?? "",
            signedIn: session != nil,
            stylesheets: assets.stylesheets,
            scripts: assets.scripts,
            page: context
        )
        return Response(
            status: .ok,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(
                byteBuffer: ByteBuffer(string: render(template: Templates.framedName(template), context: frame))
            )
        )
    }

    static func sessionCookie(_ value: String) -> Cookie {
        Cookie(
            name: AdminCredentials.sessionCookie,
            value: value,
            maxAge: Int(AdminCredentials.sessionLifetime.components.seconds),
            path: "/",
            secure: false,
            httpOnly: true,
            sameSite: .strict
        )
    }
}
