public import Logging

extension PostgresPoolConnectionFactory {
    /// Creates the factory from a URL (its `sslmode` means what it means to ``PostgresURL``).
    /// - Parameters:
    ///   - url: Where to connect.
    ///   - applicationName: What `pg_stat_activity.application_name` shows for the connections.
    ///   - logger: Receives PostgresNIO's connection events.
    /// - Throws: When the TLS context cannot be built.
    public init(url: PostgresURL, applicationName: String, logger: Logger) throws {
        self.init(configuration: try url.connectionConfiguration(), applicationName: applicationName, logger: logger)
    }
}
