import GRDB
import HTTPTypes
import Hummingbird
import Logging
import Platform
import PostgresNIO
import Storage
import StorageSchema

/// The cache's demo: a products API on the server's store (PostgreSQL when the server has a PostgreSQL tier, so
/// every instance reads and writes the same rows; else the embedded SQLite database), served through
/// ``ResponseCacheMiddleware``. `GET /v1/cache/demo/products/{id}` is cacheable for a minute (tags `product:{id}`
/// and `products`, a strong `ETag` from the row's version); `PUT` (admin token) writes the row and invalidates its
/// tag on every instance.
struct CacheDemoProducts: Sendable {
    /// Where the rows live.
    enum Backend: Sendable {
        case sqlite(SQLiteStorage)
        case postgres(PostgresPool)
    }

    /// The demo table on the PostgreSQL tier.
    static let postgresMigrations = SchemaMigrations(
        system: "cache",
        [
            Migration(
                version: 1,
                name: "create cache_demo_products",
                postgres: """
                    CREATE TABLE cache_demo_products (
                        id bigint PRIMARY KEY, name text NOT NULL, price_cents bigint NOT NULL,
                        version bigint NOT NULL)
                    """,
                sqlite: ""
            )
        ]
    )

    /// The demo table, in the embedded SQLite database.
    static let migrations = SchemaMigrations(
        system: "cache",
        [
            Migration(
                version: 1,
                name: "create cache_demo_products",
                postgres: "",
                sqlite: """
                    CREATE TABLE cache_demo_products (
                        id INTEGER PRIMARY KEY NOT NULL, name TEXT NOT NULL, price_cents INTEGER NOT NULL,
                        version INTEGER NOT NULL)
                    """
            )
        ]
    )

    /// A product as the API shows it.
    struct Product: Codable, Sendable {
        var id: Int
        var name: String
        var priceCents: Int
        var version: Int
    }

    /// The body of a `PUT`.
    struct Update: Decodable {
        var name: String
        var priceCents: Int
    }

    let backend: Backend
    let cache: ResponseCache
    /// The `max-age` of a product, in seconds.
    var maxAge = 60
    /// How long a `GET` waits between reading the product and answering (`cache.demo.originDelay`).
    var originDelay: Duration = .zero
    static let logger = Logger(label: "mastery.cache.demo")

    func product(_ id: Int) async throws -> Product? {
        switch backend {
        case .sqlite(let storage): return try await Self.product(id, in: storage)
        case .postgres(let pool):
            let rows = try await pool.query(
                "SELECT id, name, price_cents, version FROM cache_demo_products WHERE id = \(Int64(id))",
                logger: Self.logger
            )
            return try Self.products(rows).first
        }
    }

    func write(_ id: Int, _ update: Update) async throws -> Product {
        switch backend {
        case .sqlite(let storage): return try await Self.write(id, update, in: storage)
        case .postgres(let pool):
            let rows = try await pool.query(
                """
                INSERT INTO cache_demo_products (id, name, price_cents, version)
                VALUES (\(Int64(id)), \(update.name), \(Int64(update.priceCents)), 1)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, price_cents = excluded.price_cents,
                    version = cache_demo_products.version + 1
                RETURNING id, name, price_cents, version
                """,
                logger: Self.logger
            )
            guard let product = try Self.products(rows).first else {
                throw ProblemDetails.notFound("The product was not written.")
            }
            return product
        }
    }

    /// The products of PostgreSQL rows.
    static func products(_ rows: [PostgresRow]) throws -> [Product] {
        try rows.map { row in
            let (id, name, price, version) = try row.decode((Int64, String, Int64, Int64).self)
            return Product(id: Int(id), name: name, priceCents: Int(price), version: Int(version))
        }
    }

    static func product(_ id: Int, in storage: SQLiteStorage) async throws -> Product? {
        try await storage.pool.read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT id, name, price_cents, version FROM cache_demo_products WHERE id = ?",
                arguments: [id]
            ).map { Product(id: $0["id"], name: $0["name"], priceCents: $0["price_cents"], version: $0["version"]) }
        }
    }

    static func write(_ id: Int, _ update: Update, in storage: SQLiteStorage) async throws -> Product {
        try await storage.pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO cache_demo_products (id, name, price_cents, version) VALUES (?, ?, ?, 1)
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, price_cents = excluded.price_cents,
                        version = version + 1
                    """,
                arguments: [id, update.name, update.priceCents]
            )
            let row = try Row.fetchOne(
                db,
                sql: "SELECT id, name, price_cents, version FROM cache_demo_products WHERE id = ?",
                arguments: [id]
            )!
            return Product(id: row["id"], name: row["name"], priceCents: row["price_cents"], version: row["version"])
        }
    }

    static func id(_ context: some RequestContext) throws -> Int {
        guard let id = context.parameters.get("id", as: Int.self), (1...1_000_000_000).contains(id) else {
            throw ProblemDetails.invalidParameter("id must be an integer from 1 to 1000000000.")
        }
        return id
    }

    /// Adds `GET` (through the cache) and `PUT` under `products/{id}` of `group`.
    func addRoutes(to group: RouterGroup<MasteryRequestContext>) {
        let cached = group.group("products").add(
            middleware: ResponseCacheMiddleware<MasteryRequestContext>(cache: cache)
        )
        let read: @Sendable (Request, MasteryRequestContext) async throws -> Response = { _, context in
            let id = try Self.id(context)
            guard let product = try await self.product(id) else {
                throw ProblemDetails.notFound("No product \(id): PUT one first.")
            }
            if self.originDelay > .zero { try await Task.sleep(for: self.originDelay) }
            var response = try Response.json(product)
            response.headers[.cacheControl] =
                "public, max-age=\(self.maxAge), stale-while-revalidate=30, stale-if-error=600"
            response.headers[.eTag] = "\"\(product.id)-\(product.version)\""
            response.headers[HTTPField.Name("Surrogate-Key")!] = "product:\(product.id) products"
            return response
        }
        cached.get("{id}", use: read)
        // Hummingbird routes HEAD only where a HEAD route exists; the middleware answers it from the GET's entry.
        cached.head("{id}", use: read)
        group.put("products/{id}") { request, context in
            let id = try Self.id(context)
            let update = try await request.decodeJSON(as: Update.self, context: context)
            guard (1...200).contains(update.name.count), (0...1_000_000_000).contains(update.priceCents) else {
                throw ProblemDetails.badRequest("name must be 1 to 200 characters and priceCents 0 to 1000000000.")
            }
            let product = try await write(id, update)
            // The write is committed: every instance drops what it holds of this product.
            try? await cache.invalidate(tag: "product:\(id)")
            return try Response.json(product)
        }
    }
}
