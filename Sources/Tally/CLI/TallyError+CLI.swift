public import CLIKit
public import Tally

extension TallyError: CommandFailureConvertible {
    /// A bad name or amount is 65, an unknown counter 66, a store failure 69.
    public var commandFailure: CommandFailure {
        switch code {
        case .invalidName, .invalidAmount: CommandFailure(.dataError, message)
        case .unknownCounter: CommandFailure(.noInput, message)
        case .storeFailure: CommandFailure(.unavailable, message)
        }
    }
}
