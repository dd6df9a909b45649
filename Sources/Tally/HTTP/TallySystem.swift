public import Hummingbird
public import Platform
import Storage
public import StorageSchema

/// The tally, mounted in `mastery serve`: `GET /v1/tally/{name}` reads a counter and
/// `POST /v1/tally/{name}/increment` (admin token; body `{"by": n}`, optional) adds to it.
public struct TallySystem: MasterySystem {
    /// Not on the roadmap: the worked example of docs/adding-a-system.md.
    public static let descriptor = SystemDescriptor(
        number: 99,
        name: "Tally",
        module: "Tally",
        slug: "tally",
        summary: "named counters: the worked example of adding a system",
        anchors: "none"
    )

    /// The counters' table lives in the embedded SQLite database.
    public static var migrations: SystemMigrations { SystemMigrations(sqlite: TallyStore.migrations) }

    let store: TallyStore

    /// Builds the store on the server's SQLite database.
    public init(context: SystemContext) async throws {
        store = TallyStore(storage: try context.resources.require(SQLiteStorage.self))
    }

    /// The body of an increment.
    struct Increment: Decodable {
        var by: Int?
    }

    /// Adds the API under the group it is given (`/v1/tally`): paths here never spell the prefix.
    public func addRoutes(to routes: SystemRoutes) {
        routes.api.get("{name}") { [store] _, context in
            let name = try context.parameters.require("name")
            return try Response.json(TallyCounter(name: name, value: try await store.value(of: name)))
        }
        routes.api.post("{name}/increment") { [store] request, context in
            let name = try context.parameters.require("name")
            let amount = try await request.decodeJSON(as: Increment.self, context: context).by ?? 1
            return try Response.json(TallyCounter(name: name, value: try await store.increment(name, by: amount)))
        }
    }
}
