import Foundation

/// The hostile checks every system's routes and pages must survive, run against a real `mastery serve` process
/// over plain sockets (so the server's own parser, Host check, middleware and connection handling all take part).
///
/// A system's tests list their routes and pages and run it:
///
/// ```swift
/// let battery = HostileBattery(
///     routes: [.init("PUT", "/v1/ratelimit/policies/battery", body: #"{"algorithm":"gcra",…}"#, parameterized: "/v1/ratelimit/policies/{}")],
///     pages: ["/systems/ratelimit"],
///     statePaths: ["/v1/ratelimit/policies"]
/// )
/// let findings = try await battery.run(against: server)
/// #expect(findings.isEmpty, "\(findings.joined(separator: "\n"))")
/// ```
///
/// What it checks (each a finding when it does not hold):
/// - **Forged credentials** on every admin route: none, a wrong bearer, another scheme, a forged session, a real
///   session without its CSRF token, with a wrong one, from another origin, from a cross-site fetch → 401/403.
/// - **Host**: a DNS-rebinding `Host` gets 421 even with the admin token, and a page under it no session.
/// - **Bodies** on every route that takes JSON: malformed JSON, the wrong shape, another media type, 100,000 levels
///   of nesting, a chunked body past `maxBodySize` (413), an over-limit declared length (413, connection closed)
///   → 4xx problem+json, never 500.
/// - **Path parameters**: traversal, encoded slashes, NUL, control characters, markup and a 4 KB value → 4xx or a
///   2xx that echoes nothing executable, never 500.
/// - **State**: every `statePaths` body is byte-identical before and after all the refused requests.
/// - **Pages**: 200 with CSP (no inline script), `nosniff`, `frame-ancestors 'none'`, `Referrer-Policy`; no
///   inline `<script>`, `style=` or `on…=` handlers in the HTML; no session handed out without sign-in.
/// - **Limits**: each `limits` probe (a cost or count beyond a documented bound) gets the status it names.
/// - The server still answers `/health` at the end.
///
/// Markup payloads rendered in a real browser are checked with ``xssPayloads`` and ``injectedElementScript``.
public struct HostileBattery: Sendable {
    /// A route under test: a concrete request that would succeed with the admin token.
    public struct Route: Sendable {
        /// `GET`, `POST`, `PUT`, `PATCH` or `DELETE`.
        public var method: String
        /// A concrete path (with valid parameters and query).
        public var path: String
        /// A valid JSON body, when the route takes one.
        public var body: String?
        /// Whether unsafe methods need the admin token (false for decision routes other services call).
        public var needsAdmin: Bool
        /// The path with `{}` where a hostile path parameter goes, when the route has one.
        public var parameterized: String?

        /// Declares a route.
        public init(
            _ method: String,
            _ path: String,
            body: String? = nil,
            needsAdmin: Bool = true,
            parameterized: String? = nil
        ) {
            self.method = method
            self.path = path
            self.body = body
            self.needsAdmin = needsAdmin && !["GET", "HEAD", "OPTIONS"].contains(method)
            self.parameterized = parameterized
        }
    }

    /// A request that exceeds a documented bound, and the status it must get.
    public struct Probe: Sendable {
        /// What it probes, for the finding.
        public var name: String
        /// The request's method and path.
        public var method: String
        public var path: String
        /// The JSON body.
        public var body: String?
        /// The status the bound answers with.
        public var expectedStatus: Int

        /// Declares a probe.
        public init(_ name: String, _ method: String, _ path: String, body: String? = nil, expectedStatus: Int) {
            self.name = name
            self.method = method
            self.path = path
            self.body = body
            self.expectedStatus = expectedStatus
        }
    }

    /// The routes.
    public var routes: [Route]
    /// Dashboard pages (paths).
    public var pages: [String]
    /// Paths whose GET bodies must not change while refused requests run.
    public var statePaths: [String]
    /// Cost and count bounds.
    public var limits: [Probe]

