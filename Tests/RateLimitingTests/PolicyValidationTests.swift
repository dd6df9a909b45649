import Foundation
import RateLimiting
import Testing

@Suite struct PolicyValidationTests {
    func rejects(_ make: () throws -> RateLimitPolicy, mentioning text: String) {
        do {
            _ = try make()
            Issue.record("expected the policy to be rejected")
        } catch let error as RateLimitError {
            #expect(error.code == .invalidPolicy)
            #expect(error.message.contains(text), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("nonsensical policies are rejected with the field named")
    func nonsense() {
        rejects(
            { try RateLimitPolicy(name: "a", algorithm: .gcra, limit: 0, window: .seconds(1)) },
            mentioning: "limit"
        )
        rejects(
            { try RateLimitPolicy(name: "a", algorithm: .gcra, limit: -5, window: .seconds(1)) },
            mentioning: "limit"
        )
        rejects(
            { try RateLimitPolicy(name: "a", algorithm: .fixedWindow, limit: 5, window: .zero) },
            mentioning: "window"
        )
        rejects(
            { try RateLimitPolicy(name: "a", algorithm: .fixedWindow, limit: 5, window: .seconds(-1)) },
            mentioning: "window"
        )
        rejects(
            { try RateLimitPolicy(name: "a", algorithm: .gcra, limit: 5, window: .seconds(1), burst: 0) },
            mentioning: "burst"
        )
        rejects(
            { try RateLimitPolicy(name: "a", algorithm: .fixedWindow, limit: 5, window: .seconds(1), burst: 3) },
            mentioning: "burst"
        )
        rejects(
            { try RateLimitPolicy(name: "a", algorithm: .gcra, limit: 1_000_000_000, window: .seconds(1)) },
            mentioning: "microsecond"
        )
        rejects(
            {
                try RateLimitPolicy(
                    name: "a",
                    algorithm: .gcra,
                    limit: 1,
                    window: .seconds(86_400 * 365),
                    burst: 1_000_000_000
                )
            },
            mentioning: "2^53"
        )
        rejects(
            { try RateLimitPolicy(name: "a", algorithm: .slidingWindowLog, limit: 1_000_000, window: .seconds(1)) },
            mentioning: "sliding_window_log"
        )
        rejects(
            {
                try RateLimitPolicy(
                    name: "a",
                    algorithm: .gcra,
                    limit: 5,
                    window: .seconds(1),
                    onStoreFailure: .localFallback(fraction: 0)
                )
            },
            mentioning: "localFraction"
        )
        rejects(
            {
                try RateLimitPolicy(
                    name: "a",
                    algorithm: .gcra,
                    limit: 5,
                    window: .seconds(1),
                    onStoreFailure: .localFallback(fraction: .nan)
                )
            },
            mentioning: "localFraction"
        )
        rejects({ try RateLimitPolicy(name: "", algorithm: .gcra, limit: 5, window: .seconds(1)) }, mentioning: "name")
        rejects(
            { try RateLimitPolicy(name: "bad name\u{0}\"", algorithm: .gcra, limit: 5, window: .seconds(1)) },
            mentioning: "bad name\\0"
        )
        rejects(
            {
                try RateLimitPolicy(
                    name: String(repeating: "x", count: 65),
                    algorithm: .gcra,
                    limit: 5,
                    window: .seconds(1)
                )
            },
            mentioning: "name"
        )
    }

    @Test("keys: empty and over-long keys are rejected, never truncated")
    func keys() throws {
        let policy = try RateLimitPolicy(name: "k", algorithm: .gcra, limit: 5, window: .seconds(1))
        #expect(throws: RateLimitError.self) { try RateLimitCheck(policy: policy, key: "").validate() }
        #expect(throws: RateLimitError.self) {
            try RateLimitCheck(policy: policy, key: String(repeating: "é", count: 257)).validate()
        }
        try RateLimitCheck(policy: policy, key: String(repeating: "é", count: 256)).validate()
        #expect(throws: RateLimitError.self) { try RateLimitCheck(policy: policy, key: "k", cost: -1).validate() }
        #expect(throws: RateLimitError.self) { try RateLimitCheck.validate([]) }
    }

    @Test("the window keeps whole microseconds; capacity and interval follow the algorithm")
    func derived() throws {
        let gcra = try RateLimitPolicy(name: "g", algorithm: .gcra, limit: 3, window: .milliseconds(1500))
        #expect(gcra.windowMicroseconds == 1_500_000)
        #expect(gcra.intervalMicroseconds == 500_000)
        #expect(gcra.capacity == 3 && gcra.burst == 3)
        let window = try RateLimitPolicy(name: "w", algorithm: .fixedWindow, limit: 7, window: .seconds(60))
        #expect(window.burst == nil && window.capacity == 7)
    }
}

@Suite struct PolicyJSONTests {
    @Test("a policy round-trips through JSON, and decoding validates")
    func roundTrip() throws {
        let policy = try RateLimitPolicy(
            name: "api",
            algorithm: .tokenBucket,
            limit: 10,
            window: .milliseconds(1500),
            burst: 20,
            onStoreFailure: .localFallback(fraction: 0.5)
        )
        let data = try JSONEncoder().encode(policy)
        #expect(try JSONDecoder().decode(RateLimitPolicy.self, from: data) == policy)
        for bad in [
            #"{"name":"a","algorithm":"leaky","limit":1,"window":1}"#,
            #"{"name":"a","algorithm":"gcra","limit":0,"window":1}"#,
            #"{"name":"a","algorithm":"gcra","limit":1,"window":0}"#,
            #"{"name":"a","algorithm":"gcra","limit":1,"window":1e300}"#,
            #"{"name":"a","algorithm":"gcra","limit":1,"window":1,"onStoreFailure":"local"}"#,
            #"{"name":"a","algorithm":"gcra","limit":1,"window":1,"onStoreFailure":"maybe"}"#,
        ] {
            #expect(throws: RateLimitError.self, "\(bad)") {
                try JSONDecoder().decode(RateLimitPolicy.self, from: Data(bad.utf8))
            }
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(
                RateLimitPolicy.self,
                from: Data(#"{"name":"a","algorithm":"gcra","limit":1e30,"window":1}"#.utf8)
            )
        }
    }
}
