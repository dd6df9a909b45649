import ArgumentParser
import CLIKit
import Foundation
import Tally

/// `mastery tally get|increment`: the tally's API from the terminal, on CLIKit (`--server`, the admin token,
/// `--json`, one exit-status scheme).
struct TallyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tally",
        abstract: "Read and increment named counters on a running server.",
        subcommands: [Get.self, Increment.self]
    )

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a counter (exit status 66 when there is none)."
        )

        @Argument(help: "The counter's name.") var name: String
        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await CommandOutput.run {
                try await server.client().using { client in
                    try TallyStore.validate(name: name)
                    let counter = try client.decode(TallyCounter.self, await client.send(.GET, "/v1/tally/\(name)"))
                    return (
                        server.json ? try JSONOutput.encode(counter) : "\(counter.name): \(counter.value)", .success
                    )
                }
            }
        }
    }

    struct Increment: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add to a counter (needs the admin token).")

        @Argument(help: "The counter's name.") var name: String
        @Option(help: "How much to add (1 to 1000000).") var by = 1
        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await CommandOutput.run {
                try await server.client().using { client in
                    try TallyStore.validate(name: name)
                    let body = try JSONEncoder().encode(["by": by])
                    let answer = try await client.send(.POST, "/v1/tally/\(name)/increment", body: body, write: true)
                    let counter = try client.decode(TallyCounter.self, answer)
                    return (
                        server.json ? try JSONOutput.encode(counter) : "\(counter.name): \(counter.value)", .success
                    )
                }
            }
        }
    }
}
