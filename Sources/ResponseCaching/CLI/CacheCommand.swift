import ArgumentParser
import CLIKit
import Foundation

/// `mastery cache stats|purge`: the running server's response cache from the terminal, on CLIKit (`--server`, the
/// admin token, `--json`; 77 without the token, 65 for a bad purge, 69 when the server is unreachable).
struct CacheCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "See and purge the running server's API response cache.",
        subcommands: [Stats.self, Purge.self]
    )

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The cache's counters, per tier (needs the admin token)."
        )

        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await CommandOutput.run {
                try await server.client().using { client in
                    let answer = try await client.send(.GET, "/v1/cache", write: true)
                    if server.json { return (String(decoding: answer, as: UTF8.self), .success) }
                    return (try CacheCommand.summary(answer), .success)
                }
            }
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Invalidate keys, tags or URLs on every instance (needs the admin token)."
        )

        @Option(name: .customLong("tag"), help: "A tag (repeatable).") var tags: [String] = []
        @Option(name: .customLong("key"), help: "A key (repeatable).") var keys: [String] = []
        @Option(name: .customLong("url"), help: "A URL, every variant of it (repeatable).") var urls: [String] = []
        @Flag(help: "Mark stale (served only when the origin fails) instead of removing.") var soft = false
        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await CommandOutput.run {
                guard !(tags.isEmpty && keys.isEmpty && urls.isEmpty) else {
                    throw CommandFailure(.dataError, "name at least one --tag, --key or --url")
                }
                struct Body: Encodable {
                    var tags: [String]
                    var keys: [String]
                    var urls: [String]
                    var soft: Bool
                }
                let body = try JSONEncoder().encode(Body(tags: tags, keys: keys, urls: urls, soft: soft))
                return try await server.client().using { client in
                    let answer = try await client.send(.POST, "/v1/cache/purge", body: body, write: true)
                    if server.json { return (String(decoding: answer, as: UTF8.self), .success) }
                    let outcome = try JSONSerialization.jsonObject(with: answer) as? [String: Any]
                    let purged = outcome?["purged"] as? Int ?? 0
                    let pending = outcome?["pending"] as? Int ?? 0
                    return (
                        "purged \(purged)" + (soft ? " (soft)" : "")
                            + (pending > 0 ? "; \(pending) kept for when Redis answers" : ""),
                        .success
                    )
                }
            }
        }
    }

    /// `hit ratio 93.2 % (in process 900, Redis 32, misses 68); …` from `GET /v1/cache`.
    static func summary(_ answer: Data) throws -> String {
        guard let stats = try JSONSerialization.jsonObject(with: answer) as? [String: Any],
            let memory = stats["memory"] as? [String: Any]
        else { throw CommandFailure(.protocolError, "the server's answer is not the cache's counters") }
        let memoryHits = memory["hits"] as? Int ?? 0
        let sharedHits = stats["sharedHits"] as? Int ?? 0
        let stale = stats["staleServed"] as? Int ?? 0
        let misses = stats["misses"] as? Int ?? 0
        let served = memoryHits + sharedHits + stale + misses
        let ratio = served == 0 ? 0 : Double(memoryHits + sharedHits + stale) / Double(served) * 100
        return """
            hit ratio \(String(format: "%.1f", ratio)) % (in process \(memoryHits), Redis \(sharedHits), stale \(stale), misses \(misses))
            in process: \(memory["entries"] as? Int ?? 0) entries, \(memory["bytes"] as? Int ?? 0) of \(memory["budget"] as? Int ?? 0) bytes, \(memory["evictions"] as? Int ?? 0) evictions
            origin calls \(stats["originCalls"] as? Int ?? 0), failures \(stats["originFailures"] as? Int ?? 0); invalidations made \(stats["invalidationsMade"] as? Int ?? 0), heard \(stats["invalidationsHeard"] as? Int ?? 0), pending \(stats["pendingInvalidations"] as? Int ?? 0)
            """
    }
}
