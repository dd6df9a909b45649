import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MasteryServer
import Platform
import ProgressTracking
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stand-in mounted under row 01's module, so project 01's card links to a mounted system.
struct RateLimitingStandIn: MasterySystem {
    static let descriptor = SystemCatalog.all[1]
    init(context: SystemContext) async throws {}
    func addRoutes(to routes: SystemRoutes) {}
}

/// A fresh progress file (the template, Start Date 2025-01-06) in its own folder.
func makeProgressFile() throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mastery-progress-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let path = folder.appendingPathComponent("PROGRESS.md").path
    try ProgressFileStore(path: path).create(.new(startingOn: try CalendarDate(year: 2025, month: 1, day: 6)))
    return path
}

@Suite("Progress tracker configuration")
struct ProgressConfigurationTests {
    @Test("the file comes from the system's own key progress.file; the server-wide progressFile still works")
    func scopedFileKey() async throws {
        for key in ["progress.file", "progressFile"] {
            let path = try makeProgressFile()
            defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
            var text = try String(contentsOfFile: path, encoding: .utf8)
            text = text.replacingOccurrences(
                of: "# Backend Engineering Mastery - Progress Tracker",
                with: "# Tracked through \(key)"
            )
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let (assembly, _) = try await TestApplication.make(flags: [key: path], systems: [ProgressSystem.self])
            try await assembly.application.test(.router) { client in
                try await client.execute(uri: "/v1/progress", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains("Tracked through \(key)"), "\(key)")
                }
            }
        }
    }

    @Test("an empty progress.file is refused, naming the key")
    func emptyScopedFileKey() async throws {
        await #expect {
            _ = try await TestApplication.make(flags: ["progress.file": ""], systems: [ProgressSystem.self])
        } throws: { error in
            (error as? ConfigurationError)?.key == "progress.file"
        }
    }
}

@Suite("Progress tracker over HTTP: API, validation, auth, page")
struct ProgressHTTPTests {
    let adminToken = "test-admin-token-0123456789"

    func server(
        _ path: String,
        systems: [any MasterySystem.Type] = [ProgressSystem.self]
    ) async throws
        -> MasteryServer.Assembly
    {
        try await TestApplication.make(flags: ["adminToken": adminToken, "progressFile": path], systems: systems).0
    }

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    func report(_ response: TestResponse) throws -> ProgressReport {
        #expect(response.headers[.contentType] == "application/json")
        return try JSONDecoder().decode(ProgressReport.self, from: Data(response.body.readableBytesView))
    }

    @Test("GET /v1/progress answers the snapshot and the pace")
    func getReport() async throws {
        let path = try makeProgressFile()
        try await server(path).application.test(.router) { client in
            try await client.execute(uri: "/v1/progress", method: .get) { response in
                #expect(response.status == .ok)
                let report = try report(response)
                #expect(report.snapshot.totals.total == 40)
                #expect(report.snapshot.sections.count == 5)
                #expect(report.snapshot.startDate?.description == "2025-01-06")
                let pace = try #require(report.pace)
                #expect(pace.completed == 0)
                #expect(pace.next.first?.number.description == "01")
            }
        }
    }

