import Foundation
import Platform
import TestSupport
import Testing

/// `mastery ratelimit …` as a real process, against a real `mastery serve` and against the test Redis.
@Suite("mastery ratelimit as a process")
struct RateLimitCommandTests {
    @Test(
        "put, list, get, check to the limit and delete on a server, with the token the server wrote in its data folder"
    )
    func serverLifecycle() async throws {
        try await ServeProcess.withRunning { server in
            let cli = try RateLimitCLI(target: [
                "--server", "http://127.0.0.1:\(server.port)", "--data-dir", server.dataDirectory,
            ])
            let put = try await cli.run(
                "policies",
                "put",
                "api",
                "--algorithm",
                "token_bucket",
                "--limit",
                "3",
                "--window",
                "1h",
                "--burst",
                "3",
                "--on-store-failure",
                "local",
                "--local-fraction",
                "0.5"
            )
            #expect(put.status == .exited(0), "\(put.standardError)")
            #expect(
                put.standardOutput == "stored api: token_bucket, 3 per 1 h, burst 3, on store failure local at 50%\n"
            )
            try await cli.expectSharedBehaviour(demoPolicy: true)
        }
    }

    @Test("writes need the admin token: none or a wrong one exits 77, MASTERY_ADMIN_TOKEN works; reads need none")
    func adminToken() async throws {
        let token = "cli-test-token-" + UUID().uuidString
        try await ServeProcess.withRunning(arguments: ["--admin-token", token]) { server in
            let cli = try RateLimitCLI(target: ["--server", "http://127.0.0.1:\(server.port)"])
            let put = ["policies", "put", "p1", "--algorithm", "gcra", "--limit", "10", "--window", "1"]
            let missing = try await cli.run(put)
            #expect(missing.status == .exited(77))
            #expect(missing.standardError.contains("the server refused"), "\(missing.standardError)")
            #expect(missing.standardError.contains("no admin token found"), "\(missing.standardError)")
            #expect(missing.standardOutput.isEmpty)

            let wrong = try await cli.run(put + ["--admin-token", "not-the-token-at-all"])
            #expect(wrong.status == .exited(77))
            #expect(!wrong.standardError.contains(token))

            let right = try await cli.run(put, environment: ["MASTERY_ADMIN_TOKEN": token])
            #expect(right.status == .exited(0), "\(right.standardError)")
            let list = try await cli.run("policies", "list")
            #expect(list.status == .exited(0), "\(list.standardError)")
            #expect(list.standardOutput.contains("\np1 "), "\(list.standardOutput)")
            let delete = try await cli.run(["policies", "delete", "p1"], environment: ["MASTERY_ADMIN_TOKEN": token])
            #expect(delete.status == .exited(0), "\(delete.standardError)")
        }
    }

    @Test(
        "an unreachable server exits 69; bad input exits 65 or 64 before anything is sent",
        arguments: [
            BadInvocation(
                ["check", "--policy", "demo", "--key", "k"],
                69,
                "cannot reach the server at http://127.0.0.1:"
            ),
            BadInvocation(["policies", "list"], 69, "is `mastery serve` running there?"),
            BadInvocation(
                ["policies", "put", "p", "--algorithm", "gcra", "--limit", "0", "--window", "10"],
                65,
                "limit must be between 1 and"
            ),
            BadInvocation(
                [
                    "policies", "put", "p", "--algorithm", "fixed_window", "--limit", "5", "--window", "10", "--burst",
                    "2",
                ],
                65,
                "burst applies to gcra and token_bucket only"
            ),
            BadInvocation(
                ["policies", "put", "p", "--algorithm", "gcra", "--limit", "5", "--window", "400d"],
                65,
                "window must be between"
            ),
            BadInvocation(
                ["policies", "put", "bad name", "--algorithm", "gcra", "--limit", "5", "--window", "10"],
                65,
                "a policy name has 1 to 64 characters"
            ),
            BadInvocation(["policies", "get", "a/b"], 65, "a policy name has 1 to 64 characters"),
            BadInvocation(
                ["check", "--policy", "demo", "--key", String(repeating: "k", count: 513)],
                65,
                "at most 512 are allowed"
            ),
            BadInvocation(["check", "--policy", "demo", "--key", ""], 65, "the key is empty"),
            BadInvocation(
                ["check", "--policy", "demo", "--key", "k", "--cost=-1"],
                65,
                "--cost must be between 0 and"
            ),
            BadInvocation(
                ["policies", "put", "p", "--algorithm", "leaky", "--limit", "5", "--window", "10"],
                64,
                "--algorithm must be one of gcra, token_bucket"
            ),
            BadInvocation(
                ["policies", "put", "p", "--algorithm", "gcra", "--limit", "5", "--window", "10q"],
                64,
                "--window must be seconds"
            ),
            BadInvocation(
                [
                    "policies", "put", "p", "--algorithm", "gcra", "--limit", "5", "--window", "10",
                    "--on-store-failure", "local",
                ],
                64,
                "needs --local-fraction"
            ),
            BadInvocation(
                ["check", "--policy", "a", "--policy", "b", "--key", "x", "--key", "y", "--key", "z"],
                64,
                "give one --key per --policy"
            ),
            BadInvocation(["check", "--key", "x"], 64, "give at least one --policy"),
        ]
    )
    func badInvocations(_ invocation: BadInvocation) async throws {
        let cli = try RateLimitCLI(target: ["--server", "http://127.0.0.1:\(try freePort())"])
        let result = try await cli.run(invocation.arguments)
        #expect(result.status == .exited(invocation.status), "\(result.standardError)")
        #expect(result.standardError.contains(invocation.mention), "\(result.standardError)")
        #expect(result.standardOutput.isEmpty)
    }

    @Test("--server must be an http(s) URL, and --server and --redis exclude each other")
    func targets() async throws {
        let cli = try RateLimitCLI(target: [])
        let ftp = try await cli.run("policies", "list", "--server", "ftp://127.0.0.1")
        #expect(ftp.status == .exited(64))
        #expect(ftp.standardError.contains("--server must be an http:// or https:// URL"))
        let both = try await cli.run(
            "policies",
            "list",
            "--server",
            "http://127.0.0.1:1",
            "--redis",
            "redis://127.0.0.1:1"
        )
        #expect(both.status == .exited(64))
        #expect(both.standardError.contains("--server and --redis are alternatives"))
    }
}

