import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
public import Platform
import Synchronization

/// A running `chromedriver` (Debian's chromium-driver), spoken to in W3C WebDriver over HTTP.
///
/// Most tests want ``withWebDriver(configuration:isolation:_:)``, which starts the driver and one headless Chromium
/// session and always cleans both up:
///
/// ```swift
/// try await withWebDriver { session in
///     try await session.navigate(to: "http://127.0.0.1:\(port)/")
///     try await session.waitForDocumentReady()
///     #expect(try await session.findElement(css: "h1").text == "Mastery")
/// }
/// ```
public final class WebDriver: Sendable {
    /// How chromedriver and the browser are started.
    public struct Configuration: Sendable {
        /// The chromedriver executable; `chromedriver` in `PATH` when `nil`.
        public var driverPath: String?
        /// The browser binary (`goog:chromeOptions.binary`).
        public var browserPath: String
        /// The browser's command-line arguments.
        public var browserArguments: [String]
        /// How long chromedriver may take to answer `GET /status` with `ready`.
        public var startupTimeout: Duration
        /// How long one WebDriver command (an HTTP request) may take, session creation included.
        public var commandTimeout: Duration
        /// The default bound of ``WebDriverSession/waitUntil(script:timeout:interval:)`` and friends.
        public var waitTimeout: Duration

        /// Headless Chromium at `/usr/bin/chromium`, 1280×900, no sandbox (tests run as root in containers).
        public init(
            driverPath: String? = nil,
            browserPath: String = "/usr/bin/chromium",
            browserArguments: [String] = [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900",
            ],
            startupTimeout: Duration = .seconds(20),
            commandTimeout: Duration = .seconds(60),
            waitTimeout: Duration = .seconds(10)
        ) {
            self.driverPath = driverPath
            self.browserPath = browserPath
            self.browserArguments = browserArguments
            self.startupTimeout = startupTimeout
            self.commandTimeout = commandTimeout
            self.waitTimeout = waitTimeout
        }
    }

    /// The configuration the driver was started with.
    public let configuration: Configuration
    /// The driver's base URL (`http://127.0.0.1:PORT`).
    public let baseURL: String
    /// The chromedriver process; its output is in `.build/test-artifacts/processes/chromedriver-*.log`.
    public let process: ChildProcess
    /// The `TMPDIR` of chromedriver and the browser (profiles, sockets), deleted by ``close()``.
    public let temporaryDirectory: URL

    private let client: HTTPClient
    private let state = Mutex((closed: false, sessions: Set<String>()))

    private init(configuration: Configuration, port: Int, process: ChildProcess, temporaryDirectory: URL) {
        self.configuration = configuration
        self.baseURL = "http://127.0.0.1:\(port)"
        self.process = process
        self.temporaryDirectory = temporaryDirectory
        self.client = HTTPClient(eventLoopGroupProvider: .singleton)
    }

    deinit {
        // `close()` was not awaited: clean up what can be without waiting.
        guard !state.withLock({ $0.closed }) else { return }
        client.shutdown { _ in }
        process.kill(signal: .kill)
        try? FileManager.default.removeItem(at: temporaryDirectory)
    }

