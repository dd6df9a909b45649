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

    /// The configured token, or the one in `<dataDirectory>/admin-token`, created with a new random token when
    /// absent, so the CLI on the same machine can use it. The file is created 0600 from its first byte; an
    /// existing one is refused when group or others may read it, another user owns it, or it is not a regular
    /// file (``AdminTokenFile``).
    /// - Throws: ``AdminTokenFile/Refusal`` when the file is refused or cannot be read or written.
    public static func load(configured: String?, dataDirectory: String) throws -> AdminCredentials {
        if let configured { return AdminCredentials(token: configured, isConfigured: true) }
        let path = (dataDirectory as NSString).appendingPathComponent(AdminTokenFile.name)
        for _ in 0..<3 {
            if let existing = try AdminTokenFile.read(path: path) {
                guard existing.utf8.count >= 16 else {
                    throw AdminTokenFile.Refusal(
                        description:
                            "\(path) holds a token shorter than 16 characters; delete the file to generate a new one"
                    )
                }
                return AdminCredentials(token: existing, isConfigured: false)
            }
            try FileManager.default.createDirectory(
                atPath: dataDirectory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
            let token = TraceContext.randomHex(bytes: 24)
            if try AdminTokenFile.create(path: path, token: token) {
                return AdminCredentials(token: token, isConfigured: false)
            }
            // Another process created it first: read theirs.
        }
        throw AdminTokenFile.Refusal(
            description: "\(path) keeps appearing and disappearing; cannot settle on an admin token"
        )
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
        guard parts.count == 2, let expiry = Int(parts[0]), expiry > Int(now.timeIntervalSince1970) else {
            return false
        }
        return ConstantTime.equals(String(parts[1]), signature("session|\(expiry)"))
    }

    /// The CSRF token that goes with a session (rendered into dashboard pages, sent back as `X-CSRF-Token`).
    public func csrfToken(for session: String) -> String {
        signature("csrf|\(session)")
    }

    func signature(_ message: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: key).map { String(format: "%02x", $0) }
            .joined()
    }
}
