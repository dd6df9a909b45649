import ArgumentParser
import Foundation
import Platform
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

/// Where `mastery ratelimit` sends its requests, and how it prints.
struct RateLimitTargetOptions: ParsableArguments {
    /// The environment variable holding the admin token when `--admin-token` is absent.
    static let tokenVariable = "MASTERY_ADMIN_TOKEN"
    /// The environment variable naming the server's data folder when `--data-dir` is absent.
    static let dataDirectoryVariable = "MASTERY_DATA_DIR"

    @Option(help: ArgumentHelp("The server's base URL (default: http://127.0.0.1:8080).", valueName: "url"))
    var server: String?

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

    @Option(
        name: .customLong("admin-token"),
        help: ArgumentHelp(
            "The server's admin token, for writes (env: \(RateLimitTargetOptions.tokenVariable)).",
            valueName: "secret"
        )
    )
    var adminToken: String?

    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp(
            "The server's data folder, where its generated admin-token file is (env: \(RateLimitTargetOptions.dataDirectoryVariable); default: .mastery).",
            valueName: "path"
        )
    )
    var dataDirectory: String?

    @Option(help: ArgumentHelp("How long to wait for the server or Redis, in seconds.", valueName: "seconds"))
    var timeout: Double = 10

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        if server != nil, redis != nil { throw ValidationError("--server and --redis are alternatives: give one") }
        guard (1...100_000).contains(maxPolicies) else { throw ValidationError("--max-policies must be between 1 and 100000") }
        if let server {
            guard let url = URL(string: server), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
                url.host != nil
            else { throw ValidationError("--server must be an http:// or https:// URL, not '\(server)'") }
        }
        guard timeout > 0, timeout <= 3600, timeout.isFinite else {
            throw ValidationError("--timeout must be a number of seconds in (0, 3600]")
        }
    }

    /// The server's base URL without a trailing slash.
    var serverURL: String {
        var url = server ?? "http://127.0.0.1:8080"
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// The admin token: `--admin-token`, else `MASTERY_ADMIN_TOKEN`, else the data folder's `admin-token` file.
    func resolvedAdminToken(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let adminToken, !adminToken.isEmpty { return adminToken }
        if let variable = environment[Self.tokenVariable], !variable.isEmpty { return variable }
        let folder =
            dataDirectory ?? environment[Self.dataDirectoryVariable].flatMap { $0.isEmpty ? nil : $0 } ?? ".mastery"
        let path = (folder as NSString).appendingPathComponent(AdminTokenFile.name)
        do {
            return try AdminTokenFile.read(path: path)
        } catch {
            // A token file that is not private is not used; say why rather than failing with a bare 401 later.
            FileHandle.standardError.write(Data("warning: \(error)\n".utf8))
            return nil
        }
    }

    /// Runs `body` with the backend the options name, closes it, and prints what `body` returns.
    /// - Throws: `ExitCode`: the status `body` returns (0 unless it says otherwise), or the status of a
    ///   ``RateLimitCLIError`` after printing its message on standard error.
    func run(_ body: (any RateLimitBackend) async throws -> (output: String, status: Int32)) async throws {
        let result: (output: String, status: Int32)
        do {
            let backend: any RateLimitBackend =
                if let redis {
                    try await RateLimitRedisBackend.connect(
                        url: redis,
                        keyPrefix: redisKeyPrefix,
                        maximumPolicies: maxPolicies,
                        timeout: .seconds(timeout)
                    )
                } else {
                    RateLimitServerBackend(
                        baseURL: serverURL,
                        adminToken: resolvedAdminToken(),
                        timeout: .seconds(timeout)
                    )
                }
            do {
                result = try await body(backend)
                await backend.close()
            } catch {
                await backend.close()
                throw error
            }
        } catch let error as RateLimitCLIError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(error.status)
        }
        print(result.output, terminator: result.output.hasSuffix("\n") ? "" : "\n")
        if result.status != 0 { throw ExitCode(result.status) }
    }
}