    /// Creates a battery.
    public init(routes: [Route], pages: [String] = [], statePaths: [String] = [], limits: [Probe] = []) {
        self.routes = routes
        self.pages = pages
        self.statePaths = statePaths
        self.limits = limits
    }

    /// Strings that are markup, script or template syntax; a page must show each as text. Each carries a
    /// `data-hostile` attribute so ``injectedElementScript`` finds any that became an element.
    public static let xssPayloads: [String] = [
        #"<img data-hostile src=x onerror="window.__hostile=1">"#,
        #""><script data-hostile>window.__hostile=1</script>"#,
        #"'><svg data-hostile onload="window.__hostile=1">"#,
        #"</textarea></title><b data-hostile>bold</b>"#,
        "javascript:window.__hostile=1",
        "{{7*7}}${7*7}<%= 7*7 %>",
        "\u{202E}evil\u{200B}",
    ]

    /// A script for WebDriver's `executeScript` that returns how many payloads became elements or ran (0 is good).
    public static let injectedElementScript =
        "return document.querySelectorAll('[data-hostile]').length + (window.__hostile ? 1 : 0);"

    /// Runs every check against `server` and returns the findings (empty when all hold).
    /// - Throws: Only when the server cannot be reached at all.
    public func run(against server: ServeProcess) async throws -> [String] {
        var findings: [String] = []
        let client = BatteryClient(port: server.port)
        let token = try server.adminToken()
        let before = try await snapshot(client)

        // A real session and its CSRF token, signed in the way a person does (the admin token in the form).
        let session = try await client.signIn(token: token)
        let csrf = try await client.csrfToken(session: session)
        if csrf.isEmpty { findings.append("a signed-in page carries no CSRF token") }

        // Phase 1: forged credentials and foreign hosts, on every admin route and page. Nothing may change.
        for route in routes where route.needsAdmin {
            let label = "\(route.method) \(route.path)"
            let base = route.body.map { ["Content-Type": "application/json", "_body": $0] } ?? [:]
            let forged: [(String, [String: String], Set<Int>)] = [
                ("no credentials", [:], [401]),
                (
                    "a wrong bearer token", ["Authorization": "Bearer \(String(repeating: "0", count: token.count))"],
                    [401]
                ),
                ("another scheme", ["Authorization": "Basic \(token)"], [401]),
                ("a bare token", ["Authorization": token], [401]),
                (
                    "a forged session",
                    [
                        "Cookie": "mastery_session=9999999999.\(String(repeating: "ab", count: 32))",
                        "X-CSRF-Token": csrf,
                    ], [401]
                ),
                ("a session without its CSRF token", ["Cookie": "mastery_session=\(session)"], [403]),
                (
                    "a session with a wrong CSRF token",
                    ["Cookie": "mastery_session=\(session)", "X-CSRF-Token": String(repeating: "0", count: 64)], [403]
                ),
                (
                    "a session from another origin",
                    ["Cookie": "mastery_session=\(session)", "X-CSRF-Token": csrf, "Origin": "http://evil.example"],
                    [403]
                ),
                (
                    "a session from a null origin",
                    ["Cookie": "mastery_session=\(session)", "X-CSRF-Token": csrf, "Origin": "null"], [403]
                ),
                (
                    "a session from another local port",
                    ["Cookie": "mastery_session=\(session)", "X-CSRF-Token": csrf, "Origin": "http://127.0.0.1:1"],
                    [403]
                ),
                (
                    "a cross-site fetch",
                    ["Cookie": "mastery_session=\(session)", "X-CSRF-Token": csrf, "Sec-Fetch-Site": "cross-site"],
                    [403]
                ),
                (
                    "a rebinding Host with the admin token",
                    ["Authorization": "Bearer \(token)", "Host": "evil.example:\(server.port)"], [421]
                ),
                (
                    "a rebinding Host with a session",
                    ["Cookie": "mastery_session=\(session)", "X-CSRF-Token": csrf, "Host": "evil.example"], [421]
                ),
            ]
            for (name, headers, expected) in forged {
                let response = try await client.send(route.method, route.path, headers: base.merging(headers) { $1 })
                if !expected.contains(response.status) {
                    findings.append("\(label) with \(name): \(response.status), expected \(expected.sorted())")
                } else if !response.isProblem {
                    findings.append("\(label) with \(name): \(response.status) without a problem+json body")
                }
            }
        }
        for page in pages {
            let response = try await client.send("GET", page, headers: [:])
            if response.status != 200 { findings.append("page \(page): \(response.status)") }
            findings += Self.pageFindings(path: page, response: response)
            let rebinding = try await client.send("GET", page, headers: ["Host": "evil.example"])
            if rebinding.status != 421 {
                findings.append("page \(page) under a rebinding Host: \(rebinding.status), expected 421")
            }
            if rebinding.header("set-cookie") != nil {
                findings.append("page \(page) under a rebinding Host set a cookie")
            }
            if rebinding.body.contains(csrf) {
                findings.append("page \(page) under a rebinding Host showed a CSRF token")
            }
        }
        let after = try await snapshot(client)
        for (path, body) in before where after[path] != body {
            findings.append("\(path) changed while only refused requests were sent")
        }

        // Phase 2: hostile bodies and path parameters, with valid credentials: 4xx problems, never a 500 or a hang.
        for route in routes {
            let label = "\(route.method) \(route.path)"
            let credentials = route.needsAdmin ? ["Authorization": "Bearer \(token)"] : [:]
            if route.body != nil {
                let nested = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
                let bodies: [(String, String, String, Set<Int>)] = [
                    ("malformed JSON", "application/json", #"{"a":"#, [400, 422]),
                    ("JSON of the wrong shape", "application/json", "[1,2,3]", [400, 422]),
                    ("deeply nested JSON", "application/json", nested, [400, 413, 422]),
                    ("another media type", "text/plain", route.body ?? "", [415]),
                ]
                for (name, type, body, expected) in bodies {
                    let response = try await client.send(
                        route.method,
                        route.path,
                        headers: credentials.merging(["Content-Type": type, "_body": body]) { $1 }
                    )
                    if !expected.contains(response.status) || !response.isProblem {
                        findings.append(
                            "\(label) with \(name): \(response.status), expected a problem with \(expected.sorted())"
                        )
                    }
                }
                let chunked = try await client.sendChunked(
                    route.method,
                    route.path,
                    bytes: 3 << 20,
                    headers: credentials
                )
                if chunked != 413 { findings.append("\(label) with a 3 MiB chunked body: \(chunked), expected 413") }
                let oversized = try await client.sendDeclaringLength(
                    route.method,
                    route.path,
                    length: 1 << 40,
                    headers: credentials
                )
                if oversized.status != 413 {
                    findings.append("\(label) declaring a 1 TiB body: \(oversized.status), expected 413")
                }
                if !oversized.closed {
                    findings.append("\(label) declaring a 1 TiB body: the connection was not closed after the 413")
                }
            }
            if let template = route.parameterized {
                let base = route.body.map { ["Content-Type": "application/json", "_body": $0] } ?? [:]
                for hostile in Self.hostilePathParameters {
                    let path = template.replacingOccurrences(of: "{}", with: hostile)
                    let response = try await client.send(route.method, path, headers: base.merging(credentials) { $1 })
                    if response.status >= 500 || response.status == 0 {
                        findings.append(
                            "\(route.method) \(template) with parameter \(hostile.prefix(40)): \(response.status)"
                        )
                    } else if response.body.contains("root:x:0:0") {
                        findings.append(
                            "\(route.method) \(template) with parameter \(hostile.prefix(40)) served a file"
                        )
                    } else if response.header("content-type")?.hasPrefix("text/html") == true,
                        response.body.contains("<script>alert")
                    {
                        findings.append(
                            "\(route.method) \(template) with parameter \(hostile.prefix(40)) echoed markup into HTML"
                        )
                    }
                }
            }
        }

        for probe in limits {
            let headers = ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]
                .merging(probe.body.map { ["_body": $0] } ?? [:]) { $1 }
            let response = try await client.send(probe.method, probe.path, headers: headers)
            if response.status != probe.expectedStatus {
                findings.append("limit \(probe.name): \(response.status), expected \(probe.expectedStatus)")
            }
        }

        if try await client.send("GET", "/health", headers: [:]).status != 200 {
            findings.append("the server stopped answering /health")
        }
        return findings
    }

