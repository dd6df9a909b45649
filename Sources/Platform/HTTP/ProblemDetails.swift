public import Foundation
public import HTTPTypes
public import Hummingbird

/// An RFC 9457 problem: the body of every error response our code produces (`application/problem+json`).
///
/// `type` is a stable relative URI (`/problems/<slug>`); the server serves a short description of each type there.
public struct ProblemDetails: Error, HTTPResponseError, Sendable {
    /// A stable identifier of the kind of problem (`/problems/not-found`).
    public var type: String
    /// A short summary of the kind of problem; the same for every occurrence.
    public var title: String
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// What went wrong this time, for a person.
    public var detail: String
    /// Extra members of the problem object (for example `errors`, `allow`).
    public var extensions: [String: String]
    /// Extra response headers (for example `Allow`, `Retry-After`).
    public var headers: HTTPFields

    /// Creates a problem.
    public init(
        type: String,
        title: String,
        status: HTTPResponse.Status,
        detail: String,
        extensions: [String: String] = [:],
        headers: HTTPFields = [:]
    ) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.extensions = extensions
        self.headers = headers
    }

    /// The JSON body.
    public var body: Data {
        var object: [String: Any] = [
            "type": type, "title": title, "status": Int(status.code), "detail": detail,
        ]
        for (key, value) in extensions where object[key] == nil { object[key] = value }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data(#"{"status":500,"title":"Internal Server Error","type":"/problems/internal"}"#.utf8)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension ProblemDetails {
    /// A kind of problem we produce, with its stable slug and title.
    public struct Kind: Sendable, Hashable {
        /// The slug in `/problems/<slug>`.
        public var slug: String
        /// The title shared by every problem of this kind.
        public var title: String
        /// The status it is usually sent with.
        public var status: HTTPResponse.Status
        /// One sentence for the `/problems/<slug>` page.
        public var summary: String

        /// Declares a kind.
        public init(slug: String, title: String, status: HTTPResponse.Status, summary: String) {
            self.slug = slug
            self.title = title
            self.status = status
            self.summary = summary
        }

        /// A problem of this kind.
        public func callAsFunction(
            _ detail: String,
            status: HTTPResponse.Status? = nil,
            headers: HTTPFields = [:]
        ) -> ProblemDetails {
            ProblemDetails(
                type: "/problems/\(slug)",
                title: title,
                status: status ?? self.status,
                detail: detail,
                headers: headers
            )
        }
    }

    public static let badRequest = Kind(
        slug: "bad-request",
        title: "Bad Request",
        status: .badRequest,
        summary: "The request is malformed."
    )
    public static let malformedJSON = Kind(
        slug: "malformed-json",
        title: "Malformed JSON",
        status: .badRequest,
        summary: "The body is not valid JSON, or not the JSON the endpoint expects."
    )
    public static let invalidParameter = Kind(
        slug: "invalid-parameter",
        title: "Invalid Parameter",
        status: .badRequest,
        summary: "A path or query parameter has an invalid value."
    )
    public static let unsupportedMediaType = Kind(
        slug: "unsupported-media-type",
        title: "Unsupported Media Type",
        status: .unsupportedMediaType,
        summary: "The body's Content-Type is not one the endpoint accepts."
    )
    public static let bodyTooLarge = Kind(
        slug: "body-too-large",
        title: "Content Too Large",
        status: .contentTooLarge,
        summary: "The body is larger than the configured maxBodySize."
    )
    public static let notFound = Kind(
        slug: "not-found",
        title: "Not Found",
        status: .notFound,
        summary: "No route or resource matches the request."
    )
    public static let methodNotAllowed = Kind(
        slug: "method-not-allowed",
        title: "Method Not Allowed",
        status: .methodNotAllowed,
        summary: "The path exists but not with this method; see the Allow header."
    )
    public static let unauthorized = Kind(
        slug: "unauthorized",
        title: "Unauthorized",
        status: .unauthorized,
        summary: "The request needs the admin bearer token or a dashboard session with its CSRF token."
    )
    public static let forbidden = Kind(
        slug: "forbidden",
        title: "Forbidden",
        status: .forbidden,
        summary: "The request is not allowed (for example a cross-origin form post)."
    )
    public static let unknownHost = Kind(
        slug: "unknown-host",
        title: "Misdirected Request",
        status: .misdirectedRequest,
        summary:
            "The Host header names a host this server does not serve (see allowedHosts): the defence against DNS rebinding."
    )
    public static let conflict = Kind(
        slug: "conflict",
        title: "Conflict",
        status: .conflict,
        summary: "The request conflicts with the current state."
    )
    public static let unavailable = Kind(
        slug: "unavailable",
        title: "Service Unavailable",
        status: .serviceUnavailable,
        summary: "A backend the request needs is down, or the server is shutting down."
    )
    public static let internalError = Kind(
        slug: "internal",
        title: "Internal Server Error",
        status: .internalServerError,
        summary: "An unexpected error; the server log has the details under the request ID."
    )

    /// Every kind Platform produces (systems add their own).
    public static let platformKinds: [Kind] = [
        badRequest, malformedJSON, invalidParameter, unsupportedMediaType, bodyTooLarge, notFound, methodNotAllowed,
        unauthorized, forbidden, unknownHost, conflict, unavailable, internalError,
    ]
}
