import Dashboard
import Foundation
import Logging
import Platform
import Testing

@testable import RateLimiting

/// The dashboard page's HTML as a pure function of policies and statistics (the live behaviour is tested in a
/// browser by `RateLimitBrowserTests`).
@Suite struct RateLimitPageContentTests {
    let logger = Logger(label: "test")
    let renderer: DashboardRenderer

    init() throws {
        renderer = try DashboardRenderer(
            credentials: AdminCredentials(token: "test-token", isConfigured: true),
            templates: RateLimitPage.templates
        )
    }

    func page(
        _ policies: Result<[RateLimitPolicy], any Error>,
        limiter: RateLimiter,
        usingFallback: Bool = false
    ) -> RateLimitPageContent {
        RateLimitPageContent(
            policies: policies,
            statistics: limiter.statistics.snapshot(top: RateLimitPageContent.limitedKeyCount),
            usingFallback: usingFallback,
            storeName: "memory",
            burstSize: 20,
            basePath: "/systems/ratelimit",
            apiPath: "/v1/ratelimit"
        )
    }

    func content(
        _ policies: Result<[RateLimitPolicy], any Error>,
        limiter: RateLimiter,
        usingFallback: Bool = false
    ) -> String {
        page(policies, limiter: limiter, usingFallback: usingFallback).html(renderer: renderer)
    }

