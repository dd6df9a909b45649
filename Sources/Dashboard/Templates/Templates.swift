/// The dashboard's Mustache templates, compiled into the binary so `mastery serve` (and any package that mounts a
/// system) needs no files beside it.
enum Templates {
    /// Every kit template by name: the frame, the kit's two pages and the partials systems may use.
    static let all: [String: String] = ["layout": layout, "systems": systems, "login": login, "status": status]

    /// The registered name of `name` inside the frame.
    static func framedName(_ name: String) -> String { "\(name) (framed)" }

    /// `name` inside the frame: the layout inherited, with the page's template as its `content` block.
    static func framed(_ name: String) -> String { "{{<layout}}{{$content}}{{>\(name)}}{{/content}}{{/layout}}" }

    /// The page frame (``DashboardFrame``): the head with the kit's and the page's assets, the header with live
    /// readiness, and the `content` block, rendered with the page's context on top of the frame's.
    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="csrf-token" content="{{csrfToken}}">
        <title>{{title}} · Mastery</title>
        <link rel="stylesheet" href="{{kitStylesheet}}">
        {{#stylesheets}}
        <link rel="stylesheet" href="{{.}}">
        {{/stylesheets}}
        <script src="{{kitScript}}" defer></script>
        {{#scripts}}
        <script src="{{.}}" defer></script>
        {{/scripts}}
        </head>
        <body>
        <header class="top">
          <a class="brand" href="/">Mastery</a>
          <nav><a href="/">Systems</a> <a href="/docs">API</a> <a href="/ready">/ready</a> <a href="/metrics">/metrics</a></nav>
          <span id="readiness" class="pill" data-state="loading">checking…</span>
          {{^signedIn}}<a id="sign-in" class="pill muted" href="/dashboard/login">sign in</a>{{/signedIn}}
        </header>
        <main>
        {{#page}}{{$content}}{{/content}}{{/page}}
        </main>
        <div id="toast" role="status" aria-live="polite"></div>
        </body>
        </html>

        """

    /// A status glyph drawn by the kit's stylesheet beside its text (no emoji font needed): reads `statusGlyph`
    /// (`todo`, `active`, `done`, `skipped`, `ok`, `error`) and `statusLabel`.
    static let status = #"<span class="status" data-glyph="{{statusGlyph}}">{{statusLabel}}</span>"#

    /// The shell: every roadmap row with its mount state (``DashboardController/SystemsPage``).
    static let systems = """
        <h1>Backend Engineering Mastery</h1>
        <p class="lede">The 41 systems of the roadmap. <strong id="mounted-count">{{mountedCount}}</strong> of {{total}} are mounted on this server.</p>
        <table id="systems" class="systems">
          <thead><tr><th>#</th><th>System</th><th>Module</th><th>State</th><th>What it must do</th></tr></thead>
          <tbody>
          {{#systems}}
            <tr class="system" data-system="{{paddedNumber}}" data-module="{{module}}" data-mounted="{{mounted}}">
              <td class="num">{{paddedNumber}}</td>
              <td>{{#mounted}}<a href="{{pagePath}}">{{name}}</a>{{/mounted}}{{^mounted}}{{name}}{{/mounted}}</td>
              <td><code>{{module}}</code></td>
              <td>{{#mounted}}<span class="pill ok">mounted</span> <a href="{{apiPath}}">API</a>{{/mounted}}{{^mounted}}<span class="pill muted">not built yet</span>{{/mounted}}</td>
              <td class="summary">{{#summary}}{{#code}}<code>{{text}}</code>{{/code}}{{^code}}{{text}}{{/code}}{{/summary}}</td>
            </tr>
          {{/systems}}
          </tbody>
        </table>
        """

    /// The sign-in form: the admin token (or open the one-time link `mastery serve` printed). Reads `error`.
    static let login = """
        <h1>Sign in</h1>
        <p>State-changing actions need the server's admin token: paste it here (without a configured token it is in
        the <code>admin-token</code> file of the server's data folder), or open the one-time sign-in link that
        <code>mastery serve</code> printed when it started.</p>
        {{#error}}<p class="error">{{error}}</p>{{/error}}
        <form method="post" action="/dashboard/login" class="login">
          <label>Admin token <input type="password" name="token" autocomplete="current-password" required></label>
          <button type="submit">Sign in</button>
        </form>
        """
}
