import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MasteryServer
import NIOCore
import OpenAPIKit
import Platform
import PoolMonitoring
import Storage
import Synchronization
import TestSupport
import Testing

/// The system mounted alone: `GET /v1/pool` answers the snapshot, limits, cross-check and samples; `PUT /v1/pool`
/// resizes; the metrics reach `/metrics`; the `pool.` keys apply.
@Suite("PoolSystem")
struct PoolSystemTests {
    static let adminToken = "pool-test-admin-token-0123456789abcdef"
    static let auth: HTTPFields = [.authorization: "Bearer \(adminToken)", .contentType: "application/json"]

    /// Bodies `PUT /v1/pool` refuses with 400, and why.
    static let badBodies: [(String, String)] = [
        ("{", "malformed JSON"),
        ("[1,2]", "not an object"),
        ("{}", "no limit"),
        (#"{"minimum":5,"maximum":2}"#, "minimum above maximum"),
        (#"{"minimum":-1}"#, "negative minimum"),
        (#"{"maximum":0}"#, "zero maximum"),
        (#"{"maximum":-3}"#, "negative maximum"),
        (#"{"maximum":1001}"#, "maximum above the cap"),
        (#"{"maximum":99999999999999999999999}"#, "a number past Int"),
        (#"{"maximum":1e30}"#, "a huge float"),
        (#"{"maximum":2.5}"#, "a fraction"),
        (#"{"maximum":"7"}"#, "a string"),
        (#"{"minimum":null,"maximum":null}"#, "nulls only"),
    ]

    @Test("without PostgreSQL, GET /v1/pool (admin token) says there is no pool; PUT checks its body, then 409")
    func withoutPostgres() async throws {
        let (assembly, _) = try await TestApplication.make(
            flags: ["adminToken": Self.adminToken],
            systems: [PoolSystem.self]
        )
        try await assembly.application.test(.router) { client in
            try await client.execute(uri: "/v1/pool", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/v1/pool", method: .get, headers: Self.auth) { response in
                #expect(response.status == .ok)
                let body = try jsonObject(response)
                #expect(body["configured"] as? Bool == false)
                #expect(body["pool"] == nil)
                #expect((body["history"] as? [Any])?.isEmpty == true)
            }
            try await client.execute(
                uri: "/v1/pool",
                method: .put,
                headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"maximum":5}"#)
            ) { response in
                #expect(response.status == .unauthorized)
            }
            for (body, why) in Self.badBodies {
                try await client.execute(
                    uri: "/v1/pool",
                    method: .put,
                    headers: Self.auth,
                    body: ByteBuffer(string: body)
                ) { response in
                    #expect(response.status == .badRequest, "\(why)")
                    let detail = try problem(response)["detail"] as? String
                    #expect(detail != nil, "\(why)")
                }
            }
            try await client.execute(
                uri: "/v1/pool",
                method: .put,
                headers: Self.auth,
                body: ByteBuffer(string: #"{"maximum":5}"#)
            ) { response in
                #expect(response.status == .conflict)
            }
            try await client.execute(
                uri: "/v1/pool",
                method: .put,
                headers: Self.auth,
                body: ByteBuffer(string: #"{"minimum":5}"#)
            ) { response in
                #expect(response.status == .conflict, "a valid body, and no pool to resize")
            }
        }
    }

    @Test(
        "with PostgreSQL, GET /v1/pool answers the snapshot, the limits and the pg_stat_activity cross-check",
        .enabled(if: TestServers.shouldRun(TestServers.postgresURL), "needs PostgreSQL: run scripts/test")
    )
    func withPostgres() async throws {
        try await TestPostgres.withDatabase { url in
            let (assembly, _) = try await TestApplication.make(
                flags: ["postgresURL": url, "adminToken": Self.adminToken, "pool.minimum": "2"],
                systems: [PoolSystem.self]
            )
            try await assembly.application.test(.live) { client in
                // The minimum is opened by the pool's maintenance: wait (bounded) until both connections are open.
                var body: [String: Any] = [:]
                for _ in 0..<200 {
                    body = try await client.execute(uri: "/v1/pool", method: .get, headers: Self.auth) { response in
                        #expect(response.status == .ok)
                        return try jsonObject(response)
                    }
                    let pool = body["pool"] as? [String: Any]
                    let view = body["serverView"] as? [String: Any]
                    if pool?["opening"] as? Int == 0, (pool?["total"] as? Int ?? 0) >= 2,
                        view?["agrees"] as? Bool == true
                    {
                        break
                    }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(body["configured"] as? Bool == true)
                let pool = try #require(body["pool"] as? [String: Any])
                #expect(pool["minimum"] as? Int == 2)
                #expect(pool["maximum"] as? Int == 20, "Storage's default")
                #expect(pool["inUse"] as? Int == 0, "the check's own connection is back")
                let limits = try #require(body["configuration"] as? [String: Any])
                #expect(limits["acquireTimeoutSeconds"] as? Double == 30)
                #expect(limits["leakThresholdSeconds"] as? Double == 60)
                #expect(limits["maximumAllowed"] as? Int == 1_000)
                let view = try #require(body["serverView"] as? [String: Any])
                #expect(view["available"] as? Bool == true, "\(view)")
                #expect(view["applicationName"] as? String == "mastery")
                #expect(view["agrees"] as? Bool == true, "\(view)")
                let server = try #require(view["serverConnections"] as? Int)
                #expect(server == view["poolConnections"] as? Int)
                #expect(server >= 1, "the pool's other connection, at least")
                let states = try #require(view["states"] as? [String: Int])
                #expect(states.values.reduce(0, +) == server)
                let text = String(describing: body)
                #expect(!text.contains("password") && !text.contains(url), "no secret in the answer")
                // The sampler has run: the history holds samples.
                try await waitFor {
                    let body = try await client.execute(uri: "/v1/pool", method: .get, headers: Self.auth) {
                        try jsonObject($0)
                    }
                    return ((body["history"] as? [[String: Any]])?.count ?? 0) >= 2
                }
            }
        }
    }

    @Test(
        "PUT /v1/pool resizes with the admin token; refused bodies change nothing; unknown fields are ignored",
        .enabled(if: TestServers.shouldRun(TestServers.postgresURL), "needs PostgreSQL: run scripts/test")
    )
    func resize() async throws {
        try await TestPostgres.withDatabase { url in
            let (assembly, _) = try await TestApplication.make(
                flags: ["postgresURL": url, "adminToken": Self.adminToken],
                systems: [PoolSystem.self]
            )
            try await assembly.application.test(.live) { client in
                func limits() async throws -> (Int?, Int?, Int?) {
                    try await client.execute(uri: "/v1/pool", method: .get, headers: Self.auth) { response in
                        let pool = try jsonObject(response)["pool"] as? [String: Any]
                        return (pool?["minimum"] as? Int, pool?["maximum"] as? Int, pool?["sizeChanges"] as? Int)
                    }
                }
                try await client.execute(
                    uri: "/v1/pool",
                    method: .put,
                    headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: #"{"maximum":5}"#)
                ) { response in
                    #expect(response.status == .unauthorized)
                }
                for (body, why) in Self.badBodies {
                    try await client.execute(
                        uri: "/v1/pool",
                        method: .put,
                        headers: Self.auth,
                        body: ByteBuffer(string: body)
                    ) { response in
                        #expect(response.status == .badRequest, "\(why)")
                    }
                }
                let unchanged = try await limits()
                #expect(unchanged.0 == 0 && unchanged.1 == 20 && unchanged.2 == 0, "refused bodies change nothing")
                try await client.execute(
                    uri: "/v1/pool",
                    method: .put,
                    headers: Self.auth,
                    body: ByteBuffer(string: #"{"minimum":1,"maximum":7,"comment":"ignored"}"#)
                ) { response in
                    #expect(response.status == .ok)
                    let body = try jsonObject(response)
                    let pool = try #require(body["pool"] as? [String: Any])
                    #expect(pool["minimum"] as? Int == 1 && pool["maximum"] as? Int == 7)
                    #expect((body["configuration"] as? [String: Any])?["maximum"] as? Int == 7)
                }
                try await client.execute(
                    uri: "/v1/pool",
                    method: .put,
                    headers: Self.auth,
                    body: ByteBuffer(string: #"{"maximum":3}"#)
                ) { response in
                    #expect(response.status == .ok, "an absent minimum stays")
                }
                let after = try await limits()
                #expect(after.0 == 1 && after.1 == 3 && after.2 == 2)
                try await client.execute(
                    uri: "/v1/pool",
                    method: .put,
                    headers: Self.auth,
                    body: ByteBuffer(string: #"{"maximum":0}"#)
                ) { response in
                    #expect(response.status == .badRequest)
                }
                try await client.execute(
                    uri: "/v1/pool",
                    method: .put,
                    headers: Self.auth,
                    body: ByteBuffer(string: #"{"minimum":4}"#)
                ) { response in
                    #expect(response.status == .badRequest, "above the current maximum")
                    #expect(String(buffer: response.body).contains("minimum (4) must not be above maximum (3)"))
                }
                let last = try await limits()
                #expect(last.0 == 1 && last.1 == 3 && last.2 == 2)
            }
        }
    }

    @Test(
        "the metrics reach /metrics: connections by state, wait and hold histograms, the four counters",
        .enabled(if: TestServers.shouldRun(TestServers.postgresURL), "needs PostgreSQL: run scripts/test")
    )
    func metrics() async throws {
        try await TestPostgres.withDatabase { url in
            let (assembly, _) = try await TestApplication.make(
                flags: ["postgresURL": url, "adminToken": Self.adminToken],
                systems: [PoolSystem.self]
            )
            try await assembly.application.test(.live) { client in
                // Each GET borrows a connection for its cross-check: acquires and holds to measure.
                for _ in 0..<3 {
                    try await client.execute(uri: "/v1/pool", method: .get, headers: Self.auth) { _ in }
                }
                try await client.execute(
                    uri: "/v1/pool",
                    method: .put,
                    headers: Self.auth,
                    body: ByteBuffer(string: #"{"minimum":1,"maximum":9}"#)
                ) { #expect($0.status == .ok) }
                var text = ""
                try await waitFor {
                    text = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
                    return text.contains("mastery_pool_size_changes_total 1")
                        && text.contains(#"mastery_pool_connections{state="total"} 1"#)
                }
                for line in [
                    #"mastery_pool_connections{state="idle"} 1"#,
                    #"mastery_pool_connections{state="in_use"} 0"#,
                    #"mastery_pool_connections{state="waiting"} 0"#,
                    "mastery_pool_acquire_wait_seconds_count ",
                    #"mastery_pool_acquire_wait_seconds_bucket{le="0.0001"}"#,
                    "mastery_pool_hold_seconds_count ",
                    "mastery_pool_hold_seconds_sum ",
                    "mastery_pool_acquire_timeouts_total 0",
                    "mastery_pool_leaks_total 0",
                    "mastery_pool_connection_errors_total 0",
                    "# TYPE mastery_pool_acquire_wait_seconds histogram",
                    "# TYPE mastery_pool_size_changes_total counter",
                ] {
                    #expect(text.contains(line), "\(line) in \(text)")
                }
                let acquires = text.firstMatch(of: /mastery_pool_acquire_wait_seconds_count (\d+)/).flatMap {
                    Int($0.1)
                }
                #expect((acquires ?? 0) >= 3, "the three cross-checks at least")
                let holds = text.firstMatch(of: /mastery_pool_hold_seconds_count (\d+)/).flatMap { Int($0.1) }
                #expect((holds ?? 0) >= 3)
            }
        }
    }

    @Test("invalid pool. keys stop the server naming the key")
    func invalidConfiguration() async throws {
        let cases: [([String: String], String)] = [
            (["pool.maximum": "0"], "pool.maximum"),
            (["pool.maximum": "1001"], "pool.maximum"),
            (["pool.maximum": "lots"], "pool.maximum"),
            (["pool.minimum": "-1"], "pool.minimum"),
            (["pool.minimum": "5", "pool.maximum": "2"], "pool.minimum"),
            (["pool.leakThreshold": "0"], "pool.leakThreshold"),
            (["pool.leakThreshold": "soon"], "pool.leakThreshold"),
            (["pool.acquireTimeout": "0"], "pool.acquireTimeout"),
            (["pool.historySize": "5"], "pool.historySize"),
        ]
        for (flags, key) in cases {
            let error = await #expect(throws: ConfigurationError.self, "\(flags)") {
                _ = try await TestApplication.make(flags: flags, systems: [PoolSystem.self])
            }
            #expect(error?.key == key, "\(flags): \(String(describing: error))")
        }
        let configuration = try PoolSystem.Configuration(
            reader: try await SystemContext.forTesting(
                PoolSystem.self,
                flags: ["pool.minimum": "1", "pool.maximum": "4", "pool.leakThreshold": "off"]
            ).configuration
        )
        #expect(configuration.minimum == 1 && configuration.maximum == 4 && configuration.leakThreshold == .off)
    }

    @Test(
        "pool.autoscale. keys turn the autoscaler on: it reads its budget, shrinks an idle pool, and says why",
        .enabled(if: TestServers.shouldRun(TestServers.postgresURL), "needs PostgreSQL: run scripts/test")
    )
    func autoscalerWired() async throws {
        try await TestPostgres.withDatabase { url in
            let (assembly, _) = try await TestApplication.make(
                flags: [
                    "postgresURL": url, "adminToken": Self.adminToken, "pool.minimum": "0", "pool.maximum": "12",
                    "pool.autoscale.enabled": "true", "pool.autoscale.interval": "0.1",
                    "pool.autoscale.idlePeriod": "1", "pool.autoscale.floor": "2", "pool.autoscale.instances": "1",
                ],
                systems: [PoolSystem.self]
            )
            try await assembly.application.test(.live) { client in
                var autoscaler: [String: Any] = [:]
                var maximum = 0
                for _ in 0..<600 {
                    let body = try await client.execute(uri: "/v1/pool", method: .get, headers: Self.auth) {
                        try jsonObject($0)
                    }
                    autoscaler = body["autoscaler"] as? [String: Any] ?? [:]
                    maximum = (body["pool"] as? [String: Any])?["maximum"] as? Int ?? 0
                    if maximum < 12 { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(autoscaler["enabled"] as? Bool == true)
                #expect((autoscaler["budget"] as? Int ?? 0) > 2, "read from max_connections: \(autoscaler)")
                #expect(maximum < 12, "an idle pool shrinks toward the floor")
                let decisions = autoscaler["decisions"] as? [[String: Any]] ?? []
                #expect(
                    decisions.contains { $0["action"] as? String == "shrink" && ($0["reason"] as? String ?? "") != "" },
                    "\(decisions)"
                )
            }
            for (flags, key) in [
                (["pool.autoscale.floor": "0"], "pool.autoscale.floor"),
                (["pool.autoscale.enabled": "maybe"], "pool.autoscale.enabled"),
                (["pool.autoscale.floor": "30", "pool.autoscale.ceiling": "10"], "pool.autoscale"),
            ] {
                let error = await #expect(throws: ConfigurationError.self, "\(flags)") {
                    _ = try await TestApplication.make(
                        flags: flags.merging(["postgresURL": url]) { $1 },
                        systems: [PoolSystem.self]
                    )
                }
                #expect(error?.key == key, "\(flags): \(String(describing: error))")
            }
        }
    }

    @Test(
        "the pool. keys apply to the shared pool; a value out of range stops the server naming the key",
        .enabled(if: TestServers.shouldRun(TestServers.postgresURL), "needs PostgreSQL: run scripts/test")
    )
    func configurationApplies() async throws {
        try await TestPostgres.withDatabase { url in
            let (assembly, _) = try await TestApplication.make(
                flags: [
                    "postgresURL": url, "adminToken": Self.adminToken, "pool.minimum": "1", "pool.maximum": "4",
                    "pool.leakThreshold": "2.5", "pool.acquireTimeout": "7.5",
                ],
                systems: [PoolSystem.self]
            )
            try await assembly.application.test(.router) { client in
                try await client.execute(uri: "/v1/pool", method: .get, headers: Self.auth) { response in
                    let body = try jsonObject(response)
                    let limits = try #require(body["configuration"] as? [String: Any])
                    #expect(limits["minimum"] as? Int == 1 && limits["maximum"] as? Int == 4)
                    #expect(limits["leakThresholdSeconds"] as? Double == 2.5)
                    #expect(limits["acquireTimeoutSeconds"] as? Double == 7.5)
                }
                // The router test runs the services, so the pool serves the check: within its 2 s bound once the
                // first connection is open (a loaded machine may need a few tries for that).
                var view: [String: Any] = [:]
                for _ in 0..<20 {
                    try await client.execute(uri: "/v1/pool", method: .get, headers: Self.auth) { response in
                        view = try jsonObject(response)["serverView"] as? [String: Any] ?? [:]
                    }
                    if view["available"] as? Bool == true { break }
                }
                #expect(view["available"] as? Bool == true, "\(view)")
            }
            for (flags, key) in [
                (["pool.acquireTimeout": "601"], "pool.acquireTimeout"),
                (["pool.minimum": "25"], "pool.minimum"),
            ] {
                let error = await #expect(throws: ConfigurationError.self, "\(flags)") {
                    _ = try await TestApplication.make(
                        flags: flags.merging(["postgresURL": url]) { $1 },
                        systems: [PoolSystem.self]
                    )
                }
                #expect(error?.key == key, "\(flags): \(String(describing: error))")
            }
        }
    }

    @Test("the API document describes exactly the routes under /v1/pool, in both directions")
    func documentMatchesRoutes() async throws {
        let system = try await PoolSystem(context: try await SystemContext.forTesting(PoolSystem.self))
        let router = Router(context: MasteryRequestContext.self)
        system.addRoutes(to: SystemRoutes(descriptor: PoolSystem.descriptor, router: router))
        let check = OpenAPIRouteCheck(document: try #require(system.apiDocument), router: router, prefix: "/v1/pool")
        #expect(check.matches, "\(check)")
    }

    @Test(
        "the document, alone and merged, passes openapi-spec-validator as OpenAPI 3.1",
        .enabled(
            if: TestServers.shouldRun(tools: OpenAPISpecValidator.toolName),
            "needs openapi-spec-validator: run scripts/test"
        )
    )
    func documentValidates() async throws {
        let (alone, merged) = try await OpenAPISpecValidator.validate(PoolOpenAPI.document, of: PoolSystem.descriptor)
        #expect(alone.isValid, "\(alone.output)")
        #expect(merged.isValid, "\(merged.output)")
    }

    @Test(
        "the hostile battery against GET and PUT /v1/pool and the page, on a real mastery serve with PostgreSQL",
        .enabled(if: TestServers.shouldRun(TestServers.postgresURL), "needs PostgreSQL: run scripts/test")
    )
    func hostileBattery() async throws {
        try await TestPostgres.withDatabase { url in
            try await ServeProcess.withRunning(arguments: ["--postgres-url", url]) { server in
                let client = BatteryClient(port: server.port)
                let auth = ["Authorization": "Bearer \(try server.adminToken())"]
                func limits() async throws -> String {
                    let body = try await client.send("GET", "/v1/pool", headers: auth).body
                    let minimum = body.firstMatch(of: /"minimum":(\d+)/).map { String($0.1) } ?? "?"
                    let maximum = body.firstMatch(of: /"maximum":(\d+)/).map { String($0.1) } ?? "?"
                    return "\(minimum)-\(maximum)"
                }
                let before = try await limits()
                let battery = HostileBattery(
                    routes: [
                        .init("GET", "/v1/pool"),
                        .init("PUT", "/v1/pool", body: #"{"minimum":0,"maximum":20}"#),
                    ],
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
                            body: #"{"maximum":1001}"#,
                            expectedStatus: 400
                        ),
                        .init("a negative minimum", "PUT", "/v1/pool", body: #"{"minimum":-1}"#, expectedStatus: 400),
                        .init("a huge maximum", "PUT", "/v1/pool", body: #"{"maximum":1e300}"#, expectedStatus: 400),
                        .init("no limit", "PUT", "/v1/pool", body: "{}", expectedStatus: 400),
                    ]
                )
                let findings = try await battery.run(against: server)
                #expect(findings.isEmpty, "\(findings.joined(separator: "\n"))")
                #expect(before == "0-20")
                #expect(try await limits() == before, "only refused or same-size requests were sent")
                let answer = try await client.send("GET", "/v1/pool", headers: auth).body
                #expect(!answer.contains(url) && !answer.lowercased().contains("password"))
            }
        }
    }

    @Test(
        "an exhausted pool reports the cross-check unavailable at once, rather than waiting for a connection",
        .enabled(if: TestServers.shouldRun(TestServers.postgresURL), "needs PostgreSQL: run scripts/test")
    )
    func crossCheckWhenExhausted() async throws {
        try await TestPostgres.withDatabase { url in
            let storage = try PostgresStorage(url: url, logger: TestPostgres.quietLogger)
            try storage.pool.resize(minimum: 0, maximum: 1)
            var context = try await SystemContext.forTesting(PoolSystem.self)
            context.resources.add(storage)
            let system = try await PoolSystem(context: context)
            let router = Router(context: MasteryRequestContext.self)
            system.addRoutes(to: SystemRoutes(descriptor: PoolSystem.descriptor, router: router))
            let application = Application(router: router)
            try await TestPostgres.withRunning(storage) {
                let gate = Gate()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await storage.pool.withConnection(label: "hog") { _ in await gate.wait() } }
                    try await waitUntil("the only connection is held") { storage.pool.snapshot().inUse == 1 }
                    let started = ContinuousClock.now
                    try await application.test(.router) { client in
                        try await client.execute(uri: "/v1/pool", method: .get) { response in
                            let view = try jsonObject(response)["serverView"] as? [String: Any]
                            #expect(view?["available"] as? Bool == false)
                            let reason = view?["reason"] as? String ?? ""
                            #expect(reason.contains("the pool is exhausted (1 of 1 connections held)"), "\(reason)")
                        }
                    }
                    #expect(ContinuousClock.now - started < .seconds(10), "no wait for the 30 s acquire timeout")
                    #expect(storage.pool.snapshot().timeouts == 0)
                    gate.open()
                    try await group.waitForAll()
                }
            }
        }
    }

    @Test("the series follow a stub pool: waiting, a timeout, a leak, a failed connect and a resize (no I/O)")
    func metricsOnStubPool() async throws {
        let factory = StubFactory()
        let clock = ManualClock()
        var configuration = PoolConfiguration()
        configuration.maximum = 1
        configuration.acquireTimeout = .seconds(5)
        configuration.leakThreshold = .seconds(10)
        let pool = try ConnectionPool(factory: factory, configuration: configuration, clock: clock, logger: quietLogger)
        let registry = MetricsRegistry()
        let metrics = PoolMetrics(registry: registry.registry)
        pool.addObserver(metrics)
        let history = PoolHistory()
        let sampler = PoolSampler(snapshot: { pool.snapshot() }, metrics: metrics, history: history, clock: clock)
        let text: @Sendable () -> String = { String(decoding: registry.render(), as: UTF8.self) }
        let gate = Gate()
        try await withRunning(pool) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await pool.withConnection(label: "holder") { _ in await gate.wait() } }
                try await waitUntil("the connection is held") { pool.snapshot().inUse == 1 }
                group.addTask { _ = try? await pool.withConnection(label: "late") { _ in } }
                try await waitUntil("an acquire waits") { pool.snapshot().waiting == 1 }
                sampler.sample()
                #expect(text().contains(#"mastery_pool_connections{state="waiting"} 1"#), "\(text())")
                #expect(text().contains(#"mastery_pool_connections{state="in_use"} 1"#))
                // Past the acquire timeout (5 s) and the leak threshold (10 s): the maintenance loop finds the leak.
                // The clock moves a second per poll, as the waiter's timer may start after any one step.
                try await waitUntil("the wait times out") {
                    clock.advance(by: .seconds(1))
                    return pool.snapshot().timeouts == 1
                }
                try await waitUntil("the leak is found") {
                    clock.advance(by: .seconds(1))
                    return pool.snapshot().leaks == 1
                }
                factory.behaviour.withLock { $0.failConnects = true }
                try pool.resize(minimum: 2, maximum: 2)
                try await waitUntil("the connect fails") { pool.snapshot().connectionErrors >= 1 }
                gate.open()
                try await group.waitForAll()
            }
        }
        sampler.sample()
        let final = text()
        for line in [
            "mastery_pool_acquire_timeouts_total 1", "mastery_pool_leaks_total 1", "mastery_pool_size_changes_total 1",
            "mastery_pool_acquire_wait_seconds_count 2", "mastery_pool_hold_seconds_count 1",
            #"mastery_pool_connections{state="waiting"} 0"#,
        ] {
            #expect(final.contains(line), "\(line) in \(final)")
        }
        #expect(final.contains("mastery_pool_connection_errors_total ") && !final.contains("connection_errors_total 0"))
        #expect(history.samples.count == 2)
        #expect(history.samples.map(\.acquires).reduce(0, +) == 2, "the holder's wait and the late one's failed wait")
        sampler.sample()
        #expect(text().contains("mastery_pool_acquire_timeouts_total 1"), "a counter advances by the pool's delta only")
    }

    /// Waits (bounded, generously) until `condition` holds.
    func waitFor(
        timeout: Duration = .seconds(30),
        _ condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the condition did not hold within \(timeout)")
    }
}
