import Foundation
import Platform
import TestSupport
import Testing

/// The jobs page in a real headless Chromium, driven over WebDriver, against `mastery serve` (the in-memory store,
/// the demo queue worked by this process).
@Suite(
    "Jobs page in a browser",
    .enabled(
        if: TestServers.shouldRun(tools: "chromium", "chromedriver"),
        "needs chromium and chromium-driver: run scripts/test"
    )
)
struct JobsBrowserTests {
    /// Markup a producer could put in a payload or a unique key: the page must show it as text (no quotes, so the
    /// payload's JSON shows it unchanged).
    static let hostile = "<img data-hostile src=x onerror=window.__hostile=1>"

    static let deadRows = "document.querySelectorAll('#jobs-dead tr.jobs-dead-job')"

    @Test("demo jobs from the form: failures retry, poison lands in the DLQ, inspect, replay and purge; charts draw")
    func deadLetterQueue() async throws {
        let environment = ["MASTERY_JOBS_STORE": "memory", "MASTERY_JOBS_POLL_INTERVAL": "0.05"]
        try await ServeProcess.withRunning(environment: environment) { server in
            let client = BatteryClient(port: server.port)
            let auth = ["Authorization": "Bearer \(try server.adminToken())", "Content-Type": "application/json"]
            try await withWebDriver { browser in
                try await browser.signIn(to: server)
                try await browser.navigate(to: "http://127.0.0.1:\(server.port)/systems/jobs")
                try await browser.waitForDocumentReady()
                try await browser.waitUntil(script: "Number(document.getElementById('jobs').dataset.updates) >= 1")

                // Jobs that succeed, then jobs that always fail (retried with back-off), then poison ones.
                try await Self.enqueue(browser, count: 3, failureRate: "0", poison: false, expectedTotal: 3)
                try await Self.enqueue(browser, count: 2, failureRate: "1", poison: false, expectedTotal: 5)
                try await Self.enqueue(browser, count: 2, failureRate: "1", poison: true, expectedTotal: 7)
                let payload = try String(
                    decoding: JSONSerialization.data(withJSONObject: [
                        "kind": "demo.sleep", "uniqueKey": Self.hostile,
                        "payload": ["durationMs": 0, "failureRate": 0, "poison": true, "note": Self.hostile],
                    ]),
                    as: UTF8.self
                )
                let enqueued = try await client.send(
                    "POST",
                    "/v1/jobs",
                    headers: auth.merging(["_body": payload]) { $1 }
                )
                #expect(enqueued.status == 201, "\(enqueued.body)")
                let hostileID = try #require(enqueued.body.firstMatch(of: /"id":(\d+)/).map { String($0.1) })

                // The failing jobs show among the retrying ones with their error, the poison ones in the DLQ.
                try await browser.waitUntil(
                    script: """
                        [...document.querySelectorAll('#jobs-retrying tr.jobs-retrying-job')].some((row) => \
                        row.textContent.includes('demo failure on attempt'))
                        """,
                    timeout: .seconds(60)
                )
                try await browser.waitUntil(
                    script:
                        "[...\(Self.deadRows)].filter((row) => row.textContent.includes('enqueued as poison')).length === 3",
                    timeout: .seconds(60)
                )
                // The charts: bars for the minute's completed and dead jobs, and a depth line.
                try await browser.waitUntil(
                    script: """
                        document.querySelectorAll('#jobs-throughput rect.completed').length > 0 && \
                        document.querySelectorAll('#jobs-throughput rect.dead').length > 0 && \
                        document.querySelector('#jobs-depth polyline') !== null
                        """,
                    timeout: .seconds(30)
                )
                _ = try await browser.executeScript("document.getElementById('jobs-charts').scrollIntoView();")
                _ = try await browser.screenshot(named: "jobs-page-dlq")
                // Cancel the failing ones (a no-op on finished jobs), so that they do not reach the DLQ later on.
                let listed = try await client.send("GET", "/v1/jobs?queue=demo&limit=100", headers: auth)
                for match in listed.body.matches(of: /"id":(\d+)/) {
                    _ = try await client.send("POST", "/v1/jobs/\(match.1)/cancel", headers: auth)
                }

                // Inspect: the payload as text in a <pre>, every attempt with its outcome and error.
                try await browser.findElement(css: "#jobs-dead tr[data-id='\(hostileID)'] button[data-action=inspect]")
                    .click()
                try await browser.waitUntil(
                    script: "document.getElementById('jobs-inspect').dataset.id === '\(hostileID)'",
                    timeout: .seconds(30)
                )
                let shown = try await browser.findElement(css: "#jobs-inspect-payload").text
                #expect(shown.contains(Self.hostile), "\(shown)")
                let attempts = try await browser.findElement(css: "#jobs-inspect-attempts").text
                #expect(attempts.contains("enqueued as poison"), "\(attempts)")
                #expect(try await browser.findElement(css: "#jobs-inspect-summary").text.contains(Self.hostile))
                #expect(try await browser.executeScript(HostileBattery.injectedElementScript).intValue == 0)

                // Replay: the poison job runs again, fails again and comes back, with a new time of death.
                let row = "#jobs-dead tr[data-id='\(hostileID)']"
                let died = try await browser.findElement(css: row).attribute("data-finished-at") ?? ""
                try await browser.findElement(css: "\(row) button[data-action=replay]").click()
                try await browser.waitUntil(
                    script: """
                        (() => { const row = document.querySelector("\(row)"); \
                        return row !== null && row.dataset.finishedAt !== '' && row.dataset.finishedAt !== '\(died)'; })()
                        """,
                    timeout: .seconds(60)
                )
                let detail = try await client.send("GET", "/v1/jobs/\(hostileID)", headers: auth)
                #expect(detail.body.matches(of: /"outcome":"poisoned"/).count == 2, "\(detail.body)")

                // Purge one, then all.
                try await browser.findElement(css: "\(row) button[data-action=purge]").click()
                try await browser.waitUntil(
                    script: "document.querySelector(\"\(row)\") === null",
                    timeout: .seconds(30)
                )
                try await browser.findElement(css: "#jobs-dead-purge-all").click()
                try await browser.waitUntil(
                    script:
                        "\(Self.deadRows).length === 0 && document.querySelector('#jobs-dead tr.jobs-none') !== null",
                    timeout: .seconds(30)
                )
                let purged = try await browser.findElement(css: "#jobs-dlq-result").text
                #expect(
                    ["Purged 2.", "Purged 3.", "Purged 4."].contains(purged),
                    "the two other poison jobs (and the failing ones if they died first)"
                )

                // After the purge the completed jobs are still counted.
                #expect(try await browser.findElements(css: "#jobs-throughput rect.completed").count > 0)
                #expect(try await browser.findElements(css: "#jobs-queue-rows tr[data-queue=demo]").count == 1)
                #expect(try await browser.findElements(css: "#jobs-workers tr.jobs-worker").count >= 1)

                // Pause and resume the demo queue (idle now, so its row stays put between polls).
                let queue = "#jobs-queue-rows tr[data-queue=demo]"
                try await browser.findElement(css: "\(queue) button[data-action=pause]").click()
                try await browser.waitUntil(
                    script: "document.querySelector(\"\(queue)\")?.dataset.paused === 'true'",
                    timeout: .seconds(30)
                )
                #expect(try await client.send("GET", "/v1/jobs/queues", headers: [:]).body.contains(#""paused":true"#))
                try await browser.findElement(css: "\(queue) button[data-action=resume]").click()
                try await browser.waitUntil(
                    script: "document.querySelector(\"\(queue)\")?.dataset.paused === 'false'",
                    timeout: .seconds(30)
                )
                #expect(try await browser.executeScript(HostileBattery.injectedElementScript).intValue == 0)
                let shot = try await browser.screenshot(named: "jobs-page")
                #expect(try Data(contentsOf: shot).starts(with: [0x89, 0x50, 0x4E, 0x47]))
            }
        }
    }

    /// Fills the demo form (duration 0) and submits it; waits until the page reports `expectedTotal` enqueued.
    static func enqueue(
        _ browser: WebDriverSession,
        count: Int,
        failureRate: String,
        poison: Bool,
        expectedTotal: Int
    ) async throws {
        for (name, value) in [("count", String(count)), ("durationMs", "0"), ("failureRate", failureRate)] {
            let input = try await browser.findElement(css: "#jobs-demo-form input[name=\(name)]")
            try await input.clear()
            try await input.sendKeys(value)
        }
        let box = try await browser.findElement(css: "#jobs-demo-form input[name=poison]")
        if try await box.property("checked").boolValue != poison { try await box.click() }
        try await browser.findElement(css: "#jobs-demo-form button[type=submit]").click()
        try await browser.waitUntil(
            script: "Number(document.getElementById('jobs-demo-result').dataset.count) === \(expectedTotal)",
            timeout: .seconds(30)
        )
    }
}
