public import Configuration
import Foundation
import Platform

extension PoolSystem {
    /// The `pool.` keys, applied to the server's shared pool when the system starts.
    public struct Configuration: Hashable, Sendable {
        /// The largest `maximum` (`pool.maximum`, `PUT /v1/pool`) accepted.
        public static let maximumLimit = 1_000

        /// `pool.minimum`: connections kept open while idle (0 to 1,000); nil keeps Storage's (0).
        public var minimum: Int?
        /// `pool.maximum`: connections open at most (1 to 1,000); nil keeps Storage's (20).
        public var maximum: Int?
        /// `pool.leakThreshold` (seconds, 0.1 to 86,400; `off` turns leak detection off): a connection held longer
        /// is reported once and counted; nil keeps Storage's (60 s).
        public var leakThreshold: LeakThreshold?
        /// `pool.acquireTimeout` (seconds, 0.1 to 600): how long an acquire waits before failing with `exhausted`;
        /// nil keeps Storage's (30 s).
        public var acquireTimeout: Duration?
        /// `pool.historySize`: how many one-second samples `GET /v1/pool` and the page keep (10 to 3,600, default
        /// 120).
        public var historySize = 120
        /// `pool.autoscale.enabled` (default false), `.interval` (seconds), `.targetWaitP95` (seconds),
        /// `.floor`, `.ceiling`, `.reserve`, `.instances` (omitted: counted in `pg_stat_activity` by
        /// `.instancePrefix`, else 1), `.idlePeriod` (seconds): the autoscaler's settings.
        public var autoscale = AutoscalerConfiguration()

        /// A leak threshold, or none.
        public enum LeakThreshold: Hashable, Sendable {
            /// Leak detection off.
            case off
            /// Report connections held longer than this.
            case after(Duration)

            /// As the pool takes it.
            public var duration: Duration? {
                switch self {
                case .off: nil
                case .after(let duration): duration
                }
            }
        }

        /// The defaults: every key absent.
        public init() {}

        /// Reads the scoped `pool.` keys.
        /// - Throws: ``ConfigurationError`` naming the key (`pool.…`).
        public init(reader: ConfigReader) throws {
            self.init()
            do {
                try read(reader)
            } catch var error as ConfigurationError {
                error.key = "pool." + error.key
                throw error
            }
        }

        private mutating func read(_ reader: ConfigReader) throws {
            minimum = try reader.validatedInt("minimum", in: 0...Self.maximumLimit)
            maximum = try reader.validatedInt("maximum", in: 1...Self.maximumLimit)
            if let minimum, let maximum, minimum > maximum {
                throw ConfigurationError(
                    key: "minimum",
                    expected: "a minimum no larger than pool.maximum (\(maximum))",
                    reason: "pool.minimum is \(minimum)"
                )
            }
            if reader.hasValue(forKey: "leakThreshold"),
                reader.string(forKey: ConfigKey("leakThreshold"))?.trimmingCharacters(in: .whitespaces).lowercased()
                    == "off"
            {
                leakThreshold = .off
            } else if let value = try reader.validatedDuration("leakThreshold", in: 0.1...86_400) {
                leakThreshold = .after(value)
            }
            acquireTimeout = try reader.validatedDuration("acquireTimeout", in: 0.1...600)
            if let size = try reader.validatedInt("historySize", in: 10...3_600) { historySize = size }
            try readAutoscale(reader)
        }

        private mutating func readAutoscale(_ reader: ConfigReader) throws {
            if let enabled = try reader.validatedBool("autoscale.enabled") { autoscale.enabled = enabled }
            if let interval = try reader.validatedDuration("autoscale.interval", in: 0.1...3_600) {
                autoscale.interval = interval
            }
            if let target = try reader.validatedDuration("autoscale.targetWaitP95", in: 0.001...60) {
                autoscale.targetWaitP95 = target
            }
            if let idle = try reader.validatedDuration("autoscale.idlePeriod", in: 1...86_400) {
                autoscale.idlePeriod = idle
            }
            if let floor = try reader.validatedInt("autoscale.floor", in: 1...Self.maximumLimit) {
                autoscale.floor = floor
            }
            if let ceiling = try reader.validatedInt("autoscale.ceiling", in: 1...Self.maximumLimit) {
                autoscale.ceiling = ceiling
            }
            if let reserve = try reader.validatedInt("autoscale.reserve", in: 0...10_000) {
                autoscale.reserve = reserve
            }
            if let instances = try reader.validatedInt("autoscale.instances", in: 1...10_000) {
                autoscale.instances = instances
            }
            if let prefix = try reader.validatedString(
                "autoscale.instancePrefix",
                expected: "an application_name prefix of 1 to 63 characters",
                validate: { (1...63).contains($0.count) }
            ) {
                autoscale.instancePrefix = prefix
            }
            do {
                try autoscale.validate()
            } catch let error as PoolError {
                throw ConfigurationError(
                    key: "autoscale",
                    expected: "consistent autoscaler settings",
                    reason: error.message
                )
            }
        }

        /// Applies the keys to `pool`.
        /// - Throws: ``ConfigurationError`` naming the key when the pool cannot take the value.
        func apply(to pool: PostgresPool) throws {
            let current = pool.currentConfiguration
            let minimum = self.minimum ?? current.minimum
            let maximum = self.maximum ?? current.maximum
            guard minimum <= maximum else {
                throw ConfigurationError(
                    key: self.minimum == nil ? "pool.maximum" : "pool.minimum",
                    expected: "pool.minimum <= pool.maximum",
                    reason: "the pool's minimum would be \(minimum) and its maximum \(maximum)"
                )
            }
            if let acquireTimeout { try pool.setAcquireTimeout(acquireTimeout) }
            if minimum != current.minimum || maximum != current.maximum {
                try pool.resize(minimum: minimum, maximum: maximum)
            }
            if let leakThreshold {
                do {
                    try pool.setLeakThreshold(leakThreshold.duration)
                } catch let error as PoolError {
                    throw ConfigurationError(
                        key: "pool.leakThreshold",
                        expected: "a threshold the pool accepts",
                        reason: error.message
                    )
                }
            }
        }
    }
}
