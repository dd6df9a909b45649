import ArgumentParser
import CLIKit
import Foundation
import RateLimiting

/// `mastery ratelimit check --policy P --key K [--policy P2 --key K2 …] [--cost N] [--json]`: one decision, which
/// consumes from the quota like any request. Exit status 0 when admitted, 1 when denied.
struct RateLimitCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Ask for a decision (it consumes, like a request): exit status 0 allowed, 1 denied.",
        discussion: """
            Each --policy pairs with the --key in the same position; one --key alone applies to every policy. \
            The request is admitted only if every policy admits, and then consumes from each; when one denies, \
            none consumes. --cost N (default 1; 0 asks without consuming) applies to every policy.
            Text output: the verdict, then one line per policy (remaining of the limit, time until full, and the \
            wait before retrying when denied). --json prints the API's answer: {"allowed", "remaining", \
            "resetAfter", "retryAfter" (null when allowed), "source", "decisions": [...]}, durations in seconds.
            Exit status: 0 allowed, 1 denied; others as for `mastery ratelimit`.
            """
    )

    @Option(name: .customLong("policy"), help: ArgumentHelp("A policy to apply (repeatable).", valueName: "name"))
    var policies: [String] = []

    @Option(
        name: .customLong("key"),
        help: ArgumentHelp("The key it applies to (repeatable, in the same order).", valueName: "key")
    )
    var keys: [String] = []

    @Option(help: ArgumentHelp("The units the request consumes under each policy (default 1).", valueName: "n"))
    var cost: Int?

    @OptionGroup var target: RateLimitTargetOptions

    func validate() throws {
        guard !policies.isEmpty else { throw ValidationError("give at least one --policy NAME with its --key KEY") }
        guard keys.count == policies.count || keys.count == 1 else {
            throw ValidationError(
                "give one --key per --policy (in the same order), or one --key for every policy: \(policies.count) policies, \(keys.count) keys"
            )
        }
        guard policies.count <= RateLimitCheck.maximumChecks else {
            throw ValidationError("at most \(RateLimitCheck.maximumChecks) policies in one check")
        }
    }

    /// The request body, with names, keys and cost checked here so bad input is refused before anything is sent.
    /// - Throws: ``CommandFailure`` (65).
    func request() throws -> RateLimitAPI.CheckRequest {
        for name in policies { try CommandFailure.validatePolicyName(name) }
        let keys = self.keys.count == 1 ? Array(repeating: self.keys[0], count: policies.count) : self.keys
        do {
            for key in keys { try RateLimitCheck.validate(key: key) }
        } catch let error as RateLimitError {
            throw CommandFailure(error)
        }
        if let cost, cost < 0 || cost > RateLimitCheck.maximumCost {
            throw CommandFailure(
                .dataError,
                "--cost must be between 0 and \(RateLimitCheck.maximumCost), not \(cost)"
            )
        }
        return RateLimitAPI.CheckRequest(
            descriptors: zip(policies, keys).map { RateLimitAPI.CheckRequest.Descriptor(policy: $0, key: $1) },
            cost: cost
        )
    }

    func run() async throws {
        try await target.run { backend in
            let reply = try await backend.check(try request())
            let output = target.json ? try JSONOutput.encode(reply) : Self.render(reply)
            return (output, reply.allowed ? ExitStatus.success : .failure)
        }
    }

    /// The text view: the verdict, then a line per policy.
    static func render(_ reply: RateLimitAPI.CheckResponse) -> String {
        var lines: [String] = []
        let source =
            switch reply.source {
            case "store": ""
            case "fail_open": " (the store is failing: admitted by the fail-open mode)"
            case "fail_closed": " (the store is failing: refused by the fail-closed mode)"
            case "local_fallback": " (the store is failing: decided by the server's local fallback)"
            default: " (source: \(reply.source))"
            }
        if reply.allowed {
            lines.append("allowed: \(reply.remaining) left, full again in \(seconds(reply.resetAfter))\(source)")
        } else {
            let wait =
                reply.retryAfter.map { "retry after \(seconds($0))" }
                ?? "the cost exceeds what a policy can ever admit at once"
            lines.append("denied: \(wait)\(source)")
        }
        let width = reply.decisions.map(\.policy.count).max() ?? 0
        for decision in reply.decisions {
            var line =
                "  \(decision.policy.padding(toLength: width, withPad: " ", startingAt: 0))  key \(String(reflecting: decision.key))  "
                + "\(decision.allowed ? "allows" : "denies")  \(decision.remaining)/\(decision.limit) left  full in \(seconds(decision.resetAfter))"
            if let retryAfter = decision.retryAfter { line += "  retry after \(seconds(retryAfter))" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// `2 s`, `1.5 s`, `0.25 s` (to the millisecond) under a minute; `12 min 48 s`, `2 h 5 min`, `3 d 4 h` above
    /// (rounded up to the smaller unit, so a wait is never understated).
    static func seconds(_ value: Double) -> String {
        if value >= 60 {
            let whole = Int(value.rounded(.up))
            let (large, small, names): (Int, Int, (String, String)) =
                whole >= 86_400
                ? (86_400, 3600, ("d", "h")) : whole >= 3600 ? (3600, 60, ("h", "min")) : (60, 1, ("min", "s"))
            var major = whole / large
            var minor = (whole % large + small - 1) / small
            if minor * small >= large {
                major += 1
                minor = 0
            }
            return minor == 0 ? "\(major) \(names.0)" : "\(major) \(names.0) \(minor) \(names.1)"
        }
        let milliseconds = Int((value * 1000).rounded())
        let whole = milliseconds / 1000
        let fraction = milliseconds % 1000
        guard fraction != 0 else { return "\(whole) s" }
        var decimals = String(fraction + 1000).dropFirst()
        while decimals.hasSuffix("0") { decimals.removeLast() }
        return "\(whole).\(decimals) s"
    }
}
