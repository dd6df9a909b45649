public import Foundation
public import Hummingbird
import NIOCore

/// Enforces `maxBodySize`: a declared `Content-Length` over the limit is refused with `413` before a byte of the
/// body is read, and the connection is closed afterwards so the rest is never read; bodies without a length
/// (chunked) are cut off at the limit by ``Request/decodeJSON(as:context:)`` and `collect(upTo:)`.
public struct BodyLimitMiddleware: RouterMiddleware {
    public typealias Context = MasteryRequestContext
    let limit: Int

    /// Creates the middleware with the limit in bytes.
    public init(limit: Int) {
        self.limit = limit
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.maxBodySize = limit
        if let declared = request.headers[.contentLength] {
            guard let length = Int(declared), length >= 0 else {
                throw ProblemDetails.badRequest(
                    "Content-Length must be a non-negative integer.",
                    headers: [.connection: "close"]
                )
            }
            if length > limit {
                throw ProblemDetails.bodyTooLarge(
                    "The body is \(length) bytes; the limit is \(limit) bytes.",
                    headers: [.connection: "close"]
                )
            }
        }
        return try await next(request, context)
    }
}

extension Request {
    /// Checks that the body is declared as JSON (`application/json` or `…+json`).
    /// - Throws: ``ProblemDetails`` 415 naming what was sent instead.
    public func requireJSONContentType() throws {
        let contentType = headers[.contentType]?.lowercased() ?? ""
        let mediaType = contentType.split(separator: ";").first?.trimmingCharacters(in: .whitespaces) ?? ""
        guard mediaType == "application/json" || mediaType.hasSuffix("+json") else {
            throw ProblemDetails.unsupportedMediaType(
                contentType.isEmpty
                    ? "The body must be JSON: send Content-Type: application/json."
                    : "The body must be JSON (application/json), not \(ProblemMiddleware.printable(String(contentType.prefix(100))))."
            )
        }
    }

    /// Decodes a JSON body: the `Content-Type` must be JSON (`application/json` or `…+json`), the body at most
    /// the context's `maxBodySize`, and the JSON the type expects.
    /// - Throws: ``ProblemDetails``: 415 for another content type, 413 for an oversized body, 400 for malformed
    ///   JSON (the detail names the offending field).
    public func decodeJSON<T: Decodable>(as type: T.Type, context: MasteryRequestContext) async throws -> T {
        let data = try await collectJSON(context: context)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw ProblemDetails.malformedJSON(error, body: data)
        }
    }

    /// The bytes of a JSON body, for handlers that look at them before decoding: the `Content-Type` must be JSON
    /// (`application/json` or `…+json`), the body at most the context's `maxBodySize`.
    /// - Throws: ``ProblemDetails``: 415 for another content type, 413 for an oversized body.
    public func collectJSON(context: MasteryRequestContext) async throws -> Data {
        try requireJSONContentType()
        // Past the limit, collect throws NIOTooManyBytesError, which ProblemMiddleware answers with a 413 that
        // closes the connection, for every handler that collects a body.
        let buffer = try await body.collect(upTo: context.maxBodySize)
        return Data(buffer.readableBytesView)
    }
}