    /// Path parameters no route should choke on.
    public static let hostilePathParameters: [String] = [
        "..", "%2e%2e", "..%2F..%2F..%2Fetc%2Fpasswd", "%2F", "a%00b", "%0d%0aSet-Cookie:%20x=1",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "%C3%28", "%FF%FE", String(repeating: "a", count: 4096), "%E2%80%AE",
    ]

    /// What a page's headers and HTML must and must not carry.
    public static func pageFindings(path: String, response: BatteryClient.Response) -> [String] {
        var findings: [String] = []
        let csp = response.header("content-security-policy") ?? ""
        if csp.isEmpty { findings.append("page \(path): no Content-Security-Policy") }
        if csp.contains("unsafe-inline") || csp.contains("unsafe-eval") {
            findings.append("page \(path): CSP allows inline script or eval")
        }
        if !csp.contains("frame-ancestors 'none'") { findings.append("page \(path): CSP lacks frame-ancestors 'none'") }
        if response.header("x-content-type-options")?.lowercased() != "nosniff" {
            findings.append("page \(path): no X-Content-Type-Options: nosniff")
        }
        if response.header("referrer-policy") == nil { findings.append("page \(path): no Referrer-Policy") }
        if response.header("set-cookie") != nil {
            findings.append("page \(path): a session was handed out without sign-in")
        }
        let html = response.body
        for match in html.matches(of: /<script\b([^>]*)>/) {
            let attributes = String(match.1).lowercased()
            if !attributes.contains("src=") && !attributes.contains("application/json") {
                findings.append("page \(path): an inline <script>")
            }
        }
        if html.contains(/<[a-zA-Z][^>]*\son[a-z]+\s*=/) { findings.append("page \(path): an inline on…= handler") }
        if html.contains(/<[a-zA-Z][^>]*\sstyle\s*=/) { findings.append("page \(path): an inline style= attribute") }
        if html.contains("<style") { findings.append("page \(path): an inline <style> block") }
        return findings
    }

