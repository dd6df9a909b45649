public import Hummingbird
import Mustache
public import Platform

/// Renders dashboard pages inside the shared frame, with the session's CSRF token in the page so scripts can
/// change state. Systems use it for their own pages (`/systems/<slug>`).
public struct DashboardRenderer: Sendable {
    let library: MustacheLibrary
    let credentials: AdminCredentials

    /// Creates a renderer.
    public init(credentials: AdminCredentials) throws {
        var library = MustacheLibrary()
        try library.register(Templates.layout, named: "layout")
        try library.register(Templates.systems, named: "systems")
        try library.register(Templates.login, named: "login")
        self.library = library
        self.credentials = credentials
    }

    /// Renders a Mustache template string with `object`, HTML-escaping `{{values}}`.
    /// - Throws: When the template does not parse.
    public static func render(template: String, _ object: Any) throws -> String {
        try MustacheTemplate(string: template).render(object)
    }

    /// A full page: `content` (HTML) inside the frame. A signed-in page (a valid session cookie) carries the
    /// session's CSRF token so its scripts can change state; otherwise the frame links to the sign-in page. A
    /// page never starts a session by itself: sessions come only from the admin token or a one-time sign-in link.
    public func page(title: String, content: String, request: Request) -> Response {
        let cookie = request.cookies[AdminCredentials.sessionCookie]?.value
        let session = cookie.flatMap { (value: String) -> String? in credentials.verify(session: value) ? value : nil }
        let html =
            library.render(
                [
                    "title": title, "content": content, "csrfToken": session.map(credentials.csrfToken(for:)) ?? "",
                    "signedIn": session != nil,
                ] as [String: Any],
                withTemplate: "layout"
            ) ?? ""
        return Response(
            status: .ok,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html))
        )
    }

    func render(_ name: String, _ object: Any) -> String {
        library.render(object, withTemplate: name) ?? ""
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
