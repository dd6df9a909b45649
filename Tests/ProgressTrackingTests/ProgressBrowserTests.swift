import Foundation
import Platform
import ProgressTracking
import Testing
import TestSupport

/// The progress page in a real headless Chromium, driven over WebDriver, against `mastery serve`.
@Suite(
    "Progress page in a browser",
    .enabled(if: TestServers.shouldRun(tools: "chromium", "chromedriver"), "needs chromium and chromium-driver: run scripts/test")
)
struct ProgressBrowserTests {
    @Test("the page shows cards, bars and the chart; Start updates the file; a stale click shows the refusal")
    func progressPage() async throws {
        let path = try makeProgressFile()
        let store = ProgressFileStore(path: path)
        try await ServeProcess.withRunning(arguments: ["--progress-file", path]) { server in
            try await withWebDriver { browser in
                try await browser.signIn(to: server)
                try await browser.navigate(to: "http://127.0.0.1:\(server.port)/systems/progress")
                try await browser.waitForDocumentReady()
                #expect(try await browser.findElements(css: "article.card").count == 40)
                #expect(try await browser.findElements(css: "section.progress-section").count == 5)
                #expect(try await browser.findElements(css: "div.bar[role=progressbar]").count == 7)
                let overall = try await browser.findElement(css: "#overall-progress")
                #expect(try await overall.text.contains("Overall: 0/40 (0%)"))
                // The chart is in the rendered DOM as SVG, with a laid-out plan line.
                let planLength = try await browser.executeScript(
                    "return document.querySelector('svg#burnup polyline.plan').getTotalLength();"
                )
                #expect((planLength.doubleValue ?? 0) > 100)
                #expect(try await browser.findElement(css: "svg#burnup").isDisplayed)

                // Start project 01 by clicking: the page reloads with it in progress, and the file says so.
                try await browser.findElement(css: "button[data-action=start][data-project='01']").click()
                try await browser.waitUntil(
                    script: "document.querySelector(\"article[data-project='01']\").dataset.status === 'inProgress'",
                    timeout: .seconds(60)
                )
                let card = try await browser.findElement(css: "article[data-project='01']")
                #expect(try await card.text.contains("In Progress"))
                #expect(try store.read().snapshot().projects[0].status == .inProgress)

                // A change made elsewhere (the CLI) while the page is open: the page's Start on 02 is now refused
                // with the server's message, and the file keeps the other writer's change.
                try store.update { try $0.start(ProjectNumber(2), on: CalendarDate(year: 2025, month: 2, day: 3)) }
                let before = try Data(contentsOf: URL(fileURLWithPath: path))
                try await browser.findElement(css: "button[data-action=start][data-project='02']").click()
                try await browser.waitUntil(
                    script: "!document.getElementById('progress-message').hidden",
                    timeout: .seconds(60)
                )
                let message = try await browser.findElement(css: "#progress-message")
                #expect(try await message.text.contains("Conflict"))
                #expect(try await message.text.contains("cannot be started"))
                #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)

                let shot = try await browser.screenshot(named: "progress-page")
                #expect(try Data(contentsOf: shot).starts(with: [0x89, 0x50, 0x4E, 0x47]))
            }
        }
    }
}
