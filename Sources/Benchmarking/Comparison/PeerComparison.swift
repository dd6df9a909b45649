public import Logging

/// Runs a measurement of us and of a peer over several alternating rounds.
///
/// Round 1 measures us first, round 2 the peer first, and so on (odd rounds: us first; even rounds: peer
/// first), so a drift of the machine (thermal throttling, a neighbour waking up) weighs on both sides alike.
/// Summarise the rounds with ``Spread``: the median ratio and its minimum and maximum.
public struct PeerComparison: Sendable {
    /// Which side of a comparison a measurement belongs to.
    public struct Side: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable { case us, peer }
        private let base: Base

        /// Our system.
        public static let us = Side(base: .us)
        /// The peer we compare against.
        public static let peer = Side(base: .peer)

        public var description: String { base == .us ? "us" : "peer" }
    }

    /// One round: a measurement of each side.
    public struct Round<Measurement: Sendable>: Sendable {
        /// The round's number, from 1.
        public var number: Int
        /// Our measurement.
        public var ours: Measurement
        /// The peer's measurement.
        public var peer: Measurement

        /// Creates a round.
        public init(number: Int, ours: Measurement, peer: Measurement) {
            self.number = number
            self.ours = ours
            self.peer = peer
        }
    }

    /// The number of rounds (at least 1).
    public var rounds: Int

    /// Creates a comparison.
    /// - Parameter rounds: The number of rounds, at least 1; an odd number gives a median that was measured.
    public init(rounds: Int) {
        self.rounds = rounds
    }

    /// The order in which a round measures the two sides: us first in odd rounds, the peer first in even rounds.
    /// - Parameter round: The round's number, from 1.
    public static func order(ofRound round: Int) -> [Side] {
        round % 2 == 1 ? [.us, .peer] : [.peer, .us]
    }

    /// Runs the rounds, alternating which side goes first.
    /// - Parameters:
    ///   - logger: Receives one `debug` line per measurement.
    ///   - measureUs: Measures our system once.
    ///   - measurePeer: Measures the peer once.
    /// - Returns: One ``Round`` per round, in order.
    /// - Throws: ``BenchmarkError/Code-swift.struct/invalidArgument`` when ``rounds`` is below 1, or whatever a
    ///   measurement throws.
    public func run<Measurement: Sendable>(
        logger: Logger,
        measureUs: () async throws -> Measurement,
        measurePeer: () async throws -> Measurement
    ) async throws -> [Round<Measurement>] {
        guard rounds >= 1 else {
            throw BenchmarkError(code: .invalidArgument, message: "rounds must be at least 1, not \(rounds)")
        }
        var result: [Round<Measurement>] = []
        for number in 1...rounds {
            var ours: Measurement?
            var peer: Measurement?
            for side in Self.order(ofRound: number) {
                try Task.checkCancellation()
                logger.debug(
                    "Measuring",
                    metadata: ["benchmark.round": "\(number)", "benchmark.side": "\(side)"]
                )
                if side == .us {
                    ours = try await measureUs()
                } else {
                    peer = try await measurePeer()
                }
            }
            if let ours, let peer {
                result.append(Round(number: number, ours: ours, peer: peer))
            }
        }
        return result
    }
}
