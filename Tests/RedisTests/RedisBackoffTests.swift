import Redis
import Testing

@Suite("Reconnect backoff")
struct RedisBackoffTests {
    @Test("grows exponentially, stays within [d/2, d] and never exceeds the cap")
    func growth() {
        let backoff = RedisBackoff(initialDelay: .milliseconds(100), maximumDelay: .seconds(2))
        var generator = SystemRandomNumberGenerator()
        for failures in 1...80 {
            let ceiling = min(Duration.milliseconds(100) * (1 << min(failures - 1, 20)), .seconds(2))
            for _ in 0..<20 {
                let delay = backoff.delay(afterFailures: failures, using: &generator)
                #expect(delay >= ceiling / 2 && delay <= ceiling, "failures \(failures): \(delay)")
            }
        }
    }

    @Test("zero, negative and inverted delays are refused")
    func validation() {
        for backoff in [
            RedisBackoff(initialDelay: .zero, maximumDelay: .seconds(1)),
            RedisBackoff(initialDelay: .milliseconds(-5), maximumDelay: .seconds(1)),
            RedisBackoff(initialDelay: .seconds(2), maximumDelay: .seconds(1)),
        ] {
            #expect(throws: RedisError.self) { try backoff.validate() }
        }
        #expect(throws: Never.self) { try RedisBackoff().validate() }
    }
}
