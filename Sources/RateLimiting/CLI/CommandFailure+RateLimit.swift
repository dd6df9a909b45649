import CLIKit
import RateLimiting

extension CommandFailure {
    /// The failure for a ``RateLimitError`` of the library (the Redis mode, and input checked before sending): a
    /// refused input is 65, a missing policy 66, anything else (the store failing) 69.
    init(_ error: RateLimitError) {
        let status: ExitStatus =
            switch error.code {
            case .invalidPolicy, .invalidKey, .invalidCost, .policyLimitReached, .policyInUse: .dataError
            case .unknownPolicy: .noInput
            default: .unavailable
            }
        self.init(status, error.message)
    }

    /// No policy named `name` (66).
    static func unknownPolicy(_ name: String) -> Self {
        Self(.noInput, "there is no policy named '\(name)' (`mastery ratelimit policies list` shows them)")
    }

    /// Checks a policy name given on the command line before it goes into a URL or a Redis hash.
    /// - Throws: ``CommandFailure`` (65) unless it is a valid policy name.
    static func validatePolicyName(_ name: String) throws {
        guard RateLimitPolicy.isValidName(name) else {
            throw Self(
                .dataError,
                "a policy name has 1 to \(RateLimitPolicy.maximumNameLength) characters from A-Z a-z 0-9 . _ - :, and is neither . nor .."
            )
        }
    }
}
