import Foundation
import Platform
import Testing
import TestSupport

/// The dashboard shell in a real headless Chromium, driven over WebDriver.
@Suite(
    "Dashboard in a browser",
    .enabled(if: TestServers.shouldRun(tools: "chromium", "chromedriver"), "needs chromium and chromium-driver: run scripts/test")
)
struct DashboardBrowserTests {
    @Test("the shell lists the 41 roadmap rows, its script reports readiness, and a screenshot is saved")
    func shell() async throws {
        let server = try await ServeProcess()
        try await withWebDriver { browser in
            try await browser.navigate(to: "http://127.0.0.1:\(server.port)/")
            try await browser.waitForDocumentReady()
            let rows = try await browser.findElements(css: "#systems tr.system")
            #expect(rows.count == 41)
            let first = try await browser.findElement(css: "tr.system[data-system='00']")
            #expect(try await first.text.contains("Progress tracker"))
            let last = try await browser.findElement(css: "tr.system[data-system='40']")
            #expect(try await last.text.contains("LoadTesting"))
            // The page's script fetched /ready and rendered the state: scripts ran.
            try await browser.waitUntil(script: "document.getElementById('readiness').dataset.state === 'ready'")
            let pill = try await browser.findElement(css: "#readiness")
            #expect(try await pill.text.contains("sqlite up"))
            // The session cookie issued on loopback gives the page a CSRF token.
            let token = try await browser.executeScript("return document.querySelector('meta[name=csrf-token]').content;")
            #expect((token.stringValue ?? "").count == 64)
            let shot = try await browser.screenshot(named: "dashboard-shell")
            let bytes = try Data(contentsOf: shot)
            #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        }
        _ = try await server.stop()
    }
}
