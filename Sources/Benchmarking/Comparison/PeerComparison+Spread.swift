extension PeerComparison {
    /// Whether a bigger value of a metric is better (requests/s) or worse (latency).
    public struct Direction: Hashable, Sendable {
        private enum Base: Hashable, Sendable { case higherIsBetter, lowerIsBetter }
        private let base: Base

        /// A bigger value is better, such as requests/s: the ratio is ours / peer's.
        public static let higherIsBetter = Direction(base: .higherIsBetter)
        /// A smaller value is better, such as latency: the ratio is peer's / ours.
        public static let lowerIsBetter = Direction(base: .lowerIsBetter)

        /// The ratio of one round, oriented so that above 1 means we are ahead.
        public func ratio(ours: Double, peer: Double) -> Double {
            base == .higherIsBetter ? ours / peer : peer / ours
        }
    }

    /// The per-round ratios of a comparison, with their median, minimum and maximum.
    public struct Spread: Hashable, Sendable {
        /// One ratio per round, in round order; above 1 means we are ahead.
        public var ratios: [Double]
        /// The median of ``ratios`` (the mean of the middle two for an even count).
        public var median: Double
        /// The smallest ratio.
        public var min: Double
        /// The largest ratio.
        public var max: Double

        /// Computes the spread of per-round values.
        /// - Parameters:
        ///   - ours: Our value in each round.
        ///   - peer: The peer's value in each round, in the same order.
        ///   - direction: Whether a bigger value is better.
        /// - Throws: ``BenchmarkError/Code-swift.struct/invalidMeasurement`` when there are no rounds, the
        ///   counts differ, or a value is zero, negative or not finite (no ratio can be formed).
        public init(ours: [Double], peer: [Double], direction: Direction) throws {
            guard !ours.isEmpty, ours.count == peer.count else {
                throw BenchmarkError(
                    code: .invalidMeasurement,
                    message: "cannot compare \(ours.count) measurements of ours with \(peer.count) of the peer"
                )
            }
            for value in ours + peer where !(value.isFinite && value > 0) {
                throw BenchmarkError(
                    code: .invalidMeasurement,
                    message: "a measurement was \(value); ratios need positive, finite values"
                )
            }
            let ratios = zip(ours, peer).map { direction.ratio(ours: $0, peer: $1) }
            self.ratios = ratios
            self.median = Self.median(of: ratios)
            self.min = ratios.min() ?? .nan
            self.max = ratios.max() ?? .nan
        }

        /// Computes the spread of a metric over the rounds of a comparison.
        /// - Parameters:
        ///   - rounds: The rounds, as returned by ``PeerComparison/run(logger:measureUs:measurePeer:)``.
        ///   - direction: Whether a bigger value is better.
        ///   - metric: Picks the compared value from a measurement.
        public init<Measurement>(
            rounds: [Round<Measurement>],
            direction: Direction,
            metric: (Measurement) -> Double
        ) throws {
            try self.init(
                ours: rounds.map { metric($0.ours) },
                peer: rounds.map { metric($0.peer) },
                direction: direction
            )
        }

        /// The median of some values: the middle one, or the mean of the middle two for an even count.
        public static func median(of values: [Double]) -> Double {
            guard !values.isEmpty else { return .nan }
            let sorted = values.sorted()
            let middle = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        }
    }
}
