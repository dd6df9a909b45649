/// A WebDriver command failed: a W3C error from the driver (`no such element`, `javascript error`, …), or the
/// driver could not be started or reached.
public struct WebDriverError: Error, Sendable, CustomStringConvertible {
    /// What went wrong: a W3C error code, or one of ours.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case w3c(String)
            case driverFailedToStart
            case driverUnreachable
            case invalidResponse
        }
        private let base: Base

        /// A W3C error code, as the driver spells it (`"no such element"`).
        public static func w3c(_ name: String) -> Code { Code(base: .w3c(name)) }

        /// `no such element`: no element matches the selector.
        public static let noSuchElement = w3c("no such element")
        /// `stale element reference`: the element left the document.
        public static let staleElementReference = w3c("stale element reference")
        /// `element not interactable`: the element cannot be clicked or typed into.
        public static let elementNotInteractable = w3c("element not interactable")
        /// `element click intercepted`: another element would receive the click.
        public static let elementClickIntercepted = w3c("element click intercepted")
        /// `invalid selector`.
        public static let invalidSelector = w3c("invalid selector")
        /// `invalid argument`.
        public static let invalidArgument = w3c("invalid argument")
        /// `javascript error`: a script threw.
        public static let javascriptError = w3c("javascript error")
        /// `timeout`: a bounded wait ran out (also used by ``WebDriverSession/waitUntil(script:timeout:interval:)``).
        public static let timeout = w3c("timeout")
        /// `script timeout`.
        public static let scriptTimeout = w3c("script timeout")
        /// `invalid session id`: the session was closed.
        public static let invalidSessionID = w3c("invalid session id")
        /// `session not created`: the browser did not start.
        public static let sessionNotCreated = w3c("session not created")
        /// `unknown error`.
        public static let unknownError = w3c("unknown error")

        /// chromedriver did not start or did not become ready.
        public static let driverFailedToStart = Code(base: .driverFailedToStart)
        /// The HTTP request to chromedriver failed.
        public static let driverUnreachable = Code(base: .driverUnreachable)
        /// chromedriver answered something that is not a W3C response.
        public static let invalidResponse = Code(base: .invalidResponse)

        /// The W3C error code, or `nil` for our own codes.
        public var w3cName: String? { if case .w3c(let name) = base { name } else { nil } }

        public var description: String {
            switch base {
            case .w3c(let name): name
            case .driverFailedToStart: "driver failed to start"
            case .driverUnreachable: "driver unreachable"
            case .invalidResponse: "invalid response"
            }
        }
    }

    /// What went wrong.
    public var code: Code
    /// The driver's message, or ours.
    public var message: String
    /// The command that failed (`POST /session/…/element`), when there was one.
    public var command: String?
    /// The error that caused this one, if any.
    public var underlying: (any Error)?

    /// Creates the error.
    public init(code: Code, message: String, command: String? = nil, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.command = command
        self.underlying = underlying
    }

    public var description: String {
        var text = "WebDriver \(code)"
        if let command { text += " (\(command))" }
        text += ": \(message)"
        if let underlying { text += ": \(underlying)" }
        return text
    }
}
