import Foundation
import Logging
import TestSupport
import Testing

@testable import Benchmarking

@Suite struct RedisBenchmarkToolTests {
    @Test("reads redis-benchmark --csv by column name, latencies in microseconds")
    func parse() {
        let csv = """
            "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
            "SET","598802.38","1.171","0.160","1.087","1.911","2.583","5.263"
            "GET","875656.75","0.799","0.112","0.751","1.247","1.663","3.031"

            """
        let results = RedisBenchmarkTool.parse(csv: csv)
        #expect(results.map(\.test) == ["SET", "GET"])
        #expect(results[0].requestsPerSecond == 598802.38)
        #expect(abs(results[0].p50 - 1087) < 0.001 && abs(results[0].p99 - 2583) < 0.001)
    }

    @Test("an older tool without percentile columns still yields its rate; garbage yields nothing")
    func partial() {
        let old = RedisBenchmarkTool.parse(csv: "\"test\",\"rps\"\n\"PING_INLINE\",\"1000.00\"\n")
        #expect(old.first?.requestsPerSecond == 1000 && old.first?.p50.isNaN == true)
        #expect(RedisBenchmarkTool.parse(csv: "Error: Connection refused\n").isEmpty)
        #expect(RedisBenchmarkTool.parse(csv: "").isEmpty)
    }
}
