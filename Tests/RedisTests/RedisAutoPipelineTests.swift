import NIOCore
import Platform
import Redis
import TestSupport
import Testing

@Suite(
    "Redis auto-pipelining: concurrent commands share pipelines, each reply to its own caller",
    .enabled(if: TestServers.shouldRun(TestServers.redisURL), "needs Redis: run scripts/test"),
    .timeLimit(.minutes(2))
)
struct RedisAutoPipelineTests {
    let prefix = TestServers.uniqueKeyPrefix()

    func configuration(maximum: Int = 4) throws -> RedisClient.Configuration {
        RedisClient.Configuration(
            connection: try .init(url: TestServers.requireRedisURL()),
            minimumConnections: 1,
            maximumConnections: maximum,
            connectionWaitTimeout: .seconds(60)
        )
    }

    @Test("400 concurrent commands: every caller gets its own reply, in fewer pipelines than commands")
    func concurrentReplies() async throws {
        try await withRunningClient(configuration()) { client in
            let redis = RedisAutoPipeline(client: client, maximumInFlight: 2)
            let count = 400
            let replies = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for index in 0..<count {
                    group.addTask {
                        let key = prefix + "auto:\(index)"
                        try await redis.set(key, to: "value-\(index)")
                        return (index, try await redis.getString(key))
                    }
                }
                var replies: [Int: String?] = [:]
                for try await (index, value) in group { replies[index] = value }
                return replies
            }
            #expect(replies.count == count)
            #expect(replies.allSatisfy { index, value in value == "value-\(index)" })
            let statistics = redis.statistics
            #expect(statistics.commands == 2 * count)
            #expect(statistics.pipelines < statistics.commands, "concurrent commands were batched")
            #expect(redis.maximumInFlight == 2)
        }
    }

    @Test("an error reply fails only its own command; the others in its batch succeed")
    func errorStaysWithItsCommand() async throws {
        try await withRunningClient(configuration()) { client in
            let redis = RedisAutoPipeline(client: client, maximumInFlight: 1)
            let text = prefix + "auto:text"
            try await redis.set(text, to: "not a number")
            let outcomes = await withTaskGroup(of: (Int, Result<Int, RedisError>).self) { group in
                for index in 0..<50 {
                    group.addTask {
                        do {
                            let key = index == 25 ? text : prefix + "auto:counter:\(index)"
                            let reply = try await redis.send(["INCRBY", key, String(index)])
                            return (index, .success(Int(reply.integer ?? -1)))
                        } catch let error as RedisError {
                            return (index, .failure(error))
                        } catch {
                            return (index, .failure(RedisError(code: .protocolError, message: "\(error)")))
                        }
                    }
                }
                var outcomes: [Int: Result<Int, RedisError>] = [:]
                for await (index, outcome) in group { outcomes[index] = outcome }
                return outcomes
            }
            for (index, outcome) in outcomes {
                switch outcome {
                case .success(let value): #expect(index != 25 && value == index)
                case .failure(let error): #expect(index == 25 && error.code == .serverError, "\(error)")
                }
            }
            #expect(outcomes.count == 50)
        }
    }

    @Test("evaluate through the auto-pipeline loads a script the server has never seen (NOSCRIPT) and runs it")
    func scriptAfterFlush() async throws {
        try await withRunningClient(configuration()) { client in
            let redis = RedisAutoPipeline(client: client)
            // Unique to this run, so never loaded: the first EVALSHA answers NOSCRIPT. (No SCRIPT FLUSH: other tests
            // share the server.)
            let script = RedisScript("return tonumber(ARGV[1]) * 2 -- \(prefix)")
            let before = try await client.scriptsExist([script])
            #expect(before == [false])
            let doubled = try await redis.evaluate(script, arguments: [21])
            #expect(doubled.integer == 42)
            let after = try await redis.scriptsExist([script])
            #expect(after == [true])
        }
    }

    @Test("a command with a timeout of its own goes to the pool alone")
    func ownTimeoutBypassesBatching() async throws {
        try await withRunningClient(configuration()) { client in
            let redis = RedisAutoPipeline(client: client)
            let alone = try await redis.send(RedisCommand("PING"), timeout: .seconds(30))
            #expect(alone.string == "PONG")
            #expect(redis.statistics == .init(pipelines: 0, commands: 0))
            let batched = try await redis.ping()
            #expect(batched == "PONG")
            #expect(redis.statistics == .init(pipelines: 1, commands: 1))
        }
    }

    @Test("when no connection can be had, every waiting command fails instead of hanging")
    func unreachable() async throws {
        let client = try RedisClient(
            configuration: .init(connection: .init(port: try freePort()), connectionWaitTimeout: .milliseconds(200)),
            logger: .test
        )
        let redis = RedisAutoPipeline(client: client)
        let failures = await withTaskGroup(of: RedisError?.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    do {
                        _ = try await redis.ping()
                        return nil
                    } catch {
                        return error as? RedisError
                    }
                }
            }
            var failures: [RedisError] = []
            for await failure in group { if let failure { failures.append(failure) } }
            return failures
        }
        #expect(failures.count == 20)
        #expect(failures.allSatisfy { $0.code == .connectionFailed })
    }
}
