import Foundation
import Platform
import TestSupport
import Testing

/// The tally's page in a real headless Chromium, driven over WebDriver, against `mastery serve`.
@Suite(
    "Tally page in a browser",
    .enabled(
        if: TestServers.shouldRun(tools: "chromium", "chromedriver"),
        "needs chromium and chromium-driver: run scripts/test"
    )
)
struct TallyBrowserTests {
    @Test("the page lists the counters, and +1 increments through the API and shows the new value")
    func page() async throws {
        try await ServeProcess.withRunning { server in
            let client = BatteryClient(port: server.port)
            let seeded = try await client.send(
                "POST",
                "/v1/tally/visits/increment",
                headers: [
                    "Authorization": "Bearer \(try server.adminToken())", "Content-Type": "application/json",
                    "_body": #"{"by":41}"#,
                ]
            )
            #expect(seeded.status == 200, "\(seeded.body)")
            try await withWebDriver { browser in
                try await browser.signIn(to: server)
                try await browser.navigate(to: "http://127.0.0.1:\(server.port)/systems/tally")
                try await browser.waitForDocumentReady()
                #expect(try await browser.findElement(css: "td[data-value=visits]").text == "41")
                try await browser.findElement(css: "button[data-name=visits]").click()
                try await browser.waitUntil(
                    script: "document.querySelector('td[data-value=visits]').textContent === '42'",
                    timeout: .seconds(60)
                )
                let injected = try await browser.executeScript(HostileBattery.injectedElementScript)
                #expect(injected.intValue == 0)
            }
            let stored = try await client.send("GET", "/v1/tally/visits", headers: [:])
            #expect(stored.body.contains(#""value":42"#), "\(stored.body)")
        }
    }
}