    @Test("hostile keys are escaped in the most limited keys; the script writes text, never HTML")
    func escapesKeys() async throws {
        let limiter = RateLimiter(store: InMemoryRateLimitStore(clock: ManualRateLimitClock()), logger: logger)
        let policy = try RateLimitPolicy(name: "p", algorithm: .fixedWindow, limit: 1, window: .seconds(3600))
        let hostile = #"<img src=x onerror="alert(1)">&'</td></tr><script>alert(2)</script>"#
        for _ in 0..<3 { _ = try await limiter.check([RateLimitCheck(policy: policy, key: hostile)]) }
        let html = content(.success([policy]), limiter: limiter)
        #expect(!html.contains(hostile))
        #expect(!html.contains("<img"))
        #expect(!html.contains("alert(2)</script>"))
        #expect(
            html.contains(
                #"<td class="rl-key">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;&lt;/td&gt;&lt;/tr&gt;&lt;script&gt;alert(2)&lt;/script&gt;</td><td class="num">2</td>"#
            )
        )
        // No inline script at all: the page's own is served from a file.
        #expect(!html.contains("<script>"))
        #expect(!RateLimitPageAssets.script.contains("innerHTML"))
        #expect(!RateLimitPageAssets.script.contains("insertAdjacentHTML"))
    }

    @Test("the page works under a strict CSP: no inline script, style block, style attribute or event handler")
    func noInlineScriptOrStyle() async throws {
        let limiter = RateLimiter(store: InMemoryRateLimitStore(clock: ManualRateLimitClock()), logger: logger)
        let policy = try RateLimitPolicy(name: "p", algorithm: .fixedWindow, limit: 1, window: .seconds(3600))
        let hostile = #"<b style="x" onclick="alert(1)">"#
        for _ in 0..<3 { _ = try await limiter.check([RateLimitCheck(policy: policy, key: hostile)]) }
        for html in [
            content(.success([policy]), limiter: limiter), content(.success([]), limiter: limiter, usingFallback: true),
            content(.failure(RateLimitError(.storeUnavailable, "down")), limiter: limiter),
        ] {
            let tags = html.matches(of: /<[A-Za-z][^>]*>/).map { String($0.output) }
            #expect(!tags.isEmpty)
            for tag in tags {
                #expect(!tag.lowercased().hasPrefix("<style"), "\(tag)")
                #expect(tag.firstMatch(of: /\s(?i:style)\s*=/) == nil, "\(tag)")
                #expect(tag.firstMatch(of: /\s(?i:on[a-z]+)\s*=/) == nil, "\(tag)")
                #expect(!tag.lowercased().contains("javascript:"), "\(tag)")
                // The content holds no script at all: the frame loads the kit's and the page's from files.
                #expect(!tag.lowercased().hasPrefix("<script"), "\(tag)")
            }
        }
        // The page's own assets are beside it, linked by the frame (its tags: RateLimitHTTPTests).
        #expect(
            page(.success([]), limiter: limiter).assets
                == PageAssets(stylesheets: ["/systems/ratelimit/page.css"], scripts: ["/systems/ratelimit/page.js"])
        )
        // The served files are the bare script and style sheet (their types: RateLimitHTTPTests).
        #expect(!RateLimitPageAssets.script.contains("<script") && !RateLimitPageAssets.style.contains("<style"))
    }

    @Test("the policies table: algorithm, quota, burst, failure mode and the per-policy counts")
    func policyRows() async throws {
        let limiter = RateLimiter(store: InMemoryRateLimitStore(clock: ManualRateLimitClock()), logger: logger)
        let demo = try RateLimitPolicy(name: "demo", algorithm: .gcra, limit: 5, window: .seconds(10))
        let hourly = try RateLimitPolicy(
            name: "api:hourly",
            algorithm: .slidingWindowCounter,
            limit: 1000,
            window: .seconds(3600),
            onStoreFailure: .localFallback(fraction: 0.25)
        )
        let fast = try RateLimitPolicy(
            name: "fast",
            algorithm: .tokenBucket,
            limit: 3,
            window: .milliseconds(500),
            burst: 6,
            onStoreFailure: .closed
        )
        for _ in 0..<7 { _ = try await limiter.check([RateLimitCheck(policy: demo, key: "127.0.0.1")]) }
        let html = content(.success([demo, hourly, fast]), limiter: limiter)
        #expect(
            html.contains(
                #"<tr class="rl-policy" data-policy="demo"><td><code>demo</code></td><td>gcra</td><td>5 per 10 s</td><td>5</td><td>open</td><td class="num" data-count="allowed">5</td><td class="num" data-count="denied">2</td></tr>"#
            )
        )
        #expect(html.contains(#"<td>sliding_window_counter</td><td>1000 per 1 h</td><td>—</td><td>local at 25%</td>"#))
        #expect(html.contains(#"<td>token_bucket</td><td>3 per 500 ms</td><td>6</td><td>closed</td>"#))
        #expect(html.contains(#"<td class="rl-key">127.0.0.1</td><td class="num">2</td>"#))
        #expect(html.contains(#"<span id="rl-allowed-total">5</span>"#))
        #expect(html.contains(#"<span id="rl-denied-total">2</span>"#))
        #expect(html.contains(#"<button type="button" id="rl-fire-burst" data-count="20">Fire burst</button>"#))
        #expect(html.contains(#"data-fallback="false">store healthy"#))
    }

    @Test("no policies, unreadable policies and the fallback state each say so")
    func states() async throws {
        let limiter = RateLimiter(store: InMemoryRateLimitStore(clock: ManualRateLimitClock()), logger: logger)
        let empty = content(.success([]), limiter: limiter, usingFallback: true)
        #expect(empty.contains(#"id="rl-no-policies""#))
        #expect(empty.contains("No key has been limited yet."))
        #expect(empty.contains(#"data-fallback="true">store failing"#))
        #expect(!empty.contains(#"id="rl-policies-error""#))
        let failed = content(.failure(RateLimitError(.storeUnavailable, "redis <down>")), limiter: limiter)
        #expect(failed.contains("The policies cannot be read: storeUnavailable: redis &lt;down&gt;"))
        #expect(!failed.contains(#"id="rl-policies""#))
        #expect(!failed.contains(#"id="rl-no-policies""#))
    }

    @Test("past the row limit the table stops and links to the paged API")
    func manyPolicies() async throws {
        let limiter = RateLimiter(store: InMemoryRateLimitStore(clock: ManualRateLimitClock()), logger: logger)
        let policies = try (0..<(RateLimitPageContent.policyRowLimit + 1)).map { index in
            try RateLimitPolicy(name: "p\(1000 + index)", algorithm: .fixedWindow, limit: 1, window: .seconds(1))
        }
        let html = content(.success(policies), limiter: limiter)
        #expect(
            html.components(separatedBy: #"<tr class="rl-policy""#).count - 1 == RateLimitPageContent.policyRowLimit
        )
        #expect(html.contains(#"id="rl-policies-more""#) && html.contains("Showing the first 100 of 101 policies"))
        #expect(html.contains(#"<a href="/v1/ratelimit/policies"><code>GET /v1/ratelimit/policies</code></a>"#))
    }

    @Test("the page's paths come from where it is mounted, not from the module")
    func mountedElsewhere() async throws {
        let limiter = RateLimiter(store: InMemoryRateLimitStore(clock: ManualRateLimitClock()), logger: logger)
        var moved = page(.success([]), limiter: limiter)
        moved.basePath = "/elsewhere/limits"
        moved.apiPath = "/v2/limits"
        let html = moved.html(renderer: renderer)
        #expect(html.contains(#"data-stats="/v2/limits/stats" data-demo="/v2/limits/demo""#))
        #expect(html.contains(#"<code>PUT /v2/limits/policies/{name}</code>"#))
        #expect(!html.contains("/v1/ratelimit") && !html.contains("/systems/ratelimit"))
        #expect(
            moved.assets
                == PageAssets(stylesheets: ["/elsewhere/limits/page.css"], scripts: ["/elsewhere/limits/page.js"])
        )
    }

    @Test("windows and failure modes read naturally")
    func labels() throws {
        func window(_ duration: Duration) throws -> String {
            try RateLimitPolicy(name: "w", algorithm: .fixedWindow, limit: 1, window: duration).windowLabel
        }
        #expect(try window(.seconds(10)) == "10 s")
        #expect(try window(.seconds(90)) == "90 s")
        #expect(try window(.seconds(120)) == "2 min")
        #expect(try window(.seconds(7200)) == "2 h")
        #expect(try window(.seconds(86_400)) == "1 d")
        #expect(try window(.milliseconds(1500)) == "1500 ms")
        #expect(try window(.microseconds(1500)) == "1500 µs")
        #expect(RateLimitFailureMode.localFallback(fraction: 0.5).label == "local at 50%")
        #expect(RateLimitFailureMode.localFallback(fraction: 1.0 / 3).label == "local at 33.33%")
        #expect(RateLimitFailureMode.closed.label == "closed")
    }
}
