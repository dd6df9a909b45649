import Foundation
import Logging
import Platform
import Redis
import TestSupport
import Testing

/// The rate limiter's page in a real headless Chromium, driven over WebDriver, against `mastery serve`.
@Suite(
    "Rate-limit page in a browser",
    .enabled(
        if: TestServers.shouldRun(tools: "chromium", "chromedriver"),
        "needs chromium and chromium-driver: run scripts/test"
    )
)
struct RateLimitBrowserTests {
    /// A key a client could send: markup that would run if the page inserted it as HTML.
    static let hostileKey = #"<img src=x id=injected onerror="document.body.dataset.pwned=1">"#

    /// The hostile key is listed among the most limited keys as text: no element it carries exists, no script of
    /// it ran.
    static func expectHostileKeyListedAsText(
        _ browser: WebDriverSession,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let listed = try await browser.executeScript(
            "return [...document.querySelectorAll('#rl-limited-keys td.rl-key')].some((cell) => cell.textContent === arguments[0]);",
            args: [.string(hostileKey)]
        )
        #expect(listed.boolValue == true, sourceLocation: sourceLocation)
        #expect(try await browser.findElements(css: "#injected").isEmpty, sourceLocation: sourceLocation)
        let pwned = try await browser.executeScript("return document.body.dataset.pwned === undefined;")
        #expect(pwned.boolValue == true, sourceLocation: sourceLocation)
    }

    @Test(
        "the page lists the demo policy, the burst shows 200s then 429s with their headers, and the live view follows"
    )
    func burstAndLiveCounters() async throws {
        try await ServeProcess.withRunning { server in
            try await withWebDriver { browser in
                try await browser.signIn(to: server)
                try await browser.navigate(to: "http://127.0.0.1:\(server.port)/systems/ratelimit")
                try await browser.waitForDocumentReady()
                let demo = try await browser.findElement(css: "tr.rl-policy[data-policy='demo']")
                let row = try await demo.text
                #expect(row.contains("gcra"), "\(row)")
                #expect(row.contains("5 per 10 s"), "\(row)")
                // The script ran and polled /stats at least once.
                try await browser.waitUntil(
                    script: "Number(document.getElementById('ratelimit').dataset.updates) >= 1",
                    timeout: .seconds(60)
                )

                // A hostile key, limited through the decision API: listed as text, never as markup.
                let denials = try await browser.executeScript(
                    """
                    const body = JSON.stringify({ descriptors: [{ policy: "demo", key: arguments[0] }] });
                    return (async () => {
                      let denied = 0;
                      for (let i = 0; i < 7; i++) {
                        const response = await fetch("/v1/ratelimit/check", { method: "POST", headers: { "Content-Type": "application/json" }, body });
                        const answer = await response.json();
                        if (answer.allowed === false) denied++;
                      }
                      return denied;
                    })();
                    """,
                    args: [.string(Self.hostileKey)]
                )
                let hostileDenied = try #require(denials.intValue)
                #expect(hostileDenied >= 1)

                // The burst: the answers arrive one by one; the first five fit the demo policy's burst.
                try await browser.findElement(css: "#rl-fire-burst").click()
                try await browser.waitUntil(
                    script: "document.querySelectorAll('#rl-burst-results li[data-status=\"429\"]').length > 0",
                    timeout: .seconds(60)
                )
                try await browser.waitUntil(
                    script: "document.getElementById('rl-burst').dataset.state === 'done'",
                    timeout: .seconds(120)
                )
                let statuses =
                    try await browser.executeScript(
                        "return [...document.querySelectorAll('#rl-burst-results li')].map((item) => item.dataset.status);"
                    ).arrayValue?.compactMap(\.stringValue) ?? []
                #expect(statuses.count == 20)
                #expect(Array(statuses.prefix(5)) == Array(repeating: "200", count: 5), "\(statuses)")
                #expect(statuses.allSatisfy { $0 == "200" || $0 == "429" }, "\(statuses)")
                let rejected = statuses.count { $0 == "429" }
                #expect(rejected >= 1)
                for item in try await browser.findElements(css: "#rl-burst-results li[data-status='429']") {
                    let text = try await item.text
                    #expect(text.contains("429 Too Many Requests"), "\(text)")
                    #expect(text.contains("RateLimit: \"demo\";r=0;t="), "\(text)")
                    #expect(text.contains("Retry-After: "), "\(text)")
                }
                let first = try await browser.findElement(css: "#rl-burst-results li:first-child").text
                #expect(first.contains("200 OK") && first.contains("RateLimit: \"demo\";r=4;t="), "\(first)")
                #expect(try await browser.findElement(css: "#rl-burst-summary").text.contains("20 sent: "))

                // The live view catches up: totals, per-policy counts, bars, and the most limited keys.
                let denied = rejected + hostileDenied
                try await browser.waitUntil(
                    script: "Number(document.getElementById('rl-denied-total').textContent) >= \(denied)",
                    timeout: .seconds(60)
                )
                try await browser.waitUntil(
                    script: """
                        [...document.querySelectorAll('#rl-limited-keys tr.rl-limited-key')].some((row) => \
                        row.cells[0].textContent === 'demo' && row.cells[1].textContent === 'ip:127.0.0.1' && Number(row.cells[2].textContent) >= \(rejected))
                        """,
                    timeout: .seconds(60)
                )
                try await browser.waitUntil(
                    script:
                        "Number(document.querySelector(\"tr.rl-policy[data-policy='demo'] [data-count='denied']\").textContent) >= \(denied)",
                    timeout: .seconds(60)
                )
                try await browser.waitUntil(
                    script: "document.querySelectorAll('#rl-sparkline rect.denied').length > 0",
                    timeout: .seconds(60)
                )
                try await Self.expectHostileKeyListedAsText(browser)
                #expect(try await browser.findElement(css: "#rl-fallback").attribute("data-fallback") == "false")

                _ = try await browser.executeScript("document.getElementById('rl-decisions').scrollIntoView();")
                let burstShot = try await browser.screenshot(named: "ratelimit-burst")
                #expect(try Data(contentsOf: burstShot).starts(with: [0x89, 0x50, 0x4E, 0x47]))

                // A reload renders the same state on the server, the hostile key escaped.
                try await browser.navigate(to: "http://127.0.0.1:\(server.port)/systems/ratelimit")
                try await browser.waitForDocumentReady()
                try await Self.expectHostileKeyListedAsText(browser)

                let shot = try await browser.screenshot(named: "ratelimit-page")
                #expect(try Data(contentsOf: shot).starts(with: [0x89, 0x50, 0x4E, 0x47]))
            }
        }
    }
}

