public import Platform

extension JobsError: ProblemDetailsConvertible {
    /// The error as a problem: invalid requests and payloads are 400 (422 for a payload that does not match its
    /// type), unknown jobs and types 404, a wrong state 409, a store failure 503.
    public var problem: ProblemDetails {
        switch code {
        case .invalidRequest: ProblemDetails.badRequest(message + ".")
        case .invalidPayload: ProblemDetails.badRequest(message + ".")
        case .unknownJobType, .unknownJob: ProblemDetails.notFound(message + ".")
        case .invalidState, .leaseLost: ProblemDetails.conflict(message + ".")
        case .storeFailure: ProblemDetails.unavailable(message + ".")
        }
    }
}
