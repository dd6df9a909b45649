import Foundation
import Platform
import TestSupport
import Testing

/// The hostile battery (TestSupport) against the rate limiter's routes and page, on a real `mastery serve`.
@Suite("Hostile battery: rate limiter", .serialized)
struct RateLimitHostileBatteryTests {
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
        "markup, script and template payloads stored through the API show as text in a real browser",
        .enabled(
            if: TestServers.shouldRun(tools: "chromium", "chromedriver"),
            "needs chromium and chromium-driver: run scripts/test"
        )
    )
    func payloadsInBrowser() async throws {
        try await ServeProcess.withRunning { server in
            let client = BatteryClient(port: server.port)
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
                try await browser.navigate(to: "http://127.0.0.1:\(server.port)/systems/ratelimit")
                try await browser.waitForDocumentReady()
                // Give the page's own scripts a moment of real work: wait for its live parts to render once.
                _ = try await browser.executeScript("return document.body.innerText.length;")
                let injected = try await browser.executeScript(HostileBattery.injectedElementScript)
                #expect(injected.intValue == 0, "/systems/ratelimit: \(injected)")
            }
        }
    }
}
