import Logging
import Storage
import Testing

@Suite struct PostgresURLTests {
    @Test("parses the full form")
    func fullForm() throws {
        let url = try PostgresURL("postgresql://app:s%40cret@db.example.com:6543/mastery?sslmode=require")
        #expect(url.username == "app")
        #expect(url.password == "s@cret")
        #expect(url.host == "db.example.com")
        #expect(url.port == 6543)
        #expect(url.database == "mastery")
        #expect(url.sslMode == .require)
        #expect(url.redacted == "postgres://app:***@db.example.com:6543/mastery?sslmode=require")
    }

    @Test("applies the defaults: port 5432, database = user, sslmode prefer")
    func defaults() throws {
        let url = try PostgresURL("postgres://mastery@localhost")
        #expect(url.port == 5432)
        #expect(url.database == "mastery")
        #expect(url.password == nil)
        #expect(url.sslMode == .prefer)
        #expect(url.redacted == "postgres://mastery@localhost:5432/mastery")
        #expect(try PostgresURL("postgres://u@h/").database == "u")
        #expect(try PostgresURL("POSTGRES://u@h:1/d?sslmode=disable").sslMode == .disable)
        #expect(try PostgresURL("postgres://u@h:1/d?sslmode=verify-full").sslMode == .verifyFull)
    }

    @Test("accepts an IPv6 host in brackets")
    func ipv6() throws {
        let url = try PostgresURL("postgres://u:p@[::1]:5433/d")
        #expect(url.host == "::1")
        #expect(url.port == 5433)
        #expect(url.redacted == "postgres://u:***@[::1]:5433/d")
    }

    @Test("round-trips through the unredacted form")
    func roundTrip() throws {
        let url = try PostgresURL("postgres://a%20b:p%2Fw%3Ad%40@h:1/d%20b?sslmode=disable")
        #expect(url.password == "p/w:d@")
        #expect(try PostgresURL(url.unredacted) == url)
    }

    @Test(
        "rejects bad URLs with an error naming the part",
        arguments: [
            ("mysql://u:hunter2@h/d", "scheme"),
            ("postgres//u:hunter2@h/d", "expected postgres://"),
            ("postgres://h/d", "user"),
            ("postgres://:hunter2@h/d", "user"),
            ("postgres://u:hunter2@/d", "host"),
            ("postgres://u:hunter2@h:0/d", "port"),
            ("postgres://u:hunter2@h:99999/d", "port"),
            ("postgres://u:hunter2@h:abc/d", "port"),
            ("postgres://u:hunter2@[::1/d", "host"),
            ("postgres://u:hunter2@h/d/e", "database"),
            ("postgres://u:hunter2@h/d?sslmode=verify-ca", "sslmode"),
            ("postgres://u:hunter2@h/d?sslmode=disable&sslmode=require", "sslmode"),
            ("postgres://u:hunter2@h/d?connect_timeout=5", "\"connect_timeout\""),
            ("postgres://u:hunter2@h/d?password=hunter2", "\"password\""),
            ("postgres://u:hunter2%zz@h/d", "password"),
            ("postgres://u:hunter2@h/d#frag", "fragment"),
        ]
    )
    func rejects(url: String, part: String) throws {
        let error = try #require(throws: StorageError.self) { try PostgresURL(url) }
        #expect(error.code == .invalidURL)
        #expect(error.description.contains(part), "\(error)")
        #expect(!error.description.contains("hunter2"))
        #expect(!String(reflecting: error).contains("hunter2"))
    }

    @Test("no description shows the password")
    func neverShowsPassword() throws {
        let url = try PostgresURL("postgres://app:hunter2@db:5432/mastery")
        let database = try PostgresStorage(
            url: "postgres://app:hunter2@db:5432/mastery",
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        var dumped = ""
        dump(url, to: &dumped)
        for text in [
            url.description, String(reflecting: url), "\(url)", dumped, database.description, "\(database)",
        ] {
            #expect(!text.contains("hunter2"), "\(text)")
        }
        #expect(database.description == "PostgresStorage(postgres://app:***@db:5432/mastery)")
    }
}
