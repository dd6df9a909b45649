import Foundation
import NIOCore
import PostgresNIO
import Storage

/// A `timestamptz` that round-trips a `Date` to the nearest microsecond (PostgresNIO's own `Date` coding truncates,
/// so a date with a fraction of a millisecond could come back a microsecond early).
struct PostgresTime: PostgresNonThrowingEncodable, PostgresDecodable, PostgresArrayEncodable, Sendable {
    /// Microseconds between 1970-01-01 and PostgreSQL's epoch, 2000-01-01.
    static let epochOffset: Int64 = 946_684_800 * 1_000_000

    var date: Date

    init(_ date: Date) {
        self.date = date
    }

    static var psqlType: PostgresDataType { .timestamptz }
    static var psqlFormat: PostgresFormat { .binary }
    static var psqlArrayType: PostgresDataType { .timestamptzArray }

    func encode<JSONEncoder: PostgresJSONEncoder>(
        into byteBuffer: inout ByteBuffer,
        context: PostgresEncodingContext<JSONEncoder>
    ) {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        byteBuffer.writeInteger(micros - Self.epochOffset)
    }

    init<JSONDecoder: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer,
        type: PostgresDataType,
        format: PostgresFormat,
        context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        guard type == .timestamptz || type == .timestamp, format == .binary, buffer.readableBytes == 8,
            let micros = buffer.readInteger(as: Int64.self)
        else { throw PostgresDecodingError.Code.typeMismatch }
        date = Date(timeIntervalSince1970: Double(micros + Self.epochOffset) / 1_000_000)
    }
}

extension Duration {
    /// The duration in whole milliseconds (the stores keep timeouts and `uniqueFor` at that precision).
    var wholeMilliseconds: Int64 {
        let parts = components
        return parts.seconds * 1_000 + parts.attoseconds / 1_000_000_000_000_000
    }
}

extension PostgresJobStore {
    /// The columns of `jobs` in the order ``decodeJob(_:)`` reads them.
    static let jobColumns = """
        id, kind, queue, payload, priority, state, created_at, run_at, attempt, max_attempts, claims, unique_key, \
        unique_for_ms, concurrency_key, timeout_ms, worker_id, lease_expires_at, cancel_requested, result, \
        last_error, finished_at
        """

    /// The columns of `jobs` qualified with an alias (`j.id, j.kind, …`).
    static func jobColumns(_ alias: String) -> String {
        jobColumns.split(separator: ",").map { "\(alias).\($0.trimmingCharacters(in: .whitespaces))" }
            .joined(separator: ", ")
    }

    /// Decodes a job from `cells` (the columns of ``jobColumns``, in order).
    static func decodeJob(_ cells: PostgresRandomAccessRow, from start: Int = 0) throws -> JobRecord {
        func cell<T: PostgresDecodable>(_ index: Int, _ type: T.Type) throws -> T {
            try cells[start + index].decode(T.self, context: .default)
        }
        let stateName = try cell(5, String.self)
        guard let state = JobState(rawValue: stateName) else {
            throw JobsError(.storeFailure, "the database holds a job in an unknown state \"\(stateName)\"")
        }
        return JobRecord(
            id: JobID(try cell(0, Int64.self)),
            kind: try cell(1, String.self),
            queue: try cell(2, String.self),
            payload: try cell(3, Data.self),
            priority: try cell(4, Int.self),
            state: state,
            createdAt: try cell(6, PostgresTime.self).date,
            runAt: try cell(7, PostgresTime.self).date,
            attempt: try cell(8, Int.self),
            maxAttempts: try cell(9, Int.self),
            claims: try cell(10, Int.self),
            uniqueKey: try cell(11, String?.self),
            uniqueFor: try cell(12, Int64?.self).map { .milliseconds($0) },
            concurrencyKey: try cell(13, String?.self),
            timeout: .milliseconds(try cell(14, Int64.self)),
            workerID: try cell(15, String?.self),
            leaseExpiresAt: try cell(16, PostgresTime?.self)?.date,
            cancelRequested: try cell(17, Bool.self),
            result: try cell(18, Data?.self),
            lastError: try cell(19, String?.self),
            finishedAt: try cell(20, PostgresTime?.self)?.date
        )
    }

    /// Runs `body`, turning any failure but a `JobsError` into `storeFailure` with the server's message and
    /// SQLSTATE (never the SQL text or the bound values, which `PSQLError`'s debug description holds).
    func mapErrors<Result>(
        _ what: String,
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> Result
    ) async throws -> Result {
        do {
            return try await body()
        } catch let error as JobsError {
            throw error
        } catch {
            throw JobsError(.storeFailure, "PostgreSQL failed to \(what): \(Self.describe(error))")
        }
    }

    /// A short description of a PostgreSQL or pool error: the server's message and SQLSTATE, or the connection
    /// failure (``PostgresStorage/describe(_:)``).
    static func describe(_ error: any Error) -> String {
        PostgresStorage.describe(error)
    }

    /// The SQLSTATE of a server error, if it is one.
    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }
}

extension PostgresRowSequence {
    /// Every row, as random-access rows.
    func collectRows() async throws -> [PostgresRandomAccessRow] {
        var rows: [PostgresRandomAccessRow] = []
        for try await row in self { rows.append(row.makeRandomAccess()) }
        return rows
    }
}

extension [PostgresRow] {
    /// Every row, as random-access rows.
    func collectRows() async throws -> [PostgresRandomAccessRow] {
        map { $0.makeRandomAccess() }
    }
}
