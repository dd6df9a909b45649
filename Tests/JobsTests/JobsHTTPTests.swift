import APIDocumentation
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Jobs
import MasteryServer
import NIOCore
import OpenAPIKit
import Platform
import TestSupport
import Testing

@Suite("Jobs: the API mounted alone, its document and hostile input")
struct JobsHTTPTests {
    static let adminToken = "test-admin-token-0123456789"
    static let auth: HTTPFields = [.authorization: "Bearer \(adminToken)", .contentType: "application/json"]

    @Test("enqueue, read, cancel, pause and the dead-letter queue through /v1/jobs; reads of jobs need the token")
    func api() async throws {
        let (assembly, _) = try await TestApplication.make(
            flags: ["adminToken": Self.adminToken, "jobs.store": "memory", "jobs.pollInterval": "0.02"],
            systems: [JobsSystem.self]
        )
        try await assembly.application.test(.router) { client in
            let demo =
                #"{"kind":"demo.sleep","payload":{"durationMs":0,"failureRate":0},"queue":"parked","uniqueKey":"k1"}"#
            try await client.execute(
                uri: "/v1/jobs",
                method: .post,
                headers: [.contentType: "application/json"],
                body: .init(string: demo)
            ) {
                #expect($0.status == .unauthorized)
            }
            // The queue `parked` has no worker here: the job stays pending.
            var id = 0
            try await client.execute(uri: "/v1/jobs", method: .post, headers: Self.auth, body: .init(string: demo)) {
                #expect($0.status == .created)
                let body = try jsonObject($0)
                id = body["id"] as? Int ?? 0
                #expect(body["duplicate"] as? Bool == false)
            }
            try await client.execute(uri: "/v1/jobs", method: .post, headers: Self.auth, body: .init(string: demo)) {
                #expect($0.status == .ok)
                let object = try jsonObject($0)
                #expect(object["id"] as? Int == id, "the unique key returns the holder")
            }
            for (body, status) in [
                (
                    #"{"kind":"demo.sleep","payload":{"durationMs":"x","failureRate":0}}"#,
                    HTTPResponse.Status.badRequest
                ),
                (#"{"kind":"nope","payload":{}}"#, .notFound),
                (#"{"kind":"demo.sleep","payload":{"durationMs":0,"failureRate":0},"priority":1000}"#, .badRequest),
                (#"{"kind":"demo.sleep","payload":{"durationMs":0,"failureRate":0},"runAt":"yesterday"}"#, .badRequest),
                (#"{"kind":"demo.sleep","payload":{"durationMs":0,"failureRate":0},"queue":"a b"}"#, .badRequest),
                (#"{"kind":"demo.sleep"}"#, .badRequest),
                ("{", .badRequest),
            ] {
                try await client.execute(uri: "/v1/jobs", method: .post, headers: Self.auth, body: .init(string: body))
                {
                    #expect($0.status == status, "\(body)")
                    let object = try problem($0)
                    #expect(object["detail"] != nil)
                }
            }
            try await client.execute(uri: "/v1/jobs", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/v1/jobs/\(id)", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/v1/jobs?queue=parked", method: .get, headers: Self.auth) {
                let jobs = try jsonObject($0)["jobs"] as? [[String: Any]]
                #expect(jobs?.count == 1, "refused requests stored nothing")
                #expect((jobs?.first?["payload"] as? [String: Any])?["failureRate"] as? Int == 0)
            }
            try await client.execute(uri: "/v1/jobs/\(id)", method: .get, headers: Self.auth) {
                let body = try jsonObject($0)
                #expect((body["job"] as? [String: Any])?["state"] as? String == "pending")
                #expect((body["attempts"] as? [Any])?.isEmpty == true)
            }
            for bad in ["0", "-1", "abc", "99999999999999999999"] {
                try await client.execute(uri: "/v1/jobs/\(bad)", method: .get, headers: Self.auth) {
                    #expect($0.status == .badRequest)
                }
            }
            try await client.execute(uri: "/v1/jobs/424242", method: .get, headers: Self.auth) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/v1/jobs/424242/cancel", method: .post, headers: Self.auth) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/v1/jobs/\(id)/cancel", method: .post) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/v1/jobs/\(id)/cancel", method: .post, headers: Self.auth) {
                let object = try jsonObject($0)
                #expect(object["state"] as? String == "cancelled")
            }
            try await client.execute(
                uri: "/v1/jobs/queues/demo",
                method: .put,
                headers: Self.auth,
                body: .init(string: #"{"paused":true,"concurrencyLimit":2}"#)
            ) {
                let body = try jsonObject($0)
                #expect(body["paused"] as? Bool == true && body["concurrencyLimit"] as? Int == 2)
            }
            try await client.execute(
                uri: "/v1/jobs/queues/demo",
                method: .put,
                headers: Self.auth,
                body: .init(string: #"{"paused":false,"concurrencyLimit":null}"#)
            ) {
                let body = try jsonObject($0)
                #expect(body["paused"] as? Bool == false && body["concurrencyLimit"] == nil)
            }
            try await client.execute(
                uri: "/v1/jobs/queues/demo",
                method: .put,
                headers: Self.auth,
                body: .init(string: #"{"concurrencyLimit":0}"#)
            ) {
                #expect($0.status == .badRequest)
            }
            // Poison demo jobs go straight to the dead-letter queue (the worker runs the `demo` queue).
            try await client.execute(
                uri: "/v1/jobs/demo",
                method: .post,
                headers: Self.auth,
                body: .init(string: #"{"count":3,"durationMs":0,"poison":true}"#)
            ) {
                #expect($0.status == .created)
            }
            var dead: [Int] = []
            for _ in 0..<500 where dead.count < 3 {
                try await client.execute(uri: "/v1/jobs/dead", method: .get, headers: Self.auth) {
                    dead = (try jsonObject($0)["jobs"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } ?? []
                }
                if dead.count < 3 { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(dead.count == 3, "three poison jobs reached the dead-letter queue")
            try await client.execute(uri: "/v1/jobs/\(dead[0])", method: .get, headers: Self.auth) {
                let attempts = try jsonObject($0)["attempts"] as? [[String: Any]]
                #expect(attempts?.map { $0["outcome"] as? String } == ["poisoned"])
                #expect((attempts?.first?["error"] as? String)?.contains("poison") == true)
            }
            try await client.execute(
                uri: "/v1/jobs/dead/purge",
                method: .post,
                headers: Self.auth,
                body: .init(string: #"{"ids":[\#(dead[0])]}"#)
            ) {
                let object = try jsonObject($0)
                #expect(object["purged"] as? Int == 1)
            }
            try await client.execute(
                uri: "/v1/jobs/dead/replay",
                method: .post,
                headers: Self.auth,
                body: .init(string: #"{"ids":[1],"queue":"x"}"#)
            ) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(
                uri: "/v1/jobs/dead/replay",
                method: .post,
                headers: Self.auth,
                body: .init(string: #"{"queue":"demo","limit":1}"#)
            ) {
                let object = try jsonObject($0)
                #expect((object["replayed"] as? [Int])?.count == 1)
            }
            try await client.execute(uri: "/v1/jobs/queues", method: .get) {
                let queues = try jsonObject($0)["queues"] as? [[String: Any]]
                #expect(queues?.contains { $0["queue"] as? String == "parked" } == true)
            }
            try await client.execute(uri: "/v1/jobs/workers", method: .get) {
                let workers = try jsonObject($0)["workers"] as? [[String: Any]]
                #expect(workers?.count == 1)
            }
            try await client.execute(uri: "/v1/jobs/kinds", method: .get) {
                let kinds = try jsonObject($0)["kinds"] as? [[String: Any]]
                #expect(kinds?.first?["name"] as? String == "demo.sleep")
            }
            try await client.execute(uri: "/v1/jobs/activity?minutes=0", method: .get) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(uri: "/v1/jobs/activity", method: .get) {
                let object = try jsonObject($0)
                #expect((object["activity"] as? [Any])?.isEmpty == false)
            }
            try await client.execute(
                uri: "/v1/jobs/bulk",
                method: .post,
                headers: Self.auth,
                body: .init(
                    string:
                        #"{"jobs":[{"kind":"demo.sleep","payload":{"durationMs":0,"failureRate":0},"queue":"parked"},{"kind":"demo.sleep","payload":{}}]}"#
                )
            ) {
                #expect($0.status == .badRequest)
                let object = try problem($0)
                #expect((object["detail"] as? String)?.hasPrefix("job 1:") == true)
            }
            try await client.execute(uri: "/v1/jobs?queue=parked&state=pending", method: .get, headers: Self.auth) {
                let object = try jsonObject($0)
                #expect((object["jobs"] as? [Any])?.isEmpty == true, "a refused bulk stores nothing")
            }
        }
    }

    @Test("the API document describes exactly the routes under /v1/jobs, in both directions")
    func documentMatchesRoutes() async throws {
        let context = try await SystemContext.forTesting(JobsSystem.self, flags: ["jobs.store": "memory"])
        let system = try await JobsSystem(context: context)
        let router = Router(context: MasteryRequestContext.self)
        system.addRoutes(to: SystemRoutes(descriptor: JobsSystem.descriptor, router: router))
        let check = OpenAPIRouteCheck(document: try #require(system.apiDocument), router: router, prefix: "/v1/jobs")
        #expect(check.matches, "\(check)")
    }

    @Test(
        "the document, alone and merged, passes openapi-spec-validator as OpenAPI 3.1",
        .enabled(
            if: TestServers.shouldRun(tools: OpenAPISpecValidator.toolName),
            "needs openapi-spec-validator: run scripts/test"
        )
    )
    func documentValidates() async throws {
        let (alone, merged) = try await OpenAPISpecValidator.validate(JobsOpenAPI.document, of: JobsSystem.descriptor)
        #expect(alone.isValid, "\(alone.output)")
        #expect(merged.isValid, "\(merged.output)")
    }
}
