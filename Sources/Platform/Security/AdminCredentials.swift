import Crypto
public import Foundation

/// The admin token and what is derived from it: dashboard session cookies and their CSRF tokens.
///
/// Sessions are `expiry.signature` with an HMAC-SHA256 keyed by a key derived from the token, so every instance
/// sharing the token accepts the same sessions, and changing the token ends them all.
public struct AdminCredentials: Sendable {
    /// The admin token (configured, or generated for a loopback-only server).
    public let token: String
    /// Whether the token was configured (`--admin-token`/`MASTERY_ADMIN_TOKEN`) rather than generated.
    public let isConfigured: Bool
    let key: SymmetricKey

    /// The name of the session cookie.
    public static let sessionCookie = "mastery_session"
    /// How long a dashboard session lasts.
    public static let sessionLifetime: Duration = .seconds(12 * 3600)

    /// Creates credentials from a token.
    public init(token: String, isConfigured: Bool) {
        self.token = token
        self.isConfigured = isConfigured
        self.key = SymmetricKey(data: SHA256.hash(data: Array("mastery.dashboard-session\u{0}\(token)".utf8)))
    }

    /// The configured token, or a new random one written to `<dataDirectory>/admin-token` (mode 0600) so the CLI
    /// on the same machine can use it; an existing file is reused.
    /// - Throws: When the file cannot be read or written.
    public static func load(configured: String?, dataDirectory: String) throws -> AdminCredentials {
        if let configured { return AdminCredentials(token: configured, isConfigured: true) }
        let path = (dataDirectory as NSString).appendingPathComponent("admin-token")
        if let existing = try? String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
            existing.utf8.count >= 16
        {
            return AdminCredentials(token: existing, isConfigured: false)
        }
        let token = TraceContext.randomHex(bytes: 24)
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else { throw CocoaError(.fileWriteNoPermission) }
        return AdminCredentials(token: token, isConfigured: false)
    }

    /// Whether `presented` is the admin token (constant time).
    public func verify(token presented: String) -> Bool {
        ConstantTime.equals(presented, token)
    }

    /// A new session cookie value valid until `now + sessionLifetime`.
    public func makeSession(now: Date = Date()) -> String {
        let expiry = Int(now.timeIntervalSince1970) + Int(Self.sessionLifetime.components.seconds)
        return "\(expiry).\(signature("session|\(expiry)"))"
    }

    /// Whether a session cookie value is authentic and unexpired.
    public func verify(session: String, now: Date = Date()) -> Bool {
        let parts = session.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let expiry = Int(parts[0]), expiry > Int(now.timeIntervalSince1970) else { return false }
        return ConstantTime.equals(String(parts[1]), signature("session|\(expiry)"))
    }

    /// The CSRF token that goes with a session (rendered into dashboard pages, sent back as `X-CSRF-Token`).
    public func csrfToken(for session: String) -> String {
        signature("csrf|\(session)")
    }

    func signature(_ message: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: key).map { String(format: "%02x", $0) }.joined()
    }
}
