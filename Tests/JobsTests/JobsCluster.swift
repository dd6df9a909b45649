import Foundation
import Platform
import Synchronization
import TestSupport
import Testing

/// Several real `mastery serve` processes sharing one job store (PostgreSQL, or one SQLite file), driven through
/// the HTTP API: the multi-process guarantees are proven on these.
final class JobsCluster: Sendable {
    static let token = "jobs-cluster-admin-token-0123456789"

    let environment: [String: String]
    let dataDirectory: String?
    let servers: Mutex<[ServeProcess]>

    /// - Parameters:
    ///   - store: `postgres` (with `postgresURL`) or `sqlite` (every instance on one data folder, so one file).
    ///   - lease: The lease in seconds (short, so that a killed worker's jobs come back quickly).
    init(
        store: String,
        postgresURL: String? = nil,
        lease: Double = 2,
        poll: Double = 0.2,
        concurrency: Int = 8,
        extra: [String: String] = [:]
    ) {
        var environment = [
            "MASTERY_JOBS_STORE": store, "MASTERY_ADMIN_TOKEN": Self.token,
            "MASTERY_JOBS_QUEUES": "demo=\(concurrency)", "MASTERY_JOBS_LEASE_DURATION": String(lease),
            "MASTERY_JOBS_POLL_INTERVAL": String(poll), "MASTERY_JOBS_SHUTDOWN_GRACE_PERIOD": "5",
        ]
        if let postgresURL { environment["MASTERY_POSTGRES_URL"] = postgresURL }
        self.environment = environment.merging(extra) { _, new in new }
        self.dataDirectory =
            store == "sqlite"
            ? FileManager.default.temporaryDirectory.appendingPathComponent("jobs-cluster-\(UUID().uuidString)").path
            : nil
        self.servers = Mutex([])
    }

    /// Starts one more instance.
    @discardableResult
    func start() async throws -> ServeProcess {
        let server = try await ServeProcess(environment: environment, dataDirectory: dataDirectory)
        servers.withLock { $0.append(server) }
        return server
    }

    /// Stops every instance (SIGTERM, bounded), then removes the shared folder.
    func stopAll() async {
        for server in servers.withLock({ $0 }) where server.process.isRunning { _ = try? await server.stop() }
        servers.withLock { $0.removeAll() }
        if let dataDirectory { try? FileManager.default.removeItem(atPath: dataDirectory) }
    }

    /// Runs `body` with the cluster and always stops it.
    static func with<T>(_ cluster: JobsCluster, _ body: (JobsCluster) async throws -> T) async throws -> T {
        do {
            let result = try await body(cluster)
            await cluster.stopAll()
            return result
        } catch {
            await cluster.stopAll()
            throw error
        }
    }

    // MARK: The API

    func request(
        _ server: ServeProcess,
        _ method: String,
        _ path: String,
        body: String? = nil
    ) async throws -> (Int, [String: Any]) {
        var headers = ["Authorization": "Bearer \(Self.token)"]
        if let body {
            headers["Content-Type"] = "application/json"
            headers["_body"] = body
        }
        let response = try await BatteryClient(port: server.port).send(method, path, headers: headers)
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any] ?? [:]
        return (response.status, object)
    }

    /// Enqueues demo jobs in bulks of 1,000 through `server`; returns their IDs.
    func enqueueDemo(
        _ server: ServeProcess,
        count: Int,
        durationMs: Int = 0,
        failureRate: Double = 0,
        maxAttempts: Int? = nil,
        uniqueKey: String? = nil
    ) async throws -> [Int] {
        var ids: [Int] = []
        var remaining = count
        while remaining > 0 {
            let batch = min(remaining, 1_000)
            var job = #"{"kind":"demo.sleep","payload":{"durationMs":\#(durationMs),"failureRate":\#(failureRate)}"#
            if let maxAttempts { job += #","maxAttempts":\#(maxAttempts)"# }
            if let uniqueKey { job += #","uniqueKey":"\#(uniqueKey)""# }
            job += "}"
            let (status, object) = try await request(
                server,
                "POST",
                "/v1/jobs/bulk",
                body: #"{"jobs":[\#(Array(repeating: job, count: batch).joined(separator: ","))]}"#
            )
            guard status == 201, let jobs = object["jobs"] as? [[String: Any]] else {
                throw ClusterError("bulk enqueue answered \(status): \(object)")
            }
            ids += jobs.compactMap { $0["id"] as? Int }
            remaining -= batch
        }
        return ids
    }

    /// The demo queue's statistics.
    func demoQueue(_ server: ServeProcess) async throws -> [String: Any] {
        let (_, object) = try await request(server, "GET", "/v1/jobs/queues")
        return (object["queues"] as? [[String: Any]])?.first { $0["queue"] as? String == "demo" } ?? [:]
    }

    /// Waits (polling the API, at most `timeout`) until the demo queue has nothing ready, scheduled or running.
    func waitUntilDrained(_ server: ServeProcess, timeout: Duration = .seconds(120)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let queue = try await demoQueue(server)
            let active = ["ready", "scheduled", "running"].map { queue[$0] as? Int ?? 1 }.reduce(0, +)
            if active == 0 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ClusterError("the demo queue did not drain within \(timeout): \(try await demoQueue(server))")
    }

    /// A job with its attempts.
    func detail(_ server: ServeProcess, _ id: Int) async throws -> (job: [String: Any], attempts: [[String: Any]]) {
        let (status, object) = try await request(server, "GET", "/v1/jobs/\(id)")
        guard status == 200 else { throw ClusterError("GET /v1/jobs/\(id) answered \(status)") }
        return (object["job"] as? [String: Any] ?? [:], object["attempts"] as? [[String: Any]] ?? [])
    }

    struct ClusterError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
