/// The page-specific stylesheets and scripts a page loads after the kit's own (`mastery.css`, `mastery.js`).
///
/// The frame links them in `<head>`: stylesheets with `<link rel="stylesheet">`, scripts with `<script defer>`, so
/// a page's script runs after the kit's and can use its `Mastery` helper. Pages hold no inline script or style (the
/// server's Content-Security-Policy refuses both), so everything a page needs beyond its markup is listed here.
public struct PageAssets: Hashable, Sendable {
    /// The stylesheets' URLs, in order.
    public var stylesheets: [String]
    /// The scripts' URLs, in order.
    public var scripts: [String]

    /// Where the kit's stylesheet is served (every page links it first).
    public static let kitStylesheetPath = "/dashboard/assets/mastery.css"
    /// Where the kit's script, the `Mastery` helper, is served (every page loads it before its own).
    public static let kitScriptPath = "/dashboard/assets/mastery.js"

    /// Creates the list.
    /// - Parameters:
    ///   - stylesheets: The stylesheets' URLs, in order.
    ///   - scripts: The scripts' URLs, in order.
    public init(stylesheets: [String] = [], scripts: [String] = []) {
        self.stylesheets = stylesheets
        self.scripts = scripts
    }

    /// No page-specific assets: the kit's stylesheet and script only.
    public static let none = PageAssets()

    /// The usual pair beside a page: `<basePath>/page.css` and `<basePath>/page.js`.
    /// - Parameter basePath: The page's path (`/systems/ratelimit`), given to the page by whoever mounts it.
    public static func beside(_ basePath: String) -> PageAssets {
        PageAssets(stylesheets: [stylesheetPath(beside: basePath)], scripts: [scriptPath(beside: basePath)])
    }

    /// `<basePath>/page.css`.
    public static func stylesheetPath(beside basePath: String) -> String { Self.join(basePath, "page.css") }

    /// `<basePath>/page.js`.
    public static func scriptPath(beside basePath: String) -> String { Self.join(basePath, "page.js") }

    static func join(_ base: String, _ name: String) -> String {
        base.hasSuffix("/") ? base + name : base + "/" + name
    }
}
