import Foundation

extension BenchmarkReport {
    /// Renders the report as one JSON object, exactly
    /// `{"benchmark": NAME, "figures": [{"name", "value", "unit"}], "ratios": [{"name", "value", "against"}]}`,
    /// with values as JSON numbers.
    /// - Throws: ``BenchmarkError/Code-swift.struct/invalidMeasurement`` when a value is not finite
    ///   (JSON has no NaN or infinity).
    public func renderJSON() throws -> String {
        func number(_ value: Double, _ name: String) throws -> String {
            guard value.isFinite else {
                throw BenchmarkError(code: .invalidMeasurement, message: "\(name) is \(value), which JSON cannot hold")
            }
            return Self.jsonNumber(value)
        }
        let figures = try figures.map {
            "{\"name\":\(Self.jsonString($0.name)),\"value\":\(try number($0.value, $0.name)),"
                + "\"unit\":\(Self.jsonString($0.unit))}"
        }
        let ratios = try ratios.map {
            "{\"name\":\(Self.jsonString($0.name)),\"value\":\(try number($0.value, $0.name)),"
                + "\"against\":\(Self.jsonString($0.against))}"
        }
        return "{\"benchmark\":\(Self.jsonString(benchmark)),"
            + "\"figures\":[\(figures.joined(separator: ","))],"
            + "\"ratios\":[\(ratios.joined(separator: ","))]}"
    }

    /// Renders the report as readable, aligned text: the figures, then the ratios (above 1 means we are ahead).
    public func renderTable() -> String {
        var lines = ["Benchmark: \(benchmark)", ""]
        lines += Self.align(
            [["Figure", "Value", "Unit"]] + figures.map { [$0.name, Self.readable($0.value, unit: $0.unit), $0.unit] },
            rightAligned: [1]
        )
        if !ratios.isEmpty {
            lines.append("")
            lines += Self.align(
                [["Ratio (above 1: we are ahead)", "Value", "Against"]]
                    + ratios.map { [$0.name, Self.readable($0.value, unit: "x") + "x", $0.against] },
                rightAligned: [1]
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: Formatting

    static func jsonNumber(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return "\(value)"  // shortest round-trip form, e.g. 0.25 or 1e-05: both valid JSON numbers
    }

    static func jsonString(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func readable(_ value: Double, unit: String) -> String {
        guard value.isFinite else { return "\(value)" }
        let magnitude = abs(value)
        if unit == "x" { return String(format: "%.3f", value) }
        if magnitude >= 100 || value == value.rounded() { return String(format: "%.0f", value) }
        if magnitude >= 10 { return String(format: "%.1f", value) }
        return String(format: "%.3g", value)
    }

    static func align(_ rows: [[String]], rightAligned: Set<Int>) -> [String] {
        let rows = rows.map { row in row.map(Self.singleLine) }
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? padding + cell : cell + padding
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
    }
}

extension BenchmarkReport {
    /// A cell on one line: control characters (a newline in a name) become spaces.
    fileprivate static func singleLine(_ cell: String) -> String {
        String(String.UnicodeScalarView(cell.unicodeScalars.map { $0.value < 0x20 ? " " : $0 }))
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}
