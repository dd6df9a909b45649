public import ArgumentParser
public import CLIKit
public import Platform
import RateLimiting
import RateLimitingBenchmark

/// The rate limiter's faces in the `mastery` executable: the system `mastery serve` mounts, `mastery ratelimit …`
/// and `mastery bench ratelimit`.
public enum RateLimitingCommands: SystemCommands {
    public static var system: any MasterySystem.Type { RateLimitSystem.self }
    public static var command: (any ParsableCommand.Type)? { RateLimitCommand.self }
    public static var benchmark: (any ParsableCommand.Type)? { RateLimitBenchmarkCommand.self }
}
