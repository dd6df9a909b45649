import ArgumentParser
import CLIKit
import Foundation
import RateLimiting

/// `mastery ratelimit <verb>`: asks the rate limiter for decisions and manages its policies, through a running
/// server's API (`--server`, the default) or directly in the Redis every instance shares (`--redis`).
struct RateLimitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ratelimit",
        abstract: "Ask the rate limiter for decisions and manage its policies, on a server or in Redis.",
        discussion: """
            Against a running server (--server, default http://127.0.0.1:8080) every verb uses the API under \
            /v1/ratelimit; writes send the admin token: --admin-token, else MASTERY_ADMIN_TOKEN, else the file \
            admin-token in the server's data folder (--data-dir, else MASTERY_DATA_DIR, else ./.mastery), which a \
            server on this machine writes when no token is configured.
            With --redis redis://… the verbs work on the Redis the servers share, under the same key prefix \
            (--redis-key-prefix, default mastery:ratelimit): decisions run the servers' script and consume from \
            the same quota; a changed policy is announced so every server reloads it at once.
            Human output by default; --json prints one JSON object in the API's form (durations in seconds).
            Exit status: 0 done (check: allowed); 1 check: denied; 64 a malformed command line; 65 invalid input \
            refused (a policy that makes no sense, a bad key or cost); 66 no such policy; 69 the server or Redis \
            cannot be reached or cannot answer; 76 an answer that is not what the API promises; 77 the admin \
            token is missing or refused.
            """,
        subcommands: [RateLimitCheckCommand.self, RateLimitPoliciesCommand.self]
    )
}

/// Where `mastery ratelimit` sends its requests (a server, through CLIKit's ``ServerOptions``, or the shared
/// Redis), and how it prints.
struct RateLimitTargetOptions: ParsableArguments {
    @OptionGroup var connection: ServerOptions

    @Option(help: ArgumentHelp("Work directly on the shared Redis instead of a server.", valueName: "redis-url"))
    var redis: String?

    @Option(
        name: .customLong("redis-key-prefix"),
        help: ArgumentHelp("With --redis: the prefix of the rate limiter's keys.", valueName: "prefix")
    )
    var redisKeyPrefix = "mastery:ratelimit"

    @Option(
        name: .customLong("max-policies"),
        help: ArgumentHelp(
            "With --redis: the most policies the shared hash may hold, as the servers' ratelimit.maxPolicies.",
            valueName: "count"
        )
    )
    var maxPolicies = RateLimitPolicyRegistry.defaultMaximumPolicies

    /// `--json`.
    var json: Bool { connection.json }

    func validate() throws {
        if connection.server != nil, redis != nil {
            throw ValidationError("--server and --redis are alternatives: give one")
        }
        guard (1...100_000).contains(maxPolicies) else {
            throw ValidationError("--max-policies must be between 1 and 100000")
        }
    }

    /// Runs `body` with the backend the options name, closes it, and prints what `body` returns (CLIKit's
    /// ``CommandOutput``: a failure is one `error:` line and its exit status).
    func run(_ body: (any RateLimitBackend) async throws -> (output: String, status: ExitStatus)) async throws {
        try await CommandOutput.run {
            let backend: any RateLimitBackend =
                if let redis {
                    try await RateLimitRedisBackend.connect(
                        url: redis,
                        keyPrefix: redisKeyPrefix,
                        maximumPolicies: maxPolicies,
                        timeout: connection.timeoutDuration
                    )
                } else {
                    RateLimitServerBackend(client: connection.client())
                }
            do {
                let result = try await body(backend)
                await backend.close()
                return result
            } catch {
                await backend.close()
                throw error
            }
        }
    }
}
