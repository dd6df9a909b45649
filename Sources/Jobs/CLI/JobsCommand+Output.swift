import CLIKit
import Foundation
import Jobs
import Platform

extension JobsCommand {
    /// A JSON answer as an object.
    static func object(_ data: Data) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CommandFailure(
                ExitStatus(rawValue: 76),
                "the server's answer is not the JSON object the API promises"
            )
        }
        return object
    }

    static func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }

    /// A job ID checked before anything is sent.
    static func checked(_ id: Int) throws -> Int {
        guard id > 0 else { throw CommandFailure(.usage, "a job ID is a positive integer") }
        return id
    }

    /// `?a=1&b=2` from the given (non-nil) parameters, percent-encoded.
    static func query(_ parameters: [String: String?]) -> String {
        var components = URLComponents()
        components.queryItems = parameters.compactMap { key, value in value.map { URLQueryItem(name: key, value: $0) } }
            .sorted { $0.name < $1.name }
        return components.queryItems?.isEmpty == false ? "?" + (components.percentEncodedQuery ?? "") : ""
    }

    /// Aligned columns.
    static func table(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// Prints a page of jobs (and how to get the next one).
    static func printList(_ path: String, server: ServerOptions) async throws -> (String, ExitStatus) {
        try await server.client().using { client in
            let answer = try await client.send(.GET, path, write: true)
            if server.json { return (text(answer), .success) }
            let object = try object(answer)
            var rows = [["ID", "KIND", "QUEUE", "STATE", "ATTEMPT", "RUN AT", "LAST ERROR"]]
            for job in object["jobs"] as? [[String: Any]] ?? [] {
                rows.append([
                    "\(job["id"] ?? "")", "\(job["kind"] ?? "")", "\(job["queue"] ?? "")", "\(job["state"] ?? "")",
                    "\(job["attempt"] ?? 0)/\(job["maxAttempts"] ?? 0)", "\(job["runAt"] ?? "")",
                    String((job["lastError"] as? String ?? "-").prefix(60)),
                ])
            }
            var output = table(rows)
            if let next = object["next"] as? Int { output += "\n(more: --before \(next))" }
            return (output, .success)
        }
    }

    static func updateQueue(
        _ queue: String,
        _ body: [String: JSONValue],
        server: ServerOptions
    ) async throws -> (String, ExitStatus) {
        try JobLimits.validateName(queue, what: "queue")
        return try await server.client().using { client in
            let answer = try await client.send(
                .PUT,
                "/v1/jobs/queues/\(queue)",
                body: try JSONEncoder().encode(body),
                write: true
            )
            if server.json { return (text(answer), .success) }
            let settings = try object(answer)
            let limit = settings["concurrencyLimit"].map { "\($0)" } ?? "none"
            return ("\(queue): \(settings["paused"] as? Bool == true ? "paused" : "running"), limit \(limit)", .success)
        }
    }
}
