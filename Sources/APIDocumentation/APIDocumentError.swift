/// Why documents cannot be merged into one (``MountedAPI/merged(_:info:)``).
public struct APIDocumentError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable { case duplicatePath, conflictingComponent }
        private let base: Base

        /// Two systems describe the same path.
        public static let duplicatePath = Code(base: .duplicatePath)
        /// Two systems define a component of the same name differently.
        public static let conflictingComponent = Code(base: .conflictingComponent)

        public var description: String {
            switch base {
            case .duplicatePath: "duplicate path"
            case .conflictingComponent: "conflicting component"
            }
        }
    }

    /// The kind of failure.
    public var code: Code
    /// What collided, naming both systems.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
