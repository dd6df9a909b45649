import ArgumentParser
import CLIKit
import Configuration
import Foundation
import Logging
import MasteryServer
import Metrics
import Platform
import Tracing

/// `mastery serve`: runs the server. Every option is also a `MASTERY_*` environment variable and a key of the
/// JSON file given with `--config`; the command line wins over the environment, which wins over the file.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Mastery server (HTTP API, dashboard, /health, /ready, /metrics).",
        discussion: """
            Precedence: command line > environment (MASTERY_*) > JSON file (--config / MASTERY_CONFIG).
            A value that is present but invalid stops the server before it starts, naming the key.
            Keys (file key = flag = environment variable):
            \(MasteryConfiguration.keys.map { "  \($0.name) = \($0.names.flag) = \($0.names.environment)" }.joined(separator: "\n"))
            """
    )

    @Option(name: .customLong("config"), help: "A JSON configuration file (env: MASTERY_CONFIG).")
    var config: String?
    @Option(help: help("host")) var host: String?
    @Option(help: help("port")) var port: String?
    @Option(name: .customLong("data-dir"), help: help("dataDir")) var dataDir: String?
    @Option(name: .customLong("progress-file"), help: help("progressFile")) var progressFile: String?
    @Option(name: .customLong("postgres-url"), help: help("postgresURL")) var postgresURL: String?
    @Option(name: .customLong("redis-url"), help: help("redisURL")) var redisURL: String?
    @Option(name: .customLong("redis-sentinels"), help: help("redisSentinels")) var redisSentinels: String?
    @Option(name: .customLong("redis-sentinel-primary"), help: help("redisSentinelPrimary")) var redisSentinelPrimary:
        String?
    @Option(name: .customLong("redis-sentinel-password"), help: help("redisSentinelPassword"))
    var redisSentinelPassword: String?
    @Option(name: .customLong("redis-max-connections"), help: help("redisMaxConnections")) var redisMaxConnections:
        String?
    @Option(name: .customLong("redis-command-timeout"), help: help("redisCommandTimeout")) var redisCommandTimeout:
        String?
    @Option(name: .customLong("allowed-hosts"), help: help("allowedHosts")) var allowedHosts: String?
    @Option(name: .customLong("allowed-origins"), help: help("allowedOrigins")) var allowedOrigins: String?
    @Option(name: .customLong("admin-token"), help: help("adminToken")) var adminToken: String?
    @Option(name: .customLong("log-level"), help: help("logLevel")) var logLevel: String?
    @Option(name: .customLong("log-format"), help: help("logFormat")) var logFormat: String?
    @Option(name: .customLong("max-body-size"), help: help("maxBodySize")) var maxBodySize: String?
    @Option(name: .customLong("idle-timeout"), help: help("idleTimeout")) var idleTimeout: String?
    @Option(name: .customLong("request-head-timeout"), help: help("requestHeadTimeout")) var requestHeadTimeout: String?
    @Option(name: .customLong("max-connections"), help: help("maxConnections")) var maxConnections: String?
    @Option(name: .customLong("shutdown-grace-period"), help: help("shutdownGracePeriod")) var shutdownGracePeriod:
        String?
    @Option(name: .customLong("drain-delay"), help: help("drainDelay")) var drainDelay: String?

    static func help(_ key: String) -> ArgumentHelp {
        let entry = MasteryConfiguration.keys.first { $0.name == key }!
        return ArgumentHelp(
            "\(entry.help) (env: \(entry.names.environment))",
            valueName: entry.isSecret ? "secret" : nil
        )
    }

    var commandLineValues: [String: String] {
        let pairs: [(String, String?)] = [
            ("host", host), ("port", port), ("dataDir", dataDir), ("progressFile", progressFile),
            ("postgresURL", postgresURL), ("redisURL", redisURL),
            ("adminToken", adminToken), ("logLevel", logLevel), ("logFormat", logFormat), ("maxBodySize", maxBodySize),
            ("idleTimeout", idleTimeout), ("requestHeadTimeout", requestHeadTimeout),
            ("maxConnections", maxConnections),
            ("shutdownGracePeriod", shutdownGracePeriod), ("drainDelay", drainDelay),
            ("redisSentinels", redisSentinels), ("redisSentinelPrimary", redisSentinelPrimary),
            ("redisSentinelPassword", redisSentinelPassword), ("redisMaxConnections", redisMaxConnections),
            ("redisCommandTimeout", redisCommandTimeout), ("allowedHosts", allowedHosts),
            ("allowedOrigins", allowedOrigins),
        ]
        return Dictionary(uniqueKeysWithValues: pairs.compactMap { key, value in value.map { (key, $0) } })
    }

    func run() async throws {
        let reader: ConfigReader
        let configuration: MasteryConfiguration
        do {
            reader = try await ConfigurationSources.makeReader(commandLine: commandLineValues, configFile: config)
            configuration = try MasteryConfiguration(reader: reader)
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("mastery serve: \(error)\n".utf8))
            throw ExitCode(78)  // EX_CONFIG
        }
        let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
        LoggingBootstrap.bootstrap(level: level, format: configuration.logFormat)
        let tracer = TraceContextTracer()
        InstrumentationSystem.bootstrap(tracer)
        var logger = Logger(label: "mastery")
        logger.logLevel = level
        let metrics = MetricsRegistry()
        MetricsSystem.bootstrap(metrics.factory)
        let server = MasteryServer(
            configuration: configuration,
            reader: reader,
            systems: systems.map { $0.system },
            metrics: metrics,
            tracer: tracer,
            logger: logger
        )
        do {
            try await server.run()
        } catch let error as ConfigurationError {
            logger.critical("Invalid configuration", metadata: ["error": "\(error)"])
            throw ExitCode(78)
        } catch {
            logger.critical("Server failed", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
    }
}
