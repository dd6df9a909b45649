import ArgumentParser
import CLIKit
import Foundation
import RateLimiting

/// `mastery ratelimit policies list|get|put|delete`: the policies every instance applies.
struct RateLimitPoliciesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policies",
        abstract: "List, show, create or replace, and delete rate-limit policies.",
        subcommands: [
            RateLimitPolicyListCommand.self, RateLimitPolicyGetCommand.self, RateLimitPolicyPutCommand.self,
            RateLimitPolicyDeleteCommand.self,
        ]
    )

    /// One line per policy under a header; `no policies` when there are none.
    static func table(_ policies: [RateLimitPolicy]) -> String {
        guard !policies.isEmpty else { return "no policies" }
        let rows =
            [["POLICY", "ALGORITHM", "LIMIT", "BURST", "ON STORE FAILURE"]]
            + policies.map {
                [
                    $0.name, $0.algorithm.rawValue, $0.limitLabel, $0.burst.map(String.init) ?? "-",
                    $0.onStoreFailure.label,
                ]
            }
        let widths = (0..<5).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, text in
                column == row.count - 1 ? text : text.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// `demo: gcra, 5 per 10 s, burst 5, on store failure open`.
    static func summary(_ policy: RateLimitPolicy) -> String {
        var parts = [policy.algorithm.rawValue, policy.limitLabel]
        if let burst = policy.burst { parts.append("burst \(burst)") }
        parts.append("on store failure \(policy.onStoreFailure.label)")
        return "\(policy.name): \(parts.joined(separator: ", "))"
    }
}

/// `mastery ratelimit policies list`.
struct RateLimitPolicyListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the policies (--json: {\"policies\": [...]}, as GET /v1/ratelimit/policies)."
    )

    @OptionGroup var target: RateLimitTargetOptions

    func run() async throws {
        try await target.run { backend in
            let policies = try await backend.policies()
            return (
                target.json
                    ? try JSONOutput.encode(RateLimitAPI.PolicyList(policies: policies))
                    : RateLimitPoliciesCommand.table(policies), .success
            )
        }
    }
}

/// `mastery ratelimit policies get NAME`.
struct RateLimitPolicyGetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Show one policy (--json: the policy object); exit status 66 when there is none."
    )

    @Argument(help: "The policy's name.") var name: String
    @OptionGroup var target: RateLimitTargetOptions

    func run() async throws {
        try await target.run { backend in
            try CommandFailure.validatePolicyName(name)
            let policy = try await backend.policy(named: name)
            return (target.json ? try JSONOutput.encode(policy) : RateLimitPoliciesCommand.summary(policy), .success)
        }
    }
}

