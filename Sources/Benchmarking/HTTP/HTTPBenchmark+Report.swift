import Histogram

extension HTTPBenchmark {
    /// Builds the report of `mastery bench http` from its rounds; pure, so it is tested without I/O.
    ///
    /// wrk figures are medians over the rounds; probe figures are percentiles of all rounds' histograms merged.
    /// Ratios: `requests/s` (ours / nginx's, per round) and `probe p99 latency` (nginx's / ours, per round),
    /// each with its min and max as figures.
    /// - Throws: ``BenchmarkError/Code-swift.struct/invalidMeasurement`` when a ratio cannot be formed (a side
    ///   completed no requests).
    public static func makeReport(
        ourName: String,
        wrkRounds: [PeerComparison.Round<Wrk.Result>],
        probeRounds: [PeerComparison.Round<LatencyProbe.Result>],
        bodyBytes: Int
    ) throws -> BenchmarkReport {
        var report = BenchmarkReport(benchmark: "http")
        let median = PeerComparison.Spread.median(of:)

        for (name, results) in [(ourName, wrkRounds.map(\.ours)), (peerName, wrkRounds.map(\.peer))] {
            report.addFigure("\(name) requests/s", value: median(results.map(\.requestsPerSecond)), unit: "req/s")
            report.addFigure("\(name) wrk p50 latency", value: median(results.map(\.latency.p50)), unit: "us")
            report.addFigure("\(name) wrk p99 latency", value: median(results.map(\.latency.p99)), unit: "us")
            report.addFigure(
                "\(name) wrk errors",
                value: Double(results.map(\.errors.total).reduce(0, +)),
                unit: "count"
            )
        }
        for (name, results) in [(ourName, probeRounds.map(\.ours)), (peerName, probeRounds.map(\.peer))] {
            var merged = LatencyProbe.makeHistogram()
            for result in results { merged.add(result.histogram) }
            let percentiles = LatencyProbe.Result.percentiles(of: merged)
            report.addFigure("\(name) probe p50 latency", value: percentiles.p50, unit: "us")
            report.addFigure("\(name) probe p90 latency", value: percentiles.p90, unit: "us")
            report.addFigure("\(name) probe p99 latency", value: percentiles.p99, unit: "us")
            report.addFigure("\(name) probe p99.9 latency", value: percentiles.p999, unit: "us")
            report.addFigure("\(name) probe max latency", value: percentiles.max, unit: "us")
        }
        report.addFigure("response body", value: Double(bodyBytes), unit: "bytes")
        report.addFigure("rounds", value: Double(wrkRounds.count), unit: "count")

        report.addRatio(
            "requests/s",
            spread: try PeerComparison.Spread(rounds: wrkRounds, direction: .higherIsBetter) { $0.requestsPerSecond },
            against: peerName
        )
        report.addRatio(
            "probe p99 latency",
            spread: try PeerComparison.Spread(rounds: probeRounds, direction: .lowerIsBetter) { $0.percentiles.p99 },
            against: peerName
        )
        return report
    }
}
