import Benchmarking
import Foundation
import Jobs
import Logging

extension JobsBenchmarkCommand {
    /// PostgreSQL: not yet measured in this build.
    func measurePostgres(into report: inout BenchmarkReport, logger: Logger) async throws {
        throw BenchmarkError(
            code: .invalidArgument,
            message: "the PostgreSQL store is not in this build yet: use --stores sqlite,memory"
        )
    }
}
