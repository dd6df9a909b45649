import Foundation
import NIOHTTP1
public import Platform

/// An element of the page in a ``WebDriverSession``, found by ``WebDriverSession/findElement(css:)``.
///
/// A reference goes stale when the element leaves the document: commands then throw ``WebDriverError`` with code
/// `stale element reference`.
public struct WebDriverElement: Sendable {
    /// The W3C key of an element reference in JSON.
    static let key = "element-6066-11e4-a52e-4f735466cecf"

    /// The session the element belongs to.
    public let session: WebDriverSession
    /// The driver's id of the element.
    public let id: String

    init(session: WebDriverSession, id: String) {
        self.session = session
        self.id = id
    }

    /// The element as a script argument (`arguments[0]` is then the DOM element).
    public var jsonValue: JSONValue { [Self.key: .string(id)] }

    /// The rendered text, as the user sees it (`innerText`).
    public var text: String {
        get async throws { try await command(.GET, "/text").stringValue ?? "" }
    }

    /// The tag name, lowercased (`button`).
    public var tagName: String {
        get async throws { try await command(.GET, "/name").stringValue ?? "" }
    }

    /// Whether the element is displayed.
    public var isDisplayed: Bool {
        get async throws { try await command(.GET, "/displayed").boolValue ?? false }
    }

    /// Whether the element is enabled (form controls).
    public var isEnabled: Bool {
        get async throws { try await command(.GET, "/enabled").boolValue ?? false }
    }

    /// An attribute as written in the HTML (`href`, `data-state`), or `nil` when absent.
    public func attribute(_ name: String) async throws -> String? {
        try await command(.GET, "/attribute/\(Self.escape(name))").stringValue
    }

    /// A DOM property as it is now (`value` of an input, `checked`), decoded.
    public func property(_ name: String) async throws -> JSONValue {
        try await command(.GET, "/property/\(Self.escape(name))")
    }

    /// Clicks the element's centre, scrolling it into view first.
    ///
    /// - Throws: ``WebDriverError`` (`element not interactable`, `element click intercepted`).
    public func click() async throws {
        try await command(.POST, "/click")
    }

    /// Empties an input or textarea.
    public func clear() async throws {
        try await command(.POST, "/clear")
    }

    /// Types text into the element, as keystrokes.
    public func sendKeys(_ text: String) async throws {
        try await command(.POST, "/value", ["text": .string(text)])
    }

    /// The first descendant matching a CSS selector.
    ///
    /// - Throws: ``WebDriverError`` with code `no such element`.
    public func findElement(css selector: String) async throws -> WebDriverElement {
        let value = try await command(.POST, "/element", ["using": "css selector", "value": .string(selector)])
        guard let element = session.element(from: value) else {
            throw WebDriverError(code: .invalidResponse, message: "not an element reference: \(value)")
        }
        return element
    }

    @discardableResult
    private func command(_ method: HTTPMethod, _ path: String, _ body: JSONValue? = nil) async throws -> JSONValue {
        try await session.command(method, "/element/\(id)\(path)", body)
    }

    private static func escape(_ name: String) -> String {
        name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? name
    }
}
