import Foundation
import Platform
import TestSupport
import Testing

/// The pool page in a real headless Chromium, driven over WebDriver, against `mastery serve` on the test script's
/// PostgreSQL.
@Suite(
    "Pool page in a browser",
    .enabled(
        if: TestServers.shouldRun(tools: "chromium", "chromedriver")
            && TestServers.shouldRun(TestServers.postgresURL),
        "needs chromium, chromium-driver and PostgreSQL: run scripts/test"
    )
)
struct PoolBrowserTests {
    @Test("the charts update after load, the cross-check shows, and the form resizes the pool")
    func chartsAndResize() async throws {
        try await TestPostgres.withDatabase { url in
            try await ServeProcess.withRunning(arguments: ["--postgres-url", url]) { server in
                let client = BatteryClient(port: server.port)
                let auth = ["Authorization": "Bearer \(try server.adminToken())"]
                try await withWebDriver { browser in
                    try await browser.signIn(to: server)
                    try await browser.navigate(to: "http://127.0.0.1:\(server.port)/systems/pool")
                    try await browser.waitForDocumentReady()
                    try await browser.waitUntil(
                        script: "Number(document.getElementById('pool').dataset.updates) >= 1",
                        timeout: .seconds(30)
                    )
                    // The chart draws the samples and keeps drawing new ones after the first update.
                    try await browser.waitUntil(
                        script: "Number(document.getElementById('pool-chart-connections').dataset.samples) >= 2",
                        timeout: .seconds(30)
                    )
                    let first =
                        try await browser.executeScript(
                            "return Number(document.getElementById('pool-chart-connections').dataset.last);"
                        ).intValue ?? -1
                    try await browser.waitUntil(
                        script: """
                            Number(document.getElementById('pool-chart-connections').dataset.last) > \(first) && \
                            document.querySelectorAll('#pool-chart-connections polyline').length === 3 && \
                            document.querySelector('#pool-chart-wait polyline') !== null
                            """,
                        timeout: .seconds(30)
                    )
                    try await browser.waitUntil(
                        script: "document.getElementById('pool-server-view').dataset.agrees === 'true'",
                        timeout: .seconds(30)
                    )
                    let view = try await browser.findElement(css: "#pool-server-view").text
                    #expect(view.contains("named mastery") && view.contains("they agree"), "\(view)")

                    // Resize through the form (the session's CSRF token), then a refused one changes nothing.
                    for (name, value) in [("minimum", "1"), ("maximum", "6")] {
                        let input = try await browser.findElement(css: "#pool-resize-form input[name=\(name)]")
                        try await input.clear()
                        try await input.sendKeys(value)
                    }
                    try await browser.findElement(css: "#pool-resize-form button[type=submit]").click()
                    try await browser.waitUntil(
                        script: "document.getElementById('pool-resize-result').dataset.maximum === '6'",
                        timeout: .seconds(30)
                    )
                    try await browser.waitUntil(
                        script: "document.querySelector('#pool-counts [data-field=maximum]').textContent === '6'",
                        timeout: .seconds(30)
                    )
                    let answer = try await client.send("GET", "/v1/pool", headers: auth).body
                    #expect(answer.contains(#""maximum":6"#) && answer.contains(#""minimum":1"#), "\(answer)")
                    let minimum = try await browser.findElement(css: "#pool-resize-form input[name=minimum]")
                    try await minimum.clear()
                    try await minimum.sendKeys("9")
                    try await browser.findElement(css: "#pool-resize-form button[type=submit]").click()
                    try await browser.waitUntil(
                        script:
                            "document.getElementById('pool-resize-result').textContent.includes('must not be above')",
                        timeout: .seconds(30)
                    )
                    #expect(try await client.send("GET", "/v1/pool", headers: auth).body.contains(#""maximum":6"#))
                    #expect(try await browser.executeScript(HostileBattery.injectedElementScript).intValue == 0)
                    let shot = try await browser.screenshot(named: "pool-page")
                    #expect(try Data(contentsOf: shot).starts(with: [0x89, 0x50, 0x4E, 0x47]))
                }
            }
        }
    }

    @Test("the autoscaler's state and decisions are shown: a floor above the maximum grows the pool, with its reason")
    func autoscalerDecisions() async throws {
        try await TestPostgres.withDatabase { url in
            // Storage's maximum is 20; a floor of 24 makes the autoscaler's first tick grow the pool to it.
            let environment = [
                "MASTERY_POOL_AUTOSCALE_ENABLED": "true", "MASTERY_POOL_AUTOSCALE_INTERVAL": "0.2",
                "MASTERY_POOL_AUTOSCALE_FLOOR": "24",
            ]
            try await ServeProcess.withRunning(arguments: ["--postgres-url", url], environment: environment) { server in
                try await withWebDriver { browser in
                    try await browser.signIn(to: server)
                    try await browser.navigate(to: "http://127.0.0.1:\(server.port)/systems/pool")
                    try await browser.waitForDocumentReady()
                    try await browser.waitUntil(
                        script: """
                            document.getElementById('pool-autoscaler-state').dataset.enabled === 'true' && \
                            document.querySelector('#pool-decisions tr[data-rule=belowFloor]') !== null
                            """,
                        timeout: .seconds(30)
                    )
                    let state = try await browser.findElement(css: "#pool-autoscaler-state").text
                    #expect(state.hasPrefix("On"), "\(state)")
                    let row = try await browser.findElement(css: "#pool-decisions tr[data-rule=belowFloor]").text
                    #expect(row.contains("grow") && row.contains("→ 24") && row.contains("below the floor"), "\(row)")
                    try await browser.waitUntil(
                        script: "document.querySelector('#pool-counts [data-field=maximum]').textContent === '24'",
                        timeout: .seconds(30)
                    )
                    #expect(try await browser.executeScript(HostileBattery.injectedElementScript).intValue == 0)
                }
            }
        }
    }
}