    @Test("start, complete and skip update the file and answer the new report")
    func verbs() async throws {
        let path = try makeProgressFile()
        let auth: HTTPFields = [.authorization: "Bearer \(adminToken)"]
        try await server(path).application.test(.router) { client in
            try await client.execute(uri: "/v1/progress/projects/1/start", method: .post, headers: auth) { response in
                #expect(response.status == .ok)
                let status = try report(response).snapshot.projects.first?.status
                #expect(status == .inProgress)
            }
            var headers = auth
            headers[.contentType] = "application/json"
            let body = ByteBuffer(string: #"{"story":"The cache stampede at 3am","skills":["caching strategies"]}"#)
            try await client.execute(
                uri: "/v1/progress/projects/01/complete",
                method: .post,
                headers: headers,
                body: body
            ) {
                response in
                #expect(response.status == .ok)
                let snapshot = try report(response).snapshot
                #expect(snapshot.projects.first?.status == .completed)
                #expect(snapshot.totals.completed == 1)
                #expect(snapshot.warStories.contains { $0.contains("The cache stampede at 3am") })
                #expect(snapshot.checklist.first { $0.text.hasPrefix("Caching strategies") }?.checked == true)
            }
            try await client.execute(uri: "/v1/progress/projects/2/skip", method: .post, headers: auth) { response in
                #expect(response.status == .ok)
                let status = try report(response).snapshot.projects[1].status
                #expect(status == .skipped)
            }
        }
        // The file on disk says the same.
        let snapshot = try ProgressFileStore(path: path).read().snapshot()
        #expect(snapshot.projects[0].status == .completed)
        #expect(snapshot.projects[1].status == .skipped)
        #expect(snapshot.projects[0].endDate != nil)
    }

    @Test("refused verbs answer 400/404/409 problems and leave the file byte-identical")
    func refusals() async throws {
        let path = try makeProgressFile()
        let auth: HTTPFields = [.authorization: "Bearer \(adminToken)"]
        var jsonHeaders = auth
        jsonHeaders[.contentType] = "application/json"
        let json = jsonHeaders
        try await server(path).application.test(.router) { client in
            try await client.execute(uri: "/v1/progress/projects/1/start", method: .post, headers: auth) { _ in }
            let before = try bytes(path)
            let cases: [(String, HTTPFields, ByteBuffer?, HTTPResponse.Status, String, String)] = [
                ("/v1/progress/projects/1/start", auth, nil, .conflict, "/problems/conflict", "01"),
                ("/v1/progress/projects/3/complete", auth, nil, .conflict, "/problems/conflict", "never started"),
                ("/v1/progress/projects/99/start", auth, nil, .notFound, "/problems/not-found", "99"),
                (
                    "/v1/progress/projects/abc/start", auth, nil, .badRequest, "/problems/bad-request",
                    "not a project number"
                ),
                (
                    "/v1/progress/projects/0/skip", auth, nil, .badRequest, "/problems/bad-request",
                    "not a project number"
                ),
                (
                    "/v1/progress/projects/1/complete", json, ByteBuffer(string: "{"), .badRequest,
                    "/problems/malformed-json", "JSON"
                ),
                (
                    "/v1/progress/projects/1/complete", json, ByteBuffer(string: #"{"repository":"ftp://x"}"#),
                    .badRequest,
                    "/problems/bad-request", "ftp://x"
                ),
                (
                    "/v1/progress/projects/1/start", auth, ByteBuffer(string: "{}"), .badRequest,
                    "/problems/bad-request", "no body"
                ),
            ]
            for (uri, headers, body, status, type, detail) in cases {
                try await client.execute(uri: uri, method: .post, headers: headers, body: body) { response in
                    #expect(response.status == status, "\(uri)")
                    let problem = try problem(response)
                    #expect(problem["type"] as? String == type, "\(uri)")
                    #expect((problem["detail"] as? String ?? "").contains(detail), "\(uri): \(problem)")
                }
                #expect(try bytes(path) == before, "\(uri) changed the file")
            }
            // A skipped project cannot be skipped again.
            try await client.execute(uri: "/v1/progress/projects/4/skip", method: .post, headers: auth) { _ in }
            let skipped = try bytes(path)
            try await client.execute(uri: "/v1/progress/projects/4/skip", method: .post, headers: auth) { response in
                #expect(response.status == .conflict)
            }
            #expect(try bytes(path) == skipped)
        }
    }

    @Test("the verbs need the admin token or a dashboard session with its CSRF token")
    func authRequired() async throws {
        let path = try makeProgressFile()
        let assembly = try await server(path)
        let before = try bytes(path)
        let session = assembly.credentials.makeSession()
        let cookie = "\(AdminCredentials.sessionCookie)=\(session)"
        try await assembly.application.test(.router) { client in
            let cases: [(HTTPFields, HTTPResponse.Status)] = [
                ([:], .unauthorized),
                ([.authorization: "Bearer not-the-admin-token-at-all"], .unauthorized),
                ([.cookie: cookie], .forbidden),
                (
                    [
                        .cookie: cookie, .csrfToken: assembly.credentials.csrfToken(for: session),
                        .origin: "http://evil.example",
                    ], .forbidden
                ),
            ]
            for (headers, status) in cases {
                try await client.execute(uri: "/v1/progress/projects/1/start", method: .post, headers: headers) {
                    response in
                    #expect(response.status == status)
                }
            }
            #expect(try bytes(path) == before)
            let headers: HTTPFields = [.cookie: cookie, .csrfToken: assembly.credentials.csrfToken(for: session)]
            try await client.execute(uri: "/v1/progress/projects/1/start", method: .post, headers: headers) {
                response in
                #expect(response.status == .ok)
            }
            #expect(try bytes(path) != before)
        }
    }

    @Test("the page renders cards, progress bars, the burn-up SVG, milestones, skills and reflections")
    func page() async throws {
        let path = try makeProgressFile()
        let today = try CalendarDate(year: 2025, month: 3, day: 1)
        try ProgressFileStore(path: path).update { document in
            try document.start(ProjectNumber(1), on: today).complete(ProjectNumber(1), on: today)
                .reflect(month: 1, [.keyLearnings: "Back-pressure matters"], on: today)
        }
        try await server(path, systems: [ProgressSystem.self, RateLimitingStandIn.self]).application.test(.router) {
            client in
            try await client.execute(uri: "/systems/progress", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let html = String(buffer: response.body)
                #expect(html.components(separatedBy: #"<article class="card""#).count - 1 == 40)
                #expect(html.contains(#"data-project="01" data-status="completed""#))
                // Overall, sections, skills.
                #expect(html.components(separatedBy: #"role="progressbar""#).count - 1 == 1 + 5 + 1)
                #expect(html.contains(#"id="overall-progress""#))
                #expect(html.contains("Overall: 1/40 (3%)"))
                #expect(html.contains(#"<svg id="burnup""#))
                #expect(html.contains(#"<polyline class="plan""#))
                #expect(html.contains(#"<path class="actual""#))
                #expect(html.components(separatedBy: #"<circle class="completion""#).count - 1 == 1)
                // Project 01's system is mounted here: its card links to its page and API; 02's is not.
                #expect(html.contains(#"<a href="/systems/ratelimit">RateLimiting</a>"#))
                #expect(html.contains(#"<a href="/v1/ratelimit">API</a>"#))
                #expect(html.contains("not built yet"))
                #expect(html.contains(#"data-action="start" data-project="02""#))
                #expect(html.contains(#"id="skills""#) && html.contains("CAP theorem"))
                #expect(
                    html.contains(#"id="milestones""#)
                        && html.contains(#"<li class="milestone check" data-checked="false">Month 3: Can discuss"#)
                )
                // Statuses and checkboxes are drawn by the kit's stylesheet beside their text: no emoji in the page.
                #expect(html.contains(#"<span class="status" data-glyph="done">Completed</span>"#))
                #expect(html.contains(#"<span class="status" data-glyph="todo">Not Started</span>"#))
                for glyph in ["\u{2B1C}", "\u{1F7E1}", "\u{2705}", "\u{23ED}", "\u{2611}", "\u{2610}"] {
                    #expect(!html.contains(glyph), "\(glyph.unicodeScalars.map(\.value))")
                }
                #expect(html.contains("Back-pressure matters"))
                #expect(html.contains(#"<meta name="csrf-token""#))
            }
            // The page's old address redirects (permanently, keeping the query) to its place under /systems.
            try await client.execute(uri: "/progress?from=bookmark", method: .get) { response in
                #expect(response.status == .permanentRedirect)
                #expect(response.headers[.location] == "/systems/progress?from=bookmark")
            }
        }
    }

    @Test("hostile note text is escaped in the page")
    func hostileNotes() async throws {
        let path = try makeProgressFile()
        let hostile = #"<script>alert("x")</script><img src=x onerror='boom()'> & more"#
        try ProgressFileStore(path: path).update { document in
            try document.note(ProjectNumber(1), hostile, on: CalendarDate(year: 2025, month: 2, day: 1))
        }
        try await server(path).application.test(.router) { client in
            try await client.execute(uri: "/systems/progress", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(!html.contains("<script>alert"))
                #expect(!html.contains("<img src=x"))
                #expect(
                    html.contains(
                        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=&#39;boom()&#39;&gt; &amp; more"
                    )
                )
            }
        }
    }

    @Test("the file: a configured one must exist; else ./PROGRESS.md; else a copy in the data folder")
    func fileResolution() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mastery-resolve-\(UUID().uuidString)"
        ).path
        let work = (folder as NSString).appendingPathComponent("work")
        let data = (folder as NSString).appendingPathComponent("data")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let today = try CalendarDate(year: 2025, month: 5, day: 1)
        #expect(throws: ConfigurationError.self) {
            try ProgressSystem.resolveFile(
                configured: "\(folder)/missing.md",
                dataDirectory: data,
                workingDirectory: work,
                today: today
            )
        }
        // Nothing anywhere: the data folder gets a copy of the template, started today.
        let created = try ProgressSystem.resolveFile(
            configured: nil,
            dataDirectory: data,
            workingDirectory: work,
            today: today
        )
        #expect(created == "\(data)/PROGRESS.md")
        #expect(try ProgressFileStore(path: created).read().snapshot().startDate == today)
        // ./PROGRESS.md wins over the data folder's copy.
        let local = "\(work)/PROGRESS.md"
        try ProgressFileStore(path: local).create(.new(startingOn: try CalendarDate(year: 2024, month: 1, day: 1)))
        #expect(
            try ProgressSystem.resolveFile(configured: nil, dataDirectory: data, workingDirectory: work, today: today)
                == local
        )
        // A file that is not a progress file stops the server, naming the key.
        let broken = "\(folder)/broken.md"
        try Data("# nothing here\n".utf8).write(to: URL(fileURLWithPath: broken))
        #expect(throws: ConfigurationError.self) {
            try ProgressSystem.resolveFile(
                configured: broken,
                dataDirectory: data,
                workingDirectory: work,
                today: today
            )
        }
    }

    @Test("control characters in a verb's text are refused with a 400 problem; the file is byte-identical")
    func controlCharacters() async throws {
        let path = try makeProgressFile()
        let auth: HTTPFields = [.authorization: "Bearer \(adminToken)"]
        var json = auth
        json[.contentType] = "application/json"
        let headers = json
        try await server(path).application.test(.router) { client in
            try await client.execute(uri: "/v1/progress/projects/1/start", method: .post, headers: auth) { _ in }
            let before = try bytes(path)
            let bodies = [
                #"{"story":"red \u001b[31m alert"}"#, #"{"story":"nul \u0000"}"#, #"{"story":"a \u2028 b"}"#,
                #"{"story":"c1 \u009b"}"#, #"{"story":"del \u007f"}"#, #"{"story":"lone \r cr"}"#,
                #"{"skills":["caching\u0007"]}"#, #"{"repository":"https://x.io/\u0085"}"#,
            ]
            for body in bodies {
                try await client.execute(
                    uri: "/v1/progress/projects/1/complete",
                    method: .post,
                    headers: headers,
                    body: ByteBuffer(string: body)
                ) { response in
                    #expect(response.status == .badRequest, "\(body)")
                    let problem = try problem(response)
                    #expect(problem["type"] as? String == "/problems/bad-request")
                    #expect(
                        (problem["detail"] as? String ?? "").contains("only tab and line breaks are allowed"),
                        "\(problem)"
                    )
                }
                #expect(try bytes(path) == before, "\(body) changed the file")
            }
        }
    }

    @Test(
        "a file at fault answers a problem saying what is wrong without its path; the log has the path under the request ID"
    )
    func fileErrorsWithoutPath() async throws {
        let path = try makeProgressFile()
        let folder = (path as NSString).deletingLastPathComponent
        let logs = CapturedLogs()
        let assembly = try await loggedServer(path, logs: logs)
        let auth: HTTPFields = [.authorization: "Bearer \(adminToken)"]
        try await assembly.application.test(.router) { client in
            // Read-only: refused, the file left as it is.
            #expect(chmod(path, 0o444) == 0)
            let before = try bytes(path)
            try await client.execute(uri: "/v1/progress/projects/1/start", method: .post, headers: auth) { response in
                #expect(response.status == .internalServerError)
                let detail = try problem(response)["detail"] as? String ?? ""
                #expect(detail.contains("read-only"), "\(detail)")
                #expect(!detail.contains(folder) && !detail.contains("PROGRESS.md"), "\(detail)")
                let id = try #require(response.headers[.requestID])
                #expect(detail.contains(id))
                #expect(logs.entries.contains { $0.contains(id) && $0.contains(folder) }, "\(logs.entries)")
            }
            #expect(try bytes(path) == before)
            #expect(chmod(path, 0o644) == 0)

            // Broken after the start: the answer names the line and why, not the file.
            let text = String(decoding: before, as: UTF8.self)
            let broken = text.replacingOccurrences(
                of: "| 07 | CDC Pipeline | ⬜ |",
                with: "| 07 | CDC Pipeline | maybe |"
            )
            #expect(broken != text)
            try Data(broken.utf8).write(to: URL(fileURLWithPath: path))
            for uri in ["/v1/progress", "/systems/progress"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .internalServerError)
                    let detail = try problem(response)["detail"] as? String ?? ""
                    #expect(
                        detail.contains("Line ") && detail.contains("project 07 has no recognisable status"),
                        "\(detail)"
                    )
                    #expect(!detail.contains(folder) && !detail.contains("PROGRESS.md"), "\(detail)")
                    let id = try #require(response.headers[.requestID])
                    #expect(logs.entries.contains { $0.contains(id) && $0.contains(folder) }, "\(logs.entries)")
                }
            }
        }
    }

    @Test("the page has no inline script, style or event handler; its script and stylesheet are served beside it")
    func contentSecurityPolicyReady() async throws {
        let path = try makeProgressFile()
        try await server(path).application.test(.router) { client in
            try await client.execute(uri: "/systems/progress", method: .get) { response in
                let html = String(buffer: response.body)
                // Every <script> has a src and an empty body; no <style> block, style attribute or on…= handler.
                let scripts = html.components(separatedBy: "<script").dropFirst()
                #expect(scripts.count == 2)  // the dashboard's and the page's
                for script in scripts {
                    let tag = script.prefix { $0 != ">" }
                    #expect(tag.contains(" src=\"/"), "\(tag)")
                    #expect(script.dropFirst(tag.count + 1).hasPrefix("</script>"), "\(script.prefix(80))")
                }
                #expect(!html.lowercased().contains("<style"))
                #expect(html.range(of: #"\sstyle\s*="#, options: [.regularExpression, .caseInsensitive]) == nil)
                #expect(html.range(of: #"\son[a-z]+\s*="#, options: [.regularExpression, .caseInsensitive]) == nil)
                #expect(!html.lowercased().contains("javascript:"))
                #expect(html.contains(#"<link rel="stylesheet" href="/systems/progress/page.css">"#))
                #expect(html.contains(#"<script src="/systems/progress/page.js" defer></script>"#))
                #expect(html.contains(#"data-percent="0"><span></span></div>"#))
            }
            try await client.execute(uri: "/systems/progress/page.js", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(String(buffer: response.body).contains("Mastery.send(\"POST\""))
            }
            try await client.execute(uri: "/systems/progress/page.css", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/css; charset=utf-8")
                let css = String(buffer: response.body)
                #expect(css.contains(#".bar[data-percent="0"] > span { width: 0%; }"#))
                #expect(css.contains(#".bar[data-percent="100"] > span { width: 100%; }"#))
            }
        }
    }

    /// An in-process server whose log (info and above) is captured.
    func loggedServer(_ path: String, logs: CapturedLogs) async throws -> MasteryServer.Assembly {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mastery-test-\(UUID().uuidString)")
            .path
        let flags = ["adminToken": adminToken, "progressFile": path, "dataDir": folder, "port": "0"]
        let reader = try await ConfigurationSources.makeReader(commandLine: flags, environment: [:])
        let configuration = try MasteryConfiguration(reader: reader)
        let logger = logs.logger(level: .info)
        let server = MasteryServer(
            configuration: configuration,
            reader: reader,
            systems: [ProgressSystem.self],
            logger: logger
        )
        return try await server.makeApplication()
    }
}
