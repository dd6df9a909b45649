import Foundation
import HTTPTypes
import Logging
import Metrics
import Platform
import Synchronization
import Testing

@Suite("Platform building blocks")
struct PlatformUnitTests {
    @Test("JSON log lines are one valid JSON object each, hostile text escaped")
    func jsonLogs() throws {
        let lines = Mutex<[String]>([])
        let handler = JSONLogHandler(
            label: "test",
            level: .info,
            output: { line in lines.withLock { $0.append(line) } }
        )
        var logger = Logger(label: "test", factory: { _ in handler })
        logger[metadataKey: "request.id"] = "abc"
        logger.info("hello\nforged {\"level\":\"critical\"}", metadata: ["path": "/\u{1}\u{2028}\"x"])
        logger.debug("dropped")
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let line = try #require(written.first)
        #expect(line.hasSuffix("\n"))
        #expect(line.dropLast().contains("\n") == false)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["msg"] as? String == "hello\nforged {\"level\":\"critical\"}")
        #expect(object["level"] as? String == "info")
        #expect(object["request.id"] as? String == "abc")
        #expect(object["path"] as? String == "/\u{1}\u{2028}\"x")
    }

    @Test("the route table finds allowed methods for concrete paths")
    func routeTable() {
        let table = RouteTable()
        table.load([
            ("/v1/things", .get), ("/v1/things", .post), ("/v1/things/{id}", .delete), ("/v1/things/:id", .put),
            ("/files/**", .get),
        ])
        #expect(table.allowedMethods(for: "/v1/things").map(\.rawValue) == ["GET", "HEAD", "POST"])
        #expect(table.allowedMethods(for: "/v1/things/42").map(\.rawValue) == ["DELETE", "PUT"])
        #expect(table.allowedMethods(for: "/v1/things/42/more").isEmpty)
        #expect(table.allowedMethods(for: "/v1/other").isEmpty)
        #expect(table.allowedMethods(for: "/files/a/b/c").map(\.rawValue) == ["GET", "HEAD"])
        #expect(table.allowedMethods(for: "/").isEmpty)
    }

    @Test("process metrics come from /proc and are plausible")
    func processMetrics() throws {
        let sample = try #require(ProcessMetrics.read())
        #expect(sample.residentMemoryBytes > 1_000_000)
        #expect(sample.virtualMemoryBytes >= sample.residentMemoryBytes)
        #expect(sample.cpuSeconds > 0)
        #expect(sample.openFileDescriptors >= 3)
        #expect(sample.maxFileDescriptors >= sample.openFileDescriptors)
        let now = Date().timeIntervalSince1970
        #expect(sample.startTimeSeconds <= now + 2 && sample.startTimeSeconds > now - 86_400 * 30)
    }

    @Test("metrics render in Prometheus text format with sanitised names")
    func metricsRendering() {
        let registry = MetricsRegistry()
        let counter = Metrics.Counter(
            label: "demo.requests.total",
            dimensions: [("http.route", "/x")],
            factory: registry.factory
        )
        counter.increment(by: 3)
        let text = String(decoding: registry.render(), as: UTF8.self)
        #expect(text.contains(#"demo_requests_total{http_route="/x"} 3"#))
        #expect(text.contains("process_resident_memory_bytes"))
        #expect(text.contains("process_start_time_seconds"))
        #expect(MetricsRegistry.sanitize("9a.b-c") == "_a_b_c")
    }