/// `mastery ratelimit` directly on the test Redis, under a key prefix of its own.
@Suite(
    "mastery ratelimit on Redis",
    .enabled(if: TestServers.shouldRun(TestServers.redisURL), "needs Redis: run scripts/test")
)
struct RateLimitRedisCommandTests {
    @Test("put, list, get, check to the limit and delete directly in Redis")
    func redisLifecycle() async throws {
        let prefix = TestServers.uniqueKeyPrefix() + "ratelimit"
        let cli = try RateLimitCLI(target: ["--redis", try TestServers.requireRedisURL(), "--redis-key-prefix", prefix])
        let put = try await cli.run(
            "policies",
            "put",
            "api",
            "--algorithm",
            "token-bucket",
            "--limit",
            "3",
            "--window",
            "3600",
            "--burst",
            "3",
            "--on-store-failure",
            "local",
            "--local-fraction",
            "0.5"
        )
        #expect(put.status == .exited(0), "\(put.standardError)")
        #expect(put.standardOutput == "stored api: token_bucket, 3 per 1 h, burst 3, on store failure local at 50%\n")
        try await cli.expectSharedBehaviour(demoPolicy: false)
    }

    @Test("on Redis the policy count is capped too (--max-policies, as the servers' ratelimit.maxPolicies)")
    func redisCap() async throws {
        let prefix = TestServers.uniqueKeyPrefix() + "ratelimit"
        let cli = try RateLimitCLI(
            target: ["--redis", try TestServers.requireRedisURL(), "--redis-key-prefix", prefix, "--max-policies", "2"]
        )
        let put = { (name: String) in
            try await cli.run(["policies", "put", name, "--algorithm", "gcra", "--limit", "10", "--window", "60"])
        }
        #expect(try await put("a").status == .exited(0))
        #expect(try await put("b").status == .exited(0))
        let refused = try await put("c")
        #expect(refused.status == .exited(65), "\(refused.standardError)")
        #expect(refused.standardError.contains("2"), "\(refused.standardError)")
        #expect(try await put("a").status == .exited(0), "replacing a stored policy is always allowed")
        let list = try await cli.run("policies", "list")
        #expect(!list.standardOutput.contains("\nc "), "\(list.standardOutput)")
        let zero = try RateLimitCLI(target: ["--redis", try TestServers.requireRedisURL(), "--max-policies", "0"])
        #expect(try await zero.run("policies", "list").status == .exited(64))
    }

