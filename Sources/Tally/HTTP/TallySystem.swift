import Dashboard
public import Hummingbird
public import OpenAPIKit
public import Platform
import Storage
public import StorageSchema

/// The tally, mounted in `mastery serve`: `GET /v1/tally` lists the counters (`?after=&limit=`),
/// `GET /v1/tally/{name}` reads one, `POST /v1/tally/{name}/increment` (admin token; body `{"by": n}`, optional)
/// adds to it, and the page `/systems/tally` shows them.
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
    let page: TallyPage

    /// The API's document (``TallyOpenAPI``), merged into `GET /v1/openapi.json` and `/docs`.
    public var apiDocument: OpenAPI.Document? { TallyOpenAPI.document }

    /// Builds the store on the server's SQLite database, and the page on the dashboard's renderer.
    public init(context: SystemContext) async throws {
        store = TallyStore(storage: try context.resources.require(SQLiteStorage.self))
        let credentials =
            try context.credentials
            ?? AdminCredentials.load(configured: context.server.adminToken, dataDirectory: context.server.dataDirectory)
        page = TallyPage(
            renderer: try DashboardRenderer(credentials: credentials, templates: TallyPage.templates),
            store: store
        )
    }

    /// The body of an increment.
    struct Increment: Decodable {
        var by: Int?
    }

    /// Adds the API under the group it is given (`/v1/tally`): paths here never spell the prefix.
    public func addRoutes(to routes: SystemRoutes) {
        routes.api.get { [store] request, _ in
            let after = request.uri.queryParameters.get("after")
            let limit = try request.uri.queryParameters.get("limit").map { text in
                guard let limit = Int(text) else { throw ProblemDetails.invalidParameter("limit must be an integer.") }
                return limit
            }
            return try Response.json(["counters": try await store.counters(after: after, limit: limit ?? 100)])
        }
        routes.api.get("{name}") { [store] _, context in
            let name = try context.parameters.require("name")
            return try Response.json(TallyCounter(name: name, value: try await store.value(of: name)))
        }
        routes.api.post("{name}/increment") { [store] request, context in
            let name = try context.parameters.require("name")
            let amount = try await request.decodeJSON(as: Increment.self, context: context).by ?? 1
            return try Response.json(TallyCounter(name: name, value: try await store.increment(name, by: amount)))
        }
        page.addRoutes(to: routes)
    }
}