    @Test("constant-time comparison and dashboard sessions")
    func credentials() {
        #expect(ConstantTime.equals("secret-token-123", "secret-token-123"))
        #expect(!ConstantTime.equals("secret-token-123", "secret-token-124"))
        #expect(!ConstantTime.equals("secret-token-123", "secret"))
        let credentials = AdminCredentials(token: "0123456789abcdef", isConfigured: true)
        let session = credentials.makeSession()
        #expect(credentials.verify(session: session))
        #expect(!credentials.verify(session: session + "0"))
        #expect(!credentials.verify(session: "9999999999.deadbeef"))
        #expect(!credentials.verify(session: session, now: Date().addingTimeInterval(13 * 3600)))
        let other = AdminCredentials(token: "another-token-0000", isConfigured: true)
        #expect(!other.verify(session: session))
        #expect(credentials.csrfToken(for: session) != other.csrfToken(for: session))
    }

    @Test("a generated admin token is kept private in the data folder and reused")
    func generatedToken() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mastery-token-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try AdminCredentials.load(configured: nil, dataDirectory: folder)
        let second = try AdminCredentials.load(configured: nil, dataDirectory: folder)
        #expect(!first.isConfigured)
        #expect(first.token == second.token)
        let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/admin-token")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test(
        "an admin-token file that group or others may read, another user owns, or that is a link is refused, as ssh does"
    )
    func tokenFileRefusals() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mastery-token-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/admin-token"
        let secret = "0123456789abcdef0123456789abcdef"
        try (secret + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        for mode in [0o644, 0o640, 0o604, 0o660, 0o666] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
            let error = #expect(throws: AdminTokenFile.Refusal.self) {
                try AdminCredentials.load(configured: nil, dataDirectory: folder)
            }
            #expect(error?.description.contains("too open") == true, "\(String(mode, radix: 8))")
            #expect(error?.description.contains(secret) == false)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == secret + "\n")  // left as it was
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        #expect(try AdminCredentials.load(configured: nil, dataDirectory: folder).token == secret)
        if geteuid() == 0 {
            try FileManager.default.setAttributes([.ownerAccountID: 65534], ofItemAtPath: path)
            let error = #expect(throws: AdminTokenFile.Refusal.self) {
                try AdminCredentials.load(configured: nil, dataDirectory: folder)
            }
            #expect(error?.description.contains("owned by user 65534") == true)
            try FileManager.default.setAttributes([.ownerAccountID: 0], ofItemAtPath: path)
        }
        // A symbolic link is not followed, wherever it points.
        let target = folder + "/elsewhere"
        try FileManager.default.moveItem(atPath: path, toPath: target)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
        let error = #expect(throws: AdminTokenFile.Refusal.self) {
            try AdminCredentials.load(configured: nil, dataDirectory: folder)
        }
        #expect(error?.description.contains("symbolic link") == true)
        // A token too short to be one is refused rather than trusted or silently replaced.
        try FileManager.default.removeItem(atPath: path)
        #expect(try AdminTokenFile.create(path: path, token: "short"))
        #expect(throws: AdminTokenFile.Refusal.self) {
            try AdminCredentials.load(configured: nil, dataDirectory: folder)
        }
        // Creating never replaces a file that appeared meanwhile.
        #expect(try AdminTokenFile.create(path: path, token: secret) == false)
    }

    @Test("readiness: a required backend down or shutdown makes the server unready; a hanging check is bounded")
    func readiness() async throws {
        struct Down: Error {}
        let readiness = Readiness(timeout: .milliseconds(200))
        readiness.add(ClosureReadinessCheck(name: "up", target: "here") {})
        #expect(await readiness.report().status == "ready")
        readiness.add(ClosureReadinessCheck(name: "optional", target: "there", isRequired: false) { throw Down() })
        #expect(await readiness.report().status == "ready")
        readiness.add(
            ClosureReadinessCheck(name: "hangs", target: "nowhere") { try await Task.sleep(for: .seconds(3600)) }
        )
        let start = ContinuousClock.now
        let report = await readiness.report()
        #expect(ContinuousClock.now - start < .seconds(30))
        #expect(report.status == "unready")
        #expect(report.backends.map(\.state) == ["up", "down", "down"])
        readiness.beginShutdown()
        #expect(await readiness.report().status == "shutting-down")
    }
}
