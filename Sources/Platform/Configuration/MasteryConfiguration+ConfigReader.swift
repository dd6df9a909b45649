public import Configuration
import Foundation

extension MasteryConfiguration {
    /// A key that `mastery serve` reads, with its documentation for `--help` and the docs.
    public struct Key: Sendable {
        /// The key as written in the JSON configuration file.
        public var name: String
        /// What the key accepts and its default.
        public var help: String
        /// Whether the value is a secret (never logged, never shown).
        public var isSecret: Bool
        /// The flag and environment spellings.
        public var names: ConfigurationKeyNames { ConfigurationKeyNames(name) }
    }

    /// Every key `mastery serve` reads, in the order `--help` lists them.
    public static let keys: [Key] = [
        Key(
            name: "host",
            help: "address to listen on (default 127.0.0.1; non-loopback needs adminToken)",
            isSecret: false
        ),
        Key(name: "port", help: "TCP port, 0-65535, 0 picks a free one (default 8080)", isSecret: false),
        Key(name: "dataDir", help: "folder for embedded state (default ./.mastery)", isSecret: false),
        Key(
            name: "progressFile",
            help: "the progress file to track (default ./PROGRESS.md if present, else <dataDir>/PROGRESS.md)",
            isSecret: false
        ),
        Key(
            name: "postgresURL",
            help: "postgres://user:password@host:port/db: switches the PostgreSQL tier on",
            isSecret: true
        ),
        Key(name: "redisURL", help: "redis://[:password@]host:port[/db]: switches the Redis tier on", isSecret: true),
        Key(
            name: "redisSentinels",
            help: "host:port[,host:port…] of Redis Sentinels: the pool follows failovers",
            isSecret: false
        ),
        Key(
            name: "redisSentinelPrimary",
            help: "the primary's name in the sentinels' configuration (default mymaster)",
            isSecret: false
        ),
        Key(name: "redisSentinelPassword", help: "the sentinels' own password, if they have one", isSecret: true),
        Key(
            name: "redisMaxConnections",
            help: "connections the Redis pool may open, 1-10000 (default 16)",
            isSecret: false
        ),
        Key(
            name: "redisCommandTimeout",
            help: "seconds a Redis command may take, 0.01-3600 (default 5)",
            isSecret: false
        ),
        Key(
            name: "allowedHosts",
            help: "comma-separated host names served besides IPs and localhost (.example.com for subdomains)",
            isSecret: false
        ),
        Key(
            name: "allowedOrigins",
            help: "comma-separated origins (https://name) allowed to change state from the dashboard",
            isSecret: false
        ),
        Key(
            name: "adminToken",
            help: "bearer token for state-changing requests, at least 16 characters",
            isSecret: true
        ),
        Key(
            name: "logLevel",
            help: "trace, debug, info, notice, warning, error or critical (default info)",
            isSecret: false
        ),
        Key(
            name: "logFormat",
            help: "auto, json or text (default auto: JSON lines unless stderr is a terminal)",
            isSecret: false
        ),
        Key(
            name: "maxBodySize",
            help: "largest request body in bytes, 1 to 1073741824 (default 1048576)",
            isSecret: false
        ),
        Key(
            name: "idleTimeout",
            help: "seconds a client may pause while sending a request body, 0.1-3600 (default 60)",
            isSecret: false
        ),
        Key(
            name: "requestHeadTimeout",
            help: "seconds to receive a request head, 0.1-600 (default 10)",
            isSecret: false
        ),
        Key(name: "maxConnections", help: "connections served at once, 1-1000000 (default 1024)", isSecret: false),
        Key(
            name: "shutdownGracePeriod",
            help: "seconds to finish in-flight work on SIGTERM, 0-3600 (default 30)",
            isSecret: false
        ),
        Key(
            name: "drainDelay",
            help: "seconds /ready answers 503 before the listener closes, 0-600 (default 0)",
            isSecret: false
        ),
    ]

