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

@testable import PoolMonitoring

@Suite("PoolMonitoring: the dashboard page /systems/pool")
struct PoolPageTests {
    static let adminToken = "pool-test-admin-token-0123456789abcdef"

    @Test("without PostgreSQL the page says there is no pool; its script and style are served beside it")
    func pageWithoutPool() async throws {
        let (assembly, _) = try await TestApplication.make(
            flags: ["adminToken": Self.adminToken],
            systems: [PoolSystem.self]
        )
        try await assembly.application.test(.router) { client in
            try await client.execute(uri: "/systems/pool", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(html.contains(#"data-api="/v1/pool""#), "\(html)")
                #expect(html.contains(#"id="pool-none""#), "no PostgreSQL tier: no pool")
                #expect(html.contains(#"id="pool-signed-out""#), "without a session the page says to sign in")
                #expect(html.contains(#"<script src="/systems/pool/page.js" defer></script>"#), "\(html)")
                #expect(html.contains(#"<link rel="stylesheet" href="/systems/pool/page.css">"#), "\(html)")
                #expect(html.contains(#"id="pool-chart-connections""#) && html.contains(#"id="pool-chart-wait""#))
                #expect(html.contains(#"id="pool-resize-form""#))
                #expect(html.contains(#"id="pool-autoscaler-state""#) && html.contains(#"id="pool-decisions""#))
                #expect(!html.contains("<script>") && !html.contains("style="), "no inline script or style")
            }
            try await client.execute(uri: "/systems/pool/page.js", method: .get) { response in
                let script = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(script.contains("Mastery.poll(") && script.contains("Mastery.send(\"PUT\""))
                #expect(!script.contains("/v1/pool"), "the script reads the API's path from data-api")
                #expect(!script.contains("innerHTML") && !script.contains("insertAdjacentHTML"))
            }
            try await client.execute(uri: "/systems/pool/page.css", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/css; charset=utf-8")
            }
        }
    }

    @Test(
        "with PostgreSQL the first paint shows the pool's counts and limits, and the form its limits",
        .enabled(if: TestServers.shouldRun(TestServers.postgresURL), "needs PostgreSQL: run scripts/test")
    )
    func pageWithPool() async throws {
        try await TestPostgres.withDatabase { url in
            let (assembly, _) = try await TestApplication.make(
                flags: ["postgresURL": url, "adminToken": Self.adminToken, "pool.maximum": "6"],
                systems: [PoolSystem.self]
            )
            try await assembly.application.test(.router) { client in
                try await client.execute(uri: "/systems/pool", method: .get) { response in
                    let html = String(buffer: response.body)
                    #expect(response.status == .ok)
                    #expect(!html.contains(#"id="pool-none""#))
                    #expect(html.contains(#"data-configured="true""#))
                    #expect(html.contains(#"<td class="num" data-field="maximum">6</td>"#), "\(html)")
                    #expect(html.contains(#"<td class="num" data-field="inUse">0</td>"#), "\(html)")
                    #expect(html.contains(#"name="maximum" type="number" min="1" max="1000" value="6""#), "\(html)")
                }
            }
        }
    }

    @Test("the page's content is a pure function of the status: dashes without a pool, numbers with one")
    func content() throws {
        let renderer = try DashboardRenderer(
            credentials: AdminCredentials(token: "test-token", isConfigured: true),
            templates: PoolPage.templates
        )
        let none = renderer.render(
            template: PoolPageTemplates.page,
            context: PoolPageContent(apiPath: "/v1/pool", status: .init(configured: false, history: [])).context
        )
        #expect(none.contains(#"<td class="num" data-field="total">—</td>"#), "\(none)")
        #expect(none.contains(#"id="pool-none""#))
        let history = PoolHistory(capacity: 3)
        for _ in 0..<5 { history.record(Self.snapshot(inUse: 2), waits: [.milliseconds(1), .milliseconds(9)]) }
        #expect(history.samples.map(\.sequence) == [2, 3, 4], "the oldest go first")
        #expect(history.samples.last?.p95WaitMilliseconds == 9)
        let status = PoolViews.Status(configured: true, pool: Self.snapshot(inUse: 2), history: history.samples)
        let some = renderer.render(
            template: PoolPageTemplates.page,
            context: PoolPageContent(apiPath: "/v1/pool", status: status).context
        )
        #expect(some.contains(#"<td class="num" data-field="inUse">2</td>"#), "\(some)")
        #expect(!some.contains(#"id="pool-none""#))
    }

    @Test("p95 is the nearest rank; none is zero")
    func percentile() {
        #expect(PoolMetrics.percentile95([]) == .zero)
        let waits = (1...100).map { Duration.milliseconds($0) }
        #expect(PoolMetrics.percentile95(waits.shuffled()) == .milliseconds(95))
        #expect(PoolMetrics.percentile95([.seconds(3)]) == .seconds(3))
    }

    @Test("the hostile battery against the page (and the API without PostgreSQL) on a real mastery serve")
    func hostileBattery() async throws {
        try await ServeProcess.withRunning { server in
            let battery = HostileBattery(
                routes: [.init("GET", "/v1/pool"), .init("PUT", "/v1/pool", body: #"{"maximum":5}"#)],
                pages: ["/systems/pool"],
                limits: [
                    .init(
                        "minimum above maximum",
                        "PUT",
                        "/v1/pool",
                        body: #"{"minimum":9,"maximum":3}"#,
                        expectedStatus: 400
                    ),
                    .init(
                        "a maximum past the cap",
                        "PUT",
                        "/v1/pool",
                        body: #"{"maximum":100000}"#,
                        expectedStatus: 400
                    ),
                ]
            )
            let findings = try await battery.run(against: server)
            #expect(findings.isEmpty, "\(findings.joined(separator: "\n"))")
        }
    }

    /// A snapshot (it has no public initialiser: decoded, as the API's clients read it).
    static func snapshot(inUse: Int) -> PoolSnapshot {
        let json = """
            {"minimum":0,"maximum":10,"total":\(inUse + 1),"idle":1,"inUse":\(inUse),"opening":0,"waiting":0,\
            "dedicated":0,"acquired":4,"timeouts":0,"rejected":0,"leaks":0,"reclaimed":0,"queryTimeouts":0,\
            "connectionsOpened":3,"connectionsClosed":0,"keepalives":0,"connectionErrors":0,"sizeChanges":0,\
            "currentLeaks":[]}
            """
        // The JSON above is fixed and valid.
        return try! JSONDecoder().decode(PoolSnapshot.self, from: Data(json.utf8))
    }
}
