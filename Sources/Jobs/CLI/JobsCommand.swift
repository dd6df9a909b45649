import ArgumentParser
import CLIKit
import Foundation
import Jobs
import Platform

/// `mastery jobs …`: the job system's API from the terminal, on CLIKit (`--server`, the admin token, `--json`,
/// one exit-status scheme: 66 for an unknown job, 65 for bad input, 77 without the token, 69 when unreachable).
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "Enqueue, inspect, cancel and replay jobs, and pause queues, on a running server.",
        subcommands: [
            Enqueue.self, List.self, Show.self, Cancel.self, Dead.self, Queues.self, Pause.self, Resume.self,
            Limit.self, Workers.self, Demo.self,
        ]
    )

    struct Enqueue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enqueue a job of a registered type.")

        @Argument(help: "The job type, such as demo.sleep.") var kind: String
        @Option(help: "The payload, as JSON.") var payload: String
        @Option(help: "The queue (default: the type's).") var queue: String?
        @Option(help: "Higher runs first (-100…100).") var priority: Int?
        @Option(help: "Seconds from now before it may run.") var delay: Double?
        @Option(help: "Deduplicate while a job with this key is pending or running.") var uniqueKey: String?
        @Option(help: "Attempts before the dead-letter queue (1…100).") var maxAttempts: Int?
        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await CommandOutput.run {
                try JobLimits.validateName(kind, what: "job type")
                guard let payloadData = payload.data(using: .utf8),
                    let value = try? JSONDecoder().decode(JSONValue.self, from: payloadData)
                else { throw CommandFailure(.dataError, "--payload is not valid JSON") }
                var body: [String: JSONValue] = ["kind": .string(kind), "payload": value]
                if let queue { body["queue"] = .string(queue) }
                if let priority { body["priority"] = .number(Double(priority)) }
                if let delay { body["delaySeconds"] = .number(delay) }
                if let uniqueKey { body["uniqueKey"] = .string(uniqueKey) }
                if let maxAttempts { body["maxAttempts"] = .number(Double(maxAttempts)) }
                return try await server.client().using { client in
                    let answer = try await client.send(
                        .POST,
                        "/v1/jobs",
                        body: try JSONEncoder().encode(body),
                        write: true
                    )
                    let object = try JobsCommand.object(answer)
                    if server.json { return (JobsCommand.text(answer), .success) }
                    let id = object["id"] as? Int ?? 0
                    return (
                        (object["duplicate"] as? Bool == true ? "duplicate of job \(id)" : "enqueued job \(id)"),
                        .success
                    )
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List jobs, newest first (needs the admin token).")

        @Option(help: "pending, running, completed, dead or cancelled.") var state: String?
        @Option(help: "Only this queue.") var queue: String?
        @Option(help: "Only this job type.") var kind: String?
        @Option(help: "Only jobs with an ID below this one (the next page).") var before: Int?
        @Option(help: "At most this many (1…1000).") var limit = 50
        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await CommandOutput.run {
                if let state, JobState(rawValue: state) == nil {
                    throw CommandFailure(
                        .usage,
                        "--state must be one of \(JobState.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
                let path =
                    "/v1/jobs"
                    + JobsCommand.query([
                        "state": state, "queue": queue, "kind": kind, "before": before.map(String.init),
                        "limit": String(limit),
                    ])
                return try await JobsCommand.printList(path, server: server)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a job with every attempt (needs the admin token)."
        )

        @Argument(help: "The job's ID.") var id: Int
        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await CommandOutput.run {
                try await server.client().using { client in
                    let answer = try await client.send(.GET, "/v1/jobs/\(try JobsCommand.checked(id))", write: true)
                    if server.json { return (JobsCommand.text(answer), .success) }
                    let object = try JobsCommand.object(answer)
                    let job = object["job"] as? [String: Any] ?? [:]
                    var lines = [
                        "job \(job["id"] ?? "?")  \(job["kind"] ?? "")  queue \(job["queue"] ?? "")  \(job["state"] ?? "")  attempt \(job["attempt"] ?? 0)/\(job["maxAttempts"] ?? 0)"
                    ]
                    if let payload = job["payload"],
                        let data = try? JSONSerialization.data(
                            withJSONObject: payload,
                            options: [.sortedKeys, .fragmentsAllowed]
                        )
                    {
                        lines.append("payload: " + String(decoding: data, as: UTF8.self))
                    }
                    if let error = job["lastError"] as? String { lines.append("last error: \(error)") }
                    for attempt in object["attempts"] as? [[String: Any]] ?? [] {
                        let duration =
                            (attempt["durationSeconds"] as? Double).map { String(format: "%.3fs", $0) } ?? "-"
                        var line =
                            "  #\(attempt["attempt"] ?? "?") \(attempt["outcome"] ?? "") on \(attempt["workerID"] ?? "") at \(attempt["startedAt"] ?? "") (\(duration))"
                        if let error = attempt["error"] as? String { line += ": \(error)" }
                        lines.append(line)
                    }
                    return (lines.joined(separator: "\n"), .success)
                }
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a job (a running one is stopped by its worker)."
        )

        @Argument(help: "The job's ID.") var id: Int
        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await CommandOutput.run {
                try await server.client().using { client in
                    let answer = try await client.send(
                        .POST,
                        "/v1/jobs/\(try JobsCommand.checked(id))/cancel",
                        write: true
                    )
                    if server.json { return (JobsCommand.text(answer), .success) }
                    let job = try JobsCommand.object(answer)
                    let state =
                        job["cancelRequested"] as? Bool == true ? "cancel requested (running)" : "\(job["state"] ?? "")"
                    return ("job \(id): \(state)", .success)
                }
            }
        }
    }
}
