/// The dashboard's Mustache templates, compiled into the binary so `mastery serve` needs no files beside it.
enum Templates {
    /// The page frame: `{{title}}`, `{{csrfToken}}`, `{{{content}}}` (already rendered HTML).
    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="csrf-token" content="{{csrfToken}}">
        <title>{{title}} · Mastery</title>
        <link rel="stylesheet" href="/static/dashboard.css">
        <script src="/static/dashboard.js" defer></script>
        </head>
        <body>
        <header class="top">
          <a class="brand" href="/">Mastery</a>
          <nav><a href="/">Systems</a> <a href="/ready">/ready</a> <a href="/metrics">/metrics</a></nav>
          <span id="readiness" class="pill" data-state="unknown">checking…</span>
          {{^signedIn}}<a id="sign-in" class="pill muted" href="/dashboard/login">sign in</a>{{/signedIn}}
        </header>
        <main>
        {{{content}}}
        </main>
        <div id="toast" role="status" aria-live="polite"></div>
        </body>
        </html>
        """

    /// The shell: every roadmap row with its mount state.
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
              <td class="summary">{{{summaryHTML}}}</td>
            </tr>
          {{/systems}}
          </tbody>
        </table>
        """

    /// The sign-in form: the admin token (or open the one-time link `mastery serve` printed).
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
