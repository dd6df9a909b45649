import Foundation
public import Logging
public import Platform

/// nginx on 127.0.0.1, answering `GET /health` with a fixed body: the peer of `mastery bench http`.
///
/// ``run(configuration:locator:logger:body:)`` writes a configuration into a fresh temporary directory (pid
/// file, error log and temp paths inside it, access log off, no root-owned paths), starts
/// `nginx -p <dir> -e <dir>/error.log -c <dir>/nginx.conf` in the foreground, waits for it to answer, and stops
/// it (`SIGTERM`, then `SIGKILL`) whatever happens. It works as root and as any other user.
public struct NginxPeer: Sendable {
    /// What nginx serves and how.
    public struct Configuration: Hashable, Sendable {
        /// The port on 127.0.0.1.
        public var port: Int
        /// The body of `GET /health` (served as `application/json`): printable ASCII without `$`.
        /// ``body(matching:)`` makes one of the length of a given response.
        public var responseBody: String
        /// nginx's worker processes.
        public var workerProcesses: Int
        /// How long nginx may take to answer after it starts.
        public var startupTimeout: Duration
        /// When set (`127.0.0.1:8080`), every path but `/health` is proxied to this origin through `proxy_cache`
        /// (a cache peer, as a shared cache in front of the same origin as ours; `X-Cache-Status` says hit or miss).
        public var proxyCacheOrigin: String?

        /// Creates a configuration.
        public init(
            port: Int,
            responseBody: String,
            workerProcesses: Int = 2,
            startupTimeout: Duration = .seconds(10),
            proxyCacheOrigin: String? = nil
        ) {
            self.port = port
            self.responseBody = responseBody
            self.workerProcesses = workerProcesses
            self.startupTimeout = startupTimeout
            self.proxyCacheOrigin = proxyCacheOrigin
        }
    }

    /// The URL of the health route, such as `http://127.0.0.1:8081/health`.
    public let url: String
    /// The running nginx master process.
    public let process: ChildProcess

