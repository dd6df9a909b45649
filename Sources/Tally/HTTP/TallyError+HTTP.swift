public import Platform

extension TallyError: ProblemDetailsConvertible {
    /// The error as a problem: a bad name or amount is 400, an unknown counter 404, a store failure 503.
    public var problem: ProblemDetails {
        switch code {
        case .invalidName, .invalidAmount: ProblemDetails.badRequest(message + ".")
        case .unknownCounter: ProblemDetails.notFound(message + ".")
        case .storeFailure: ProblemDetails.unavailable(message + ".")
        }
    }
}
