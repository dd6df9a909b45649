import Foundation
import Hummingbird
import HummingbirdTesting
import MasteryServer
import Platform
import PostgresNIO
import Storage
import TestSupport
import Testing

/// Several instances on one PostgreSQL: the shared tier.
@Suite(
    "Instances sharing PostgreSQL",
    .enabled(if: TestServers.shouldRun(TestServers.postgresURL), "needs PostgreSQL: run scripts/test")
)
struct SharedPostgresTests {
    @Test("two servers starting at once apply each migration exactly once and both become ready")
    func concurrentStartup() async throws {
        try await TestPostgres.withDatabase { url in
            let (first, _) = try await makeServer(flags: ["postgresURL": url])
            let (second, _) = try await makeServer(flags: ["postgresURL": url])
            try await withThrowingTaskGroup(of: String.self) { group in
                for assembly in [first, second] {
                    group.addTask {
                        try await assembly.application.test(.live) { client in
                            try await client.execute(uri: "/ready", method: .get) { response in
                                #expect(response.status == .ok, "\(String(buffer: response.body))")
                                return String(buffer: response.body)
                            }
                        }
                    }
                }
                for try await report in group {
                    #expect(report.contains(#""name":"postgres""#))
                    #expect(!report.contains("\"down\""))
                }
            }
            let database = try PostgresStorage(url: url, logger: TestPostgres.quietLogger)
            try await TestPostgres.withRunning(database) {
                let applied = try await database.appliedMigrations(system: "echo")
                #expect(applied.map(\.version) == [1])
                let rows = try await database.pool.query("SELECT count(*)::int FROM echo_messages")
                #expect(try rows.map { try $0.decode(Int.self) } == [0])
            }
        }
    }

    @Test("two mastery serve processes run on one PostgreSQL and both report it up")
    func twoProcesses() async throws {
        try await TestPostgres.withDatabase { url in
            async let first = ServeProcess(arguments: ["--postgres-url", url])
            async let second = ServeProcess(arguments: ["--postgres-url", url])
            let servers = try await [first, second]
            for server in servers {
                let ready = try await server.get("/ready")
                #expect(ready.status == 200, "\(ready.body)")
                #expect(ready.body.contains(#""name":"postgres""#) && !ready.body.contains("\"down\""))
            }
            for server in servers { #expect(try await server.stop() == .exited(0)) }
        }
    }
}
