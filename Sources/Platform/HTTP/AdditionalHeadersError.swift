public import HTTPTypes
public import Hummingbird

/// An error on its way to becoming a response, with header fields that response must carry: a middleware that
/// adds fields to every response (such as the rate limiter's `RateLimit`) wraps the errors thrown past it.
///
/// ``ProblemMiddleware`` turns the underlying error into its problem as usual and adds the fields; under another
/// error handler it answers as the underlying error does (or 500 when it is not an `HTTPResponseError`), with
/// the fields added.
public struct AdditionalHeadersError: Error, HTTPResponseError, Sendable {
    /// The error thrown.
    public var underlying: any Error
    /// The fields to add to its response.
    public var headers: HTTPFields

    /// Wraps an error; wrapping one that is already wrapped merges the fields into it.
    public init(_ underlying: any Error, headers: HTTPFields) {
        if let wrapped = underlying as? AdditionalHeadersError {
            self.underlying = wrapped.underlying
            self.headers = wrapped.headers
            self.headers.append(contentsOf: headers)
        } else {
            self.underlying = underlying
            self.headers = headers
        }
    }

    /// The underlying error's status, or 500.
    public var status: HTTPResponse.Status {
        (underlying as? any HTTPResponseError)?.status ?? .internalServerError
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        guard let error = underlying as? any HTTPResponseError else {
            return Response(status: .internalServerError, headers: headers)
        }
        var response = try error.response(from: request, context: context)
        response.headers.append(contentsOf: headers)
        return response
    }
}
