/// The rate limiter's page template, registered in the page's ``DashboardRenderer`` (``RateLimitPage/templates``).
/// The kit escapes every `{{value}}`; nothing is rendered raw. The context is ``RateLimitPageContent/Context``.
enum RateLimitPageTemplates {
    /// The page's template's name.
    static let page = "ratelimit/page"

    /// Every template by name.
    static let all: [String: String] = [page: pageTemplate]

    static let pageTemplate = """
        <div id="ratelimit" data-stats="{{statsPath}}" data-demo="{{demoPath}}" data-updates="0">
        <h1>Rate limiter</h1>
        <p class="lede">Store <strong id="rl-store">{{storeName}}</strong> · \
        {{#usingFallback}}<span id="rl-fallback" class="pill" data-fallback="true">store failing: each policy's failure mode decides</span>{{/usingFallback}}\
        {{^usingFallback}}<span id="rl-fallback" class="pill ok" data-fallback="false">store healthy</span>{{/usingFallback}} · \
        <span id="rl-live-state" class="muted">live: waiting for the first update</span></p>
        <section id="rl-decisions"><h2>Decisions</h2>
        <p class="rl-rates"><span class="rl-rate allowed"><strong id="rl-allowed-rate">0</strong> allowed/s</span> \
        <span class="rl-rate denied"><strong id="rl-denied-rate">0</strong> denied/s</span></p>
        <svg id="rl-sparkline" class="rl-sparkline" viewBox="0 0 360 60" preserveAspectRatio="none" role="img" \
        aria-label="Allowed and denied decisions per second over the last minute"></svg>
        <p class="counts">Since start: <span id="rl-allowed-total">{{allowed}}</span> allowed · \
        <span id="rl-denied-total">{{denied}}</span> denied · \
        <span id="rl-fallback-total">{{fallbackDecisions}}</span> decided by a fallback</p>
        </section>
        <section><h2>Policies</h2>
        {{#policiesError}}<p id="rl-policies-error" class="error">The policies cannot be read: {{.}}</p>{{/policiesError}}
        {{#noPolicies}}<p id="rl-no-policies" class="muted">No policies yet: add one with <code>mastery ratelimit policies put</code> \
        or <code>PUT {{policiesPath}}/{name}</code>.</p>{{/noPolicies}}
        {{#hasPolicies}}<table id="rl-policies" class="systems">
        <thead><tr><th>Policy</th><th>Algorithm</th><th>Limit</th><th>Burst</th><th>On store failure</th>\
        <th>Allowed</th><th>Denied</th></tr></thead>
        <tbody>
        {{#policyRows}}<tr class="rl-policy" data-policy="{{name}}"><td><code>{{name}}</code></td>\
        <td>{{algorithm}}</td><td>{{limit}}</td><td>{{burst}}</td><td>{{onStoreFailure}}</td>\
        <td class="num" data-count="allowed">{{allowedCount}}</td><td class="num" data-count="denied">{{deniedCount}}</td></tr>
        {{/policyRows}}
        </tbody>
        </table>
        {{#more}}<p id="rl-policies-more" class="muted">Showing the first {{shown}} of {{count}} policies, by name. \
        All of them: <a href="{{policiesPath}}"><code>GET {{policiesPath}}</code></a> (paged with \
        <code>?limit=&amp;after=</code>) or <code>mastery ratelimit policies list</code>.</p>{{/more}}
        {{/hasPolicies}}
        </section>
        <section><h2>Most limited keys</h2>
        <table class="systems"><thead><tr><th>Policy</th><th>Key</th><th>Denied</th></tr></thead>
        <tbody id="rl-limited-keys">
        {{#limitedKeys}}<tr class="rl-limited-key"><td><code>{{policy}}</code></td>\
        <td class="rl-key">{{key}}</td><td class="num">{{keyDenied}}</td></tr>
        {{/limitedKeys}}
        {{^limitedKeys}}<tr class="rl-none"><td colspan="3" class="muted">No key has been limited yet.</td></tr>{{/limitedKeys}}
        </tbody></table>
        </section>
        <section id="rl-burst" data-state="idle"><h2>Burst</h2>
        <p>Send {{burstSize}} requests, one after the other, to <a href="{{demoPath}}"><code>{{demoPath}}</code></a> \
        (policy <code>demo</code>, keyed by your address) and watch the answers arrive: 200 while the quota lasts, \
        then 429 with <code>Retry-After</code>.</p>
        <p><button type="button" id="rl-fire-burst" data-count="{{burstSize}}">Fire burst</button> \
        <span id="rl-burst-summary" class="muted"></span></p>
        <ol id="rl-burst-results" class="rl-burst-results"></ol>
        </section>
        </div>
        """
}
