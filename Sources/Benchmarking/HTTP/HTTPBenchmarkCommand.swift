public import ArgumentParser
import Benchmarking
import Foundation
import Platform

/// `mastery bench http`: requests/s and latency of `/health` under wrk, beside nginx serving a static response of
/// the same size on the same machine, reported as a ratio (above 1: we are ahead). Meant for release builds.
public struct HTTPBenchmarkCommand: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "Benchmark /health of `mastery serve` under wrk against nginx on the same machine.",
        discussion: """
            Starts `mastery serve` and nginx as child processes, alternates wrk rounds against both (us first in \
            odd rounds, nginx first in even rounds), then alternates sequential latency probes (HdrHistogram), and \
            prints the median ratios with their spread. Needs wrk and nginx (apt-get install wrk nginx). Build \
            with `swift build -c release` for meaningful figures.
            """
    )

    @Option(help: "Alternating rounds per comparison.")
    var rounds = 5

    @Option(help: "Seconds of each wrk run.")
    var duration = 5

    @Option(help: "wrk's open connections.")
    var connections = 50

    @Option(help: "wrk's threads.")
    var threads = 2

    @Option(help: "Sequential requests per latency probe.")
    var probeRequests = 2000

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    public func validate() throws {
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
        guard duration >= 1 else { throw ValidationError("--duration must be at least 1 second") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard connections >= threads else { throw ValidationError("--connections must be at least --threads") }
        guard probeRequests >= 1 else { throw ValidationError("--probe-requests must be at least 1") }
    }

    public func run() async throws {
        ChildProcess.stopAllOnInterruptForBenchmarks()
        var configuration = HTTPBenchmark.Configuration()
        configuration.rounds = rounds
        configuration.duration = .seconds(duration)
        configuration.connections = connections
        configuration.threads = threads
        configuration.probeRequests = probeRequests

        // Our own executable, resolved now: `serve` is a sibling subcommand.
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        let server = HTTPBenchmark.Server(executable: executable) { port, dataDirectory in
            [
                "serve", "--port", "\(port)", "--host", "127.0.0.1", "--data-dir", dataDirectory,
                "--log-level", "error",
            ]
        }

        try await BenchmarkReport.printing(json: json) { logger in
            try await HTTPBenchmark(configuration: configuration).run(server: server, logger: logger)
        }
    }
}
