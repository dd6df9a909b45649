import Crypto
public import Foundation
import Synchronization

/// One-time dashboard sign-in links, as Jupyter prints one at start: `mastery serve` prints
/// `http://host:port/dashboard/login?code=…` on standard output, and the first visit to it exchanges the code for
/// a session cookie. A code works once, expires after ``lifetime``, and lives only in this process's memory (its
/// SHA-256 digest, not the code itself), so a restart or a use ends it. Without a code, the sign-in page asks for
/// the admin token.
public final class LoginLinks: Sendable {
    /// How long an unused code stays valid.
    public let lifetime: Duration
    /// The most codes outstanding at once; issuing more forgets the oldest.
    public let capacity: Int
    private let pending: Mutex<[(digest: [UInt8], expiry: Date)]>

    /// The sign-in path a code is appended to.
    public static let path = "/dashboard/login"

    /// Creates an empty set of links.
    public init(lifetime: Duration = .seconds(24 * 3600), capacity: Int = 16) {
        self.lifetime = lifetime
        self.capacity = capacity
        self.pending = Mutex([])
    }

    /// Issues a new code (32 random bytes, hex) and returns the path-and-query that redeems it.
    public func issue(now: Date = Date()) -> String {
        let code = TraceContext.randomHex(bytes: 32)
        let expiry = now.addingTimeInterval(TimeInterval(lifetime.components.seconds))
        pending.withLock { pending in
            pending.removeAll { $0.expiry <= now }
            pending.append((Self.digest(code), expiry))
            if pending.count > capacity { pending.removeFirst(pending.count - capacity) }
        }
        return "\(Self.path)?code=\(code)"
    }

    /// Whether `code` is an outstanding, unexpired code; if so it is used up.
    public func redeem(_ code: String, now: Date = Date()) -> Bool {
        guard code.utf8.count == 64 else { return false }
        let presented = Self.digest(code)
        return pending.withLock { pending in
            pending.removeAll { $0.expiry <= now }
            // Digests are compared, so the time taken says nothing about the code itself.
            guard let index = pending.firstIndex(where: { $0.digest == presented }) else { return false }
            pending.remove(at: index)
            return true
        }
    }

    static func digest(_ code: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(code.utf8)))
    }
}
