import Foundation
public import Platform

/// A `mastery serve` child process on a free loopback port, for tests that need the real executable: signals,
/// exit codes, logs, slow clients, several instances.
public final class ServeProcess: Sendable {
    /// The child process.
    public let process: ChildProcess
    /// The port it listens on.
    public let port: Int
    /// Its data folder (a fresh temporary folder unless given).
    public let dataDirectory: String

    /// Starts `mastery serve --host 127.0.0.1 --port <free> --data-dir <temp> <arguments>` and waits (bounded)
    /// until `/health` answers, unless `waitForHealth` is false.
    /// - Throws: When the executable is missing, or the server does not become healthy within `timeout`.
    public init(
        arguments: [String] = [],
        environment: [String: String] = [:],
        dataDirectory: String? = nil,
        waitForHealth: Bool = true,
        timeout: Duration = .seconds(30)
    ) async throws {
        let port = try freePort()
        let folder =
            dataDirectory
            ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("mastery-serve-\(UUID().uuidString)").path
        self.port = port
        self.dataDirectory = folder
        self.process = try ChildProcess(
            executable: try TestServers.masteryExecutable(),
            arguments: ["serve", "--host", "127.0.0.1", "--port", String(port), "--data-dir", folder] + arguments,
            environment: environment,
            standardOutput: .artifactFile,
            standardError: .artifactFile,
            name: "mastery-serve-\(port)"
        )
        if waitForHealth {
            do {
                try await waitUntil(timeout: timeout, interval: .milliseconds(50)) {
                    guard process.isRunning else {
                        throw ChildProcessError(
                            code: .launchFailed,
                            message: "mastery serve exited: \(process.readStandardError().suffix(2000))"
                        )
                    }
                    return (try? await Self.get(port: port, path: "/health").status) == 200
                }
            } catch {
                process.kill()
                throw error
            }
        }
    }

    /// Sends `GET path` on a new connection and returns the status and body (status 0 when nothing came back).
    public static func get(
        port: Int,
        path: String,
        headers: [String: String] = [:],
        timeout: Duration = .seconds(10)
    ) async throws
        -> (status: Int, headers: String, body: String)
    {
        let connection = try RawConnection(port: port)
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        connection.send(request + "\r\n")
        return parse(await connection.readResponse(timeout: timeout))
    }

    /// `GET path` against this server.
    public func get(
        _ path: String,
        headers: [String: String] = [:]
    ) async throws -> (status: Int, headers: String, body: String) {
        try await Self.get(port: port, path: path, headers: headers)
    }

    /// Splits a raw HTTP/1.1 response into status, head and body.
    public static func parse(_ response: String) -> (status: Int, headers: String, body: String) {
        guard let headEnd = response.range(of: "\r\n\r\n") else { return (0, "", "") }
        let head = String(response[..<headEnd.lowerBound])
        let status = head.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) } ?? 0
        return (status, head, String(response[headEnd.upperBound...]))
    }

    /// The admin token the server generated into its data folder.
    /// - Throws: When there is none (the server was started with a configured token).
    public func adminToken() throws -> String {
        guard let token = try AdminTokenFile.read(path: dataDirectory + "/" + AdminTokenFile.name) else {
            throw ChildProcessError(code: .launchFailed, message: "no admin-token file in \(dataDirectory)")
        }
        return token
    }

    /// The one-time dashboard sign-in link the server printed on standard output, as a person would copy it.
    /// - Throws: When no link appeared within `timeout` (a server with a configured token prints none).
    public func signInURL(timeout: Duration = .seconds(30)) async throws -> String {
        var url: String? = nil
        try await waitUntil(timeout: timeout, interval: .milliseconds(20)) {
            url = process.readStandardOutput().firstMatch(of: /Dashboard: (http:\/\/\S+)/).map { String($0.1) }
            return url != nil
        }
        return url!
    }

    /// Sends SIGTERM and waits (bounded) for the exit status.
    public func stop(timeout: Duration = .seconds(30)) async throws -> ChildProcess.ExitStatus {
        process.terminate()
        return try await process.waitForExit(timeout: timeout)
    }

    /// Starts a server (as ``init(arguments:environment:dataDirectory:waitForHealth:timeout:)`` does), runs
    /// `body` with it, and stops it whether `body` returns or throws.
    /// - Throws: What starting the server or `body` throws, or what stopping it throws after `body` returned.
    public static func withRunning<Result>(
        arguments: [String] = [],
        environment: [String: String] = [:],
        _ body: (ServeProcess) async throws -> Result
    ) async throws -> Result {
        let server = try await ServeProcess(arguments: arguments, environment: environment)
        let result: Result
        do {
            result = try await body(server)
        } catch {
            _ = try? await server.stop()
            throw error
        }
        _ = try await server.stop()
        return result
    }

    deinit {
        if process.isRunning { process.kill() }
        try? FileManager.default.removeItem(atPath: dataDirectory)
    }
}
