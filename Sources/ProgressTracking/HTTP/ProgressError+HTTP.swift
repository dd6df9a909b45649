public import Platform

extension ProgressError: ProblemDetailsConvertible {
    /// The error as an RFC 9457 problem, which `ProblemMiddleware` answers with wherever a route throws it: `unknownProject` → 404, `invalidTransition`, `ambiguousMatch` and
    /// `fileExists` → 409, `invalidArgument` and `noMatch` → 400, an unreadable file or a file-system failure → 500.
    /// The detail is the error's message, which names the project, its status and what to do.
    public var problem: ProblemDetails {
        let detail = line.map { "Line \($0): \(message)" } ?? Self.sentence(message)
        switch code {
        case .unknownProject: return ProblemDetails.notFound(detail)
        case .invalidTransition, .ambiguousMatch, .fileExists: return ProblemDetails.conflict(detail)
        case .invalidArgument, .noMatch: return ProblemDetails.badRequest(detail)
        case .invalidDocument: return ProblemDetails.internalError("The progress file cannot be understood: \(detail)")
        default: return ProblemDetails.internalError("The progress file cannot be read or written: \(detail)")
        }
    }

    /// The message with a capital first letter and a final full stop.
    static func sentence(_ text: String) -> String {
        guard let first = text.first else { return text }
        let capitalised = first.uppercased() + text.dropFirst()
        return capitalised.hasSuffix(".") ? capitalised : capitalised + "."
    }
}
