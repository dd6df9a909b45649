public import Configuration
import Foundation
import Platform

extension JobsSystem {
    /// The `jobs.` keys.
    public struct Configuration: Hashable, Sendable {
        /// Where jobs live.
        public enum Store: String, CaseIterable, Sendable {
            /// In this process's memory (lost at exit; tests and demos).
            case memory
            /// The server's embedded SQLite database (the default without a PostgreSQL tier).
            case sqlite
            /// The server's PostgreSQL (the default with one).
            case postgres
        }

        /// `jobs.store`: nil picks PostgreSQL when the server has it, else SQLite.
        public var store: Store?
        /// `jobs.worker`: whether this instance runs jobs (an API-only instance only enqueues).
        public var worker = true
        /// `jobs.queues`: the queues this instance works and their concurrency, `default=10,demo=4`.
        public var queues: [String: Int] = ["default": 10, "demo": 4]
        /// `jobs.pollInterval`, `jobs.leaseDuration`, `jobs.shutdownGracePeriod`, `jobs.completedRetention`,
        /// `jobs.deadRetention` (seconds).
        public var pollInterval: Duration = .seconds(1)
        public var leaseDuration: Duration = .seconds(30)
        public var shutdownGracePeriod: Duration = .seconds(25)
        public var completedRetention: Duration = .seconds(24 * 3600)
        public var deadRetention: Duration = .seconds(7 * 24 * 3600)
        /// `jobs.demo`: whether the demo job type `demo.sleep` is registered (and runs on the `demo` queue).
        public var demo = true

        /// The defaults.
        public init() {}

        /// Reads the scoped `jobs.` keys.
        /// - Throws: ``ConfigurationError`` naming the key (`jobs.…`).
        public init(reader: ConfigReader) throws {
            self.init()
            do {
                try read(reader)
            } catch var error as ConfigurationError {
                error.key = "jobs." + error.key
                throw error
            }
        }

        private mutating func read(_ reader: ConfigReader) throws {
            if let store = try reader.validatedChoice("store", in: Store.allCases.map(\.rawValue)) {
                self.store = Store(rawValue: store)
            }
            if let worker = try reader.validatedBool("worker") { self.worker = worker }
            if let demo = try reader.validatedBool("demo") { self.demo = demo }
            if let queues = try reader.validatedString(
                "queues",
                expected: "a comma-separated list of queue=concurrency, such as default=10,mail=4 (1 to 1,000 each)",
                validate: { Self.parseQueues($0) != nil }
            ) {
                self.queues = Self.parseQueues(queues) ?? self.queues
            }
            if let value = try reader.validatedDuration("pollInterval", in: 0.01...60) { pollInterval = value }
            if let value = try reader.validatedDuration("leaseDuration", in: 1...3600) { leaseDuration = value }
            if let value = try reader.validatedDuration("shutdownGracePeriod", in: 0...3600) {
                shutdownGracePeriod = value
            }
            if let value = try reader.validatedDuration("completedRetention", in: 60...2_592_000) {
                completedRetention = value
            }
            if let value = try reader.validatedDuration("deadRetention", in: 60...31_536_000) { deadRetention = value }
        }

        /// `default=10,mail=4` → the queues, or nil when invalid.
        static func parseQueues(_ text: String) -> [String: Int]? {
            var queues: [String: Int] = [:]
            for entry in text.split(separator: ",", omittingEmptySubsequences: false) {
                let parts = entry.split(separator: "=", omittingEmptySubsequences: false)
                guard parts.count == 2, let concurrency = Int(parts[1].trimmingCharacters(in: .whitespaces)),
                    (1...1_000).contains(concurrency)
                else { return nil }
                let name = parts[0].trimmingCharacters(in: .whitespaces)
                guard (try? JobLimits.validateName(name, what: "queue")) != nil, queues[name] == nil else { return nil }
                queues[name] = concurrency
            }
            return queues.isEmpty || queues.count > 64 ? nil : queues
        }
    }
}
