import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MasteryServer
import PoolMonitoring
import Storage
import TestSupport
import Testing

/// The system mounted alone: `GET /v1/pool` answers the snapshot.
@Suite("PoolSystem")
struct PoolSystemTests {
    static let adminToken = "pool-test-admin-token-0123456789abcdef"
    static let auth: HTTPFields = [.authorization: "Bearer \(adminToken)"]
    @Test("without PostgreSQL, GET /v1/pool (admin token) says there is no pool")
    func withoutPostgres() async throws {
        let (assembly, _) = try await TestApplication.make(
            flags: ["adminToken": Self.adminToken],
            systems: [PoolSystem.self]
        )
        try await assembly.application.test(.router) { client in
            try await client.execute(uri: "/v1/pool", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/v1/pool", method: .get, headers: Self.auth) { response in
                #expect(response.status == .ok)
                let body = try jsonObject(response)
                #expect(body["configured"] as? Bool == false)
                #expect(body["pool"] == nil)
            }
        }
    }

    @Test(
        "with PostgreSQL, GET /v1/pool answers the pool's snapshot",
        .enabled(if: TestServers.shouldRun(TestServers.postgresURL), "needs PostgreSQL: run scripts/test")
    )
    func withPostgres() async throws {
        try await TestPostgres.withDatabase { url in
            let (assembly, _) = try await TestApplication.make(
                flags: ["postgresURL": url, "adminToken": Self.adminToken],
                systems: [PoolSystem.self]
            )
            try await assembly.application.test(.router) { client in
                try await client.execute(uri: "/v1/pool", method: .get, headers: Self.auth) { response in
                    #expect(response.status == .ok)
                    let body = try jsonObject(response)
                    #expect(body["configured"] as? Bool == true)
                    let pool = try #require(body["pool"] as? [String: Any])
                    #expect(pool["maximum"] as? Int == PostgresStorage.defaultPoolConfiguration.maximum)
                    #expect(pool["inUse"] as? Int == 0)
                }
            }
        }
    }
}
