import Foundation
import NIOCore
import NIOPosix

/// A minimal Redis liveness probe (`AUTH` when the URL has credentials, then `PING`), so `/ready` can report the
/// Redis tier before the systems that use it are mounted. The full client lives in the `Redis` module.
public struct RedisPing: ReadinessCheck {
    public let name = "redis"
    public let target: String
    public let isRequired: Bool
    let host: String
    let port: Int
    let user: String?
    let password: String?

    /// Creates a probe for a `redis://[user[:password]@]host[:port][/db]` URL.
    /// - Throws: ``ConfigurationError`` for a URL that cannot be understood (without echoing it).
    public init(url: String, isRequired: Bool = true) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "redis" || scheme == "rediss", let host = components.host, !host.isEmpty
        else {
            throw ConfigurationError(key: "redisURL", expected: "a redis://[user:password@]host[:port][/db] URL")
        }
        let port = components.port ?? 6379
        guard (1...65535).contains(port) else {
            throw ConfigurationError(key: "redisURL", expected: "a port between 1 and 65535")
        }
        self.host = host
        self.port = port
        self.user = components.user.flatMap { $0.isEmpty ? nil : $0.removingPercentEncoding }
        self.password = components.password?.removingPercentEncoding
        self.isRequired = isRequired
        self.target = RedactedURL.redact(url)
    }

    public func check() async throws {
        var command = ""
        if let password {
            command += Self.encode(user.map { ["AUTH", $0, password] } ?? ["AUTH", password])
        }
        command += Self.encode(["PING"])
        let expectedReplies = password == nil ? 1 : 2
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(2))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: command))
            var received = ""
            for try await var buffer in inbound {
                received += buffer.readString(length: buffer.readableBytes) ?? ""
                let lines = received.components(separatedBy: "\r\n").dropLast()
                if let error = lines.first(where: { $0.hasPrefix("-") }) {
                    // The server's error code only (`NOAUTH`, `WRONGPASS`): never the command that carried a password.
                    throw RedisPingError(reply: String(error.dropFirst().prefix(while: { $0 != " " })))
                }
                if lines.count >= expectedReplies { return }
                if received.utf8.count > 4096 { break }
            }
            throw RedisPingError(reply: "no PONG")
        }
    }

    static func encode(_ parts: [String]) -> String {
        "*\(parts.count)\r\n" + parts.map { "$\($0.utf8.count)\r\n\($0)\r\n" }.joined()
    }
}

/// Redis answered the probe with an error.
public struct RedisPingError: Error, Sendable, CustomStringConvertible {
    /// The error code Redis sent.
    public var reply: String
    public var description: String { "Redis replied \(reply)" }
}
