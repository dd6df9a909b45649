public import Foundation
import Synchronization

/// The job types a process knows: their defaults, how to check a payload, and (for a worker) how to run one.
///
/// Register every type at start, before workers run; a producer may register a type without a handler
/// (``declare(_:)``) to enqueue it for workers elsewhere.
public final class JobRegistry: Sendable {
    /// One registered type, with its payload erased to JSON.
    public struct Entry: Sendable {
        /// The type's name.
        public var name: String
        /// Its default queue.
        public var queue: String
        /// Its attempts before the dead-letter queue.
        public var maxAttempts: Int
        /// Its per-attempt timeout.
        public var timeout: Duration
        /// Its back-off.
        public var retry: JobRetryPolicy
        /// Throws unless the JSON decodes as the payload type.
        let check: @Sendable (Data) throws -> Void
        /// Runs the handler on a JSON payload and returns the JSON result, if any (nil without a handler).
        let handler: (@Sendable (Data, JobContext) async throws -> Data?)?

        /// Whether this process can run the type.
        public var canRun: Bool { handler != nil }
    }

    let entries = Mutex<[String: Entry]>([:])

    /// Creates an empty registry.
    public init() {}

    /// Registers a type and its handler.
    /// - Parameters:
    ///   - type: The job type.
    ///   - handler: Runs one attempt; throw to fail it (``JobPoison`` for no retry).
    public func register<Payload>(
        _ type: JobType<Payload>,
        handler: @escaping @Sendable (Payload, JobContext) async throws -> Void
    ) {
        add(type) { data, context in
            try await handler(try Self.decode(Payload.self, from: data), context)
            return nil
        }
    }

    /// Registers a type whose handler returns a result, kept with the completed job.
    /// - Parameters:
    ///   - type: The job type.
    ///   - result: The result's type.
    ///   - handler: Runs one attempt; throw to fail it (``JobPoison`` for no retry).
    public func register<Payload, Result: Encodable & Sendable>(
        _ type: JobType<Payload>,
        returning result: Result.Type,
        handler: @escaping @Sendable (Payload, JobContext) async throws -> Result
    ) {
        add(type) { data, context in
            let value = try await handler(try Self.decode(Payload.self, from: data), context)
            return try JSONEncoder().encode(value)
        }
    }

    /// Declares a type without a handler: this process may enqueue it (its payload checked) but not run it.
    public func declare<Payload>(_ type: JobType<Payload>) {
        add(type, handler: nil)
    }

    /// The entry for a type name, or nil.
    public func entry(_ name: String) -> Entry? {
        entries.withLock { $0[name] }
    }

    /// Every registered type, by name.
    public var all: [Entry] {
        entries.withLock { $0.values.sorted { $0.name < $1.name } }
    }

    /// Checks a JSON payload against a registered type.
    /// - Throws: `JobsError.unknownJobType`, or `.invalidPayload` with the decoder's short reason.
    public func check(_ payload: Data, for name: String) throws -> Entry {
        guard let entry = entry(name) else {
            throw JobsError(.unknownJobType, "no job type is registered as \(name.debugDescription.prefix(80))")
        }
        try entry.check(payload)
        return entry
    }

    func add<Payload>(_ type: JobType<Payload>, handler: (@Sendable (Data, JobContext) async throws -> Data?)?) {
        let entry = Entry(
            name: type.name,
            queue: type.queue,
            maxAttempts: type.maxAttempts,
            timeout: type.timeout,
            retry: type.retry,
            check: { data in _ = try Self.decode(Payload.self, from: data) },
            handler: handler
        )
        entries.withLock { $0[type.name] = entry }
    }

    /// One decoder for every payload (it holds no state between calls; making one per job costs more than a
    /// no-op job's handler).
    static let decoder = JSONDecoder()

    static func decode<Payload: Decodable>(_ type: Payload.Type, from data: Data) throws -> Payload {
        guard data.count <= JobLimits.maxPayloadBytes else {
            throw JobsError(.invalidPayload, "the payload is larger than \(JobLimits.maxPayloadBytes) bytes")
        }
        do {
            return try decoder.decode(Payload.self, from: data)
        } catch let error as DecodingError {
            throw JobsError(.invalidPayload, "the payload does not match the job type: \(Self.describe(error))")
        } catch {
            throw JobsError(.invalidPayload, "the payload is not valid JSON")
        }
    }

    /// A short reason from a decoding error: the path and what was wrong, never the value.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
            return keys.isEmpty ? "the top level" : keys.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context).replacingOccurrences(of: "the top level", with: "")) missing key \(key.stringValue)"
                .trimmingCharacters(in: .whitespaces)
        case .typeMismatch(let type, let context): return "\(path(context)) is not \(type)"
        case .valueNotFound(let type, let context): return "\(path(context)) is null, \(type) expected"
        case .dataCorrupted(let context): return "invalid JSON at \(path(context))"
        @unknown default: return "invalid payload"
        }
    }
}
