import CLIKit
import JobsCLI
import PoolMonitoringCLI
import ProgressTrackingCLI
import RateLimitingCLI
import ResponseCachingCLI
import TallyCLI

/// The systems of the `mastery` executable: what `mastery serve` mounts, the `mastery <slug>` command trees and
/// the `mastery bench <slug>` benchmarks all come from this list. Adding a system is one line here (and its
/// `system(…)` line in Package.swift).
let systems: [any SystemCommands.Type] = [
    JobsCommands.self,
    PoolMonitoringCommands.self,
    ProgressTrackingCommands.self,
    RateLimitingCommands.self,
    ResponseCachingCommands.self,
    TallyCommands.self,
]
