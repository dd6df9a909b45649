public import CLIKit
public import Jobs

extension JobsError: CommandFailureConvertible {
    /// Bad input is 65, an unknown job or type 66, a wrong state 65, a store failure 69.
    public var commandFailure: CommandFailure {
        switch code {
        case .invalidRequest, .invalidPayload, .invalidState, .leaseLost: CommandFailure(.dataError, message)
        case .unknownJob, .unknownJobType: CommandFailure(.noInput, message)
        case .storeFailure: CommandFailure(.unavailable, message)
        }
    }
}