    /// A body nginx can serve with the same byte length as `response`: `response` itself when it is printable
    /// ASCII without `$` (nginx would read `$` as a variable), otherwise a JSON object padded to that length.
    public static func body(matching response: [UInt8]) -> String {
        if response.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "$") }) {
            return String(decoding: response, as: UTF8.self)
        }
        return body(length: response.count)
    }

    /// A JSON-looking body of exactly `length` bytes, such as `{"status":"ok","padding":"xxxx"}`.
    public static func body(length: Int) -> String {
        let prefix = #"{"status":"ok","padding":""#
        let suffix = #""}"#
        guard length >= prefix.utf8.count + suffix.utf8.count else {
            return String(repeating: "x", count: max(0, length))
        }
        return prefix + String(repeating: "x", count: length - prefix.utf8.count - suffix.utf8.count) + suffix
    }

    /// The nginx configuration for `configuration`, with every path inside `directory`.
    /// - Throws: ``BenchmarkError/Code-swift.struct/invalidArgument`` when the body holds a byte nginx cannot
    ///   serve verbatim (a control character, non-ASCII, or `$`).
    public static func configurationFile(_ configuration: Configuration, directory: String) throws -> String {
        let body = configuration.responseBody
        guard body.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "$") }) else {
            throw BenchmarkError(
                code: .invalidArgument,
                message: "nginx can only serve a body of printable ASCII without '$'; use NginxPeer.body(matching:)"
            )
        }
        let quoted = body.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
        return """
            # Written by mastery bench: nginx as a peer, everything inside \(directory).
            daemon off;
            master_process on;
            worker_processes \(configuration.workerProcesses);
            pid \(directory)/nginx.pid;
            error_log \(directory)/error.log warn;

            events {
                worker_connections 4096;
            }

            http {
                access_log off;
                client_body_temp_path \(directory)/client_body;
                proxy_temp_path \(directory)/proxy;
                fastcgi_temp_path \(directory)/fastcgi;
                uwsgi_temp_path \(directory)/uwsgi;
                scgi_temp_path \(directory)/scgi;
                # Keep connections open for the whole run, as our server does.
                keepalive_requests 1000000;
                keepalive_timeout 75s;

                \(configuration.proxyCacheOrigin == nil ? "" : Self.proxyCachePath(directory: directory))
                server {
                    listen 127.0.0.1:\(configuration.port);
                    location = /health {
                        default_type application/json;
                        return 200 '\(quoted)';
                    }
                    \(configuration.proxyCacheOrigin.map { Self.proxyCacheLocation(origin: $0) } ?? "")
                }
            }

            """
    }

    /// The `location /` of the proxy-cache mode: cached by the origin's `Cache-Control`, one fetch per key while
    /// it is fetched (`proxy_cache_lock`), stale entries revalidated with conditional requests
    /// (`proxy_cache_revalidate`), as a shared cache does.
    static func proxyCacheLocation(origin: String) -> String {
        "location / { proxy_pass http://\(origin); proxy_http_version 1.1; proxy_set_header Connection \"\"; "
            + "proxy_cache bench; proxy_cache_lock on; proxy_cache_revalidate on; "
            + "proxy_cache_use_stale error timeout updating; "
            + "add_header X-Cache-Status $upstream_cache_status; }"
    }

    /// The cache zone of the proxy-cache mode, inside `directory`.
    static func proxyCachePath(directory: String) -> String {
        "proxy_cache_path \(directory)/cache levels=1:2 keys_zone=bench:16m max_size=256m inactive=60m use_temp_path=off;"
    }

    /// Starts nginx, waits until it answers `/health` with 200, runs `body`, and stops nginx whatever happens.
    /// - Throws: ``BenchmarkError/Code-swift.struct/toolMissing`` ("nginx is not installed: apt-get install
    ///   nginx"), ``BenchmarkError/Code-swift.struct/processFailed`` or
    ///   ``BenchmarkError/Code-swift.struct/timedOut`` when it does not come up, or what `body` throws.
    public static func run<Result: Sendable>(
        configuration: Configuration,
        locator: ExecutableLocator = .default,
        logger: Logger,
        body: (NginxPeer) async throws -> Result
    ) async throws -> Result {
        let executable = try locator.locate("nginx")
        return try await TemporaryDirectory.with(prefix: "mastery-nginx") { directory in
            try await run(
                configuration: configuration,
                executable: executable,
                directory: directory,
                logger: logger,
                body: body
            )
        }
    }

    private static func run<Result: Sendable>(
        configuration: Configuration,
        executable: String,
        directory: URL,
        logger: Logger,
        body: (NginxPeer) async throws -> Result
    ) async throws -> Result {
        let configurationPath = directory.appendingPathComponent("nginx.conf")
        do {
            try Data(try configurationFile(configuration, directory: directory.path).utf8).write(to: configurationPath)
        } catch let error as BenchmarkError {
            throw error
        } catch {
            throw BenchmarkError(
                code: .processFailed,
                message: "could not write \(configurationPath.path)",
                underlying: error
            )
        }
        let url = "http://127.0.0.1:\(configuration.port)/health"
        logger.debug(
            "Starting nginx",
            metadata: ["benchmark.url": "\(url)", "benchmark.directory": "\(directory.path)"]
        )
        return try await ChildProcess.withLaunched(
            name: "nginx",
            executable: executable,
            arguments: [
                "-p", directory.path, "-e", directory.appendingPathComponent("error.log").path,
                "-c", configurationPath.path,
            ],
            logFile: directory.appendingPathComponent("output.log"),
            grace: .seconds(5)
        ) { child in
            do {
                _ = try await HealthCheck.waitForOK(url: url, child: child, timeout: configuration.startupTimeout)
            } catch let error as BenchmarkError {
                let errorLog =
                    (try? String(contentsOf: directory.appendingPathComponent("error.log"), encoding: .utf8)) ?? ""
                throw BenchmarkError(
                    code: error.code,
                    message: error.message + (errorLog.isEmpty ? "" : "\nnginx error.log:\n\(errorLog)")
                )
            }
            return try await body(NginxPeer(url: url, process: child))
        }
    }
}
