public import ArgumentParser
public import CLIKit
public import Platform
import ResponseCaching
import ResponseCachingBenchmark

/// The response cache's faces in the `mastery` executable: the system, `mastery cache …` and `mastery bench cache`.
public enum ResponseCachingCommands: SystemCommands, Sendable {
    public static var system: any MasterySystem.Type { ResponseCacheSystem.self }
    public static var command: (any ParsableCommand.Type)? { CacheCommand.self }
    public static var benchmark: (any ParsableCommand.Type)? { CacheBenchmarkCommand.self }
}
