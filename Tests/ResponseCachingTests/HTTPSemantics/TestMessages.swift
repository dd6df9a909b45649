import HTTPTypes
import ResponseCaching

/// Builds requests and responses for tests from `Name: value` lines; a value `@N` is the HTTP-date `N` seconds
/// after ``epoch``.
enum TestMessages {
    /// The fixed instant every test starts from (2023-11-14 22:13:20 UTC).
    static let epoch: Int64 = 1_700_000_000

    static func fields(_ lines: [String]) -> HTTPFields {
        var fields = HTTPFields()
        for line in lines {
            guard let colon = line.firstIndex(of: ":"), let name = HTTPField.Name(String(line[..<colon])) else {
                preconditionFailure("bad test field line \(line)")
            }
            var value = String(line[line.index(after: colon)...].dropFirst())
            if value.hasPrefix("@"), let offset = Int64(value.dropFirst()) {
                value = HTTPCacheDate.format(Self.epoch + offset)
            }
            fields.append(HTTPField(name: name, value: value))
        }
        return fields
    }

    static func request(_ lines: [String] = [], method: HTTPRequest.Method = .get, path: String = "/r") -> HTTPRequest {
        HTTPRequest(method: method, scheme: "https", authority: "example.com", path: path, headerFields: fields(lines))
    }

    static func response(_ status: Int = 200, _ lines: [String]) -> HTTPResponse {
        HTTPResponse(status: HTTPResponse.Status(code: status), headerFields: fields(lines))
    }

    /// Stores `response` for `request` at ``epoch`` and returns its metadata, or `nil` if refused.
    static func store(
        _ response: HTTPResponse,
        for request: HTTPRequest = request(),
        policy: HTTPCachePolicy = HTTPCachePolicy(),
        requestTime: Double = Double(epoch),
        responseTime: Double = Double(epoch)
    ) -> HTTPCacheMetadata? {
        guard policy.refusal(request: request, response: response) == nil else { return nil }
        return policy.metadata(
            request: request,
            response: response,
            requestTime: requestTime,
            responseTime: responseTime
        )
    }
}
