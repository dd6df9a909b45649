import Foundation
import Platform
import TestSupport
import Testing

/// `mastery serve` as a real process: defaults, configuration errors, secrets, signals, slow and hostile clients.
@Suite("mastery serve as a process", .serialized)
struct ServeProcessTests {
    @Test("with no configuration it serves /health, /ready, /metrics and / and keeps state under its data folder")
    func defaults() async throws {
        let server = try await ServeProcess()
        #expect(try await server.get("/health").status == 200)
        let ready = try await server.get("/ready")
        #expect(ready.status == 200)
        #expect(ready.body.contains(#""name":"sqlite""#))
        #expect(try await server.get("/metrics").body.contains("process_resident_memory_bytes"))
        #expect(try await server.get("/").body.contains("data-system=\"40\""))
        #expect(FileManager.default.fileExists(atPath: server.dataDirectory + "/mastery.sqlite"))
        #expect(FileManager.default.fileExists(atPath: server.dataDirectory + "/admin-token"))
        #expect(try await server.stop() == .exited(0))
    }

    @Test(
        "a present but invalid value stops serve before it starts, naming the key",
        arguments: [
            (["--max-body-size=-5"], [String: String](), "--max-body-size"),
            ([], ["MASTERY_IDLE_TIMEOUT": "soon"], "MASTERY_IDLE_TIMEOUT"),
            (["--host", "0.0.0.0"], [:], "admin token"),
            (["--log-format", "yaml"], [:], "--log-format"),
        ]
    )
    func invalidConfiguration(arguments: [String], environment: [String: String], mention: String) async throws {
        let process = try ChildProcess(
            executable: try TestServers.masteryExecutable(),
            arguments: ["serve", "--port", String(try freePort())] + arguments,
            environment: environment
        )
        let status = try await process.waitForExit(timeout: .seconds(30))
        #expect(status == .exited(78))
        #expect(process.readStandardError().contains(mention), "\(process.readStandardError())")
    }

