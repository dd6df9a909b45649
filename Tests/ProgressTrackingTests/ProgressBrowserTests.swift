import Foundation
import Platform
import ProgressTracking
import TestSupport
import Testing

/// The progress page in a real headless Chromium, driven over WebDriver, against `mastery serve`.
@Suite(
    "Progress page in a browser",
    .enabled(
        if: TestServers.shouldRun(tools: "chromium", "chromedriver"),
        "needs chromium and chromium-driver: run scripts/test"
    )
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
                try await expectDrawnGlyphs(browser)

                // Start project 01 by clicking: the page reloads with it in progress, and the file says so.
                try await browser.findElement(css: "button[data-action=start][data-project='01']").click()
                try await browser.waitUntil(
                    script: "document.querySelector(\"article[data-project='01']\").dataset.status === 'inProgress'",
                    timeout: .seconds(60)
                )
                let card = try await browser.findElement(css: "article[data-project='01']")
                #expect(try await card.text.contains("In Progress"))
                #expect(try store.read().snapshot().projects[0].status == .inProgress)
                try await expectDrawnGlyphs(browser)

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

    /// Every status on the page is a shape the stylesheet draws beside the text (a `::before` with no character
    /// of its own, a laid-out box and a visible border or fill), and no status or checklist text holds an emoji,
    /// so the page reads the same in a browser without an emoji font.
    func expectDrawnGlyphs(_ browser: WebDriverSession, sourceLocation: SourceLocation = #_sourceLocation) async throws
    {
        let report = try await browser.executeScript(
            """
            const emoji = /[\\u2B1C\\u2705\\u23ED\\u2610\\u2611\\uFE0F]|\\uD83D\\uDFE1/u;
            const marks = [...document.querySelectorAll(".status, .check")];
            const drawn = (element) => {
              const style = getComputedStyle(element, "::before");
              const box = parseFloat(style.width) > 0 && parseFloat(style.height) > 0;
              const ink = ["Top", "Right", "Bottom", "Left"].some((side) =>
                  style["border" + side + "Style"] !== "none" && parseFloat(style["border" + side + "Width"]) > 0)
                || style.backgroundColor !== "rgba(0, 0, 0, 0)" || style.backgroundImage !== "none";
              return style.content === '""' && box && ink;
            };
            return [marks.length, marks.filter((m) => emoji.test(m.textContent)).length,
              marks.filter((m) => !drawn(m)).length,
              new Set(marks.filter((m) => m.classList.contains("status")).map((m) => m.dataset.glyph)).size].join(",");
            """
        )
        let counts = (report.stringValue ?? "").split(separator: ",").compactMap { Int($0) }
        try #require(counts.count == 4, "\(report)", sourceLocation: sourceLocation)
        #expect(counts[0] >= 40, "status and checklist marks: \(counts)", sourceLocation: sourceLocation)
        #expect(counts[1] == 0, "marks whose text holds an emoji: \(counts)", sourceLocation: sourceLocation)
        #expect(counts[2] == 0, "marks without a drawn glyph: \(counts)", sourceLocation: sourceLocation)
        #expect(counts[3] >= 1, "\(counts)", sourceLocation: sourceLocation)
    }
}
