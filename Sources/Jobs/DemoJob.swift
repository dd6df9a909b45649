public import Foundation

/// The built-in demo job type, `demo.sleep`: it waits, then fails at random at a given rate, so that a newcomer can
/// watch retries, back-off and the dead-letter queue happen (the dashboard enqueues it).
public enum DemoJob: Sendable {
    /// The demo's payload.
    public struct Payload: Codable, Hashable, Sendable {
        /// How long each attempt takes, in milliseconds (0…60,000).
        public var durationMs: Int
        /// The chance each attempt fails (0…1).
        public var failureRate: Double
        /// Whether the job is poison: its first attempt fails with no retry.
        public var poison: Bool?

        /// Creates a payload.
        public init(durationMs: Int, failureRate: Double, poison: Bool? = nil) {
            self.durationMs = durationMs
            self.failureRate = failureRate
            self.poison = poison
        }
    }

    /// The demo's failure.
    public struct Failure: Error, CustomStringConvertible {
        /// The attempt that failed.
        public var attempt: Int
        public var description: String { "demo failure on attempt \(attempt) (the failure rate said so)" }
    }

    /// `demo.sleep` on the `demo` queue: 5 attempts, back-off from 1 s.
    public static let type = JobType<Payload>(
        "demo.sleep",
        queue: "demo",
        maxAttempts: 5,
        timeout: .seconds(120),
        retry: .exponential(base: .seconds(1), maximum: .seconds(30))
    )

    /// Registers the demo's handler.
    public static func register(in registry: JobRegistry) {
        registry.register(type, returning: [String: Int].self) { payload, context in
            guard (0...60_000).contains(payload.durationMs), (0...1).contains(payload.failureRate) else {
                throw JobPoison("durationMs must be 0…60000 and failureRate 0…1")
            }
            if payload.poison == true { throw JobPoison("this demo job was enqueued as poison") }
            if payload.durationMs > 0 { try await Task.sleep(for: .milliseconds(payload.durationMs)) }
            if Double.random(in: 0..<1) < payload.failureRate { throw Failure(attempt: context.attempt) }
            return ["attempt": context.attempt, "sleptMs": payload.durationMs]
        }
    }
}