    @Test("the CLI on Redis and a server on the same Redis share policies and quotas")
    func sharedWithServer() async throws {
        let url = try TestServers.requireRedisURL()
        let prefix = TestServers.uniqueKeyPrefix() + "ratelimit"
        try await ServeProcess.withRunning(
            arguments: ["--redis-url", url],
            environment: ["MASTERY_RATELIMIT_KEY_PREFIX": prefix]
        ) { server in
            let redis = try RateLimitCLI(target: ["--redis", url, "--redis-key-prefix", prefix])
            let api = try RateLimitCLI(target: [
                "--server", "http://127.0.0.1:\(server.port)", "--data-dir", server.dataDirectory,
            ])
            let put = try await redis.run(
                "policies",
                "put",
                "shared",
                "--algorithm",
                "gcra",
                "--limit",
                "2",
                "--window",
                "1h"
            )
            #expect(put.status == .exited(0), "\(put.standardError)")
            // Announced on the policies' channel: the server has it at once (bounded wait, polled).
            try await waitUntil(timeout: .seconds(30), interval: .milliseconds(50)) {
                try await server.get("/v1/ratelimit/policies/shared").status == 200
            }
            // One quota, whichever way the decision is asked for.
            #expect(try await redis.run("check", "--policy", "shared", "--key", "k").status == .exited(0))
            let second = try await api.json("check", "--policy", "shared", "--key", "k")
            #expect(second["allowed"] as? Bool == true)
            #expect(second["remaining"] as? Int == 0)
            #expect(try await redis.run("check", "--policy", "shared", "--key", "k").status == .exited(1))
            #expect(try await api.run("check", "--policy", "shared", "--key", "k").status == .exited(1))
            // Deleted through the server: gone from the shared hash.
            let delete = try await api.run("policies", "delete", "shared")
            #expect(delete.status == .exited(0), "\(delete.standardError)")
            #expect(try await redis.run("policies", "get", "shared").status == .exited(66))
        }
    }

    @Test("an unreachable Redis exits 69 without showing the password")
    func unreachableRedis() async throws {
        let cli = try RateLimitCLI(target: [
            "--redis", "redis://user:s3cret-pw@127.0.0.1:\(try freePort())", "--timeout", "5",
        ])
        let result = try await cli.run("policies", "list")
        #expect(result.status == .exited(69))
        #expect(
            result.standardError.contains("cannot reach Redis at redis://user:***@127.0.0.1:"),
            "\(result.standardError)"
        )
        #expect(!result.standardError.contains("s3cret-pw"))
        #expect(result.standardOutput.isEmpty)
    }
}

/// A bad command line and what it must produce.
struct BadInvocation: Sendable, CustomTestStringConvertible {
    var arguments: [String]
    var status: Int32
    var mention: String

    init(_ arguments: [String], _ status: Int32, _ mention: String) {
        self.arguments = arguments
        self.status = status
        self.mention = mention
    }

    var testDescription: String { arguments.joined(separator: " ").prefix(80) + " → \(status)" }
}

/// Runs `mastery ratelimit <verb> <target options>` in an empty folder (so no `.mastery/admin-token` is found by
/// accident), without the runner's `MASTERY_ADMIN_TOKEN` and `MASTERY_DATA_DIR`.
final class RateLimitCLI {
    let directory: URL
    let target: [String]

    typealias Result = MasteryCommand.Result

    init(target: [String]) throws {
        self.target = target
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ratelimit-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func run(_ arguments: String...) async throws -> Result { try await run(arguments) }

    func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        try await MasteryCommand.run(
            ["ratelimit"] + arguments + target,
            in: directory,
            unsetting: ["MASTERY_ADMIN_TOKEN", "MASTERY_DATA_DIR"],
            environment: environment
        )
    }

