/// What the `layout` template reads: the frame's own values, and the page's context under `page`, which the layout
/// pushes around the `content` block so the page's template sees its own names first and the frame's after them.
struct DashboardFrame {
    /// The page's title (the `<title>` adds "· Mastery").
    var title: String
    /// The session's CSRF token, or empty without a session.
    var csrfToken: String
    /// Whether the request carries a valid session.
    var signedIn: Bool
    /// The kit's stylesheet's URL.
    var kitStylesheet = PageAssets.kitStylesheetPath
    /// The kit's script's URL.
    var kitScript = PageAssets.kitScriptPath
    /// The page's own stylesheets' URLs.
    var stylesheets: [String]
    /// The page's own scripts' URLs.
    var scripts: [String]
    /// The page's context (a struct or a `[String: Any]`).
    var page: Any
}