    @Test("an invalid JSON config file value is named too, and the command line overrides the file")
    func configFile() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mastery-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try #"{"maxConnections": "lots"}"#.write(to: file, atomically: true, encoding: .utf8)
        let bad = try ChildProcess(
            executable: try TestServers.masteryExecutable(),
            arguments: ["serve", "--port", String(try freePort()), "--config", file.path]
        )
        #expect(try await bad.waitForExit(timeout: .seconds(30)) == .exited(78))
        #expect(bad.readStandardError().contains("maxConnections"))
        let good = try await ServeProcess(arguments: ["--config", file.path, "--max-connections", "10"])
        #expect(try await good.get("/health").status == 200)
        #expect(try await good.stop() == .exited(0))
    }

    @Test("passwords in backend URLs never reach logs, /ready or --help")
    func secretsStayOut() async throws {
        let secret = "pw-\(UUID().uuidString.prefix(8))"
        let deadPort = try freePort()
        let server = try await ServeProcess(
            arguments: [
                "--postgres-url", "postgres://mastery:\(secret)@127.0.0.1:\(deadPort)/db", "--log-level", "debug",
            ],
            environment: ["MASTERY_REDIS_URL": "redis://:\(secret)@127.0.0.1:\(deadPort)"]
        )
        let ready = try await server.get("/ready")
        #expect(ready.status == 503)
        #expect(ready.body.contains("postgres://mastery:***@127.0.0.1"))
        #expect(ready.body.contains(#""state":"down""#))
        #expect(!ready.body.contains(secret))
        _ = try await server.stop()
        #expect(!server.process.readStandardError().contains(secret))
        #expect(!server.process.readStandardOutput().contains(secret))
        let help = try ChildProcess(executable: try TestServers.masteryExecutable(), arguments: ["serve", "--help"])
        #expect(try await help.waitForExit(timeout: .seconds(30)) == .exited(0))
        let text = help.readStandardOutput()
        #expect(
            text.contains("MASTERY_POSTGRES_URL") && text.contains("--max-body-size") && text.contains("--drain-delay")
        )
        // Every configuration key has its flag.
        for key in MasteryConfiguration.keys { #expect(text.contains(key.names.flag + " "), "\(key.names.flag)") }
    }

    @Test("logs are JSON lines with a request ID when stderr is not a terminal")
    func structuredLogs() async throws {
        let server = try await ServeProcess()
        _ = try await server.get("/health", headers: ["X-Request-ID": "log-check-42"])
        _ = try await server.stop()
        let lines = server.process.readStandardError().split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "not JSON: \(line)")
        }
        #expect(
            lines.contains { $0.contains(#""request.id":"log-check-42""#) && $0.contains(#""http.route":"/health""#) }
        )
    }

    @Test("SIGTERM: /ready turns 503 at once, an in-flight request completes, then serve exits 0")
    func gracefulShutdown() async throws {
        // The drain delay is the window in which /ready must be seen saying 503: long enough for a loaded machine.
        let server = try await ServeProcess(arguments: ["--drain-delay", "10", "--shutdown-grace-period", "30"])
        // A request in flight: headers and half of its body sent.
        let inFlight = try RawConnection(port: server.port)
        inFlight.send(
            "POST /dashboard/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 12\r\n\r\ntoken="
        )
        let keepAlive = try RawConnection(port: server.port)
        keepAlive.send("GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(ServeProcess.parse(await keepAlive.readResponse(timeout: .seconds(10))).status == 200)
        server.process.terminate()
        try await waitUntil(timeout: .seconds(60)) {
            keepAlive.send("GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let response = ServeProcess.parse(await keepAlive.readResponse(timeout: .seconds(5)))
            return response.status == 503 && response.body.contains("shutting-down")
        }
        inFlight.send("abcdef")
        let response = ServeProcess.parse(await inFlight.readResponse(timeout: .seconds(20)))
        #expect(response.status == 401)  // the request ran to completion (a wrong token)
        #expect(try await server.process.waitForExit(timeout: .seconds(30)) == .exited(0))
    }

    @Test("SIGINT also shuts down gracefully with exit 0")
    func interrupt() async throws {
        let server = try await ServeProcess()
        server.process.kill(signal: .interrupt)
        #expect(try await server.process.waitForExit(timeout: .seconds(30)) == .exited(0))
    }

    @Test("slow clients: a trickled request head and an idle connection are closed, others are served")
    func slowClients() async throws {
        let server = try await ServeProcess(arguments: ["--request-head-timeout", "0.5", "--idle-timeout", "1"])
        let slowloris = try RawConnection(port: server.port)
        slowloris.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        let idle = try RawConnection(port: server.port)
        // Keep the trickle going faster than the idle timeout, so only the head timeout can close it.
        var closed = false
        for index in 0..<40 where !closed {
            if !slowloris.send("X-Slow-\(index): y\r\n") {
                closed = true
            } else {
                closed = await slowloris.waitForClose(timeout: .milliseconds(250))
            }
        }
        #expect(closed, "a trickled head must be cut off by the head timeout")
        #expect(await idle.waitForClose(timeout: .seconds(10)), "an idle connection must be closed by the idle timeout")
        #expect(try await server.get("/health").status == 200)
        _ = try await server.stop()
    }

    @Test("the connection cap holds further clients back until a slot frees")
    func connectionCap() async throws {
        let server = try await ServeProcess(arguments: ["--max-connections", "2", "--idle-timeout", "60"])
        let first = try RawConnection(port: server.port)
        first.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(ServeProcess.parse(await first.readResponse(timeout: .seconds(10))).status == 200)
        let second = try RawConnection(port: server.port)
        second.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(ServeProcess.parse(await second.readResponse(timeout: .seconds(10))).status == 200)
        let third = try RawConnection(port: server.port)
        third.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(await third.read(timeout: .milliseconds(700)) == .timedOut, "a third connection must wait")
        first.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        _ = await first.readResponse(timeout: .seconds(10))
        #expect(ServeProcess.parse(await third.readResponse(timeout: .seconds(10))).status == 200)
        _ = try await server.stop()
    }

    @Test("hostile requests get 4xx answers and the server keeps serving everyone else")
    func hostileRequests() async throws {
        let server = try await ServeProcess()
        // Hummingbird's parser answers the first group with a bare 400 before any middleware runs; the rest reach
        // our code and get problem+json.
        let cases: [(String, [UInt8], Int)] = [
            ("malformed request line", Array("GARBAGE\r\n\r\n".utf8), 400),
            ("binary noise", [0x16, 0x03, 0x01, 0x00, 0xFF, 0x00, 0x0D, 0x0A, 0x0D, 0x0A], 400),
            (
                "non-UTF-8 path",
                Array("GET /\u{1}".utf8) + [0xC3, 0x28, 0xFF] + Array(" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8), 400
            ),
            (
                "200 KB URL",
                Array("GET /\(String(repeating: "a", count: 200_000)) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8), 400
            ),
            (
                "100 KB header",
                Array(
                    "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: \(String(repeating: "b", count: 100_000))\r\n\r\n"
                        .utf8
                ), 400
            ),
            (
                "2,000 headers",
                Array(
                    ("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (0..<2000).map { "X-H\($0): v\r\n" }.joined()
                        + "\r\n").utf8
                ), 400
            ),
            (
                "unparsable Content-Length",
                Array("POST /dashboard/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n".utf8), 400
            ),
            ("HTTP/0.9", Array("GET /\r\n\r\n".utf8), 400),
            (
                "8 KB URL",
                Array("GET /\(String(repeating: "a", count: 8000)) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8), 404
            ),
            (
                "huge declared body",
                Array("POST /dashboard/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999999\r\n\r\n".utf8),
                413
            ),
            (
                "non-UTF-8 header value",
                Array("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-ID: ".utf8) + [0xFF, 0xFE]
                    + Array("\r\n\r\n".utf8), 200
            ),
        ]
        for (name, bytes, expected) in cases {
            let connection = try RawConnection(port: server.port)
            connection.send(bytes)
            let response = ServeProcess.parse(await connection.readResponse(timeout: .seconds(10)))
            #expect(response.status == expected, "\(name): \(response.status)")
            if expected == 404 || expected == 413 {
                #expect(response.headers.lowercased().contains("content-type: application/problem+json"), "\(name)")
            }
            #expect(try await server.get("/health").status == 200, "the server must keep serving after \(name)")
        }
        #expect(server.process.isRunning)
        _ = try await server.stop()
    }

    @Test("an over-limit declared body is refused with 413 without waiting for the body")
    func oversizedBody() async throws {
        let server = try await ServeProcess(arguments: ["--max-body-size", "1024"])
        let connection = try RawConnection(port: server.port)
        connection.send(
            "POST /dashboard/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 104857600\r\n\r\n"
                + String(repeating: "a", count: 2000)
        )
        let response = ServeProcess.parse(await connection.readResponse(timeout: .seconds(10)))
        #expect(response.status == 413)
        #expect(response.headers.lowercased().contains("content-type: application/problem+json"))
        #expect(try await server.get("/health").status == 200)
        _ = try await server.stop()
    }

    @Test("HTTP's own close rules: HTTP/1.0 answered as 1.0 and closed, a 413 closes, CONNECT and HTTP/0.9 refused")
    func protocolEdges() async throws {
        // Idle and head timeouts far beyond the waits below: a close seen within them is the server's own.
        let server = try await ServeProcess(arguments: [
            "--idle-timeout", "300", "--request-head-timeout", "300", "--max-body-size", "1024",
        ])
        let patience = Duration.seconds(30)

        // HTTP/1.0 without keep-alive: a 1.0 response, then the server closes.
        var connection = try RawConnection(port: server.port)
        connection.send("GET /health HTTP/1.0\r\n\r\n")
        var text = await connection.readResponse(timeout: patience)
        #expect(text.hasPrefix("HTTP/1.0 200"), "\(text.prefix(200))")
        #expect(text.lowercased().contains("connection: close"))
        #expect(await connection.waitForClose(timeout: patience))

        // HTTP/1.0 asking for keep-alive keeps it, and says so.
        connection = try RawConnection(port: server.port)
        connection.send("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        text = await connection.readResponse(timeout: patience)
        #expect(
            text.hasPrefix("HTTP/1.0 200") && text.lowercased().contains("connection: keep-alive"),
            "\(text.prefix(200))"
        )
        connection.send("GET /health HTTP/1.0\r\n\r\n")
        #expect(await connection.readResponse(timeout: patience).hasPrefix("HTTP/1.0 200"))
        #expect(await connection.waitForClose(timeout: patience))

        // HTTP/1.1 stays 1.1 and open.
        connection = try RawConnection(port: server.port)
        connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(await connection.readResponse(timeout: patience).hasPrefix("HTTP/1.1 200"))
        connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(await connection.readResponse(timeout: patience).hasPrefix("HTTP/1.1 200"))

        // A 413 says Connection: close and closes, rather than waiting to read a body nobody wants.
        connection = try RawConnection(port: server.port)
        connection.send(
            "POST /dashboard/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 104857600\r\n\r\n"
                + String(repeating: "a", count: 100)
        )
        text = await connection.readResponse(timeout: patience)
        #expect(
            text.hasPrefix("HTTP/1.1 413") && text.lowercased().contains("connection: close"),
            "\(text.prefix(200))"
        )
        #expect(await connection.waitForClose(timeout: patience))

        // CONNECT: this is no proxy.
        connection = try RawConnection(port: server.port)
        connection.send("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
        text = await connection.readResponse(timeout: patience)
        // SwiftNIO's encoder sends no body in answer to CONNECT, so this 405 carries only its headers.
        #expect(text.hasPrefix("HTTP/1.1 405"), "\(text.prefix(200))")
        #expect(text.lowercased().contains("allow: get, head"))
        #expect(await connection.waitForClose(timeout: patience))

        // A one-line HTTP/0.9 request gets the documented 400, not silence.
        connection = try RawConnection(port: server.port)
        connection.send("GET /\r\n")
        text = await connection.readResponse(timeout: patience)
        #expect(text.hasPrefix("HTTP/1.1 400"), "\(text.prefix(200))")
        #expect(await connection.waitForClose(timeout: patience))

        #expect(try await server.get("/health").status == 200)
        _ = try await server.stop()
    }

    @Test("mastery serve prints a one-time sign-in link with a generated token, none with a configured one")
    func signInLink() async throws {
        let server = try await ServeProcess()
        let link = try await server.signInURL()
        #expect(link.hasPrefix("http://127.0.0.1:\(server.port)/dashboard/login?code="))
        let path = String(link.dropFirst("http://127.0.0.1:\(server.port)".count))
        let first = try await server.get(path)
        #expect(first.status == 303)
        #expect(first.headers.contains("mastery_session="))
        #expect(try await server.get(path).status == 401)
        // The code is not logged.
        let code = String(path.split(separator: "=").last ?? "")
        #expect(!server.process.readStandardError().contains(code))
        _ = try await server.stop()

        let configured = try await ServeProcess(arguments: ["--admin-token", "configured-token-0123456789"])
        #expect(!configured.process.readStandardOutput().contains("Dashboard:"))
        _ = try await configured.stop()
    }

    @Test("a data folder whose admin-token file others may read stops serve with a clear error")
    func insecureTokenFile() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mastery-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "0123456789abcdef0123456789abcdef\n".write(
            toFile: folder + "/admin-token",
            atomically: false,
            encoding: .utf8
        )
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: folder + "/admin-token")
        let process = try ChildProcess(
            executable: try TestServers.masteryExecutable(),
            arguments: ["serve", "--port", String(try freePort()), "--data-dir", folder]
        )
        #expect(try await process.waitForExit(timeout: .seconds(30)) == .exited(78))
        let error = process.readStandardError()
        #expect(error.contains("too open"), "\(error)")
        #expect(!error.contains("0123456789abcdef0123456789abcdef"))
    }

    @Test("idle mastery serve stays under 150 MB resident memory")
    func idleMemory() async throws {
        let server = try await ServeProcess()
        for _ in 0..<20 { _ = try await server.get("/") }
        let status = try String(contentsOfFile: "/proc/\(server.process.processIdentifier)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        let kilobytes = try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
        #expect(kilobytes < 150 * 1024, "resident memory: \(kilobytes) kB")
        _ = try await server.stop()
    }
}
