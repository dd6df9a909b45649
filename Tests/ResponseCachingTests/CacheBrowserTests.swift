import Foundation
import Platform
import TestSupport
import Testing

/// The cache's page in a real headless Chromium, driven over WebDriver, against `mastery serve`.
@Suite(
    "Cache page in a browser",
    .enabled(
        if: TestServers.shouldRun(tools: "chromium", "chromedriver"),
        "needs chromium and chromium-driver: run scripts/test"
    )
)
struct CacheBrowserTests {
    @Test("the page charts the hit ratio of live traffic, and its purge form purges a tag")
    func page() async throws {
        try await ServeProcess.withRunning { server in
            let client = BatteryClient(port: server.port)
            let auth = ["Authorization": "Bearer \(try server.adminToken())", "Content-Type": "application/json"]
            var put = auth
            put["_body"] = #"{"name":"lamp","priceCents":1999}"#
            let written = try await client.send("PUT", "/v1/cache/demo/products/5", headers: put)
            #expect(written.status == 200, "\(written.body)")
            try await withWebDriver { browser in
                try await browser.signIn(to: server)
                try await browser.navigate(to: "http://127.0.0.1:\(server.port)/systems/cache")
                try await browser.waitForDocumentReady()
                // Traffic while the page polls: one miss, then hits.
                for _ in 0..<20 {
                    let answer = try await client.send("GET", "/v1/cache/demo/products/5", headers: [:])
                    #expect(answer.status == 200)
                }
                try await browser.waitUntil(
                    script: "document.querySelector('#cache-ratio polyline').getAttribute('points') !== ''",
                    timeout: .seconds(60)
                )
                let shown = try await browser.findElement(css: "#cache-ratio-now").text
                #expect(shown.hasPrefix("hit ratio"), "\(shown)")
                try await browser.findElement(css: "#cache-purge input[name=tag]").sendKeys("product:5")
                try await browser.findElement(css: "#cache-purge button").click()
                try await browser.waitUntil(
                    script: "document.getElementById('cache-purge-result').textContent === 'purged 1'",
                    timeout: .seconds(60)
                )
                let injected = try await browser.executeScript(HostileBattery.injectedElementScript)
                #expect(injected.intValue == 0)
            }
            let after = try await client.send("GET", "/v1/cache/demo/products/5", headers: [:])
            #expect(after.head.contains("fwd=uri-miss"), "\(after.head)")
        }
    }
}