/// `mastery ratelimit policies put NAME --algorithm A --limit N --window W [--burst B] [--on-store-failure M
/// [--local-fraction F]]`.
struct RateLimitPolicyPutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put",
        abstract: "Create or replace a policy (needs the admin token on a server).",
        discussion: """
            --window takes seconds (10, 0.5) or a number with a unit: ms, s, m or min, h, d (500ms, 1m, 1h). \
            --burst (gcra and token_bucket only) is how many may pass at once; the limit when absent. \
            --on-store-failure says what decisions do while Redis cannot answer: open (admit), closed (refuse) \
            or local (each instance decides alone at --local-fraction of the limit, in (0, 1]).
            The policy is checked here first: nonsense (a zero limit, a window out of range, a burst for a \
            window algorithm) exits with status 65 before anything is sent.
            """
    )

    /// What decisions do while the shared store cannot answer.
    enum FailureMode: String, ExpressibleByArgument, CaseIterable {
        case open, closed, local
    }

    @Argument(help: "The policy's name: 1 to 64 characters from A-Z a-z 0-9 . _ - :") var name: String
    @Option(help: ArgumentHelp("gcra, token_bucket, sliding_window_log, sliding_window_counter or fixed_window."))
    var algorithm: String
    @Option(help: "How many units per window.") var limit: Int
    @Option(help: ArgumentHelp("The window: seconds, or a number with ms, s, m, h or d.", valueName: "duration"))
    var window: String
    @Option(help: "For gcra and token_bucket: how many may pass at once (default: the limit).") var burst: Int?
    @Option(name: .customLong("on-store-failure"), help: "open, closed or local (default: open).")
    var onStoreFailure: FailureMode = .open
    @Option(
        name: .customLong("local-fraction"),
        help: ArgumentHelp("With local: the fraction of the limit, in (0, 1].", valueName: "fraction")
    )
    var localFraction: Double?
    @OptionGroup var target: RateLimitTargetOptions

    func validate() throws {
        guard Self.algorithm(algorithm) != nil else {
            throw ValidationError(
                "--algorithm must be one of \(RateLimitAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")), not '\(algorithm)'"
            )
        }
        guard Self.window(window) != nil else {
            throw ValidationError(
                "--window must be seconds (10, 0.5) or a number with ms, s, m, h or d (500ms, 1h), not '\(window)'"
            )
        }
        if onStoreFailure == .local, localFraction == nil {
            throw ValidationError("--on-store-failure local needs --local-fraction F, in (0, 1]")
        }
        if onStoreFailure != .local, localFraction != nil {
            throw ValidationError("--local-fraction applies only with --on-store-failure local")
        }
    }

    /// The policy the options describe.
    /// - Throws: ``CommandFailure`` (65) when it makes no sense.
    func policy() throws -> RateLimitPolicy {
        try CommandFailure.validatePolicyName(name)
        guard let algorithm = Self.algorithm(algorithm), let window = Self.window(window) else {
            throw CommandFailure(.dataError, "invalid --algorithm or --window")
        }
        let mode: RateLimitFailureMode =
            switch onStoreFailure {
            case .open: .open
            case .closed: .closed
            case .local: .localFallback(fraction: localFraction ?? 0)
            }
        do {
            return try RateLimitPolicy(
                name: name,
                algorithm: algorithm,
                limit: limit,
                window: window,
                burst: burst,
                onStoreFailure: mode
            )
        } catch let error as RateLimitError {
            throw CommandFailure(error)
        }
    }

    func run() async throws {
        try await target.run { backend in
            let stored = try await backend.put(try policy())
            return (
                target.json ? try JSONOutput.encode(stored) : "stored \(RateLimitPoliciesCommand.summary(stored))",
                .success
            )
        }
    }

    /// An algorithm by its name; `-` may stand for `_` (`token-bucket`).
    static func algorithm(_ text: String) -> RateLimitAlgorithm? {
        RateLimitAlgorithm(rawValue: text.lowercased().replacingOccurrences(of: "-", with: "_"))
    }

    /// A window: a number of seconds, or a number followed by `ms`, `s`, `m`/`min`, `h` or `d`; whole
    /// microseconds. `nil` unless it is a finite positive number below a century.
    static func window(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(suffix: String, seconds: Double)] = [
            ("ms", 0.001), ("min", 60), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400),
        ]
        var number = trimmed
        var scale = 1.0
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            number = String(trimmed.dropLast(unit.suffix.count)).trimmingCharacters(in: .whitespaces)
            scale = unit.seconds
            break
        }
        guard let value = Double(number), value.isFinite, value > 0 else { return nil }
        let microseconds = (value * scale * 1_000_000).rounded()
        guard microseconds >= 1, microseconds < 100 * 366 * 86_400 * 1_000_000 else { return nil }
        return .microseconds(Int64(microseconds))
    }
}

/// `mastery ratelimit policies delete NAME`.
struct RateLimitPolicyDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete a policy (needs the admin token on a server); exit status 66 when there is none."
    )

    @Argument(help: "The policy's name.") var name: String
    @Flag(help: "Delete it even when a route of the server applies it (that route is then unlimited).")
    var force = false
    @OptionGroup var target: RateLimitTargetOptions

    func run() async throws {
        try await target.run { backend in
            try CommandFailure.validatePolicyName(name)
            try await backend.delete(name: name, force: force)
            return (target.json ? try JSONOutput.encode(["deleted": name]) : "deleted policy \(name)", .success)
        }
    }
}
