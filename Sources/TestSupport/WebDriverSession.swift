public import Foundation
import NIOHTTP1
public import Platform
import Synchronization

/// One browser session (a headless Chromium window) driven through ``WebDriver``.
///
/// Commands run one at a time in the order they are awaited. Waits are bounded: each takes a `timeout`, by default
/// the configuration's `waitTimeout`.
public final class WebDriverSession: Sendable {
    /// The driver that runs the session.
    public let driver: WebDriver
    /// The W3C session id.
    public let id: String

    private let ownsDriver: Bool
    private let closed = Mutex(false)

    init(driver: WebDriver, id: String, ownsDriver: Bool) {
        self.driver = driver
        self.id = id
        self.ownsDriver = ownsDriver
    }

    /// Starts chromedriver and a session that owns it: ``close()`` then stops chromedriver too.
    ///
    /// Prefer ``withWebDriver(configuration:isolation:_:)``, which always closes.
    /// - Throws: ``WebDriverError``, or ``MissingTestServer`` without chromedriver.
    public static func start(configuration: WebDriver.Configuration = .init()) async throws -> WebDriverSession {
        let driver = try await WebDriver.start(configuration: configuration)
        do {
            let session = try await driver.newSession()
            return WebDriverSession(driver: driver, id: session.id, ownsDriver: true)
        } catch {
            await driver.close()
            throw error
        }
    }

    /// Deletes the session (closing the browser) and, when the session owns its driver, stops chromedriver. Never
    /// throws; calling it again does nothing.
    public func close() async {
        let wasClosed = closed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !wasClosed else { return }
        _ = try? await driver.send(.DELETE, "/session/\(id)")
        driver.sessionDeleted(id)
        if ownsDriver { await driver.close() }
    }

    // MARK: Navigation

    /// Loads a URL and waits for its `load` event (`http:`, `file:` and `data:` URLs all work).
    public func navigate(to url: String) async throws {
        try await command(.POST, "/url", ["url": .string(url)])
    }

    /// Loads a page given as HTML, through a percent-encoded `data:text/html` URL.
    public func load(html: String) async throws {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let encoded = html.addingPercentEncoding(withAllowedCharacters: allowed) ?? html
        try await navigate(to: "data:text/html;charset=utf-8,\(encoded)")
    }

    /// The page's title.
    public var title: String {
        get async throws { try await command(.GET, "/title").stringValue ?? "" }
    }

    /// The URL of the current page.
    public var currentURL: String {
        get async throws { try await command(.GET, "/url").stringValue ?? "" }
    }

    /// The serialized DOM as it is now (scripts' changes included).
    public var pageSource: String {
        get async throws { try await command(.GET, "/source").stringValue ?? "" }
    }

    // MARK: Waiting

    /// Waits until `document.readyState` is `complete`.
    public func waitForDocumentReady(timeout: Duration? = nil) async throws {
        try await waitUntil(script: "document.readyState === 'complete'", timeout: timeout)
    }

    /// Evaluates a JavaScript expression until it is truthy, and returns its value.
    ///
    /// - Parameters:
    ///   - expression: An expression (no `return`), such as `document.querySelector('#list li') !== null`.
    ///   - timeout: The bound; the configuration's `waitTimeout` when `nil`.
    ///   - interval: The pause between evaluations.
    /// - Throws: ``WebDriverError`` with code `timeout`, or the script's error (`javascript error`) at once.
    @discardableResult
    public func waitUntil(
        script expression: String,
        timeout: Duration? = nil,
        interval: Duration = .milliseconds(50)
    ) async throws -> JSONValue {
        let timeout = timeout ?? driver.configuration.waitTimeout
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            let value = try await executeScript("return (\(expression));")
            if value.isTruthy { return value }
            guard clock.now < deadline else {
                throw WebDriverError(code: .timeout, message: "`\(expression)` still \(value) after \(timeout)")
            }
            try await Task.sleep(for: interval)
        }
    }

    /// Waits until an element matches the selector, and returns the first one.
    ///
    /// - Throws: ``WebDriverError`` with code `timeout`.
    public func waitForElement(css selector: String, timeout: Duration? = nil) async throws -> WebDriverElement {
        let quoted = String(decoding: try JSONEncoder().encode(selector), as: UTF8.self)
        try await waitUntil(script: "document.querySelector(\(quoted)) !== null", timeout: timeout)
        return try await findElement(css: selector)
    }

    // MARK: Elements

    /// The first element matching a CSS selector.
    ///
    /// - Throws: ``WebDriverError`` with code `no such element` when none matches (there is no implicit wait).
    public func findElement(css selector: String) async throws -> WebDriverElement {
        let value = try await command(.POST, "/element", ["using": "css selector", "value": .string(selector)])
        return try element(value)
    }

    /// Every element matching a CSS selector, in document order (empty when none matches).
    public func findElements(css selector: String) async throws -> [WebDriverElement] {
        let value = try await command(.POST, "/elements", ["using": "css selector", "value": .string(selector)])
        return try (value.arrayValue ?? []).map(element)
    }

    /// The element a script returned (`return document.body`), or `nil` when the value is not an element.
    public func element(from value: JSONValue) -> WebDriverElement? {
        value[WebDriverElement.key]?.stringValue.map { WebDriverElement(session: self, id: $0) }
    }

    // MARK: Scripts and screenshots

    /// Runs a script synchronously and returns its decoded result.
    ///
    /// - Parameters:
    ///   - script: A function body: `return document.title;`. The arguments are `arguments[0]`, ….
    ///   - args: The arguments; pass an element as ``WebDriverElement/jsonValue``.
    /// - Throws: ``WebDriverError`` with code `javascript error` when the script throws.
    @discardableResult
    public func executeScript(_ script: String, args: [JSONValue] = []) async throws -> JSONValue {
        try await command(.POST, "/execute/sync", ["script": .string(script), "args": .array(args)])
    }

    /// Deletes every cookie of the current page's domain (signs the browser out).
    public func deleteAllCookies() async throws {
        try await command(.DELETE, "/cookie")
    }

    /// Saves a PNG of the viewport as `.build/test-artifacts/screenshots/<name>.png`.
    ///
    /// - Parameter name: The file name without extension; `/` becomes `-`.
    /// - Returns: The file's URL.
    @discardableResult
    public func screenshot(named name: String) async throws -> URL {
        let value = try await command(.GET, "/screenshot")
        guard let base64 = value.stringValue, let png = Data(base64Encoded: base64) else {
            throw WebDriverError(
                code: .invalidResponse,
                message: "screenshot is not base64",
                command: "GET /screenshot"
            )
        }
        let directory = TestServers.artifactsDirectory.appendingPathComponent("screenshots")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent(name.replacingOccurrences(of: "/", with: "-") + ".png")
        try png.write(to: file, options: .atomic)
        return file
    }

    /// Sends a command of this session (`path` is relative to `/session/{id}`) and returns its `value`.
    @discardableResult
    func command(_ method: HTTPMethod, _ path: String, _ body: JSONValue? = nil) async throws -> JSONValue {
        try await driver.send(method, "/session/\(id)\(path)", body)
    }

    private func element(_ value: JSONValue) throws -> WebDriverElement {
        guard let element = element(from: value) else {
            throw WebDriverError(code: .invalidResponse, message: "not an element reference: \(value)")
        }
        return element
    }
}
