import GRDB
import Redis

extension RateLimitError {
    /// A Redis failure as the module's error: `storeTimeout` for a `RedisError` timeout (no reply in time, or no
    /// free connection in time), `storeUnavailable` for the rest; the original is the `underlying` error.
    /// `RedisError` descriptions hold no passwords.
    static func redis(_ error: any Error, _ action: String) -> RateLimitError {
        if let error = error as? RedisError {
            if error.code == .timeout {
                return RateLimitError(
                    .storeTimeout,
                    "Redis did not answer in time while \(action): \(error.message)",
                    underlying: error
                )
            }
            return RateLimitError(.storeUnavailable, "Redis failed while \(action): \(error)", underlying: error)
        }
        return RateLimitError(.storeUnavailable, "Redis failed while \(action): \(error)", underlying: error)
    }

    /// An SQLite failure as the module's error (`storeUnavailable`): SQLite's message, never the SQL text GRDB's
    /// descriptions carry.
    static func sqlite(_ error: any Error, _ action: String, path: String) -> RateLimitError {
        let reason =
            if let error = error as? DatabaseError {
                "\(error.message ?? "error") (SQLite code \(error.extendedResultCode.rawValue))"
            } else {
                "\(type(of: error))"
            }
        return RateLimitError(
            .storeUnavailable,
            "SQLite database \(path) failed while \(action): \(reason)",
            underlying: error
        )
    }
}