    /// Reads the configuration; absent keys take their defaults, present but invalid ones are errors.
    ///
    /// - Configuration keys: see ``keys`` (the JSON file spelling; flags are `--kebab-case`, environment
    ///   variables `MASTERY_SCREAMING_SNAKE_CASE`).
    /// - Throws: ``ConfigurationError`` naming the first invalid key and what it accepts.
    public init(reader: ConfigReader) throws {
        self.init()
        if let host = try reader.validatedString(
            "host",
            expected: "an IP address or host name (letters, digits, '.', '-', ':')",
            validate: Self.isValidHost
        ) {
            self.host = host
        }
        if let port = try reader.validatedInt("port", in: 0...65535) { self.port = port }
        if let dataDirectory = try reader.validatedString(
            "dataDir",
            expected: "a folder path",
            validate: { !$0.isEmpty }
        ) {
            self.dataDirectory = dataDirectory
        }
        self.progressFile = try reader.validatedString(
            "progressFile",
            expected: "a file path",
            validate: { !$0.isEmpty }
        )
        self.postgresURL = try reader.validatedString(
            "postgresURL",
            expected: "a postgres:// or postgresql:// URL",
            isSecret: true,
            validate: { RedactedURL.hasScheme($0, in: ["postgres", "postgresql"]) }
        )
        self.redisURL = try reader.validatedString(
            "redisURL",
            expected: "a redis:// or rediss:// URL",
            isSecret: true,
            validate: { RedactedURL.hasScheme($0, in: ["redis", "rediss"]) }
        )
        if let sentinels = try reader.validatedString(
            "redisSentinels",
            expected: "a comma-separated list of host:port (at most 64), such as 10.0.0.1:26379,10.0.0.2:26379",
            validate: { Self.parseHostPorts($0) != nil }
        ) {
            self.redisSentinels = Self.parseHostPorts(sentinels) ?? []
        }
        if let name = try reader.validatedString(
            "redisSentinelPrimary",
            expected: "a name of 1 to 128 printable ASCII characters without spaces",
            validate: { name in
                (1...128).contains(name.utf8.count) && name.utf8.allSatisfy { (0x21...0x7E).contains($0) }
            }
        ) {
            self.redisSentinelPrimary = name
        }
        self.redisSentinelPassword = try reader.validatedString(
            "redisSentinelPassword",
            expected: "a password of 1 to 512 characters",
            isSecret: true,
            validate: { (1...512).contains($0.utf8.count) }
        )
        if let connections = try reader.validatedInt("redisMaxConnections", in: 1...10_000) {
            self.redisMaxConnections = connections
        }
        if let timeout = try reader.validatedDuration("redisCommandTimeout", in: 0.01...3600) {
            self.redisCommandTimeout = timeout
        }
        if let hosts = try reader.validatedString(
            "allowedHosts",
            expected:
                "a comma-separated list of host names (at most 64), such as mastery.example.com,.internal.example, or *",
            validate: { Self.parseHostList($0) != nil }
        ) {
            self.allowedHosts = Self.parseHostList(hosts) ?? []
        }
        if let origins = try reader.validatedString(
            "allowedOrigins",
            expected: "a comma-separated list of origins (at most 64), such as https://mastery.example.com",
            validate: { Self.parseOriginList($0) != nil }
        ) {
            self.allowedOrigins = Self.parseOriginList(origins) ?? []
        }
        self.adminToken = try reader.validatedString(
            "adminToken",
            expected: "a token of 16 to 512 printable ASCII characters",
            isSecret: true,
            validate: { token in
                (16...512).contains(token.utf8.count) && token.utf8.allSatisfy { (0x21...0x7E).contains($0) }
            }
        )
        if let level = try reader.validatedChoice(
            "logLevel",
            in: ["trace", "debug", "info", "notice", "warning", "error", "critical"]
        ) {
            self.logLevel = level
        }
        if let format = try reader.validatedChoice("logFormat", in: LogFormat.allCases.map(\.rawValue)) {
            self.logFormat = LogFormat(rawValue: format) ?? .auto
        }
        if let size = try reader.validatedInt("maxBodySize", in: 1...(1 << 30)) { self.maxBodySize = size }
        if let timeout = try reader.validatedDuration("idleTimeout", in: 0.1...3600) { self.idleTimeout = timeout }
        if let timeout = try reader.validatedDuration("requestHeadTimeout", in: 0.1...600) {
            self.requestHeadTimeout = timeout
        }
        if let connections = try reader.validatedInt("maxConnections", in: 1...1_000_000) {
            self.maxConnections = connections
        }
        if let grace = try reader.validatedDuration("shutdownGracePeriod", in: 0...3600) {
            self.shutdownGracePeriod = grace
        }
        if let delay = try reader.validatedDuration("drainDelay", in: 0...600) { self.drainDelay = delay }
        guard adminToken != nil || isLoopback else {
            throw ConfigurationError(
                key: "host",
                expected: "a loopback address (127.0.0.1, ::1, localhost)",
                reason: "listening on \(host) needs an admin token (--admin-token or MASTERY_ADMIN_TOKEN)"
            )
        }
    }

    /// `host:port,host:port` (an IPv6 host in brackets) as addresses, or `nil` when any entry is malformed.
    static func parseHostPorts(_ text: String) -> [ServiceAddress]? {
        let entries = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !entries.isEmpty, entries.count <= 64 else { return nil }
        var result: [ServiceAddress] = []
        for entry in entries {
            guard let colon = entry.lastIndex(of: ":"), let port = Int(entry[entry.index(after: colon)...]),
                (1...65535).contains(port)
            else { return nil }
            let host = String(entry[..<colon])
            guard isValidHost(host) else { return nil }
            let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
            result.append(ServiceAddress(host: bare, port: port))
        }
        return result
    }

    /// `name,.domain,*` as entries, or `nil` when any entry is not a host name.
    static func parseHostList(_ text: String) -> [String]? {
        let entries = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !entries.isEmpty, entries.count <= 64 else { return nil }
        for entry in entries where entry != "*" {
            let name = entry.hasPrefix(".") ? String(entry.dropFirst()) : entry
            guard isValidHost(name) else { return nil }
        }
        return entries
    }

    /// `scheme://host[:port],…` as entries, or `nil` when any entry is not an http(s) origin.
    static func parseOriginList(_ text: String) -> [String]? {
        let entries = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !entries.isEmpty, entries.count <= 64 else { return nil }
        for entry in entries {
            guard HostPolicy.normalisedOrigin(entry) != nil else { return nil }
        }
        return entries
    }

    static func isValidHost(_ host: String) -> Bool {
        !host.isEmpty && host.utf8.count <= 253
            && host.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII
                    && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                        || ".-:[]".unicodeScalars.contains(scalar))
            }
    }
}
