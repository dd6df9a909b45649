import Hummingbird
import Platform
import Redis
import Storage

/// A system that exists only in tests: it exercises mounting, JSON bodies, parameters and migrations.
struct EchoSystem: MasterySystem {
    static let descriptor = SystemDescriptor(
        number: 99,
        name: "Echo",
        module: "Echo",
        slug: "echo",
        summary: "test system",
        anchors: "none"
    )

    struct Greeting: Codable, Sendable {
        var name: String
        var count: Int
    }

    let redis: RedisClient?

    init(context: SystemContext) async throws {
        redis = context.resources[RedisClient.self]
    }

    static var migrations: SystemMigrations {
        let echoes = SchemaMigrations(
            system: "echo",
            [
                Migration(
                    version: 1,
                    name: "create_echoes",
                    sql: "CREATE TABLE echo_messages (id INTEGER PRIMARY KEY, text TEXT NOT NULL)"
                )
            ]
        )
        return SystemMigrations(sqlite: echoes, postgres: echoes)
    }

    func addRoutes(to routes: SystemRoutes) {
        routes.api.post { request, context in
            let greeting = try await request.decodeJSON(as: Greeting.self, context: context)
            return "\(greeting.name) x\(greeting.count)"
        }
        routes.api.get("{id}") { _, context in
            let text = try context.parameters.require("id")
            guard let id = Int(text), id > 0 else {
                throw ProblemDetails.invalidParameter("id must be a positive integer, not \(text.prefix(40)).")
            }
            return "echo \(id)"
        }
        // Counts hits in the shared Redis tier through the server's pool (a test-only GET that writes).
        routes.api.get("hits/{name}") { [redis] _, context in
            guard let redis else { throw ProblemDetails.invalidParameter("no Redis tier is configured") }
            let name = try context.parameters.require("name")
            return "\(try await redis.increment("echo:hits:\(name)"))"
        }
        routes.api.delete("{id}") { _, _ in Response(status: .noContent) }
        routes.api.get("crash") { _, _ -> String in
            struct Unexpected: Error {}
            throw Unexpected()
        }
    }
}
