public import AsyncHTTPClient
public import Foundation
import NIOCore

@_exported public import enum NIOHTTP1.HTTPMethod

/// Talks to a running `mastery serve` for a command: JSON in and out, the admin token on writes, and every
/// answer other than 2xx turned into a ``CommandFailure`` with one exit-status scheme (``failure(status:problem:write:)``).
public struct ServerClient: Sendable {
    /// The server's base URL, without a trailing slash.
    public let baseURL: String
    /// The admin token sent on writes, if any was found.
    public let adminToken: String?
    /// How long to wait for an answer.
    public let timeout: Duration
    let client: HTTPClient

    /// Creates a client; ``close()`` releases it.
    public init(baseURL: String, adminToken: String?, timeout: Duration) {
        self.baseURL = baseURL
        self.adminToken = adminToken
        self.timeout = timeout
        client = HTTPClient(eventLoopGroupProvider: .singleton)
    }

    /// The answer to a request: its status and body.
    public struct Answer: Sendable {
        /// The HTTP status code.
        public var status: UInt
        /// The body.
        public var body: Data
        /// The problem+json body's title and detail, when the body is one.
        public var problem: Problem? { try? JSONDecoder().decode(Problem.self, from: body) }
    }

    /// The members of a problem+json body a command shows.
    public struct Problem: Decodable, Sendable {
        /// The problem's title.
        public var title: String?
        /// What happened.
        public var detail: String?

        /// `title: detail`.
        public var summary: String { [title, detail].compactMap { $0 }.joined(separator: ": ") }
    }

    /// Sends a request and returns the answer, whatever its status.
    /// - Parameters:
    ///   - write: Sends the admin token (a state-changing request).
    /// - Throws: ``CommandFailure`` (69) when the server cannot be reached or does not answer in time.
    public func exchange(
        _ method: HTTPMethod,
        _ path: String,
        body: Data? = nil,
        write: Bool = false
    ) async throws
        -> Answer
    {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        if write, let adminToken { request.headers.add(name: "Authorization", value: "Bearer \(adminToken)") }
        do {
            let response = try await client.execute(request, timeout: TimeAmount.nanoseconds(timeout.nanoseconds))
            let bytes = try await response.body.collect(upTo: 16 << 20)
            return Answer(status: response.status.code, body: Data(bytes.readableBytesView))
        } catch {
            throw CommandFailure(
                .unavailable,
                "cannot reach the server at \(baseURL) (\(Self.reason(error))); is `mastery serve` running there?"
            )
        }
    }

    /// Sends a request and returns the body of a 2xx answer.
    /// - Throws: ``CommandFailure``: 69 for an unreachable server, and the failure of ``failure(for:write:)``
    ///   for every other answer.
    public func send(
        _ method: HTTPMethod,
        _ path: String,
        body: Data? = nil,
        write: Bool = false
    ) async throws
        -> Data
    {
        let answer = try await exchange(method, path, body: body, write: write)
        guard (200..<300).contains(answer.status) else { throw failure(for: answer, write: write) }
        return answer.body
    }

    /// Decodes a JSON answer.
    /// - Throws: ``CommandFailure`` (76) when it is not what the API promises.
    public func decode<Value: Decodable>(_ type: Value.Type, _ data: Data) throws -> Value {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw CommandFailure(.protocolError, "the server's answer is not what the API promises (\(error))")
        }
    }

    /// The failure for a non-2xx answer, with the problem's title and detail: 401/403 → 77 (with a hint when no
    /// token was found for a write); 404 → 66; 400/409/413/415/422 → 65; 429 and 5xx → 69; anything else → 76.
    public func failure(for answer: Answer, write: Bool) -> CommandFailure {
        let said = answer.problem.map(\.summary).flatMap { $0.isEmpty ? nil : $0 } ?? "HTTP \(answer.status)"
        switch answer.status {
        case 401, 403:
            let hint =
                write && adminToken == nil
                ? " (no admin token found: pass --admin-token, set \(ServerOptions.tokenVariable), or --data-dir naming the server's data folder)"
                : ""
            return CommandFailure(.noPermission, "the server refused: \(said)\(hint)")
        case 404:
            return CommandFailure(.noInput, "the server refused: \(said)")
        case 400, 409, 413, 415, 422:
            return CommandFailure(.dataError, "the server refused: \(said)")
        case 429, 500...:
            return CommandFailure(.unavailable, "the server failed: \(said)")
        default:
            return CommandFailure(.protocolError, "unexpected answer: \(said)")
        }
    }

    /// Releases the connections; never throws.
    public func close() async {
        try? await client.shutdown()
    }

    /// Runs `body` with a client and closes it afterwards, whatever happens.
    public func using<Result>(_ body: (ServerClient) async throws -> Result) async throws -> Result {
        do {
            let result = try await body(self)
            await close()
            return result
        } catch {
            await close()
            throw error
        }
    }

    /// A short reason for a failed connection, without the internals of NIO's error types.
    static func reason(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout, .deadlineExceeded, .readTimeout: return "no answer in time"
            default: break
            }
        }
        let text = String(describing: error)
        if text.localizedCaseInsensitiveContains("refused") { return "connection refused" }
        return String(text.prefix(200))
    }
}

extension Duration {
    fileprivate var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
