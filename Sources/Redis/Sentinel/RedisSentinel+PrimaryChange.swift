extension RedisSentinel {
    /// The primary moved to a new address, or was first found, while watching the sentinels.
    public struct PrimaryChange: Hashable, Sendable, CustomStringConvertible {
        /// How the change was learnt.
        public struct Cause: Hashable, Sendable, CustomStringConvertible {
            private enum Base: Hashable, Sendable { case switchMaster, discovered }
            private let base: Base

            /// The watched sentinel announced a completed failover (`+switch-master`).
            public static let switchMaster = Cause(base: .switchMaster)
            /// A sentinel named this address when the watch (re)connected to it: the first change of a watch, or a
            /// failover that completed while no sentinel was watched.
            public static let discovered = Cause(base: .discovered)

            /// `switchMaster` or `discovered`.
            public var description: String { base == .switchMaster ? "switchMaster" : "discovered" }
        }

        /// The name the sentinels monitor the primary under.
        public var primaryName: String
        /// Where the primary was: the old address a `+switch-master` names, else the address reported last
        /// (`nil` for the first change of a watch).
        public var previous: Address?
        /// Where the primary is now.
        public var current: Address
        /// How the change was learnt.
        public var cause: Cause

        /// Creates a change.
        public init(primaryName: String, previous: Address?, current: Address, cause: Cause) {
            self.primaryName = primaryName
            self.previous = previous
            self.current = current
            self.cause = cause
        }

        /// `mymaster: 127.0.0.1:6379 -> 127.0.0.1:6380 (switchMaster)`.
        public var description: String {
            "\(primaryName): \(previous.map(\.description) ?? "-") -> \(current) (\(cause))"
        }

        /// Reads a `+switch-master` payload, `<name> <old-ip> <old-port> <new-ip> <new-port>`.
        /// - Returns: The change, or `nil` when the payload has another shape.
        static func switchMaster(payload: String) -> PrimaryChange? {
            let words = payload.split(separator: " ", omittingEmptySubsequences: true)
            guard words.count == 5, let oldPort = Int(words[2]), let newPort = Int(words[4]),
                (1...65535).contains(oldPort), (1...65535).contains(newPort)
            else { return nil }
            return PrimaryChange(
                primaryName: String(words[0]),
                previous: Address(host: String(words[1]), port: oldPort),
                current: Address(host: String(words[3]), port: newPort),
                cause: .switchMaster
            )
        }
    }
}
