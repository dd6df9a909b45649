public import ArgumentParser
public import Foundation
import Platform

/// The options of every command that talks to a running `mastery serve`: where it is, the admin token for
/// writes, how long to wait, and `--json`.
public struct ServerOptions: ParsableArguments, Sendable {
    /// The environment variable holding the admin token when `--admin-token` is absent.
    public static let tokenVariable = "MASTERY_ADMIN_TOKEN"
    /// The environment variable naming the server's data folder when `--data-dir` is absent.
    public static let dataDirectoryVariable = "MASTERY_DATA_DIR"
    /// The server commands talk to when `--server` is absent.
    public static let defaultServer = "http://127.0.0.1:8080"

    @Option(help: ArgumentHelp("The server's base URL (default: \(ServerOptions.defaultServer)).", valueName: "url"))
    public var server: String?

    @Option(
        name: .customLong("admin-token"),
        help: ArgumentHelp(
            "The server's admin token, for writes (env: \(ServerOptions.tokenVariable)).",
            valueName: "secret"
        )
    )
    public var adminToken: String?

    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp(
            "The server's data folder, where its generated admin-token file is (env: \(ServerOptions.dataDirectoryVariable); default: .mastery).",
            valueName: "path"
        )
    )
    public var dataDirectory: String?

    @Option(help: ArgumentHelp("How long to wait for an answer, in seconds.", valueName: "seconds"))
    public var timeout: Double = 10

    @Flag(help: "Print one JSON object instead of text.")
    public var json = false

    public init() {}

    public func validate() throws {
        if let server {
            guard let url = URL(string: server), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
                url.host != nil
            else { throw ValidationError("--server must be an http:// or https:// URL, not '\(server)'") }
        }
        guard timeout > 0, timeout <= 3600, timeout.isFinite else {
            throw ValidationError("--timeout must be a number of seconds in (0, 3600]")
        }
    }

    /// The server's base URL without a trailing slash.
    public var serverURL: String {
        var url = server ?? Self.defaultServer
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// How long to wait.
    public var timeoutDuration: Duration { .milliseconds(Int64((timeout * 1000).rounded())) }

    /// The admin token: `--admin-token`, else `MASTERY_ADMIN_TOKEN`, else the `admin-token` file in the data
    /// folder (`--data-dir`, else `MASTERY_DATA_DIR`, else `./.mastery`), which a server on this machine writes
    /// when no token is configured. A token file that is not private to this user is refused with a warning
    /// (never its contents), as the server refuses it.
    public func resolvedAdminToken(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let adminToken, !adminToken.isEmpty { return adminToken }
        if let variable = environment[Self.tokenVariable], !variable.isEmpty { return variable }
        let folder =
            dataDirectory ?? environment[Self.dataDirectoryVariable].flatMap { $0.isEmpty ? nil : $0 } ?? ".mastery"
        let path = (folder as NSString).appendingPathComponent(AdminTokenFile.name)
        do {
            return try AdminTokenFile.read(path: path)
        } catch {
            CommandOutput.printWarning("\(error)")
            return nil
        }
    }

    /// A client for the server these options name.
    public func client(environment: [String: String] = ProcessInfo.processInfo.environment) -> ServerClient {
        ServerClient(
            baseURL: serverURL,
            adminToken: resolvedAdminToken(environment: environment),
            timeout: timeoutDuration
        )
    }
}
