import ArgumentParser
import CLIKit
import Foundation

/// `mastery pool …`: the server's PostgreSQL pool from the terminal, on CLIKit (`--server`, the admin token,
/// `--json`; 77 without the token, 65 for sizes out of range, 69 when the server is unreachable).
struct PoolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool",
        abstract: "See and resize the running server's PostgreSQL connection pool.",
        subcommands: [Status.self, Resize.self]
    )

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The pool's counts and counters, and what PostgreSQL sees of it (needs the admin token)."
        )

        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await CommandOutput.run {
                try await server.client().using { client in
                    // The snapshot names holders and source files: it is a protected read.
                    let answer = try await client.send(.GET, "/v1/pool", write: true)
                    if server.json { return (String(decoding: answer, as: UTF8.self), .success) }
                    return (try PoolCommand.summary(answer), .success)
                }
            }
        }
    }

    struct Resize: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change the pool's minimum and maximum while it runs (needs the admin token)."
        )

        @Option(help: "Connections kept open even when idle (0…maximum).") var minimum: Int
        @Option(help: "Connections open at most (1…1000).") var maximum: Int
        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await CommandOutput.run {
                guard minimum >= 0, maximum >= 1, maximum <= 1_000, minimum <= maximum else {
                    throw CommandFailure(
                        .dataError,
                        "--minimum must be 0…maximum and --maximum 1…1000 (got \(minimum) and \(maximum))"
                    )
                }
                let body = try JSONEncoder().encode(["minimum": minimum, "maximum": maximum])
                return try await server.client().using { client in
                    let answer = try await client.send(.PUT, "/v1/pool", body: body, write: true)
                    if server.json { return (String(decoding: answer, as: UTF8.self), .success) }
                    return ("resized: minimum \(minimum), maximum \(maximum)", .success)
                }
            }
        }
    }

    /// `in use 3, idle 2, waiting 0, total 5 (minimum 2, maximum 20); …` from `GET /v1/pool`.
    static func summary(_ data: Data) throws -> String {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CommandFailure(.protocolError, "the server's answer is not the JSON object the API promises")
        }
        guard object["configured"] as? Bool == true, let pool = object["pool"] as? [String: Any] else {
            return "no PostgreSQL tier: the server runs no pool"
        }
        func number(_ key: String) -> String { (pool[key] as? Int).map(String.init) ?? "?" }
        var lines = [
            "in use \(number("inUse")), idle \(number("idle")), waiting \(number("waiting")), total \(number("total"))"
                + " (minimum \(number("minimum")), maximum \(number("maximum"))), dedicated \(number("dedicated"))",
            "acquired \(number("acquired")), timeouts \(number("timeouts")), rejected \(number("rejected")), "
                + "leaks \(number("leaks")), connection errors \(number("connectionErrors")), "
                + "size changes \(number("sizeChanges"))",
        ]
        for leak in pool["currentLeaks"] as? [[String: Any]] ?? [] {
            lines.append(
                "held past the leak threshold: \(leak["label"] ?? "?") at \(leak["file"] ?? "?"):\(leak["line"] ?? "?")"
                    + " for \(leak["heldMilliseconds"] ?? "?") ms"
            )
        }
        return lines.joined(separator: "\n")
    }
}
