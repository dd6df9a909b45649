import Configuration
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import MasteryServer
import Platform
import TestSupport
import Testing

/// Builds an in-process server over a throwaway data folder, mounting the test's stand-in system.
func makeServer(
    flags: [String: String] = [:],
    systems: [any MasterySystem.Type] = [EchoSystem.self]
) async throws -> (MasteryServer.Assembly, String) {
    try await TestApplication.make(flags: flags, systems: systems)
}

@Suite("HTTP surface: problems, limits, auth, IDs, tracing, metrics")
struct HTTPSurfaceTests {
    let adminToken = "test-admin-token-0123456789"

    @Test("health, readiness and problem type pages")
    func operations() async throws {
        let (assembly, _) = try await makeServer()
        try await assembly.application.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
            }
            // /ready gives each backend check 2 s; on a loaded test machine the first may miss it, so poll (bounded).
            var readiness: Readiness.Report? = nil
            try await waitUntil(timeout: .seconds(60)) {
                try await client.execute(uri: "/ready", method: .get) { response in
                    readiness = try? JSONDecoder().decode(
                        Readiness.Report.self,
                        from: Data(response.body.readableBytesView)
                    )
                    return response.status == .ok
                }
            }
            let report = try #require(readiness)
            #expect(report.status == "ready")
            #expect(report.backends.map(\.name) == ["sqlite"])
            try await client.execute(uri: "/problems/not-found", method: .get) { response in
                #expect(response.status == .ok)
                let object =
                    try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                #expect(object?["title"] as? String == "Not Found")
                #expect(object?["status"] as? Int == 404)
            }
            try await client.execute(uri: "/problems/no-such-kind", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test("unknown routes are 404 and known paths with another method are 405 with Allow")
    func notFoundAndMethodNotAllowed() async throws {
        let (assembly, _) = try await makeServer()
        try await assembly.application.test(.router) { client in
            try await client.execute(uri: "/nope/\u{7F}x", method: .get) { response in
                #expect(response.status == .notFound)
                let body = try problem(response)
                #expect(body["type"] as? String == "/problems/not-found")
                #expect(body["status"] as? Int == 404)
                #expect(body["title"] as? String == "Not Found")
            }
            try await client.execute(uri: "/v1/echo/5", method: .patch, headers: [.authorization: "Bearer x"]) {
                response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "DELETE, GET, HEAD")
                let problemBody = try problem(response)
                #expect(problemBody["type"] as? String == "/problems/method-not-allowed")
            }
            try await client.execute(uri: "/health", method: .post, headers: [.authorization: "Bearer x"]) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET, HEAD")
            }
        }
    }

    @Test(
        "bad bodies and parameters get clear 4xx problems, never a 500",
        arguments: [
            (
                "{\"name\": \"a\", \"count\": 1", "application/json", HTTPResponse.Status.badRequest,
                "/problems/malformed-json", "not valid JSON"
            ),
            ("{\"name\": \"a\"}", "application/json", .badRequest, "/problems/malformed-json", "'count' is required"),
            (
                "{\"name\": \"a\", \"count\": \"three\"}", "application/json", .badRequest, "/problems/malformed-json",
                "'count' must be an integer"
            ),
            ("[1,2]", "application/json", .badRequest, "/problems/malformed-json", "must be an object"),
            (
                "name=a", "application/x-www-form-urlencoded", .unsupportedMediaType,
                "/problems/unsupported-media-type", "JSON"
            ),
            ("\u{FF}\u{FE}\u{0}garbage", "application/json", .badRequest, "/problems/malformed-json", "not valid JSON"),
        ]
    )
    func badBodies(
        body: String,
        contentType: String,
        status: HTTPResponse.Status,
        type: String,
        detail: String
    ) async throws {
        let (assembly, _) = try await makeServer(flags: ["adminToken": adminToken])
        try await assembly.application.test(.router) { client in
            try await client.execute(
                uri: "/v1/echo",
                method: .post,
                headers: [.contentType: contentType, .authorization: "Bearer \(adminToken)"],
                body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == status)
                let object = try problem(response)
                #expect(object["type"] as? String == type)
                #expect((object["detail"] as? String)?.contains(detail) == true, "\(object)")
            }
        }
    }

    @Test("non-UTF-8 body bytes are a 400, not a crash")
    func nonUTF8Body() async throws {
        let (assembly, _) = try await makeServer(flags: ["adminToken": adminToken])
        try await assembly.application.test(.router) { client in
            try await client.execute(
                uri: "/v1/echo",
                method: .post,
                headers: [.contentType: "application/json", .authorization: "Bearer \(adminToken)"],
                body: ByteBuffer(bytes: [0x7B, 0x22, 0xC3, 0x28, 0xFF, 0x22, 0x3A, 0x31, 0x7D])
            ) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test("invalid path parameters are 400, valid ones work; unexpected errors are a 500 problem naming the request ID")
    func parameters() async throws {
        let (assembly, _) = try await makeServer()
        try await assembly.application.test(.router) { client in
            try await client.execute(uri: "/v1/echo/abc", method: .get) { response in
                #expect(response.status == .badRequest)
                let problemBody = try problem(response)
                #expect(problemBody["type"] as? String == "/problems/invalid-parameter")
            }
            try await client.execute(uri: "/v1/echo/7", method: .get) { response in
                #expect(String(buffer: response.body) == "echo 7")
            }
            try await client.execute(uri: "/v1/echo/crash", method: .get, headers: [.requestID: "req-123"]) {
                response in
                #expect(response.status == .internalServerError)
                let problemBody = try problem(response)
                #expect((problemBody["detail"] as? String)?.contains("req-123") == true)
            }
        }
    }

    @Test("bodies over maxBodySize are refused with 413, declared or chunked")
    func bodyLimit() async throws {
        let (assembly, _) = try await makeServer(flags: ["adminToken": adminToken, "maxBodySize": "64"])
        try await assembly.application.test(.router) { client in
            let big = "{\"name\": \"" + String(repeating: "a", count: 200) + "\", \"count\": 1}"
            try await client.execute(
                uri: "/v1/echo",
                method: .post,
                headers: [.contentType: "application/json", .authorization: "Bearer \(adminToken)"],
                body: ByteBuffer(string: big)
            ) { response in
                #expect(response.status == .contentTooLarge)
                let problemBody = try problem(response)
                #expect(problemBody["type"] as? String == "/problems/body-too-large")
            }
            try await client.execute(
                uri: "/v1/echo",
                method: .post,
                headers: [.contentType: "application/json", .authorization: "Bearer \(adminToken)"],
                body: ByteBuffer(string: #"{"name": "a", "count": 2}"#)
            ) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "a x2")
            }
        }
    }

    @Test("state-changing requests need the admin token or a same-origin dashboard session with its CSRF token")
    func adminAuth() async throws {
        let (assembly, _) = try await makeServer(flags: ["adminToken": adminToken])
        let credentials = assembly.credentials
        let session = credentials.makeSession()
        let csrf = credentials.csrfToken(for: session)
        let cookie = "\(AdminCredentials.sessionCookie)=\(session)"
        try await assembly.application.test(.router) { client in
            let cases: [(HTTPFields, HTTPResponse.Status)] = [
                ([:], .unauthorized),
                ([.authorization: "Bearer wrong-token-000000000"], .unauthorized),
                ([.authorization: "Basic \(adminToken)"], .unauthorized),
                ([.authorization: "Bearer \(adminToken)"], .noContent),
                ([.cookie: cookie], .forbidden),
                ([.cookie: cookie, .csrfToken: "0000"], .forbidden),
                ([.cookie: cookie, .csrfToken: csrf, .origin: "http://evil.example"], .forbidden),
                ([.cookie: cookie, .csrfToken: csrf, .secFetchSite: "cross-site"], .forbidden),
                ([.cookie: "\(AdminCredentials.sessionCookie)=123.abc", .csrfToken: csrf], .unauthorized),
                ([.cookie: cookie, .csrfToken: csrf, .secFetchSite: "same-origin"], .noContent),
            ]
            for (headers, status) in cases {
                try await client.execute(uri: "/v1/echo/1", method: .delete, headers: headers) { response in
                    #expect(response.status == status, "\(headers)")
                    if status == .unauthorized { #expect(response.headers[.wwwAuthenticate] == "Bearer") }
                }
            }
            // Reads need nothing.
            try await client.execute(uri: "/v1/echo/1", method: .get) { response in #expect(response.status == .ok) }
        }
    }

    @Test("signing in to the dashboard with the admin token issues a session")
    func dashboardSignIn() async throws {
        let (assembly, _) = try await makeServer(flags: ["adminToken": adminToken])
        try await assembly.application.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.setCookie] == nil)  // a configured token means no automatic session
            }
            try await client.execute(
                uri: "/dashboard/login",
                method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "token=wrong")
            ) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(
                uri: "/dashboard/login",
                method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "token=\(adminToken)")
            ) { response in
                #expect(response.status == .seeOther)
                let cookie = try #require(response.headers[.setCookie])
                #expect(cookie.contains("HttpOnly"))
                #expect(cookie.contains("SameSite=Strict"))
            }
        }
    }

    @Test("no page hands out a session: only the admin token or a one-time sign-in link starts one")
    func noSessionWithoutSignIn() async throws {
        let (assembly, folder) = try await makeServer()
        #expect(FileManager.default.fileExists(atPath: folder + "/admin-token"))
        try await assembly.application.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.headers[.setCookie] == nil)
                #expect(String(buffer: response.body).contains(#"<meta name="csrf-token" content="">"#))
                #expect(String(buffer: response.body).contains(#"id="sign-in""#))
            }
            let link = assembly.loginLinks.issue()
            var session = ""
            try await client.execute(uri: link, method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/")
                let cookie = try #require(response.headers[.setCookie])
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
                session = String(cookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1)[1])
                #expect(assembly.credentials.verify(session: session))
            }
            // The link works once; a made-up code never.
            for uri in [link, "/dashboard/login?code=\(String(repeating: "a", count: 64))", "/dashboard/login?code=x"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.setCookie] == nil)
                }
            }
            try await client.execute(
                uri: "/",
                method: .get,
                headers: [.cookie: "\(AdminCredentials.sessionCookie)=\(session)"]
            ) {
                response in
                #expect(String(buffer: response.body).contains(assembly.credentials.csrfToken(for: session)))
            }
        }
    }

    @Test("one-time sign-in links expire, are used up, and are bounded in number")
    func loginLinks() {
        let links = LoginLinks(lifetime: .seconds(60), capacity: 2)
        let now = Date()
        let first = String(links.issue(now: now).split(separator: "=")[1])
        #expect(!links.redeem(first, now: now.addingTimeInterval(61)))
        let second = String(links.issue(now: now).split(separator: "=")[1])
        _ = links.issue(now: now)
        _ = links.issue(now: now)  // the capacity of 2 forgets `second`
        #expect(!links.redeem(second, now: now))
        let fresh = String(links.issue(now: now).split(separator: "=")[1])
        #expect(links.redeem(fresh, now: now))
        #expect(!links.redeem(fresh, now: now))
    }

    @Test(
        "Host names a rebinding page could use get 421 before anything else; IPs, localhost and allowed names pass",
        arguments: [
            ("evil.example:8080", 421), ("evil.example", 421), ("127.0.0.1.evil.example", 421),
            ("localhost.evil.example", 421),
            ("127.0.0.1:8080", 200), ("localhost:8080", 200), ("LOCALHOST.", 200), ("app.localhost", 200),
            ("[::1]:8080", 200),
            ("10.1.2.3", 200), ("mastery.example.com", 200), ("api.internal.example", 200),
            ("internal.example:443", 200),
            ("", 421), ("a b", 421), ("evil.example@127.0.0.1", 421),
        ]
    )
    func hostAllowList(host: String, status: Int) async throws {
        let (assembly, _) = try await makeServer(flags: ["allowedHosts": "mastery.example.com,.internal.example"])
        try await assembly.application.test(.router) { client in
            try await client.execute(uri: "/", method: .get, headers: [HostValidationMiddleware.hostField: host]) {
                response in
                #expect(Int(response.status.code) == status, "\(host)")
                if status == 421 {
                    #expect(response.headers[.setCookie] == nil)
                    let body = try problem(response)
                    #expect(body["type"] as? String == "/problems/unknown-host")
                }
            }
        }
    }

    @Test("Origin is compared with configured origins, never with the request's own Host")
    func originAllowList() {
        let port = ListeningPort(8080)
        let policy = HostPolicy(
            listenHost: "127.0.0.1",
            allowedHosts: ["mastery.example.com", ".internal.example"],
            allowedOrigins: ["https://admin.example.org:8443"],
            port: port
        )
        for origin in [
            "http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080", "http://mastery.example.com:8080",
            "https://mastery.example.com", "https://admin.example.org:8443", "HTTP://LOCALHOST:8080",
        ] {
            #expect(policy.allows(origin: origin), "\(origin)")
        }
        for origin in [
            "http://evil.example:8080", "http://127.0.0.1:3000", "http://localhost", "null", "", "file://",
            "http://api.internal.example:8080",
            "https://admin.example.org", "http://mastery.example.com:9999", "http://127.0.0.1:8080@evil.example",
        ] {
            #expect(!policy.allows(origin: origin), "\(origin)")
        }
        // Before the port is known, no loopback origin passes.
        #expect(
            !HostPolicy(listenHost: "127.0.0.1", allowedHosts: [], allowedOrigins: [], port: ListeningPort()).allows(
                origin: "http://127.0.0.1:0"
            )
        )
    }

    @Test("every response carries the browser-hardening headers")
    func securityHeaders() async throws {
        let (assembly, _) = try await makeServer()
        try await assembly.application.test(.router) { client in
            for uri in ["/", "/dashboard/login", "/dashboard/login?code=nope"] {
                try await client.execute(uri: uri, method: .get) { response in
                    let csp = try #require(response.headers[.contentSecurityPolicy])
                    #expect(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"))
                    #expect(!csp.contains("unsafe-inline"))
                    #expect(response.headers[.xContentTypeOptions] == "nosniff")
                    #expect(response.headers[.referrerPolicy] == "no-referrer")
                    #expect(response.headers[.xFrameOptions] == "DENY")
                }
            }
            for uri in ["/health", "/nope", "/static/dashboard.js"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(uri)")
                }
            }
            try await client.execute(uri: "/", method: .get) { response in
                #expect(
                    HostileBattery.pageFindings(
                        path: "/",
                        response: .init(
                            status: 200,
                            head: "HTTP/1.1 200 OK\r\n"
                                + response.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\r\n"),
                            body: String(buffer: response.body)
                        )
                    ).isEmpty
                )
            }
        }
    }

    @Test("request IDs: a sane incoming ID is echoed, anything else is replaced")
    func requestIDs() async throws {
        let (assembly, _) = try await makeServer()
        try await assembly.application.test(.router) { client in
            try await client.execute(uri: "/health", method: .get, headers: [.requestID: "abc-123_x.y:z"]) { response in
                #expect(response.headers[.requestID] == "abc-123_x.y:z")
            }
            for hostile in ["", "has space", String(repeating: "a", count: 200), "<script>", "é"] {
                try await client.execute(uri: "/nope", method: .get, headers: [.requestID: hostile]) { response in
                    let id = try #require(response.headers[.requestID])
                    #expect(id != hostile)
                    #expect(id.count == 32)
                }
            }
        }
    }

    @Test("traceparent is extracted and the server span is returned in traceresponse")
    func tracing() async throws {
        let (assembly, _) = try await makeServer()
        try await assembly.application.test(.router) { client in
            try await client.execute(
                uri: "/health",
                method: .get,
                headers: [.traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"]
            ) { response in
                let returned = try #require(response.headers[.traceresponse].flatMap(TraceContext.init(traceparent:)))
                #expect(returned.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
                #expect(returned.spanID != "00f067aa0ba902b7")
            }
            try await client.execute(uri: "/health", method: .get, headers: [.traceparent: "garbage"]) { response in
                #expect(response.headers[.traceresponse].flatMap(TraceContext.init(traceparent:)) != nil)
            }
        }
    }

    @Test("metrics count requests by route, method and status, with durations and process metrics")
    func metrics() async throws {
        let (assembly, _) = try await makeServer()
        try await assembly.application.test(.router) { client in
            for _ in 0..<3 { try await client.execute(uri: "/health", method: .get) { _ in } }
            try await client.execute(uri: "/missing/\(UUID())", method: .get) { _ in }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                #expect(
                    text.contains(
                        #"http_server_requests_total{http_route="/health",http_request_method="GET",http_response_status_code="200"} 3"#
                    ),
                    "\(text)"
                )
                #expect(
                    text.contains(#"http_route="unmatched",http_request_method="GET",http_response_status_code="404""#)
                )
                #expect(text.contains("http_server_request_duration_seconds_bucket"))
                #expect(text.contains("http_server_active_requests"))
                #expect(text.contains("process_resident_memory_bytes"))
                #expect(text.contains("process_cpu_seconds_total"))
                #expect(text.contains("process_open_fds"))
            }
        }
    }

    @Test("the dashboard lists the 41 roadmap rows and which are mounted")
    func dashboardShell() async throws {
        let (assembly, _) = try await makeServer()
        try await assembly.application.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(html.components(separatedBy: "<tr class=\"system\"").count - 1 == 41)
                #expect(html.contains("data-system=\"01\" data-module=\"RateLimiting\" data-mounted=\"false\""))
                #expect(html.contains("not built yet"))
            }
            try await client.execute(uri: "/static/dashboard.js", method: .get) { response in
                #expect(String(buffer: response.body).contains("X-CSRF-Token"))
            }
        }
    }
}