/// The page's fallback state for real: a `mastery serve` on a redis-server of the test's own, which stops answering
/// (`CLIENT PAUSE`) and comes back.
@Suite(
    "Rate-limit page while Redis fails",
    .enabled(
        if: TestServers.shouldRun(tools: "chromium", "chromedriver", "redis-server"),
        "needs chromium, chromium-driver and redis-server: run scripts/test"
    )
)
struct RateLimitFallbackBrowserTests {
    @Test("while Redis does not answer the page shows the fallback (demo fails open: all 200), then the recovery")
    func fallbackState() async throws {
        let redis = try await OwnRedisServer.start()
        do {
            try await ServeProcess.withRunning(arguments: ["--redis-url", "redis://127.0.0.1:\(redis.port)"]) {
                server in
                try await withWebDriver { browser in
                    try await browser.signIn(to: server)
                    try await Self.exercise(browser, port: server.port, redis: redis)
                }
            }
        } catch {
            await redis.stop()
            throw error
        }
        await redis.stop()
    }

    static func exercise(_ browser: WebDriverSession, port: Int, redis: OwnRedisServer) async throws {
        try await browser.navigate(to: "http://127.0.0.1:\(port)/systems/ratelimit")
        try await browser.waitForDocumentReady()
        try await browser.waitUntil(
            script: "Number(document.getElementById('ratelimit').dataset.updates) >= 1",
            timeout: .seconds(60)
        )
        #expect(try await browser.findElement(css: "#rl-store").text == "redis")
        #expect(try await browser.findElement(css: "#rl-fallback").attribute("data-fallback") == "false")

        // Redis stops answering: decisions miss their deadline and the demo policy fails open.
        _ = try await redis.send(["CLIENT", "PAUSE", "4000", "ALL"])
        try await browser.findElement(css: "#rl-fire-burst").click()
        try await browser.waitUntil(
            script: "document.getElementById('rl-burst').dataset.state === 'done'",
            timeout: .seconds(120)
        )
        let statuses =
            try await browser.executeScript(
                "return [...document.querySelectorAll('#rl-burst-results li')].map((item) => item.dataset.status);"
            ).arrayValue?.compactMap(\.stringValue) ?? []
        #expect(statuses == Array(repeating: "200", count: 20), "\(statuses)")
        try await browser.waitUntil(
            script:
                "document.getElementById('rl-fallback').dataset.fallback === 'true' && Number(document.getElementById('rl-fallback-total').textContent) >= 1",
            timeout: .seconds(60)
        )
        #expect(try await browser.findElement(css: "#rl-fallback").text.contains("store failing"))
        _ = try await browser.executeScript("document.getElementById('rl-decisions').scrollIntoView();")
        _ = try await browser.screenshot(named: "ratelimit-fallback")

        // Redis answers again: the next decisions probe it and the page shows the recovery. A probe that is itself
        // late (a loaded machine) falls back once more, so a few bursts are allowed, each waited on.
        try await waitUntil(timeout: .seconds(60), interval: .milliseconds(100)) {
            (try? await redis.send(["PING"])) != nil
        }
        var recovered = false
        for _ in 0..<10 where !recovered {
            try await browser.findElement(css: "#rl-fire-burst").click()
            try await browser.waitUntil(
                script: "document.getElementById('rl-burst').dataset.state === 'done'",
                timeout: .seconds(120)
            )
            recovered =
                (try? await browser.waitUntil(
                    script: "document.getElementById('rl-fallback').dataset.fallback === 'false'",
                    timeout: .seconds(5)
                )) != nil
        }
        #expect(recovered)
        #expect(try await browser.findElement(css: "#rl-fallback").text == "store healthy")
    }
}

extension OwnRedisServer {
    /// Sends one command on a new connection (5 s timeout).
    @discardableResult
    func send(_ command: [String]) async throws -> RESPValue {
        var configuration = RedisConnection.Configuration(host: "127.0.0.1", port: port)
        configuration.commandTimeout = .seconds(5)
        configuration.connectTimeout = .seconds(5)
        return try await RedisConnection.withConnection(
            configuration: configuration,
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        ) { connection in
            try await connection.send(command)
        }
    }
}
