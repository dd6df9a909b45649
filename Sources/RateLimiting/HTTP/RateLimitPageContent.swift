import Dashboard

/// The HTML of the `/systems/ratelimit` page (the frame is added by `DashboardRenderer`): a pure function of the
/// policies and a statistics snapshot, so it is tested without a server. Every name, key and error text is
/// escaped; the ids and `data-*` attributes are what the page's script (and the browser test) find.
struct RateLimitPageContent: Sendable {
    /// How many of the most limited keys the page lists.
    static let limitedKeyCount = 10
    /// How many policies the page lists (the first by name); a note links to the paged API for the rest.
    static let policyRowLimit = 100

    var policies: Result<[RateLimitPolicy], any Error>
    var statistics: RateLimitStatistics.Snapshot
    var usingFallback: Bool
    var storeName: String
    var burstSize: Int

    var html: String {
        [header, decisions, policyTable, limitedKeys, burst, RateLimitPageAssets.tags]
            .joined(separator: "\n")
    }

    static func escape(_ text: some StringProtocol) -> String { DashboardRenderer.escape(text) }

    var header: String {
        """
        <div id="ratelimit" data-stats="\(RateLimitPage.statisticsPath)" data-demo="\(RateLimitPage.demoPath)" data-updates="0">
        <h1>Rate limiter</h1>
        <p class="lede">Store <strong id="rl-store">\(Self.escape(storeName))</strong> · \(Self.fallbackPill(usingFallback)) · \
        <span id="rl-live-state" class="muted">live: waiting for the first update</span></p>
        """
    }

    static func fallbackPill(_ usingFallback: Bool) -> String {
        usingFallback
            ? #"<span id="rl-fallback" class="pill" data-fallback="true">store failing: each policy's failure mode decides</span>"#
            : #"<span id="rl-fallback" class="pill ok" data-fallback="false">store healthy</span>"#
    }

    var decisions: String {
        """
        <section id="rl-decisions"><h2>Decisions</h2>
        <p class="rl-rates"><span class="rl-rate allowed"><strong id="rl-allowed-rate">0</strong> allowed/s</span> \
        <span class="rl-rate denied"><strong id="rl-denied-rate">0</strong> denied/s</span></p>
        <svg id="rl-sparkline" class="rl-sparkline" viewBox="0 0 360 60" preserveAspectRatio="none" role="img" \
        aria-label="Allowed and denied decisions per second over the last minute"></svg>
        <p class="counts">Since start: <span id="rl-allowed-total">\(statistics.allowed)</span> allowed · \
        <span id="rl-denied-total">\(statistics.denied)</span> denied · \
        <span id="rl-fallback-total">\(statistics.fallbackDecisions)</span> decided by a fallback</p>
        </section>
        """
    }

    var policyTable: String {
        let body: String
        switch policies {
        case .failure(let error):
            body =
                #"<p id="rl-policies-error" class="error">The policies cannot be read: \#(Self.escape("\(error)"))</p>"#
        case .success(let policies) where policies.isEmpty:
            body = """
                <p id="rl-no-policies" class="muted">No policies yet: add one with <code>mastery ratelimit policies put</code> \
                or <code>PUT /v1/ratelimit/policies/{name}</code>.</p>
                """
        case .success(let policies):
            let shown = policies.prefix(Self.policyRowLimit)
            let note =
                policies.count > shown.count
                ? """

                    <p id="rl-policies-more" class="muted">Showing the first \(shown.count) of \(policies.count) policies, by name. \
                    All of them: <a href="/v1/ratelimit/policies"><code>GET /v1/ratelimit/policies</code></a> (paged with \
                    <code>?limit=&amp;after=</code>) or <code>mastery ratelimit policies list</code>.</p>
                    """
                : ""
            body = """
                <table id="rl-policies" class="systems">
                <thead><tr><th>Policy</th><th>Algorithm</th><th>Limit</th><th>Burst</th><th>On store failure</th>\
                <th>Allowed</th><th>Denied</th></tr></thead>
                <tbody>
                \(shown.map(row).joined(separator: "\n"))
                </tbody>
                </table>\(note)
                """
        }
        return "<section><h2>Policies</h2>\n\(body)\n</section>"
    }

    func row(_ policy: RateLimitPolicy) -> String {
        let counts = statistics.policies[policy.name] ?? RateLimitStatistics.Counts()
        return """
            <tr class="rl-policy" data-policy="\(Self.escape(policy.name))"><td><code>\(Self.escape(policy.name))</code></td>\
            <td>\(policy.algorithm.rawValue)</td><td>\(policy.limitLabel)</td><td>\(policy.burst.map(String.init) ?? "—")</td>\
            <td>\(Self.escape(policy.onStoreFailure.label))</td>\
            <td class="num" data-count="allowed">\(counts.allowed)</td><td class="num" data-count="denied">\(counts.denied)</td></tr>
            """
    }

    var limitedKeys: String {
        let rows =
            statistics.limitedKeys.isEmpty
            ? [Self.noLimitedKeys]
            : statistics.limitedKeys.map { key in
                """
                <tr class="rl-limited-key"><td><code>\(Self.escape(key.policy))</code></td>\
                <td class="rl-key">\(Self.escape(key.key))</td><td class="num">\(key.denied)</td></tr>
                """
            }
        return """
            <section><h2>Most limited keys</h2>
            <table class="systems"><thead><tr><th>Policy</th><th>Key</th><th>Denied</th></tr></thead>
            <tbody id="rl-limited-keys">
            \(rows.joined(separator: "\n"))
            </tbody></table>
            </section>
            """
    }

    static let noLimitedKeys =
        #"<tr class="rl-none"><td colspan="3" class="muted">No key has been limited yet.</td></tr>"#

    var burst: String {
        """
        <section id="rl-burst" data-state="idle"><h2>Burst</h2>
        <p>Send \(burstSize) requests, one after the other, to <a href="\(RateLimitPage.demoPath)"><code>\(RateLimitPage.demoPath)</code></a> \
        (policy <code>demo</code>, keyed by your address) and watch the answers arrive: 200 while the quota lasts, \
        then 429 with <code>Retry-After</code>.</p>
        <p><button type="button" id="rl-fire-burst" data-count="\(burstSize)">Fire burst</button> \
        <span id="rl-burst-summary" class="muted"></span></p>
        <ol id="rl-burst-results" class="rl-burst-results"></ol>
        </section>
        </div>
        """
    }
}
