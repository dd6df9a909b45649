import Hummingbird
import Platform
import Storage

/// A system that exists only in tests: it exercises mounting, JSON bodies, parameters and migrations.
struct EchoSystem: MasterySystem {
    static let descriptor = SystemDescriptor(
        number: 99, name: "Echo", module: "Echo", slug: "echo", summary: "test system", anchors: "none"
    )

    struct Greeting: Codable, Sendable {
        var name: String
        var count: Int
    }

    init(context: SystemContext) async throws {}

    var migrations: SchemaMigrations? {
        SchemaMigrations(
            system: "echo",
            [Migration(version: 1, name: "create_echoes", sql: "CREATE TABLE echo_messages (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")]
        )
    }

    func addRoutes(to router: Router<MasteryRequestContext>) {
        router.post("/v1/echo") { request, context in
            let greeting = try await request.decodeJSON(as: Greeting.self, context: context)
            return "\(greeting.name) x\(greeting.count)"
        }
        router.get("/v1/echo/{id}") { _, context in
            let text = try context.parameters.require("id")
            guard let id = Int(text), id > 0 else {
                throw ProblemDetails.invalidParameter("id must be a positive integer, not \(text.prefix(40)).")
            }
            return "echo \(id)"
        }
        router.delete("/v1/echo/{id}") { _, _ in Response(status: .noContent) }
        router.get("/v1/echo/crash") { _, _ -> String in
            struct Unexpected: Error {}
            throw Unexpected()
        }
    }
}
