import Dashboard
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MasteryServer
import NIOCore
import Platform
import TestSupport
import Testing

@testable import Jobs

@Suite("Jobs: the dashboard page /systems/jobs")
struct JobsPageTests {
    static let adminToken = "test-admin-token-0123456789"
    static let auth: HTTPFields = [.authorization: "Bearer \(adminToken)", .contentType: "application/json"]

    @Test("the page is served on the kit: data-api, its script and style beside it, the queues as the store has them")
    func page() async throws {
        // No worker for `demo` here: the demo jobs stay ready, so the first paint has numbers to show.
        let (assembly, _) = try await TestApplication.make(
            flags: ["adminToken": Self.adminToken, "jobs.store": "memory", "jobs.queues": "default=1"],
            systems: [JobsSystem.self]
        )
        try await assembly.application.test(.router) { client in
            try await client.execute(uri: "/systems/jobs", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(html.contains(#"data-api="/v1/jobs""#), "\(html)")
                #expect(html.contains("No queue has jobs yet"))
                #expect(html.contains(#"id="jobs-signed-out""#), "without a session the page says to sign in")
            }
            try await client.execute(
                uri: "/v1/jobs/demo",
                method: .post,
                headers: Self.auth,
                body: .init(string: #"{"count":3,"durationMs":0,"failureRate":0}"#)
            ) {
                #expect($0.status == .created)
            }
            try await client.execute(uri: "/systems/jobs", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(html.contains(#"<script src="/systems/jobs/page.js" defer></script>"#), "\(html)")
                #expect(html.contains(#"<link rel="stylesheet" href="/systems/jobs/page.css">"#), "\(html)")
                #expect(html.contains(#"<tr class="jobs-queue" data-queue="demo" data-paused="false">"#), "\(html)")
                #expect(html.contains(#"<td class="num" data-field="ready">3</td>"#), "\(html)")
                #expect(html.contains(#"<span id="jobs-depth-now">3</span>"#), "\(html)")
                #expect(html.contains(#"id="jobs-demo-form""#) && html.contains(#"id="jobs-dead""#))
                #expect(!html.contains("<script>") && !html.contains("style="), "no inline script or style")
            }
            try await client.execute(uri: "/systems/jobs/page.js", method: .get) { response in
                let script = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(script.contains("Mastery.poll(") && script.contains("Mastery.send("))
                #expect(!script.contains("/v1/jobs"), "the script reads the API's path from data-api")
                #expect(!script.contains("innerHTML") && !script.contains("insertAdjacentHTML"))
            }
            try await client.execute(uri: "/systems/jobs/page.css", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/css; charset=utf-8")
            }
        }
    }

    @Test("a queue named with markup, and a store error holding it, are printed as text")
    func escaping() throws {
        let renderer = try DashboardRenderer(
            credentials: AdminCredentials(token: "test-token", isConfigured: true),
            templates: JobsPage.templates
        )
        let hostile = #"<script>alert("x")</script>"#
        let statistics = [
            JobQueueStatistics(queue: hostile, ready: 2, oldestReadyAge: .seconds(90), paused: true),
            JobQueueStatistics(queue: "mail", scheduled: 1, concurrencyLimit: 4),
        ]
        let html = renderer.render(
            template: JobsPageTemplates.page,
            context: JobsPageContent(apiPath: "/v1/jobs", statistics: .success(statistics)).context
        )
        let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
        #expect(!html.contains("<script>"), "\(html)")
        #expect(html.contains(#"data-queue="\#(escaped)" data-paused="true""#), "\(html)")
        #expect(html.contains("<code>\(escaped)</code>"), "\(html)")
        #expect(html.contains(#"data-field="oldest">90 s</td>"#), "\(html)")
        #expect(html.contains(#"data-action="resume""#) && html.contains(#"data-action="pause""#))
        #expect(html.contains(#"data-field="limit">4</td>"#))

        struct Failure: Error, CustomStringConvertible { var description: String }
        let failed = renderer.render(
            template: JobsPageTemplates.page,
            context: JobsPageContent(apiPath: "/v1/jobs", statistics: .failure(Failure(description: hostile))).context
        )
        #expect(failed.contains("The queues cannot be read: \(escaped)"), "\(failed)")
        #expect(!failed.contains("<script>"))
        #expect(JobsPageContent.age(0.5) == "<1 s" && JobsPageContent.age(600) == "10 min")
        #expect(JobsPageContent.age(10_000) == "2 h")
    }

    @Test("the hostile battery against the page on a real mastery serve")
    func hostileBattery() async throws {
        try await ServeProcess.withRunning(environment: ["MASTERY_JOBS_STORE": "memory"]) { server in
            let battery = HostileBattery(routes: [], pages: ["/systems/jobs"])
            let findings = try await battery.run(against: server)
            #expect(findings.isEmpty, "\(findings.joined(separator: "\n"))")
        }
    }
}
