import HTTPTypes
import Hummingbird
import ResponseCaching
import Synchronization

/// The origin the adapted cache-tests cases run against over HTTP: `GET /c/{index}` answers the case's response
/// (its status and fields, a value `@N` being the HTTP-date `N` seconds after now), and, when the case says the
/// origin fails, 503 to every later request. It notes what each request asked for, from which the case's outcome
/// is read: no second request (cached), a conditional one (validated) or an unconditional one (not cached).
final class ConformanceOrigin: Sendable {
    /// What a request to the origin carried.
    struct Seen: Sendable {
        var ifNoneMatch: Bool
        var ifModifiedSince: Bool
    }

    let cases: [CacheTestsCase]
    /// Now, in seconds since the Unix epoch: the clock the `@N` dates are written from.
    let now: @Sendable () -> Int64
    let log = Mutex<[Int: [Seen]]>([:])

    init(cases: [CacheTestsCase], now: @escaping @Sendable () -> Int64) {
        self.cases = cases
        self.now = now
    }

    /// Adds `GET /c/{index}` to `group`.
    func addRoutes(to group: RouterGroup<BasicRequestContext>) {
        group.get("{index}") { [self] request, context in
            guard let index = context.parameters.get("index", as: Int.self), cases.indices.contains(index) else {
                return Response(status: .notFound)
            }
            return answer(index, request.head)
        }
    }

    func answer(_ index: Int, _ request: HTTPRequest) -> Response {
        let testCase = cases[index]
        let seen = Seen(
            ifNoneMatch: request.headerFields[.ifNoneMatch] != nil,
            ifModifiedSince: request.headerFields[.ifModifiedSince] != nil
        )
        let count = log.withLock { log in
            log[index, default: []].append(seen)
            return log[index]?.count ?? 0
        }
        if count > 1, testCase.originFails {
            return Response(status: .serviceUnavailable, headers: [.cacheControl: "no-store"])
        }
        let fields = Self.fields(testCase.response ?? [], now: now())
        let status = HTTPResponse.Status(code: testCase.status)
        let hasBody = status != .noContent && status != .notModified && status.kind != .informational
        return Response(
            status: status,
            headers: fields,
            body: hasBody ? .init(byteBuffer: .init(string: "case \(index), response \(count)")) : .init()
        )
    }

    /// `Name: value` lines as fields, `@N` values as HTTP-dates relative to `now`.
    static func fields(_ lines: [String], now: Int64) -> HTTPFields {
        var fields = HTTPFields()
        for line in lines {
            guard let colon = line.firstIndex(of: ":"), let name = HTTPField.Name(String(line[..<colon])) else {
                continue
            }
            var value = String(line[line.index(after: colon)...].drop(while: { $0 == " " }))
            if value.hasPrefix("@"), let offset = Int64(value.dropFirst()) {
                value = HTTPCacheDate.format(now + offset)
            }
            fields.append(HTTPField(name: name, value: value))
        }
        return fields
    }

    /// The outcome of case `index`, from what reached the origin, the status the second request got, and whether
    /// the cache answered it 504 itself.
    func outcome(_ index: Int, secondStatus: Int, gatewayTimeout: Bool) -> CacheTestsCase.Outcome {
        let testCase = cases[index]
        let seen = log.withLock { $0[index] ?? [] }
        let before = testCase.response == nil ? 0 : 1
        guard seen.count > before else { return gatewayTimeout ? .gatewayTimeout : .cached }
        // The origin failed and the client still got the stored response: served stale.
        if testCase.originFails, secondStatus == testCase.status { return .cached }
        let second = seen[before]
        if second.ifNoneMatch { return .etagValidated }
        return second.ifModifiedSince ? .lmValidated : .notCached
    }
}
