import Foundation
import Platform
import TestSupport
import Testing

/// The hostile battery (TestSupport) against the tracker's routes and page, on a real `mastery serve`.
@Suite("Hostile battery: progress tracker", .serialized)
struct ProgressHostileBatteryTests {
    @Test("the progress tracker's routes and page")
    func progress() async throws {
        let file = try makeProgressFile()
        defer { try? FileManager.default.removeItem(atPath: (file as NSString).deletingLastPathComponent) }
        try await ServeProcess.withRunning(arguments: ["--progress-file", file]) { server in
            let battery = HostileBattery(
                routes: [
                    .init("POST", "/v1/progress/projects/1/start", parameterized: "/v1/progress/projects/{}/start"),
                    .init("POST", "/v1/progress/projects/1/skip", parameterized: "/v1/progress/projects/{}/skip"),
                    .init(
                        "POST",
                        "/v1/progress/projects/1/complete",
                        body: #"{"story":"done","skills":["a"]}"#,
                        parameterized: "/v1/progress/projects/{}/complete"
                    ),
                    .init("GET", "/v1/progress"),
                ],
                pages: ["/systems/progress", "/"],
                statePaths: ["/v1/progress"]
            )
            let findings = try await battery.run(against: server)
            #expect(findings.isEmpty, "\(findings.joined(separator: "\n"))")
        }
    }

    @Test(
        "markup, script and template payloads stored through the API show as text in a real browser",
        .enabled(
            if: TestServers.shouldRun(tools: "chromium", "chromedriver"),
            "needs chromium and chromium-driver: run scripts/test"
        )
    )
    func payloadsInBrowser() async throws {
        let file = try makeProgressFile()
        defer { try? FileManager.default.removeItem(atPath: (file as NSString).deletingLastPathComponent) }
        // A hostile file: the payloads as the title and as a skill the page lists.
        var text = try String(contentsOfFile: file, encoding: .utf8)
        let payloads = HostileBattery.xssPayloads.joined(separator: " ")
        text = text.replacingOccurrences(of: "# Backend Engineering Mastery - Progress Tracker", with: "# \(payloads)")
        if let skills = text.range(of: "## Skills Acquired\n") {
            text.insert(contentsOf: "\n### Hostile\n- [ ] \(payloads)\n", at: skills.upperBound)
        }
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        try await ServeProcess.withRunning(arguments: ["--progress-file", file]) { server in
            let client = BatteryClient(port: server.port)
            let token = try server.adminToken()
            let story = HostileBattery.xssPayloads.joined(separator: " ")
            let body = try String(
                decoding: JSONSerialization.data(withJSONObject: ["story": story, "force": true]),
                as: UTF8.self
            )
            let completed = try await client.send(
                "POST",
                "/v1/progress/projects/1/complete",
                headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json", "_body": body]
            )
            #expect(completed.status == 200, "\(completed.body)")
            try await withWebDriver { browser in
                try await browser.signIn(to: server)
                for page in ["/systems/progress", "/"] {
                    try await browser.navigate(to: "http://127.0.0.1:\(server.port)\(page)")
                    try await browser.waitForDocumentReady()
                    // Give the page's own scripts a moment of real work: wait for its live parts to render once.
                    _ = try await browser.executeScript("return document.body.innerText.length;")
                    let injected = try await browser.executeScript(HostileBattery.injectedElementScript)
                    #expect(injected.intValue == 0, "\(page): \(injected)")
                }
                try await browser.navigate(to: "http://127.0.0.1:\(server.port)/systems/progress")
                try await browser.waitForDocumentReady()
                let text = try await browser.executeScript("return document.body.innerText;")
                #expect(text.stringValue?.contains("<b data-hostile>bold</b>") == true, "the payload shows as text")
            }
        }
    }
}
