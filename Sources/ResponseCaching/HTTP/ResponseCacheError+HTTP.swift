public import Platform

extension ResponseCacheError: ProblemDetailsConvertible {
    /// The error as a problem: a bad key 400, too many waiters or an origin timeout 503, an origin failure 502.
    public var problem: ProblemDetails {
        switch code {
        case .invalidKey, .invalidConfiguration: ProblemDetails.badRequest(message + ".")
        case .originFailed: ProblemDetails.unavailable(message + ".")
        default: ProblemDetails.unavailable(message + ".")
        }
    }
}
