import Logging
import NIOCore
import Platform
import Redis
import Synchronization
import TestSupport
import Testing

/// Connections to the shared test server for the typed-command suites, on RESP2 or RESP3.
enum CommandTestRedis {
    /// Both protocols: the typed commands must read RESP2's and RESP3's reply shapes alike.
    static let protocols: [RedisConnection.ProtocolVersion] = [.resp2, .resp3]

    static func configuration(
        _ version: RedisConnection.ProtocolVersion,
        commandTimeout: Duration? = nil
    ) throws -> RedisConnection.Configuration {
        var configuration = try RedisConnection.Configuration(url: TestServers.requireRedisURL())
        configuration.protocolVersion = version
        if let commandTimeout { configuration.commandTimeout = commandTimeout }
        return configuration
    }

    /// Runs `body` with a connection that speaks `version` (checked), closing it afterwards.
    /// - Parameters:
    ///   - commandTimeout: The connection's command timeout; the default configuration's when `nil`.
    static func with(
        _ version: RedisConnection.ProtocolVersion,
        commandTimeout: Duration? = nil,
        _ body: (RedisConnection) async throws -> Void
    ) async throws {
        let configuration = try configuration(version, commandTimeout: commandTimeout)
        try await RedisConnection.withConnection(configuration: configuration, logger: .test) { redis in
            try #require(redis.protocolVersion == version)
            try await body(redis)
        }
    }

    /// Waits until the connection with this `CLIENT ID` is blocked in `command` on the server: proof that a
    /// blocking command is waiting before another connection wakes it.
    static func waitUntilBlocked(clientID: Int64, in command: String, observer: RedisConnection) async throws {
        try await waitUntil(timeout: .seconds(60), interval: .milliseconds(10)) {
            let line = try await observer.send(["CLIENT", "LIST", "ID", String(clientID)]).string ?? ""
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\n" })
            return fields.contains("cmd=\(command)") && fields.contains { $0.hasPrefix("flags=") && $0.contains("b") }
        }
    }
}

extension RedisTestServer {
    /// Starts a redis-server of the test's own, runs `body`, and stops the server whether `body` returns or throws.
    static func with(_ arguments: [String] = [], _ body: (RedisTestServer) async throws -> Void) async throws {
        let server = try await start(arguments)
        do {
            try await body(server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}

extension ByteBuffer {
    /// Bytes that are not valid UTF-8 and hold CR, LF and NUL: what a binary-safe command must keep intact.
    static let awkward = ByteBuffer(bytes: [0x00, 0xFF, 0x0D, 0x0A, 0x80, 0x24, 0x2A, 0xC3])
}

/// An executor that answers each command with the next canned reply and records what was sent: for reply shapes
/// the local server cannot produce (older versions) and for the exact arguments and timeouts of a command.
final class CannedExecutor: RedisCommandExecutor {
    private let state: Mutex<(replies: [RESPValue], sent: [(arguments: [String], timeout: Duration?)])>

    init(_ replies: [RESPValue]) {
        state = Mutex((replies, []))
    }

    /// The commands sent so far: their arguments (decoded as UTF-8) and timeouts.
    var sent: [(arguments: [String], timeout: Duration?)] { state.withLock { $0.sent } }

    func send(_ command: RedisCommand, timeout: Duration?) async throws -> RESPValue {
        var bytes = ByteBuffer()
        command.encode(into: &bytes)
        var parser = RESPParser()
        parser.append(bytes)
        let arguments = try parser.next()?.elements?.map { $0.string ?? "" } ?? []
        let reply = try state.withLock { state -> RESPValue in
            state.sent.append((arguments, timeout))
            guard !state.replies.isEmpty else {
                throw RedisError(code: .connectionClosed, message: "no canned reply left")
            }
            return state.replies.removeFirst()
        }
        if case .error(let error) = reply {
            throw RedisError(code: .serverError, message: "\(command.name): \(error)", reply: error)
        }
        return reply
    }
}
