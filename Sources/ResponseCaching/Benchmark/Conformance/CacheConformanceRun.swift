import AsyncHTTPClient
import Benchmarking
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Platform
import ResponseCaching

/// The adapted cache-tests cases (``CacheTestsCase/all``) replayed over HTTP against two shared caches in front of
/// the same kind of origin (``ConformanceOrigin``): ``ResponseCacheMiddleware`` in a Hummingbird server, and nginx
/// `proxy_cache` (as `mastery bench cache` configures it) in front of an origin server. Each case sends its first
/// request, waits its pause (up to 3 s; the cases run concurrently, each on its own URL, so the pause is waited
/// once), sends the second, and compares what reached the origin with the outcome the case expects of a shared
/// cache.
struct CacheConformanceRun: Sendable {
    /// The outcomes of one cache, by case index.
    struct Score: Sendable {
        var outcomes: [CacheTestsCase.Outcome]
        /// The cases whose outcome is not the expected one.
        func failures(_ cases: [CacheTestsCase]) -> [(CacheTestsCase, CacheTestsCase.Outcome)] {
            zip(cases, outcomes).filter { $0.0.expected != $0.1 }.map { ($0.0, $0.1) }
        }
    }

    var cases = CacheTestsCase.all
    /// The clock of our cache and of its origin's dates (nginx's side always runs on real time).
    var clock: any ResponseCacheClock = SystemResponseCacheClock()
    /// Lets a pause pass on ``clock``: a sleep on real time; a test moves its manual clock instead.
    var wait: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    static let quiet = Logger(label: "mastery.bench.cache.conformance", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Our middleware's score, and nginx's when `withNginx`.
    func run(withNginx: Bool, logger: Logger) async throws -> (ours: Score, nginx: Score?) {
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        do {
            let ours = try await runOurs(client: client)
            let nginx = withNginx ? try await runNginx(client: client, logger: logger) : nil
            try await client.shutdown()
            return (ours, nginx)
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    func runOurs(client: HTTPClient) async throws -> Score {
        let clock = self.clock
        let origin = ConformanceOrigin(cases: cases, now: { clock.now / 1_000 })
        let cache = try ResponseCache(instance: "conformance", clock: clock, logger: Self.quiet)
        let router = Router()
        origin.addRoutes(
            to: router.group("c").add(middleware: ResponseCacheMiddleware<BasicRequestContext>(cache: cache))
        )
        return try await Self.serving(router) { port in
            try await replay(origin: origin, base: "http://127.0.0.1:\(port)", client: client, wait: wait)
        }
    }

    func runNginx(client: HTTPClient, logger: Logger) async throws -> Score {
        let origin = ConformanceOrigin(cases: cases, now: { Int64(Date().timeIntervalSince1970) })
        let router = Router()
        origin.addRoutes(to: router.group("c"))
        return try await Self.serving(router) { originPort in
            let port = try freePort()
            return try await NginxPeer.run(
                configuration: .init(port: port, responseBody: "{}", proxyCacheOrigin: "127.0.0.1:\(originPort)"),
                logger: logger
            ) { _ in
                try await replay(origin: origin, base: "http://127.0.0.1:\(port)", client: client) {
                    try await Task.sleep(for: $0)
                }
            }
        }
    }

    /// Every case at once, each on its own URL: all first requests, then the second requests in order of their
    /// pauses, `wait` letting each pause pass once for all the cases that share it.
    func replay(
        origin: ConformanceOrigin,
        base: String,
        client: HTTPClient,
        wait: @Sendable (Duration) async throws -> Void
    ) async throws -> Score {
        let now = origin.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, testCase) in cases.enumerated() where testCase.response != nil {
                group.addTask {
                    _ = try await Self.get("\(base)/c/\(index)", testCase.setupRequest, now: now(), client: client)
                }
            }
            try await group.waitForAll()
        }
        var outcomes = [CacheTestsCase.Outcome](repeating: .notCached, count: cases.count)
        var waited = 0.0
        for pause in Set(cases.map(\.pause)).sorted() {
            if pause > waited { try await wait(.milliseconds(Int64((pause - waited) * 1_000))) }
            waited = max(waited, pause)
            let group = cases.indices.filter { cases[$0].pause == pause }
            try await withThrowingTaskGroup(of: (Int, CacheTestsCase.Outcome).self) { tasks in
                for index in group {
                    let testCase = cases[index]
                    tasks.addTask {
                        let (status, body) = try await Self.get(
                            "\(base)/c/\(index)",
                            testCase.request,
                            now: now(),
                            client: client
                        )
                        // A 504 the cache made itself (only-if-cached) carries no stored body of the case.
                        let answeredByCache = status == 504 && !body.hasPrefix("case \(index),")
                        return (index, origin.outcome(index, secondStatus: status, gatewayTimeout: answeredByCache))
                    }
                }
                for try await (index, outcome) in tasks { outcomes[index] = outcome }
            }
        }
        return Score(outcomes: outcomes)
    }

    /// `GET url` with `lines` as fields; the status and the body.
    static func get(_ url: String, _ lines: [String], now: Int64, client: HTTPClient) async throws -> (Int, String) {
        var request = HTTPClientRequest(url: url)
        for field in ConformanceOrigin.fields(lines, now: now) {
            request.headers.add(name: field.name.rawName, value: field.value)
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    /// Runs a Hummingbird server for `router` on a free loopback port while `body` runs.
    static func serving<Result: Sendable>(
        _ router: Router<BasicRequestContext>,
        _ body: @escaping @Sendable (Int) async throws -> Result
    ) async throws -> Result {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: quiet
        )
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                try await application.runService()
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                group.cancelAll()
                throw BenchmarkError(code: .processFailed, message: "the conformance server did not start")
            }
            defer { group.cancelAll() }
            return try await body(port)
        }
    }
}
