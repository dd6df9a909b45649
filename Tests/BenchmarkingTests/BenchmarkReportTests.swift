import Benchmarking
import Foundation
import Testing

@Suite struct BenchmarkReportTests {
    private func sampleReport() throws -> BenchmarkReport {
        var report = BenchmarkReport(benchmark: "http")
        report.addFigure("mastery requests/s", value: 41_234.5, unit: "req/s")
        report.addFigure("mastery probe p99 latency", value: 180, unit: "us")
        report.addFigure("name with \"quotes\"\n", value: 0.000_01, unit: "x")
        report.addRatio(
            "requests/s",
            spread: try PeerComparison.Spread(
                ours: [90, 100, 110],
                peer: [100, 100, 100],
                direction: .higherIsBetter
            ),
            against: "nginx"
        )
        return report
    }

    @Test("renders exactly the fixed JSON schema, with numbers as JSON numbers")
    func jsonSchema() throws {
        let json = try sampleReport().renderJSON()
        #expect(!json.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["benchmark", "figures", "ratios"])
        #expect(object["benchmark"] as? String == "http")

        let figures = try #require(object["figures"] as? [[String: Any]])
        #expect(figures.count == 5)
        for figure in figures {
            #expect(Set(figure.keys) == ["name", "value", "unit"])
            #expect(figure["name"] is String)
            #expect(figure["unit"] is String)
            #expect(figure["value"] is NSNumber)
        }
        #expect(figures[0]["value"] as? Double == 41_234.5)
        #expect(figures[2]["name"] as? String == "name with \"quotes\"\n")
        #expect(figures[2]["value"] as? Double == 0.000_01)

        let ratios = try #require(object["ratios"] as? [[String: Any]])
        #expect(ratios.count == 1)
        #expect(Set(ratios[0].keys) == ["name", "value", "against"])
        #expect(ratios[0]["name"] as? String == "requests/s")
        #expect(ratios[0]["value"] as? Double == 1.0)
        #expect(ratios[0]["against"] as? String == "nginx")
    }

    @Test("puts a ratio's spread in figures named '<name> ratio min' and '… max', unit x")
    func spreadFigures() throws {
        let report = try sampleReport()
        let min = try #require(report.figures.first { $0.name == "requests/s ratio min" })
        let max = try #require(report.figures.first { $0.name == "requests/s ratio max" })
        #expect(min.value == 0.9)
        #expect(max.value == 1.1)
        #expect(min.unit == "x" && max.unit == "x")
    }

    @Test("refuses to render a value JSON cannot hold")
    func nonFinite() {
        let report = BenchmarkReport(benchmark: "x", figures: [.init(name: "broken", value: .infinity, unit: "x")])
        #expect(throws: BenchmarkError.self) { try report.renderJSON() }
    }

    @Test("renders an aligned table with figures and ratios")
    func table() throws {
        let table = try sampleReport().renderTable()
        let lines = table.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "Benchmark: http")
        #expect(table.contains("41234"))
        #expect(table.contains("Ratio (above 1: we are ahead)"))
        #expect(table.contains("1.000x"))
        // Values are right-aligned: every figure row ends its value column at the same offset.
        let rows = lines.filter { $0.hasPrefix("mastery") }
        let valueEnds = rows.map { row in row.range(of: row.hasSuffix("req/s") ? "  req/s" : "  us")!.lowerBound }
            .map { rows[0].distance(from: rows[0].startIndex, to: $0) }
        #expect(Set(valueEnds).count == 1)
    }
}
