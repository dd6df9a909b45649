import Benchmarking
import Logging
import Synchronization
import Testing

@Suite struct PeerComparisonTests {
    @Test("alternates which side goes first: us in odd rounds, the peer in even rounds")
    func order() async throws {
        #expect(PeerComparison.order(ofRound: 1) == [.us, .peer])
        #expect(PeerComparison.order(ofRound: 2) == [.peer, .us])
        #expect(PeerComparison.order(ofRound: 3) == [.us, .peer])

        let calls = Mutex<[String]>([])
        let rounds = try await PeerComparison(rounds: 4).run(logger: Logger(label: "test")) {
            calls.withLock { $0.append("us") }
            return calls.withLock { $0.count }
        } measurePeer: {
            calls.withLock { $0.append("peer") }
            return calls.withLock { $0.count }
        }
        #expect(calls.withLock { $0 } == ["us", "peer", "peer", "us", "us", "peer", "peer", "us"])
        #expect(rounds.map(\.number) == [1, 2, 3, 4])
        #expect(rounds.map(\.ours) == [1, 4, 5, 8])
        #expect(rounds.map(\.peer) == [2, 3, 6, 7])
    }

    @Test("the median is the middle value, or the mean of the middle two")
    func median() {
        #expect(PeerComparison.Spread.median(of: [3, 1, 2]) == 2)
        #expect(PeerComparison.Spread.median(of: [4, 1, 3, 2]) == 2.5)
        #expect(PeerComparison.Spread.median(of: [7]) == 7)
    }

    @Test("higher is better: the ratio is ours / peer's, above 1 when we are faster")
    func higherIsBetter() throws {
        let spread = try PeerComparison.Spread(
            ours: [200, 90, 120, 100, 150],
            peer: [100, 100, 100, 100, 100],
            direction: .higherIsBetter
        )
        #expect(spread.ratios == [2, 0.9, 1.2, 1, 1.5])
        #expect(spread.median == 1.2)
        #expect(spread.min == 0.9)
        #expect(spread.max == 2)
    }

    @Test("lower is better: the ratio is peer's / ours, above 1 when our latency is lower")
    func lowerIsBetter() throws {
        let spread = try PeerComparison.Spread(ours: [50, 200, 100], peer: [100, 100, 100], direction: .lowerIsBetter)
        #expect(spread.ratios == [2, 0.5, 1])
        #expect(spread.median == 1)
        #expect(spread.min == 0.5)
        #expect(spread.max == 2)
    }

    @Test("refuses zero, mismatched or missing measurements")
    func invalid() {
        #expect(throws: BenchmarkError.self) {
            try PeerComparison.Spread(ours: [0], peer: [1], direction: .higherIsBetter)
        }
        #expect(throws: BenchmarkError.self) {
            try PeerComparison.Spread(ours: [1, 2], peer: [1], direction: .higherIsBetter)
        }
        #expect(throws: BenchmarkError.self) {
            try PeerComparison.Spread(ours: [], peer: [], direction: .lowerIsBetter)
        }
    }
}
