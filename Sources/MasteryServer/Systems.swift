public import Platform
import ProgressTracking
import RateLimiting

extension MasteryServer {
    /// The systems `mastery serve` mounts. Adding a system is one line here (and its module in Package.swift).
    public static let systems: [any MasterySystem.Type] = [
        ProgressSystem.self,
        RateLimitSystem.self,
    ]
}