    func snapshot(_ client: BatteryClient) async throws -> [String: String] {
        var bodies: [String: String] = [:]
        for path in statePaths { bodies[path] = try await client.send("GET", path, headers: [:]).body }
        return bodies
    }
}

/// The battery's HTTP/1.1 client: one request per connection, exact headers (including a hostile `Host`).
public struct BatteryClient: Sendable {
    /// A response as received.
    public struct Response: Sendable {
        /// The status (0 when nothing came back).
        public var status: Int
        /// The head's header lines.
        public var head: String
        /// The body.
        public var body: String

        /// The first value of a header (case-insensitive name).
        public func header(_ name: String) -> String? {
            for line in head.split(separator: "\r\n").dropFirst() {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].lowercased() == name.lowercased() {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }

        /// A response from its parts.
        public init(status: Int, head: String, body: String) {
            self.status = status
            self.head = head
            self.body = body
        }

        /// Whether the body is RFC 9457 problem+json.
        public var isProblem: Bool { header("content-type")?.hasPrefix("application/problem+json") == true }
    }

    let port: Int

    /// A client for `127.0.0.1:port`.
    public init(port: Int) {
        self.port = port
    }

    /// A request head: the request line, `Host` (`127.0.0.1:port` unless given), `fields` sorted by name, and the
    /// blank line that ends it.
    func head(_ method: String, _ path: String, host: String? = nil, fields: [String: String]) -> String {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: \(host ?? "127.0.0.1:\(port)")\r\n"
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) { text += "\(name): \(value)\r\n" }
        return text + "\r\n"
    }

