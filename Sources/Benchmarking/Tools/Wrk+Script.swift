import Foundation

extension Wrk {
    /// The prefix of the line the Lua ``script`` prints.
    public static let resultMarker = "MASTERY_WRK "

    /// The Lua script passed to wrk with `-s`: its `done` hook prints one line, ``resultMarker`` followed by
    /// `{"requests", "duration_us", "errors": {"connect", "read", "write", "status", "timeout"},
    /// "latency_us": {"p50", "p90", "p99", "p99.9", "max"}}` (latencies in microseconds).
    public static let script = """
        done = function(summary, latency, requests)
          local e = summary.errors
          io.write(string.format(
            '\(resultMarker){"requests":%.0f,"duration_us":%.0f,'
              .. '"errors":{"connect":%.0f,"read":%.0f,"write":%.0f,"status":%.0f,"timeout":%.0f},'
              .. '"latency_us":{"p50":%.0f,"p90":%.0f,"p99":%.0f,"p99.9":%.0f,"max":%.0f}}\\n',
            summary.requests, summary.duration,
            e.connect, e.read, e.write, e.status, e.timeout,
            latency:percentile(50), latency:percentile(90), latency:percentile(99),
            latency:percentile(99.9), latency.max))
        end

        """

    /// Parses wrk's output: the line the Lua ``script`` printed, anywhere in it.
    /// - Throws: ``BenchmarkError/Code-swift.struct/invalidOutput`` when there is no such line or it is not the
    ///   expected JSON.
    public static func parse(output: String) throws -> Result {
        guard
            let line = output.split(whereSeparator: \.isNewline).last(where: { $0.hasPrefix(resultMarker) })
        else {
            throw BenchmarkError(
                code: .invalidOutput,
                message: "wrk printed no \(resultMarker.trimmingCharacters(in: .whitespaces)) line:\n\(output)"
            )
        }
        let json = line.dropFirst(resultMarker.count)
        let decoded: Line
        do {
            decoded = try JSONDecoder().decode(Line.self, from: Data(json.utf8))
        } catch {
            throw BenchmarkError(
                code: .invalidOutput,
                message: "wrk's result line is not valid: \(json)",
                underlying: error
            )
        }
        return Result(
            requests: decoded.requests,
            durationMicroseconds: decoded.durationMicroseconds,
            errors: Result.Errors(
                connect: decoded.errors.connect,
                read: decoded.errors.read,
                write: decoded.errors.write,
                status: decoded.errors.status,
                timeout: decoded.errors.timeout
            ),
            latency: LatencyPercentiles(
                p50: decoded.latency.p50,
                p90: decoded.latency.p90,
                p99: decoded.latency.p99,
                p999: decoded.latency.p999,
                max: decoded.latency.max
            )
        )
    }

    private struct Line: Decodable {
        struct Errors: Decodable {
            var connect, read, write, status, timeout: Int
        }
        struct Latency: Decodable {
            var p50, p90, p99, p999, max: Double
            enum CodingKeys: String, CodingKey {
                case p50, p90, p99
                case p999 = "p99.9"
                case max
            }
        }
        var requests: Int
        var durationMicroseconds: Double
        var errors: Errors
        var latency: Latency
        enum CodingKeys: String, CodingKey {
            case requests
            case durationMicroseconds = "duration_us"
            case errors
            case latency = "latency_us"
        }
    }
}
