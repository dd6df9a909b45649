import Benchmarking
import Foundation
import Logging
import Testing

@Suite struct WrkTests {
    static let output = """
        Running 1s test @ http://127.0.0.1:8080/health
          2 threads and 10 connections
          Thread Stats   Avg      Stdev     Max   +/- Stdev
            Latency   120.00us   30.00us   2.00ms   90.00%
          Latency Distribution
             50%  110.00us
        40000 requests in 1.00s, 5.00MB read
        Requests/sec:  40000.00
        MASTERY_WRK {"requests":40000,"duration_us":1000000,"errors":{"connect":0,"read":1,"write":2,"status":3,"timeout":4},"latency_us":{"p50":110,"p90":150,"p99":400,"p99.9":900,"max":2000}}

        """

    @Test("parses the line the Lua done hook prints")
    func parse() throws {
        let result = try Wrk.parse(output: Self.output)
        #expect(result.requests == 40_000)
        #expect(result.durationMicroseconds == 1_000_000)
        #expect(result.requestsPerSecond == 40_000)
        #expect(result.errors == .init(connect: 0, read: 1, write: 2, status: 3, timeout: 4))
        #expect(result.errors.total == 10)
        #expect(result.latency == LatencyPercentiles(p50: 110, p90: 150, p99: 400, p999: 900, max: 2000))
    }

    @Test("reports output without a result line as invalid output")
    func missingLine() {
        #expect {
            try Wrk.parse(output: "Running 1s test @ http://127.0.0.1/\nunable to connect\n")
        } throws: { error in
            (error as? BenchmarkError)?.code == .invalidOutput
        }
    }

    @Test("the Lua script prints the marker and every key the parser reads")
    func script() {
        for key in [
            "requests", "duration_us", "connect", "read", "write", "status", "timeout", "p50", "p90", "p99", "p99.9",
            "max",
        ] {
            #expect(Wrk.script.contains("\"\(key)\":"))
        }
        #expect(Wrk.script.contains(Wrk.resultMarker))
        #expect(Wrk.script.contains("done = function(summary, latency, requests)"))
    }

    @Test("builds wrk's command line")
    func arguments() throws {
        let directory = try FakeTools.directory(with: ["wrk"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let wrk = try Wrk(
            configuration: .init(threads: 2, connections: 50, duration: .seconds(5)),
            locator: ExecutableLocator(searchPath: [directory])
        )
        #expect(
            wrk.arguments(url: "http://127.0.0.1:1/health", scriptPath: "/tmp/s.lua")
                == ["-t", "2", "-c", "50", "-d", "5s", "--latency", "-s", "/tmp/s.lua", "http://127.0.0.1:1/health"]
        )
    }

    @Test("a live 1-second run against nginx", .enabled(if: FakeTools.installed("wrk") && FakeTools.installed("nginx")))
    func live() async throws {
        let port = try FakeTools.unusedPort()
        let result = try await NginxPeer.run(
            configuration: .init(port: port, responseBody: NginxPeer.body(length: 64)),
            logger: .init(label: "test")
        ) { nginx in
            try await Wrk(configuration: .init(threads: 1, connections: 4, duration: .seconds(1)))
                .run(url: nginx.url, directory: FileManager.default.temporaryDirectory, logger: .init(label: "test"))
        }
        #expect(result.requests > 100)
        #expect(result.errors.total == 0)
        #expect(result.latency.p50 > 0 && result.latency.p50 <= result.latency.p99)
    }
}
