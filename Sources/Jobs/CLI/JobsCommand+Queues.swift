import ArgumentParser
import CLIKit
import Foundation
import Jobs
import Platform

extension JobsCommand {
    struct Dead: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The dead-letter queue: list, replay or purge.",
            subcommands: [DeadList.self, Replay.self, Purge.self],
            defaultSubcommand: DeadList.self
        )
    }

    struct DeadList: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List dead jobs (needs the admin token)."
        )

        @Option(help: "Only this queue.") var queue: String?
        @Option(help: "Only this job type.") var kind: String?
        @Option(help: "At most this many (1…1000).") var limit = 50
        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await CommandOutput.run {
                try await JobsCommand.printList(
                    "/v1/jobs/dead" + JobsCommand.query(["queue": queue, "kind": kind, "limit": String(limit)]),
                    server: server
                )
            }
        }
    }

    /// Which dead jobs: IDs, or a filter.
    struct Selection: ParsableArguments {
        @Argument(help: "Job IDs (or none, with --queue/--kind/--all).") var ids: [Int] = []
        @Option(help: "Dead jobs of this queue.") var queue: String?
        @Option(help: "Dead jobs of this type.") var kind: String?
        @Option(help: "At most this many (1…1000).") var limit = 100
        @Flag(help: "Every dead job (up to --limit).") var all = false

        func body() throws -> Data {
            if !ids.isEmpty {
                guard queue == nil, kind == nil, !all else {
                    throw CommandFailure(.usage, "give job IDs or a filter, not both")
                }
                return try JSONEncoder().encode(["ids": try ids.map(JobsCommand.checked)])
            }
            guard queue != nil || kind != nil || all else {
                throw CommandFailure(.usage, "give job IDs, --queue, --kind or --all")
            }
            var body: [String: JSONValue] = ["limit": .number(Double(limit))]
            if let queue { body["queue"] = .string(queue) }
            if let kind { body["kind"] = .string(kind) }
            return try JSONEncoder().encode(body)
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replay dead jobs with a fresh attempt count.")

        @OptionGroup var selection: Selection
        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await CommandOutput.run {
                let body = try selection.body()
                return try await server.client().using { client in
                    let answer = try await client.send(.POST, "/v1/jobs/dead/replay", body: body, write: true)
                    if server.json { return (JobsCommand.text(answer), .success) }
                    let replayed = try JobsCommand.object(answer)["replayed"] as? [Int] ?? []
                    return (
                        "replayed \(replayed.count) job\(replayed.count == 1 ? "" : "s")"
                            + (replayed.isEmpty ? "" : ": " + replayed.map(String.init).joined(separator: " ")),
                        .success
                    )
                }
            }
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete dead jobs.")

        @OptionGroup var selection: Selection
        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await CommandOutput.run {
                let body = try selection.body()
                return try await server.client().using { client in
                    let answer = try await client.send(.POST, "/v1/jobs/dead/purge", body: body, write: true)
                    if server.json { return (JobsCommand.text(answer), .success) }
                    return ("purged \(try JobsCommand.object(answer)["purged"] as? Int ?? 0) jobs", .success)
                }
            }
        }
    }

    struct Queues: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every queue's depth, oldest ready job, running and dead."
        )

        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await CommandOutput.run {
                try await server.client().using { client in
                    let answer = try await client.send(.GET, "/v1/jobs/queues")
                    if server.json { return (JobsCommand.text(answer), .success) }
                    let queues = try JobsCommand.object(answer)["queues"] as? [[String: Any]] ?? []
                    var rows = [["QUEUE", "READY", "SCHEDULED", "RUNNING", "DEAD", "OLDEST READY", "PAUSED", "LIMIT"]]
                    for queue in queues {
                        rows.append([
                            "\(queue["queue"] ?? "")", "\(queue["ready"] ?? 0)", "\(queue["scheduled"] ?? 0)",
                            "\(queue["running"] ?? 0)", "\(queue["dead"] ?? 0)",
                            String(format: "%.1fs", queue["oldestReadyAgeSeconds"] as? Double ?? 0),
                            queue["paused"] as? Bool == true ? "yes" : "no", "\(queue["concurrencyLimit"] ?? "-")",
                        ])
                    }
                    return (JobsCommand.table(rows), .success)
                }
            }
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pause a queue on every worker (it survives restarts)."
        )

        @Argument(help: "The queue.") var queue: String
        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await CommandOutput.run {
                try await JobsCommand.updateQueue(queue, ["paused": .bool(true)], server: server)
            }
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a paused queue.")

        @Argument(help: "The queue.") var queue: String
        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await CommandOutput.run {
                try await JobsCommand.updateQueue(queue, ["paused": .bool(false)], server: server)
            }
        }
    }

    struct Limit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set how many of a queue's jobs may run at once across every worker (`none` removes the limit)."
        )

        @Argument(help: "The queue.") var queue: String
        @Argument(help: "1…10000, or none.") var limit: String
        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await CommandOutput.run {
                let value: JSONValue
                if limit == "none" {
                    value = .null
                } else if let number = Int(limit), (1...10_000).contains(number) {
                    value = .number(Double(number))
                } else {
                    throw CommandFailure(.usage, "the limit is 1 to 10000, or none")
                }
                return try await JobsCommand.updateQueue(queue, ["concurrencyLimit": value], server: server)
            }
        }
    }

    struct Workers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Live workers, their last heartbeat and the jobs each holds."
        )

        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await CommandOutput.run {
                try await server.client().using { client in
                    let answer = try await client.send(.GET, "/v1/jobs/workers")
                    if server.json { return (JobsCommand.text(answer), .success) }
                    let workers = try JobsCommand.object(answer)["workers"] as? [[String: Any]] ?? []
                    var rows = [["WORKER", "QUEUES", "LAST SEEN", "RUNNING"]]
                    for worker in workers {
                        let running = (worker["running"] as? [Int] ?? []).map(String.init).joined(separator: " ")
                        rows.append([
                            "\(worker["id"] ?? "")", (worker["queues"] as? [String] ?? []).joined(separator: ","),
                            "\(worker["lastSeenAt"] ?? "")", running.isEmpty ? "-" : running,
                        ])
                    }
                    return (JobsCommand.table(rows), .success)
                }
            }
        }
    }

    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enqueue demo jobs that sleep and fail at random.")

        @Option(help: "How many (1…1000).") var count = 10
        @Option(help: "Milliseconds each attempt takes.") var durationMs = 500
        @Option(help: "The chance each attempt fails (0…1).") var failureRate = 0.3
        @Flag(help: "Poison jobs: they go to the dead-letter queue at once.") var poison = false
        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await CommandOutput.run {
                let body: [String: JSONValue] = [
                    "count": .number(Double(count)), "durationMs": .number(Double(durationMs)),
                    "failureRate": .number(failureRate), "poison": .bool(poison),
                ]
                return try await server.client().using { client in
                    let answer = try await client.send(
                        .POST,
                        "/v1/jobs/demo",
                        body: try JSONEncoder().encode(body),
                        write: true
                    )
                    if server.json { return (JobsCommand.text(answer), .success) }
                    let jobs = try JobsCommand.object(answer)["jobs"] as? [[String: Any]] ?? []
                    return ("enqueued \(jobs.count) demo jobs", .success)
                }
            }
        }
    }
}
