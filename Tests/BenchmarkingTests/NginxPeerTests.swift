import Benchmarking
import Foundation
import Logging
import Platform
import Testing

@Suite struct NginxPeerTests {
    @Test("a padded body has exactly the requested length")
    func paddedBody() {
        for length in [0, 5, 28, 29, 100, 1000] {
            #expect(NginxPeer.body(length: length).utf8.count == length)
        }
        #expect(NginxPeer.body(length: 40).hasPrefix(#"{"status":"ok""#))
    }

    @Test("serves our body verbatim when nginx can, else a padded one of the same length")
    func matchingBody() {
        let plain = Array(#"{"status":"ok"}"#.utf8)
        #expect(NginxPeer.body(matching: plain) == #"{"status":"ok"}"#)
        let awkward = Array("{\"price\":\"$5\",\"é\":1}\n".utf8)
        let body = NginxPeer.body(matching: awkward)
        #expect(body.utf8.count == awkward.count)
        #expect(!body.contains("$"))
    }

    @Test("the configuration keeps every path in its directory and escapes the body")
    func configuration() throws {
        let text = try NginxPeer.configurationFile(
            .init(port: 18_080, responseBody: #"{"a":"it's \ here"}"#),
            directory: "/tmp/peer"
        )
        #expect(text.contains("daemon off;"))
        #expect(text.contains("worker_processes 2;"))
        #expect(text.contains("pid /tmp/peer/nginx.pid;"))
        #expect(text.contains("access_log off;"))
        #expect(text.contains("listen 127.0.0.1:18080;"))
        #expect(text.contains(#"return 200 '{"a":"it\'s \\ here"}';"#))
        let directives = text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
        let paths = directives.flatMap { $0.split(whereSeparator: { " ;".contains($0) }) }
            .filter { $0.hasPrefix("/") && $0 != "/health" }
        #expect(paths.count == 7)
        #expect(paths.allSatisfy { $0.hasPrefix("/tmp/peer/") })
        #expect(throws: BenchmarkError.self) {
            try NginxPeer.configurationFile(.init(port: 1, responseBody: "$uri"), directory: "/tmp/peer")
        }
    }

    @Test("the proxy-cache mode caches in its directory in front of the origin it is given")
    func proxyCacheConfiguration() throws {
        let text = try NginxPeer.configurationFile(
            .init(port: 18_080, responseBody: "{}", proxyCacheOrigin: "127.0.0.1:9999"),
            directory: "/tmp/peer"
        )
        #expect(text.contains("proxy_cache_path /tmp/peer/cache "))
        #expect(text.contains("proxy_pass http://127.0.0.1:9999;"))
        #expect(text.contains("proxy_cache bench;"))
        let plain = try NginxPeer.configurationFile(.init(port: 18_080, responseBody: "{}"), directory: "/tmp/peer")
        #expect(!plain.contains("proxy_cache"))
    }

    @Test("serves the body on /health and stops when done", .enabled(if: FakeTools.installed("nginx")))
    func live() async throws {
        let body = NginxPeer.body(length: 37)
        let port = try FakeTools.unusedPort()
        let (answer, process) = try await NginxPeer.run(
            configuration: .init(port: port, responseBody: body),
            logger: .init(label: "test")
        ) { nginx in
            let (data, status) = try await FakeTools.get(nginx.url)
            #expect(status == 200)
            #expect(nginx.process.isRunning)
            return (String(decoding: data, as: UTF8.self), nginx.process)
        }
        #expect(answer == body)
        #expect(!process.isRunning)
    }
}