    /// Starts chromedriver on a free port and waits until it is ready for sessions.
    ///
    /// - Throws: ``WebDriverError`` with code `driverFailedToStart`, or ``MissingTestServer`` without chromedriver.
    public static func start(configuration: Configuration = Configuration()) async throws -> WebDriver {
        let path =
            try configuration.driverPath
            ?? TestServers.requireExecutable(named: "chromedriver", package: "chromium chromium-driver")
        var attempt = 0
        while true {
            attempt += 1
            let port = try freePort()
            // Chromium leaves its profile behind when it is killed: keep everything it writes in a folder of ours.
            let temporaryDirectory = FileManager.default.temporaryDirectory
                .appendingPathComponent("mastery-webdriver-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: temporaryDirectory, withIntermediateDirectories: true)
            let process: ChildProcess
            do {
                process = try ChildProcess(
                    executable: path,
                    arguments: ["--port=\(port)"],
                    environment: ["TMPDIR": temporaryDirectory.path],
                    name: "chromedriver"
                )
            } catch {
                try? FileManager.default.removeItem(at: temporaryDirectory)
                throw error
            }
            let driver = WebDriver(
                configuration: configuration,
                port: port,
                process: process,
                temporaryDirectory: temporaryDirectory
            )
            do {
                try await driver.waitForReady()
                return driver
            } catch {
                let exited = !process.isRunning
                await driver.close()
                // Another process may have taken the port between `freePort()` and chromedriver's bind: retry.
                if exited && attempt < 3 { continue }
                throw error
            }
        }
    }

    /// Starts a browser session.
    ///
    /// - Throws: ``WebDriverError`` (`session not created` when the browser does not start).
    public func newSession() async throws -> WebDriverSession {
        let options: JSONValue = [
            "binary": .string(configuration.browserPath),
            "args": .array(configuration.browserArguments.map { .string($0) }),
        ]
        let capabilities: JSONValue = [
            "capabilities": ["alwaysMatch": ["browserName": "chrome", "goog:chromeOptions": options]]
        ]
        let value = try await send(.POST, "/session", capabilities)
        guard let id = value["sessionId"]?.stringValue else {
            throw WebDriverError(code: .invalidResponse, message: "no sessionId in \(value)", command: "POST /session")
        }
        state.withLock { _ = $0.sessions.insert(id) }
        return WebDriverSession(driver: self, id: id, ownsDriver: false)
    }

    /// Deletes the sessions it started that are still open, stops chromedriver (and so the browser), and shuts the
    /// HTTP client down. Never throws; calling it again does nothing.
    public func close() async {
        let (wasClosed, sessions) = state.withLock { state in
            defer { state = (closed: true, sessions: []) }
            return (state.closed, state.sessions)
        }
        guard !wasClosed else { return }
        for id in sessions { _ = try? await send(.DELETE, "/session/\(id)") }
        _ = try? await process.stop(gracePeriod: .seconds(5))
        try? await client.shutdown()
        try? FileManager.default.removeItem(at: temporaryDirectory)
    }

    /// Forgets a session that was deleted.
    func sessionDeleted(_ id: String) {
        state.withLock { _ = $0.sessions.remove(id) }
    }

    /// Sends a WebDriver command and returns the response's `value`.
    ///
    /// - Throws: ``WebDriverError``: the driver's W3C error, or `driverUnreachable`/`invalidResponse`.
    func send(_ method: HTTPMethod, _ path: String, _ body: JSONValue? = nil) async throws -> JSONValue {
        let command = "\(method.rawValue) \(path)"
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if method == .POST {
            request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body ?? [:])))
        }
        let status: UInt
        let bytes: ByteBuffer
        do {
            let response = try await client.execute(request, timeout: TimeAmount(configuration.commandTimeout))
            status = response.status.code
            bytes = try await response.body.collect(upTo: 256 << 20)
        } catch {
            throw WebDriverError(
                code: .driverUnreachable,
                message: "request failed",
                command: command,
                underlying: error
            )
        }
        let decoded = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes.readableBytesView))
        let value = decoded?["value"] ?? .null
        if let code = value["error"]?.stringValue {
            throw WebDriverError(code: .w3c(code), message: value["message"]?.stringValue ?? "", command: command)
        }
        guard (200..<300).contains(status), decoded != nil else {
            let text = String(decoding: bytes.readableBytesView.prefix(500), as: UTF8.self)
            throw WebDriverError(code: .invalidResponse, message: "HTTP \(status): \(text)", command: command)
        }
        return value
    }

    private func waitForReady() async throws {
        do {
            try await waitUntil(timeout: configuration.startupTimeout) {
                guard process.isRunning else {
                    throw WebDriverError(
                        code: .driverFailedToStart,
                        message: "chromedriver \(process.exitStatus.map { "\($0)" } ?? "exited"): "
                            + process.readStandardError().suffix(1000)
                    )
                }
                return (try? await send(.GET, "/status"))?["ready"]?.boolValue == true
            }
        } catch let error as ChildProcessError {
            throw WebDriverError(
                code: .driverFailedToStart,
                message: "chromedriver not ready on \(baseURL); see \(process.standardOutputURL?.path ?? "its output")",
                underlying: error
            )
        }
    }
}

/// Starts chromedriver and a headless Chromium session, runs `body`, then always deletes the session and stops
/// chromedriver, whether `body` returns or throws.
///
/// - Parameters:
///   - configuration: How chromedriver and the browser are started.
///   - body: The test, given the session.
/// - Throws: What `body` throws, or ``WebDriverError`` when the browser cannot start.
public func withWebDriver<Value>(
    configuration: WebDriver.Configuration = WebDriver.Configuration(),
    isolation: isolated (any Actor)? = #isolation,
    _ body: (WebDriverSession) async throws -> Value
) async throws -> Value {
    let session = try await WebDriverSession.start(configuration: configuration)
    let result: Value
    do {
        result = try await body(session)
    } catch {
        await session.close()
        throw error
    }
    await session.close()
    return result
}
