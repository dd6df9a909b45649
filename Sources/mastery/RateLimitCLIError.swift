import RateLimiting

/// Why a `mastery ratelimit` verb failed: the line printed on standard error and the exit status.
struct RateLimitCLIError: Error {
    /// 65 (`EX_DATAERR`): the input was refused (a policy that makes no sense, a bad key or cost).
    static let dataError: Int32 = 65
    /// 66 (`EX_NOINPUT`): no such policy.
    static let notFound: Int32 = 66
    /// 69 (`EX_UNAVAILABLE`): the server or Redis cannot be reached or cannot answer.
    static let unavailable: Int32 = 69
    /// 76 (`EX_PROTOCOL`): an answer that is not what the API promises.
    static let protocolError: Int32 = 76
    /// 77 (`EX_NOPERM`): the admin token is missing or refused.
    static let noPermission: Int32 = 77

    var status: Int32
    var message: String

    /// The failure for a ``RateLimitError`` of the library (the Redis mode, and input checked before sending).
    init(_ error: RateLimitError) {
        switch error.code {
        case .invalidPolicy, .invalidKey, .invalidCost, .policyLimitReached, .policyInUse: status = Self.dataError
        case .unknownPolicy: status = Self.notFound
        default: status = Self.unavailable
        }
        message = error.message
    }

    init(status: Int32, message: String) {
        self.status = status
        self.message = message
    }

    /// No policy named `name`.
    static func unknownPolicy(_ name: String) -> Self {
        Self(
            status: notFound,
            message: "there is no policy named '\(name)' (`mastery ratelimit policies list` shows them)"
        )
    }

    /// Checks a policy name given on the command line before it goes into a URL or a Redis hash.
    /// - Throws: ``RateLimitCLIError`` (65) unless it is a valid policy name.
    static func validateName(_ name: String) throws {
        guard RateLimitPolicy.isValidName(name) else {
            throw Self(
                status: dataError,
                message:
                    "a policy name has 1 to \(RateLimitPolicy.maximumNameLength) characters from A-Z a-z 0-9 . _ - :, and is neither . nor .."
            )
        }
    }
}
