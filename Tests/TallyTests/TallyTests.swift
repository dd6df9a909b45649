import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import MasteryServer
import NIOCore
import Platform
import Storage
import Tally
import Testing
import TestSupport

@Suite("Tally: the store, the API mounted alone, and hostile input")
struct TallyTests {
    static let adminToken = "test-admin-token-0123456789"

    @Test("concurrent increments are all counted; a missing counter and bad input are refused")
    func store() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tally-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let storage = try SQLiteStorage(path: folder.appendingPathComponent("tally.sqlite").path)
        try await storage.migrate([TallyStore.migrations], logger: .init(label: "test"))
        let store = TallyStore(storage: storage)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 { group.addTask { for _ in 0..<25 { _ = try await store.increment("visits") } } }
            try await group.waitForAll()
        }
        #expect(try await store.value(of: "visits") == 200)
        await #expect(throws: TallyError(.unknownCounter, "there is no counter named none")) {
            try await store.value(of: "none")
        }
        for name in ["", "Upper", "a/b", String(repeating: "a", count: 65), "x'; DROP TABLE tally_counters; --"] {
            await #expect(throws: TallyError.self) { try await store.increment(name) }
        }
        await #expect(throws: TallyError.self) { try await store.increment("visits", by: 0) }
        #expect(try await store.value(of: "visits") == 200)
    }

    @Test("the API under /v1/tally: reads are open, increments need the admin token, errors are problems")
    func api() async throws {
        let (assembly, _) = try await TestApplication.make(flags: ["adminToken": Self.adminToken], systems: [TallySystem.self])
        try await assembly.application.test(.router) { client in
            let auth: HTTPFields = [.authorization: "Bearer \(Self.adminToken)", .contentType: "application/json"]
            try await client.execute(uri: "/v1/tally/visits/increment", method: .post, body: .init(string: "{}")) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/v1/tally/visits/increment", method: .post, headers: auth, body: .init(string: #"{"by":41}"#)) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/v1/tally/visits/increment", method: .post, headers: auth, body: .init(string: "{}")) {
                let counter = try jsonObject($0)
                #expect(counter["value"] as? Int == 42)
            }
            try await client.execute(uri: "/v1/tally/visits", method: .get) {
                let counter = try jsonObject($0)
                #expect(counter["value"] as? Int == 42)
            }
            try await client.execute(uri: "/v1/tally/missing", method: .get) { response in
                #expect(response.status == .notFound)
                let detail = try problem(response)["detail"] as? String
                #expect(detail == "there is no counter named missing.")
            }
            try await client.execute(uri: "/v1/tally/visits/increment", method: .post, headers: auth, body: .init(string: #"{"by":0}"#)) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(uri: "/v1/tally/visits/increment", method: .post, headers: auth, body: .init(string: "{")) {
                #expect($0.status == .badRequest)
            }
        }
    }

    @Test("the hostile battery against the tally's routes on a real mastery serve")
    func hostileBattery() async throws {
        try await ServeProcess.withRunning { server in
            let battery = HostileBattery(
                routes: [
                    .init("POST", "/v1/tally/battery/increment", body: #"{"by":1}"#, parameterized: "/v1/tally/{}/increment"),
                    .init("GET", "/v1/tally/battery", parameterized: "/v1/tally/{}"),
                ],
                statePaths: ["/v1/tally/battery"]
            )
            let findings = try await battery.run(against: server)
            #expect(findings.isEmpty, "\(findings.joined(separator: "\n"))")
        }
    }
}
