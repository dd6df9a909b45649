public import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore

/// Turns every error into an RFC 9457 problem response: our ``ProblemDetails`` as they are, Hummingbird's
/// `HTTPError`s with their status, decoding errors as `400 malformed-json`, anything else as a `500` whose
/// detail names only the request ID (the log has the rest); an ``AdditionalHeadersError`` as its underlying
/// error, with its fields added. An unmatched route becomes `404`, or `405` with an
/// `Allow` header when the path exists with other methods.
public struct ProblemMiddleware: RouterMiddleware {
    public typealias Context = MasteryRequestContext
    let routeTable: RouteTable

    /// Creates the middleware over the server's route table.
    public init(routeTable: RouteTable) {
        self.routeTable = routeTable
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return try problem(for: error, request: request, context: context).response(from: request, context: context)
        }
    }

    func problem(for error: any Error, request: Request, context: Context) -> ProblemDetails {
        switch error {
        case let problem as ProblemDetails:
            return problem
        case let error as any ProblemDetailsConvertible:
            return error.problem
        case let error as AdditionalHeadersError:
            var problem = problem(for: error.underlying, request: request, context: context)
            problem.headers.append(contentsOf: error.headers)
            return problem
        case let error as HTTPError where error.status == .notFound && context.matchedRoute == nil:
            let allowed = routeTable.allowedMethods(for: request.uri.path)
            if allowed.isEmpty {
                return ProblemDetails.notFound("No route matches \(Self.printable(request.uri.path)).")
            }
            let allow = allowed.map(\.rawValue).joined(separator: ", ")
            return ProblemDetails.methodNotAllowed(
                "\(request.method.rawValue) is not allowed on \(Self.printable(request.uri.path)); allowed: \(allow).",
                headers: [.allow: allow]
            )
        case let error as HTTPError:
            return problem(forStatus: error.status, message: error.body)
        case let error as DecodingError:
            return ProblemDetails.malformedJSON(Self.describe(error))
        case is NIOTooManyBytesError:
            // A handler collected a body (chunked, so no length was declared) past the limit.
            return ProblemDetails.bodyTooLarge(
                "The body is larger than the limit of \(context.maxBodySize) bytes.",
                headers: [.connection: "close"]
            )
        case let error as any HTTPResponseError:
            return problem(forStatus: error.status, message: nil)
        default:
            context.logger.error(
                "Unhandled error",
                metadata: ["error.type": "\(String(reflecting: type(of: error)))", "error.message": "\(error)"]
            )
            return ProblemDetails.internalError(
                "An unexpected error occurred; the server log has it under request ID \(context.requestID)."
            )
        }
    }

    func problem(forStatus status: HTTPResponse.Status, message: String?) -> ProblemDetails {
        let kind = ProblemDetails.platformKinds.first { $0.status == status }
        let detail = message.flatMap { $0.isEmpty ? nil : $0 } ?? status.reasonPhrase
        if let kind { return kind(detail, status: status) }
        return ProblemDetails(type: "about:blank", title: status.reasonPhrase, status: status, detail: detail)
    }

    /// A decoding error as one sentence naming the field.
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let text = codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.isEmpty ? "the body" : "field '\(text.dropFirst(text.hasPrefix(".") ? 1 : 0))'"
        }
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return "The body is not valid JSON."
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)) is invalid: \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])) is required."
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) must be \(Self.name(of: type))."
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) must be \(Self.name(of: type)), not null."
        @unknown default:
            return "The body is not the JSON this endpoint expects."
        }
    }

    static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is Bool.Type: return "a boolean"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "a valid \(name)"
        }
    }

    /// A path safe to echo in a message: at most 200 characters, control characters replaced.
    static func printable(_ path: String) -> String {
        let cleaned = String(
            String.UnicodeScalarView(path.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 })
        )
        return cleaned.count > 200 ? String(cleaned.prefix(200)) + "…" : cleaned
    }
}

extension ProblemDetails {
    /// The `400 malformed-json` problem of a body that failed to decode: the offending field named, and for a
    /// body that does not parse, the parser's reason (such as a number beyond the range of a double). A body that
    /// parses but fails as a whole is said to hold a number that does not fit its field (Foundation reports an
    /// integer overflow that way).
    public static func malformedJSON(_ error: DecodingError, body: Data) -> ProblemDetails {
        guard case .dataCorrupted(let context) = error, context.codingPath.isEmpty else {
            return malformedJSON(ProblemMiddleware.describe(error))
        }
        do {
            _ = try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
            return malformedJSON(
                "The body is JSON, but a number in it does not fit its field (an integer too large, or a fraction where an integer is expected)."
            )
        } catch {
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            return malformedJSON(
                "The body is not valid JSON"
                    + (reason.map { ": " + ProblemMiddleware.printable(String($0.prefix(200))) } ?? ".")
            )
        }
    }
}
