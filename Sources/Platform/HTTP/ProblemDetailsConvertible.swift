public import HTTPTypes
public import Hummingbird

/// An error that knows its RFC 9457 problem. A system's error type conforms once; ``ProblemMiddleware`` answers
/// with the problem wherever a route throws the error, so no route catches and re-throws to map it. The error is
/// also an `HTTPResponseError`, so a system's middleware used in an application without ``ProblemMiddleware``
/// still answers with the problem.
public protocol ProblemDetailsConvertible: HTTPResponseError {
    /// The problem to answer with. Its detail must never hold a secret or a server-side path.
    var problem: ProblemDetails { get }
}

extension ProblemDetailsConvertible {
    /// The problem's status.
    public var status: HTTPResponse.Status { problem.status }

    /// The problem as a response (`application/problem+json`).
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try problem.response(from: request, context: context)
    }
}
