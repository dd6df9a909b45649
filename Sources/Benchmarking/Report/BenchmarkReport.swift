/// The result of one benchmark: named figures and ratios against peers.
///
/// Every benchmark reports through this type, so `mastery bench <name>` prints the same readable table
/// (``renderTable()``) or the same JSON object (``renderJSON()``) whatever it measured.
public struct BenchmarkReport: Hashable, Sendable {
    /// One measured value, such as `requests/s` or a latency percentile.
    public struct Figure: Hashable, Sendable {
        /// What was measured, such as `"mastery requests/s"`.
        public var name: String
        /// The measured value.
        public var value: Double
        /// The unit of ``value``, such as `"req/s"`, `"us"` or `"x"`.
        public var unit: String

        /// Creates a figure.
        public init(name: String, value: Double, unit: String) {
            self.name = name
            self.value = value
            self.unit = unit
        }
    }

    /// How we compare to a peer run in the same command: above 1 means we are ahead, whatever the unit.
    public struct Ratio: Hashable, Sendable {
        /// What was compared, such as `"requests/s"`.
        public var name: String
        /// The median ratio over the rounds; above 1 means we are ahead.
        public var value: Double
        /// The peer we were compared against, such as `"nginx"`.
        public var against: String

        /// Creates a ratio.
        public init(name: String, value: Double, against: String) {
            self.name = name
            self.value = value
            self.against = against
        }
    }

    /// The benchmark's name, as in `mastery bench <name>`.
    public var benchmark: String
    /// The measured values, in the order they were added.
    public var figures: [Figure]
    /// The comparisons with peers, in the order they were added.
    public var ratios: [Ratio]

    /// Creates a report.
    public init(benchmark: String, figures: [Figure] = [], ratios: [Ratio] = []) {
        self.benchmark = benchmark
        self.figures = figures
        self.ratios = ratios
    }

    /// Appends a figure.
    public mutating func addFigure(_ name: String, value: Double, unit: String) {
        figures.append(Figure(name: name, value: value, unit: unit))
    }

    /// Appends the median of a comparison as a ratio, and its spread as two figures,
    /// `"<name> ratio min"` and `"<name> ratio max"` (unit `"x"`), so the JSON schema stays fixed.
    /// - Parameters:
    ///   - name: What was compared, such as `"requests/s"`.
    ///   - spread: The per-round ratios of the comparison.
    ///   - peer: The peer's name, such as `"nginx"`.
    public mutating func addRatio(_ name: String, spread: PeerComparison.Spread, against peer: String) {
        ratios.append(Ratio(name: name, value: spread.median, against: peer))
        addFigure("\(name) ratio min", value: spread.min, unit: "x")
        addFigure("\(name) ratio max", value: spread.max, unit: "x")
    }
}
