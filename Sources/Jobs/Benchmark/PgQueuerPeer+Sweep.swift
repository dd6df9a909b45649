import Benchmarking
import Foundation

extension PgQueuerPeer {
    /// A sweep of pgqueuer's settings: every batch size × consumer count × consumer mode × autovacuum setting, each
    /// cell run `repeats` times over `jobs` jobs; how pgqueuer's best settings (``bestBatchSize`` and the rest) were
    /// found, and how `mastery bench jobs --pgqueuer-sweep` finds them again on another machine.
    public struct Sweep: Hashable, Sendable {
        /// Jobs per round.
        public var jobs: Int
        /// pgqueuer dequeue batch sizes.
        public var batchSizes: [Int]
        /// Consumer counts.
        public var consumerCounts: [Int]
        /// Consumer modes.
        public var modes: [ConsumerMode]
        /// Autovacuum tuning settings (on, off).
        public var autovacuumTuning: [Bool]
        /// Rounds per cell; the cell's figure is their median.
        public var repeats: Int

        /// Creates a sweep.
        public init(
            jobs: Int = 100_000,
            batchSizes: [Int],
            consumerCounts: [Int],
            modes: [ConsumerMode] = [.processes],
            autovacuumTuning: [Bool] = [true, false],
            repeats: Int = 1
        ) {
            self.jobs = jobs
            self.batchSizes = batchSizes
            self.consumerCounts = consumerCounts
            self.modes = modes
            self.autovacuumTuning = autovacuumTuning
            self.repeats = repeats
        }

        /// The published sweep: 100,000 jobs, batches of 10, 50, 100, 200 and 500, 1, 2 and 4 consumer processes,
        /// autovacuum tuning on and off, one round per cell (the best cells were then repeated).
        public static let published = Sweep(batchSizes: [10, 50, 100, 200, 500], consumerCounts: [1, 2, 4])

        /// Reads a sweep from `key=values` pairs separated by `;`, values by `,`, such as
        /// `batch=10,100,500;consumers=1,2;mode=processes,tasks;autovac=on;repeats=3;jobs=100000`. A key left out
        /// keeps ``published``'s value.
        /// - Throws: ``BenchmarkError/Code-swift.struct/invalidArgument`` naming the part it cannot read.
        public init(parsing text: String) throws {
            self = .published
            for part in text.split(separator: ";") where !part.trimmingCharacters(in: .whitespaces).isEmpty {
                let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                let values = pair.count == 2 ? pair[1].split(separator: ",").map(String.init) : []
                func invalid() -> BenchmarkError {
                    BenchmarkError(
                        code: .invalidArgument,
                        message: "pgqueuer sweep: cannot read \"\(part)\" (expected, for example, "
                            + "batch=10,100;consumers=1,2;mode=processes,tasks;autovac=on,off;repeats=3;jobs=100000)"
                    )
                }
                func counts() throws -> [Int] {
                    let numbers = values.compactMap { Int($0) }.filter { $0 >= 1 }
                    guard !numbers.isEmpty, numbers.count == values.count else { throw invalid() }
                    return numbers
                }
                guard pair.count == 2, !values.isEmpty else { throw invalid() }
                switch pair[0] {
                case "batch", "batch_size", "batch-size": batchSizes = try counts()
                case "consumers": consumerCounts = try counts()
                case "repeats":
                    guard let value = try counts().first, values.count == 1 else { throw invalid() }
                    repeats = value
                case "jobs":
                    guard let value = try counts().first, values.count == 1 else { throw invalid() }
                    jobs = value
                case "mode", "modes":
                    let parsed = values.compactMap(ConsumerMode.init(rawValue:))
                    guard parsed.count == values.count else { throw invalid() }
                    modes = parsed
                case "autovac", "autovacuum":
                    let parsed = values.compactMap { $0 == "on" ? true : $0 == "off" ? false : nil }
                    guard parsed.count == values.count else { throw invalid() }
                    autovacuumTuning = parsed
                default: throw invalid()
                }
            }
        }

        /// Every cell's settings, in the order they run.
        public var cells: [Cell] {
            var cells: [Cell] = []
            for batchSize in batchSizes {
                for consumers in consumerCounts {
                    for mode in modes {
                        for tuning in autovacuumTuning {
                            cells.append(
                                Cell(batchSize: batchSize, consumers: consumers, mode: mode, autovacuumTuning: tuning)
                            )
                        }
                    }
                }
            }
            return cells
        }

        /// One combination of settings.
        public struct Cell: Hashable, Sendable {
            public var batchSize: Int
            public var consumers: Int
            public var mode: ConsumerMode
            public var autovacuumTuning: Bool

            /// Creates a cell.
            public init(batchSize: Int, consumers: Int, mode: ConsumerMode, autovacuumTuning: Bool) {
                self.batchSize = batchSize
                self.consumers = consumers
                self.mode = mode
                self.autovacuumTuning = autovacuumTuning
            }
        }
    }

    /// A cell of a sweep and its rounds.
    public struct SweepResult: Hashable, Sendable {
        /// The settings.
        public var cell: Sweep.Cell
        /// Its rounds, in the order they ran.
        public var rounds: [PgQueuerRound]

        /// The median jobs/s of the rounds (the mean of the middle two for an even count).
        public var medianJobsPerSecond: Double {
            let sorted = rounds.map(\.jobsPerSecond).sorted()
            guard !sorted.isEmpty else { return .nan }
            let middle = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        }
    }

    /// Runs a sweep: `sweep.repeats` passes over all cells (so a cell's repeats are spread over the run, not back
    /// to back), each round bounded by `timeout`, in the schema `schema` (dropped and recreated every round).
    /// - Parameter progress: Called after each round, such as to print a line on standard error.
    /// - Returns: One result per cell, in ``Sweep/cells`` order; the best one is the highest
    ///   ``SweepResult/medianJobsPerSecond``.
    /// - Throws: What ``run(python:postgresURL:jobs:batchSize:consumers:timeout:mode:autovacuumTuning:schema:)``
    ///   throws, for the first round that fails.
    public static func sweep(
        _ sweep: Sweep,
        python: String,
        postgresURL: String,
        timeout: Duration,
        schema: String = defaultSchema,
        progress: @Sendable (PgQueuerRound) -> Void = { _ in }
    ) async throws -> [SweepResult] {
        let cells = sweep.cells
        var results = cells.map { SweepResult(cell: $0, rounds: []) }
        for pass in 0..<max(1, sweep.repeats) {
            // Odd passes run the cells backwards, so a machine that drifts weighs on every cell alike.
            let order = pass % 2 == 0 ? Array(cells.indices) : cells.indices.reversed()
            for index in order {
                try Task.checkCancellation()
                let cell = cells[index]
                let round = try await run(
                    python: python,
                    postgresURL: postgresURL,
                    jobs: sweep.jobs,
                    batchSize: cell.batchSize,
                    consumers: cell.consumers,
                    timeout: timeout,
                    mode: cell.mode,
                    autovacuumTuning: cell.autovacuumTuning,
                    schema: schema
                )
                results[index].rounds.append(round)
                progress(round)
            }
        }
        return results
    }
}
