import Foundation
import TestSupport
import Testing

/// The hostile battery (TestSupport) against each mounted system's routes and page, on a real `mastery serve`.
/// A new system adds its suite here by listing its routes.
@Suite("Hostile battery", .serialized)
struct HostileBatteryTests {
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
                pages: ["/progress", "/"],
                statePaths: ["/v1/progress"]
            )
            let findings = try await battery.run(against: server)
            #expect(findings.isEmpty, "\(findings.joined(separator: "\n"))")
        }
    }

    @Test("the rate limiter's routes and page")
    func rateLimit() async throws {
        try await ServeProcess.withRunning { server in
            let policy = #"{"algorithm":"sliding_window_log","limit":10,"window":60}"#
            let battery = HostileBattery(
                routes: [
                    .init(
                        "PUT",
                        "/v1/ratelimit/policies/battery",
                        body: policy,
                        parameterized: "/v1/ratelimit/policies/{}"
                    ),
                    .init("DELETE", "/v1/ratelimit/policies/demo", parameterized: "/v1/ratelimit/policies/{}"),
                    .init(
                        "POST",
                        "/v1/ratelimit/check",
                        body: #"{"descriptors":[{"policy":"demo","key":"battery"}]}"#,
                        needsAdmin: false
                    ),
                    .init("GET", "/v1/ratelimit/policies/demo", parameterized: "/v1/ratelimit/policies/{}"),
                    .init("GET", "/v1/ratelimit/stats"),
                ],
                pages: ["/systems/ratelimit"],
                statePaths: ["/v1/ratelimit/policies"],
                limits: [
                    .init(
                        "a cost beyond 1,000,000,000",
                        "POST",
                        "/v1/ratelimit/check",
                        body: #"{"descriptors":[{"policy":"demo","key":"battery","cost":1000000001}]}"#,
                        expectedStatus: 400
                    ),
                    .init(
                        "a key over 512 bytes",
                        "POST",
                        "/v1/ratelimit/check",
                        body: #"{"descriptors":[{"policy":"demo","key":"\#(String(repeating: "k", count: 513))"}]}"#,
                        expectedStatus: 400
                    ),
                    .init(
                        "a page of policies over 1,000",
                        "GET",
                        "/v1/ratelimit/policies?limit=1001",
                        expectedStatus: 400
                    ),
                    .init(
                        "more than 16 descriptors in one check",
                        "POST",
                        "/v1/ratelimit/check",
                        body:
                            #"{"descriptors":[\#(Array(repeating: #"{"policy":"demo","key":"k"}"#, count: 17).joined(separator: ","))]}"#,
                        expectedStatus: 400
                    ),
                ]
            )
            let findings = try await battery.run(against: server)
            #expect(findings.isEmpty, "\(findings.joined(separator: "\n"))")
        }
    }

    @Test(
        "markup, script and template payloads stored through each API show as text in a real browser",
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
            for payload in HostileBattery.xssPayloads {
                let check = try String(
                    decoding: JSONSerialization.data(withJSONObject: [
                        "descriptors": [["policy": "demo", "key": payload]]
                    ]),
                    as: UTF8.self
                )
                let response = try await client.send(
                    "POST",
                    "/v1/ratelimit/check",
                    headers: ["Content-Type": "application/json", "_body": check]
                )
                #expect(response.status == 200 || response.status == 429, "\(response.status) \(response.body)")
            }
            try await withWebDriver { browser in
                try await browser.signIn(to: server)
                for page in ["/progress", "/systems/ratelimit"] {
                    try await browser.navigate(to: "http://127.0.0.1:\(server.port)\(page)")
                    try await browser.waitForDocumentReady()
                    // Give the page's own scripts a moment of real work: wait for its live parts to render once.
                    _ = try await browser.executeScript("return document.body.innerText.length;")
                    let injected = try await browser.executeScript(HostileBattery.injectedElementScript)
                    #expect(injected.intValue == 0, "\(page): \(injected)")
                }
                try await browser.navigate(to: "http://127.0.0.1:\(server.port)/progress")
                try await browser.waitForDocumentReady()
                let text = try await browser.executeScript("return document.body.innerText;")
                #expect(text.stringValue?.contains("<b data-hostile>bold</b>") == true, "the payload shows as text")
            }
        }
    }
}