    /// Runs a verb expected to exit with `status`, and parses its standard output as a JSON object.
    func json(
        _ arguments: String...,
        status: Int32 = 0,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [String: Any] {
        let result = try await run(arguments + ["--json"])
        #expect(result.status == .exited(status), "\(result.standardError)", sourceLocation: sourceLocation)
        let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        return try #require(object, "not a JSON object: \(result.standardOutput)", sourceLocation: sourceLocation)
    }

    /// The behaviour both targets share, once policy `api` (token bucket, 3 per hour, burst 3, local at 50%) exists:
    /// list, get, three admitted checks and a denied one (exit 1), a two-policy check, an unknown policy (66), then
    /// delete (66 once gone). `demoPolicy`: whether the built-in `demo` policy is expected too (a server has it).
    func expectSharedBehaviour(demoPolicy: Bool) async throws {
        let list = try await run("policies", "list")
        #expect(list.status == .exited(0), "\(list.standardError)")
        let lines = list.standardOutput.split(separator: "\n")
        #expect(lines.first?.hasPrefix("POLICY") == true, "\(list.standardOutput)")
        #expect(
            lines.contains {
                $0.hasPrefix("api ") && $0.contains("token_bucket") && $0.contains("3 per 1 h")
                    && $0.hasSuffix("local at 50%")
            }
        )
        let listed = try await json("policies", "list")
        let names = (listed["policies"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
        #expect(names.contains("api"))
        #expect(names.contains("demo") == demoPolicy, "\(names)")

        let policy = try await json("policies", "get", "api")
        #expect(policy["algorithm"] as? String == "token_bucket")
        #expect(policy["limit"] as? Int == 3)
        #expect(policy["burst"] as? Int == 3)
        #expect(policy["window"] as? Double == 3600)
        #expect(policy["onStoreFailure"] as? String == "local")
        #expect(policy["localFraction"] as? Double == 0.5)

        for left in [2, 1] {
            let allowed = try await run("check", "--policy", "api", "--key", "user-1")
            #expect(allowed.status == .exited(0), "\(allowed.standardError)")
            #expect(
                allowed.standardOutput.hasPrefix("allowed: \(left) left, full again in "),
                "\(allowed.standardOutput)"
            )
            #expect(
                allowed.standardOutput.contains(#"  api  key "user-1"  allows  \#(left)/3 left  full in "#),
                "\(allowed.standardOutput)"
            )
        }
        let last = try await json("check", "--policy", "api", "--key", "user-1")
        #expect(last["allowed"] as? Bool == true)
        #expect(last["remaining"] as? Int == 0)
        #expect(last["source"] as? String == "store")
        #expect(last.keys.contains("retryAfter") && last["retryAfter"] is NSNull)
        let denied = try await run("check", "--policy", "api", "--key", "user-1")
        #expect(denied.status == .exited(1), "\(denied.standardError)")
        #expect(denied.standardOutput.hasPrefix("denied: retry after "), "\(denied.standardOutput)")
        #expect(denied.standardOutput.contains("denies  0/3 left"), "\(denied.standardOutput)")
        let deniedJSON = try await json("check", "--policy", "api", "--key", "user-1", status: 1)
        #expect(deniedJSON["allowed"] as? Bool == false)
        let retryAfter = try #require(deniedJSON["retryAfter"] as? Double)
        // One token per 1,200 s (3 per hour): the wait is at most that, and well over a second.
        #expect(retryAfter > 1 && retryAfter <= 1200)
        let decisions = try #require(deniedJSON["decisions"] as? [[String: Any]])
        #expect(decisions.count == 1)
        #expect(decisions.first?["policy"] as? String == "api")
        #expect(decisions.first?["key"] as? String == "user-1")
        #expect(decisions.first?["limit"] as? Int == 3)

        // Another key has its own quota; a cost of 0 asks without consuming.
        let other = try await json("check", "--policy", "api", "--key", "user-2", "--cost", "0")
        #expect(other["allowed"] as? Bool == true)
        #expect(other["remaining"] as? Int == 3)

        if demoPolicy {
            let both = try await json("check", "--policy", "api", "--policy", "demo", "--key", "user-2")
            #expect(both["allowed"] as? Bool == true)
            #expect((both["decisions"] as? [[String: Any]])?.compactMap { $0["policy"] as? String } == ["api", "demo"])
        }

        let unknown = try await run("check", "--policy", "api", "--policy", "nope", "--key", "user-3")
        #expect(unknown.status == .exited(66), "\(unknown.standardError)")
        #expect(unknown.standardError.contains("nope"), "\(unknown.standardError)")
        #expect(unknown.standardOutput.isEmpty)

        let deleted = try await run("policies", "delete", "api")
        #expect(deleted.status == .exited(0), "\(deleted.standardError)")
        #expect(deleted.standardOutput == "deleted policy api\n")
        let gone = try await run("policies", "get", "api")
        #expect(gone.status == .exited(66))
        #expect(gone.standardError.contains("there is no policy named 'api'"), "\(gone.standardError)")
        let again = try await run("policies", "delete", "api")
        #expect(again.status == .exited(66))
    }
}
