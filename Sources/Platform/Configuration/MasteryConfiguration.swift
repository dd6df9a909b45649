/// Everything `mastery serve` needs to start: where to listen, where state lives, which shared tiers are on.
///
/// Read it from flags, the environment and a JSON file with ``init(reader:)``; every key is documented there.
public struct MasteryConfiguration: Sendable {
    /// The log output format.
    public enum LogFormat: String, Sendable, CaseIterable {
        /// JSON lines when standard error is not a terminal, human-readable text when it is.
        case auto
        /// One JSON object per line.
        case json
        /// Human-readable text.
        case text
    }

    /// The address to listen on. Without an admin token only loopback addresses are allowed.
    public var host: String = "127.0.0.1"
    /// The TCP port (0 picks a free one).
    public var port: Int = 8080
    /// The folder for embedded state (the SQLite database, the generated admin token).
    public var dataDirectory: String = ".mastery"
    /// The progress file (`PROGRESS.md`) the progress tracker reads and updates. When `nil`, `./PROGRESS.md` if it
    /// exists, else `<dataDirectory>/PROGRESS.md`, created from the template on first start.
    public var progressFile: String? = nil
    /// A PostgreSQL URL that switches the shared PostgreSQL tier on.
    public var postgresURL: String? = nil
    /// A Redis URL that switches the shared Redis tier on.
    public var redisURL: String? = nil
    /// Sentinels (`host:port`) that name the Redis primary; when set, the pool finds the primary through them and
    /// follows failovers (``redisURL``, if set, supplies the credentials, database and TLS, not the address).
    public var redisSentinels: [ServiceAddress] = []
    /// The primary's name in the sentinels' configuration.
    public var redisSentinelPrimary: String = "mymaster"
    /// The sentinels' own password (`requirepass` on the sentinels), distinct from the data password.
    public var redisSentinelPassword: String? = nil
    /// The most connections the Redis pool opens.
    public var redisMaxConnections: Int = 16
    /// How long a Redis command may wait for its reply (and a caller for a free connection).
    public var redisCommandTimeout: Duration = .seconds(5)
    /// Host names the server answers besides IP addresses, `localhost` and the listen host (`.example.com` for a
    /// domain and its subdomains, `*` for any); other `Host` headers get 421 (DNS-rebinding defence).
    public var allowedHosts: [String] = []
    /// Origins (`https://admin.example.com`) that may change state with a dashboard session, besides those
    /// derived from loopback, the listen host and ``allowedHosts``.
    public var allowedOrigins: [String] = []
    /// The bearer token that authorises state-changing requests.
    public var adminToken: String? = nil
    /// The minimum log level.
    public var logLevel: String = "info"
    /// The log format.
    public var logFormat: LogFormat = .auto
    /// The largest request body accepted, in bytes.
    public var maxBodySize: Int = 1 << 20
    /// How long a client may pause while sending a request's body before the connection is closed. Between
    /// requests (an idle keep-alive connection) ``requestHeadTimeout`` applies.
    public var idleTimeout: Duration = .seconds(60)
    /// How long a client may take to send a complete request head before the connection is closed.
    public var requestHeadTimeout: Duration = .seconds(10)
    /// The most connections served at once; further clients wait in the listen backlog.
    public var maxConnections: Int = 1024
    /// How long in-flight requests and background services may take to finish after SIGTERM/SIGINT.
    public var shutdownGracePeriod: Duration = .seconds(30)
    /// How long `/ready` answers 503 after SIGTERM/SIGINT before the listener closes, so load balancers drain.
    public var drainDelay: Duration = .zero

    /// Creates a configuration with every default.
    public init() {}

    /// Whether ``host`` is a loopback address (`127.0.0.0/8`, `::1`, `localhost`).
    public var isLoopback: Bool {
        let host = self.host.trimmingPrefix("[").split(separator: "]").first.map(String.init) ?? self.host
        return host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
