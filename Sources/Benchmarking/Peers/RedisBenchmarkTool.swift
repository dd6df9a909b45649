public import Foundation
public import Platform

/// Runs `redis-benchmark` (the C tool shipped with Redis) and reads its `--csv` output: the peer our client is
/// measured against.
public struct RedisBenchmarkTool: Sendable {
    /// One line of `redis-benchmark --csv`.
    public struct Result: Hashable, Sendable {
        /// The test's name, such as `SET`.
        public var test: String
        /// Requests per second.
        public var requestsPerSecond: Double
        /// Latency percentiles in microseconds (redis-benchmark reports milliseconds with three decimals).
        public var p50: Double
        public var p99: Double
    }

    /// The path of `redis-benchmark`.
    public var executable: String

    /// Runs one test (`set` or `get`) and returns its result.
    /// - Throws: ``BenchmarkError`` when the tool fails or prints something unreadable.
    public func run(
        test: String,
        port: Int,
        clients: Int,
        pipeline: Int,
        requests: Int,
        logFile: URL
    ) async throws -> Result {
        let arguments = [
            "-h", "127.0.0.1", "-p", "\(port)", "-c", "\(clients)", "-P", "\(pipeline)", "-n", "\(requests)",
            "-t", test, "--csv",
        ]
        let text = try await execute(arguments, logFile: logFile)
        guard let result = Self.parse(csv: text).first(where: { $0.test.caseInsensitiveCompare(test) == .orderedSame })
        else {
            throw BenchmarkError(code: .invalidOutput, message: "redis-benchmark printed no \(test) line: \(text)")
        }
        return result
    }

    /// Runs one command of our own (`EVALSHA <sha1> 1 key:__rand_int__ …`) and returns its result: every
    /// `__rand_int__` in the arguments becomes a random 12-digit number below `keyspace` for each request.
    /// - Throws: ``BenchmarkError`` when the tool fails or prints something unreadable.
    public func run(
        command: [String],
        port: Int,
        clients: Int,
        requests: Int,
        keyspace: Int,
        logFile: URL
    ) async throws -> Result {
        let arguments =
            [
                "-h", "127.0.0.1", "-p", "\(port)", "-c", "\(clients)", "-P", "1", "-n", "\(requests)",
                "-r", "\(keyspace)", "--csv",
            ] + command
        let text = try await execute(arguments, logFile: logFile)
        guard let result = Self.parse(csv: text).first else {
            throw BenchmarkError(code: .invalidOutput, message: "redis-benchmark printed no result line: \(text)")
        }
        return result
    }

    /// Runs redis-benchmark with `arguments` and returns what it printed.
    private func execute(_ arguments: [String], logFile: URL) async throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent(
            "redis-benchmark-\(UUID().uuidString).csv"
        )
        defer { try? FileManager.default.removeItem(at: output) }
        let process: ChildProcess
        do {
            process = try ChildProcess(
                executable: executable,
                arguments: arguments,
                standardOutput: .file(output),
                standardError: .appending(logFile),
                name: "redis-benchmark"
            )
        } catch {
            throw BenchmarkError(code: .processFailed, message: "could not start redis-benchmark", underlying: error)
        }
        let status: ChildProcess.ExitStatus
        do {
            status = try await process.waitForExit(timeout: .seconds(600))
        } catch {
            process.kill(signal: .kill)
            throw BenchmarkError(code: .timedOut, message: "redis-benchmark ran for more than 10 minutes")
        }
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        guard status == .exited(0) else {
            // The arguments name commands and numbers only (no password is ever passed to redis-benchmark here).
            throw BenchmarkError(
                code: .processFailed,
                message: "redis-benchmark \(arguments.joined(separator: " ")) ended with \(status)"
            )
        }
        return text
    }

    /// Reads `redis-benchmark --csv` output: a header line naming the columns, then one line per test.
    /// Columns are found by name, so an older tool without percentile columns still yields its rate.
    public static func parse(csv: String) -> [Result] {
        let lines = csv.split(whereSeparator: \.isNewline).map { line in
            line.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
            }
        }
        guard let header = lines.first, let testColumn = header.firstIndex(of: "test"),
            let rateColumn = header.firstIndex(of: "rps")
        else { return [] }
        let p50Column = header.firstIndex(of: "p50_latency_ms")
        let p99Column = header.firstIndex(of: "p99_latency_ms")
        func milliseconds(_ fields: [String], _ column: Int?) -> Double {
            guard let column, column < fields.count, let value = Double(fields[column]) else { return .nan }
            return value * 1000
        }
        return lines.dropFirst().compactMap { fields in
            guard fields.count > max(testColumn, rateColumn), let rate = Double(fields[rateColumn]) else { return nil }
            return Result(
                test: fields[testColumn],
                requestsPerSecond: rate,
                p50: milliseconds(fields, p50Column),
                p99: milliseconds(fields, p99Column)
            )
        }
    }
}
