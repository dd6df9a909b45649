/// One page of `SCAN`: the cursor to continue from (0 when the iteration is complete) and the keys found.
public struct RedisScanPage: Hashable, Sendable {
    /// The cursor for the next call; 0 when the iteration is complete.
    public var cursor: UInt64
    /// The keys of this page (possibly none, even when the iteration goes on).
    public var keys: [String]

    /// Creates a page.
    public init(cursor: UInt64, keys: [String]) {
        self.cursor = cursor
        self.keys = keys
    }
}

/// The keys matching a pattern, fetched lazily with `SCAN`; made by
/// ``RedisCommandExecutor/scanKeys(matching:count:type:)``.
public struct RedisKeyScan<Executor: RedisCommandExecutor>: AsyncSequence, Sendable {
    /// A key name.
    public typealias Element = String

    let executor: Executor
    let pattern: String?
    let count: Int?
    let type: String?

    /// Starts a new iteration from cursor 0.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(scan: self)
    }

    /// Walks the pages of one iteration.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private let scan: RedisKeyScan
        private var keys: [String] = []
        private var index = 0
        private var cursor: UInt64 = 0
        private var finished = false

        init(scan: RedisKeyScan) {
            self.scan = scan
        }

        /// The next key, fetching pages as needed; `nil` when the iteration is complete.
        /// - Throws: ``RedisError`` from `SCAN`.
        public mutating func next() async throws -> String? {
            while index == keys.count {
                if finished { return nil }
                let page = try await scan.executor.scan(
                    cursor: cursor,
                    matching: scan.pattern,
                    count: scan.count,
                    type: scan.type
                )
                cursor = page.cursor
                finished = page.cursor == 0
                keys = page.keys
                index = 0
            }
            defer { index += 1 }
            return keys[index]
        }
    }
}
