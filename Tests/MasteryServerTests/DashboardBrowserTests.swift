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
            // No session without signing in: no CSRF token, and a sign-in link in the frame.
            let anonymous = try await browser.executeScript("return document.querySelector('meta[name=csrf-token]').content;")
            #expect(anonymous.stringValue == "")
            #expect(try await browser.findElements(css: "#sign-in").count == 1)
            // The one-time link mastery serve printed signs in: the page now carries the session's CSRF token.
            let link = try await server.signInURL()
            try await browser.navigate(to: link)
            try await browser.waitForDocumentReady()
            let token = try await browser.executeScript("return document.querySelector('meta[name=csrf-token]').content;")
            #expect((token.stringValue ?? "").count == 64)
            #expect(try await browser.findElements(css: "#sign-in").isEmpty)
            // The link works once: a second visit (cookies cleared) is refused and asks for the token.
            _ = try await browser.executeScript("return 1;")
            try await browser.deleteAllCookies()
            try await browser.navigate(to: link)
            try await browser.waitForDocumentReady()
            #expect(try await browser.pageSource.contains("already used"))
            // The form with the admin token signs in too.
            try await browser.navigate(to: "http://127.0.0.1:\(server.port)/dashboard/login")
            try await browser.findElement(css: "input[name=token]").sendKeys(try server.adminToken())
            try await browser.findElement(css: "form.login button").click()
            _ = try await browser.waitUntil(script: "document.querySelector('meta[name=csrf-token]').content.length === 64")
            let shot = try await browser.screenshot(named: "dashboard-shell")
            let bytes = try Data(contentsOf: shot)
            #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        }
        _ = try await server.stop()
    }
}
