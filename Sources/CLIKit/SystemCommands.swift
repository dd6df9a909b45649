public import ArgumentParser
public import Platform

/// A system as the `mastery` executable composes it: the system `mastery serve` mounts, its `mastery <slug>`
/// command tree and its `mastery bench <slug>` benchmark. Each system declares one in its `CLI/` folder; the
/// executable's systems list names these declarations and nothing else of the system.
public protocol SystemCommands {
    /// The system `mastery serve` mounts.
    static var system: any MasterySystem.Type { get }
    /// `mastery <slug> …`, if the system has verbs.
    static var command: (any ParsableCommand.Type)? { get }
    /// `mastery bench <slug>`, if the system has a benchmark.
    static var benchmark: (any ParsableCommand.Type)? { get }
}

extension SystemCommands {
    public static var command: (any ParsableCommand.Type)? { nil }
    public static var benchmark: (any ParsableCommand.Type)? { nil }
}
