import Foundation
import Jobs
import Platform
import TestSupport
import Testing

@Suite("Jobs on a real mastery serve: the command line and the hostile battery")
struct JobsCommandTests {
    @Test("mastery jobs enqueue|list|show|cancel|queues|pause|resume|limit|workers|demo|dead, with exit statuses")
    func commandLine() async throws {
        try await ServeProcess.withRunning(environment: ["MASTERY_JOBS_STORE": "memory"]) { server in
            let folder = URL(fileURLWithPath: server.dataDirectory)
            let base = ["--server", "http://127.0.0.1:\(server.port)"]
            let admin = base + ["--admin-token", try server.adminToken()]
            func mastery(_ arguments: [String]) async throws -> MasteryCommand.Result {
                try await MasteryCommand.run(["jobs"] + arguments, in: folder, unsetting: ["MASTERY_ADMIN_TOKEN"])
            }
            // The queue `parked` has no worker: its jobs stay where the commands put them.
            var result = try await mastery(
                [
                    "enqueue", "demo.sleep", "--payload", #"{"durationMs":0,"failureRate":0}"#, "--queue", "parked",
                    "--unique-key", "once",
                ] + admin
            )
            #expect(result.status == .exited(0), "\(result.standardError)")
            let id = try #require(
                result.standardOutput.split(separator: " ").last.flatMap {
                    Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
                }
            )
            result = try await mastery(
                [
                    "enqueue", "demo.sleep", "--payload", #"{"durationMs":0,"failureRate":0}"#, "--queue", "parked",
                    "--unique-key", "once",
                ] + admin
            )
            #expect(result.standardOutput.contains("duplicate of job \(id)"))
            result = try await mastery(["enqueue", "demo.sleep", "--payload", "{", "--queue", "parked"] + admin)
            #expect(result.status == .exited(65) && result.standardError.hasPrefix("error:"))
            result = try await mastery(["enqueue", "demo.sleep", "--payload", #"{"durationMs":"slow"}"#] + admin)
            #expect(result.status == .exited(65), "\(result.standardError)")
            result = try await mastery(["enqueue", "no.such.type", "--payload", "{}"] + admin)
            #expect(result.status == .exited(66))
            result = try await mastery(["enqueue", "demo.sleep", "--payload", "{}"] + base)
            #expect(result.status == .exited(77), "no token: \(result.standardError)")
            result = try await mastery(["list", "--queue", "parked"] + admin)
            #expect(result.status == .exited(0) && result.standardOutput.contains("demo.sleep"))
            result = try await mastery(["list"] + base)
            #expect(result.status == .exited(77), "reading jobs needs the token")
            result = try await mastery(["show", String(id), "--json"] + admin)
            let shown = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
            #expect((shown?["job"] as? [String: Any])?["state"] as? String == "pending")
            result = try await mastery(["show", "424242"] + admin)
            #expect(result.status == .exited(66))
            result = try await mastery(["cancel", String(id)] + admin)
            #expect(result.standardOutput.contains("cancelled"), "\(result.standardOutput)")
            result = try await mastery(["pause", "demo"] + admin)
            #expect(result.standardOutput.contains("demo: paused"))
            result = try await mastery(["limit", "demo", "3"] + admin)
            #expect(result.standardOutput.contains("limit 3"))
            result = try await mastery(["limit", "demo", "zero"] + admin)
            #expect(result.status == .exited(64))
            result = try await mastery(["resume", "demo"] + admin)
            #expect(result.standardOutput.contains("demo: running"))
            result = try await mastery(["demo", "--count", "2", "--duration-ms", "0", "--poison"] + admin)
            #expect(result.standardOutput.contains("enqueued 2 demo jobs"))
            result = try await mastery(["queues"] + base)
            #expect(result.status == .exited(0) && result.standardOutput.contains("parked"))
            result = try await mastery(["workers"] + base)
            #expect(result.status == .exited(0) && result.standardOutput.contains("default,demo"))
            // The two poison jobs reach the dead-letter queue (bounded wait).
            var dead = 0
            for _ in 0..<200 where dead < 2 {
                result = try await mastery(["dead", "list", "--json"] + admin)
                let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
                dead = (object?["jobs"] as? [Any])?.count ?? 0
                if dead < 2 { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(dead == 2)
            result = try await mastery(["dead", "replay"] + admin)
            #expect(result.status == .exited(64), "a replay needs IDs or a filter")
            result = try await mastery(["dead", "purge", "--all"] + admin)
            #expect(result.standardOutput.contains("purged 2 jobs"), "\(result.standardOutput)")
            result = try await mastery(["queues"] + ["--server", "http://127.0.0.1:1"])
            #expect(result.status == .exited(69))
        }
    }

    @Test("the hostile battery against the jobs routes on a real mastery serve")
    func hostileBattery() async throws {
        try await ServeProcess.withRunning(environment: [
            "MASTERY_JOBS_STORE": "memory", "MASTERY_JOBS_WORKER": "false",
        ]) { server in
            let enqueue = #"{"kind":"demo.sleep","payload":{"durationMs":0,"failureRate":0},"queue":"battery"}"#
            let battery = HostileBattery(
                routes: [
                    .init("POST", "/v1/jobs", body: enqueue),
                    .init("POST", "/v1/jobs/bulk", body: #"{"jobs":[\#(enqueue)]}"#),
                    .init("POST", "/v1/jobs/1/cancel", parameterized: "/v1/jobs/{}/cancel"),
                    .init("GET", "/v1/jobs/queues"),
                    .init(
                        "PUT",
                        "/v1/jobs/queues/battery",
                        body: #"{"paused":false}"#,
                        parameterized: "/v1/jobs/queues/{}"
                    ),
                    .init("POST", "/v1/jobs/dead/replay", body: #"{"ids":[1]}"#),
                    .init("POST", "/v1/jobs/dead/purge", body: #"{"ids":[1]}"#),
                    .init("POST", "/v1/jobs/demo", body: #"{"count":1,"durationMs":0}"#),
                    .init("GET", "/v1/jobs/workers"),
                    .init("GET", "/v1/jobs/activity?minutes=5"),
                    .init("GET", "/v1/jobs/kinds"),
                ],
                statePaths: ["/v1/jobs/queues"],
                limits: [
                    .init(
                        "bulk over 1,000 jobs",
                        "POST",
                        "/v1/jobs/bulk",
                        body: #"{"jobs":[\#(Array(repeating: enqueue, count: 1_001).joined(separator: ","))]}"#,
                        expectedStatus: 400
                    ),
                    .init(
                        "demo count over 1,000",
                        "POST",
                        "/v1/jobs/demo",
                        body: #"{"count":1001}"#,
                        expectedStatus: 400
                    ),
                    .init("list limit over 1,000", "GET", "/v1/jobs/dead?limit=1001", expectedStatus: 400),
                    .init(
                        "a priority out of range",
                        "POST",
                        "/v1/jobs",
                        body: #"{"kind":"demo.sleep","payload":{"durationMs":0,"failureRate":0},"priority":101}"#,
                        expectedStatus: 400
                    ),
                    .init(
                        "a delay beyond a year",
                        "POST",
                        "/v1/jobs",
                        body: #"{"kind":"demo.sleep","payload":{"durationMs":0,"failureRate":0},"delaySeconds":1e12}"#,
                        expectedStatus: 400
                    ),
                ]
            )
            let findings = try await battery.run(against: server)
            #expect(findings.isEmpty, "\(findings.joined(separator: "\n"))")
        }
    }
}