    /// Sends a request; the header `_body` is the body, `Host` defaults to `127.0.0.1:port`.
    public func send(_ method: String, _ path: String, headers: [String: String]) async throws -> Response {
        var headers = headers
        let body = headers.removeValue(forKey: "_body") ?? ""
        let host = headers.removeValue(forKey: "Host") ?? "127.0.0.1:\(port)"
        headers["Connection"] = "close"
        if !body.isEmpty || ["POST", "PUT", "PATCH"].contains(method) {
            headers["Content-Length"] = "\(body.utf8.count)"
        }
        let connection = try RawConnection(port: port)
        connection.send(head(method, path, host: host, fields: headers) + body)
        let parsed = ServeProcess.parse(await connection.readResponse(timeout: .seconds(30)))
        return Response(status: parsed.status, head: parsed.headers, body: parsed.body)
    }

    /// Declares a body of `length` bytes, sends a little of it, and reports the answer and whether the server
    /// closed the connection soon after.
    public func sendDeclaringLength(
        _ method: String,
        _ path: String,
        length: Int,
        headers: [String: String]
    ) async throws
        -> (status: Int, closed: Bool)
    {
        let fields = headers.merging(["Content-Type": "application/json", "Content-Length": "\(length)"]) { $1 }
        let connection = try RawConnection(port: port)
        connection.send(head(method, path, fields: fields) + String(repeating: " ", count: 1000))
        let parsed = ServeProcess.parse(await connection.readResponse(timeout: .seconds(30)))
        return (parsed.status, await connection.waitForClose(timeout: .seconds(5)))
    }

    /// Sends a chunked body of `bytes` spaces (no declared length) and returns the status.
    public func sendChunked(_ method: String, _ path: String, bytes: Int, headers: [String: String]) async throws -> Int
    {
        let fields = headers.merging(
            ["Content-Type": "application/json", "Transfer-Encoding": "chunked", "Connection": "close"]
        ) { $1 }
        let connection = try RawConnection(port: port)
        connection.send(head(method, path, fields: fields))
        let chunk = Array("10000\r\n".utf8) + [UInt8](repeating: 0x20, count: 0x10000) + Array("\r\n".utf8)
        var sent = 0
        // The server may answer and close before the end; a refused send just ends the loop.
        while sent < bytes, connection.send(chunk) { sent += 0x10000 }
        connection.send("0\r\n\r\n")
        return ServeProcess.parse(await connection.readResponse(timeout: .seconds(30))).status
    }

    /// Signs in with the admin token through the dashboard's form and returns the session cookie's value.
    /// - Throws: When the server does not issue a session.
    public func signIn(token: String) async throws -> String {
        let form = "token=" + (token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token)
        let response = try await send(
            "POST",
            "/dashboard/login",
            headers: ["Content-Type": "application/x-www-form-urlencoded", "_body": form]
        )
        guard let cookie = response.header("set-cookie"),
            let value = cookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last
        else { throw BatteryError(message: "sign-in with the admin token gave \(response.status) and no session") }
        return String(value)
    }

    /// The CSRF token a signed-in page carries.
    public func csrfToken(session: String) async throws -> String {
        let page = try await send("GET", "/", headers: ["Cookie": "mastery_session=\(session)"])
        guard let match = page.body.firstMatch(of: /<meta name="csrf-token" content="([0-9a-f]*)">/) else { return "" }
        return String(match.1)
    }
}

/// The battery could not run (the server gave no session, for example).
public struct BatteryError: Error, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    public var description: String { message }
}
