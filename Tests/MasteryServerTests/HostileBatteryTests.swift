import Foundation
import Testing
import TestSupport

/// The hostile battery (TestSupport) against each mounted system's routes and page, on a real `mastery serve`.
/// A new system adds its suite here by listing its routes.
@Suite("Hostile battery", .serialized)
struct HostileBatteryTests {
    @Test("the progress tracker's routes and page")
    func progress() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mastery-battery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("PROGRESS.md").path
        try await ServeProcess.withRunning(arguments: ["--progress-file", file]) { server in
            let battery = HostileBattery(
                routes: [
                    .init("POST", "/v1/progress/projects/1/start", parameterized: "/v1/progress/projects/{}/start"),
                    .init("POST", "/v1/progress/projects/1/skip", parameterized: "/v1/progress/projects/{}/skip"),
                    .init(
                        "POST", "/v1/progress/projects/1/complete", body: #"{"story":"done","skills":["a"]}"#,
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
                    .init("PUT", "/v1/ratelimit/policies/battery", body: policy, parameterized: "/v1/ratelimit/policies/{}"),
                    .init("DELETE", "/v1/ratelimit/policies/demo", parameterized: "/v1/ratelimit/policies/{}"),
                    .init(
                        "POST", "/v1/ratelimit/check", body: #"{"descriptors":[{"policy":"demo","key":"battery"}]}"#,
                        needsAdmin: false
                    ),
                    .init("GET", "/v1/ratelimit/policies/demo", parameterized: "/v1/ratelimit/policies/{}"),
                    .init("GET", "/v1/ratelimit/stats"),
                ],
                pages: ["/systems/ratelimit"],
                statePaths: ["/v1/ratelimit/policies"],
                limits: [
                    .init(
                        "a cost beyond the policy's limit", "POST", "/v1/ratelimit/check",
                        body: #"{"descriptors":[{"policy":"demo","key":"battery","cost":1000000}]}"#, expectedStatus: 400
                    ),
                    .init(
                        "more descriptors than one check may carry", "POST", "/v1/ratelimit/check",
                        body: #"{"descriptors":[\#(Array(repeating: #"{"policy":"demo","key":"k"}"#, count: 1000).joined(separator: ","))]}"#,
                        expectedStatus: 400
                    ),
                ]
            )
            let findings = try await battery.run(against: server)
            #expect(findings.isEmpty, "\(findings.joined(separator: "\n"))")
        }
    }
}
