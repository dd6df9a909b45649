import Foundation
import Platform
import PoolMonitoring
import TestSupport
import Testing

@Suite(
    "PoolMonitoring on a real mastery serve: the command line",
    .enabled(if: TestServers.shouldRun(TestServers.postgresURL), "needs PostgreSQL: run scripts/test")
)
struct PoolCommandTests {
    @Test("mastery pool status|resize, with exit statuses")
    func commandLine() async throws {
        try await TestPostgres.withDatabase { url in
            try await ServeProcess.withRunning(arguments: ["--postgres-url", url]) { server in
                let folder = URL(fileURLWithPath: server.dataDirectory)
                let base = ["--server", "http://127.0.0.1:\(server.port)"]
                let admin = base + ["--admin-token", try server.adminToken()]
                func mastery(_ arguments: [String]) async throws -> MasteryCommand.Result {
                    try await MasteryCommand.run(["pool"] + arguments, in: folder, unsetting: ["MASTERY_ADMIN_TOKEN"])
                }
                var result = try await mastery(["status"] + admin)
                #expect(result.status == .exited(0), "\(result.standardError)")
                #expect(result.standardOutput.contains("maximum 20"), "\(result.standardOutput)")
                result = try await mastery(["status"] + base)
                #expect(result.status == .exited(77), "the snapshot needs the token: \(result.standardError)")
                result = try await mastery(["resize", "--minimum", "2", "--maximum", "7"] + admin)
                #expect(result.status == .exited(0), "\(result.standardError)")
                result = try await mastery(["status", "--json"] + admin)
                let status = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
                let pool = status?["pool"] as? [String: Any]
                #expect(pool?["minimum"] as? Int == 2 && pool?["maximum"] as? Int == 7, "\(result.standardOutput)")
                result = try await mastery(["resize", "--minimum", "9", "--maximum", "3"] + admin)
                #expect(result.status == .exited(65), "minimum above maximum: \(result.standardError)")
                result = try await mastery(["resize", "--minimum", "1", "--maximum", "4"] + base)
                #expect(result.status == .exited(77), "resizing needs the token: \(result.standardError)")
                result = try await mastery(["status"] + admin)
                #expect(result.standardOutput.contains("maximum 7"), "nothing changed: \(result.standardOutput)")
            }
        }
    }
}
