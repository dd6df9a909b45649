import Foundation
import Platform
import TestSupport
import Testing

/// A real Prometheus scrapes `mastery serve` and the request counter is read back through its HTTP API.
@Suite(
    "Prometheus scrapes /metrics",
    .enabled(if: TestServers.shouldRun(tools: "prometheus"), "needs prometheus: run scripts/test")
)
struct PrometheusScrapeTests {
    @Test("the /health request counter is visible through Prometheus' query API")
    func scrape() async throws {
        let prometheusPath = try TestServers.requireExecutable(named: "prometheus", package: "prometheus")
        let server = try await ServeProcess()
        for _ in 0..<5 { #expect(try await server.get("/health").status == 200) }

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("prometheus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = """
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: mastery
                static_configs:
                  - targets: ['127.0.0.1:\(server.port)']
            """
        try config.write(to: folder.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
        let prometheusPort = try freePort()
        let prometheus = try ChildProcess(
            executable: prometheusPath,
            arguments: [
                "--config.file=\(folder.path)/prometheus.yml", "--storage.tsdb.path=\(folder.path)/data",
                "--web.listen-address=127.0.0.1:\(prometheusPort)",
            ],
            name: "prometheus"
        )
        defer { prometheus.kill() }

        let query =
            #"http_server_requests_total{http_route="/health",http_request_method="GET",http_response_status_code="200"}"#
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        var seen = 0.0
        try await waitUntil(timeout: .seconds(60), interval: .milliseconds(500)) {
            guard prometheus.isRunning else {
                throw MissingTestServer(what: "prometheus exited: \(prometheus.readStandardError().suffix(1000))")
            }
            guard let reply = try? await ServeProcess.get(port: prometheusPort, path: "/api/v1/query?query=\(encoded)"),
                reply.status == 200,
                let object = try? JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any],
                let data = object["data"] as? [String: Any],
                let result = (data["result"] as? [[String: Any]])?.first,
                let value = result["value"] as? [Any], let text = value.last as? String, let number = Double(text)
            else { return false }
            seen = number
            return number >= 5
        }
        #expect(seen >= 5)
        _ = try await server.stop()
    }
}
