import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1  // HTTPResponseStatus; comes with AsyncHTTPClient
public import Platform

/// Waits until a freshly started server answers `GET` with 200.
public enum HealthCheck {
    /// Polls `url` until it answers 200, the child exits, or `timeout` passes.
    /// - Returns: The body of the first 200 response.
    /// - Throws: ``BenchmarkError/Code-swift.struct/processFailed`` when the child exits first (with the end of
    ///   its log), ``BenchmarkError/Code-swift.struct/timedOut`` when the bound passes.
    public static func waitForOK(url: String, child: ChildProcess, timeout: Duration) async throws -> [UInt8] {
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        do {
            let body = try await poll(client: client, url: url, child: child, timeout: timeout)
            try await client.shutdown()
            return body
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private static func poll(
        client: HTTPClient,
        url: String,
        child: ChildProcess,
        timeout: Duration
    ) async throws -> [UInt8] {
        let deadline = ContinuousClock.now + timeout
        var lastProblem = "no answer yet"
        while ContinuousClock.now < deadline {
            guard child.isRunning else {
                throw BenchmarkError(
                    code: .processFailed,
                    message: "\(child.name) exited before answering \(url); its log ends with:\n\(child.logTail())"
                )
            }
            do {
                let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(2))
                let body = try await response.body.collect(upTo: 16 << 20)
                if response.status == .ok {
                    return Array(body.readableBytesView)
                }
                lastProblem = "status \(response.status.code)"
            } catch {
                lastProblem = "\(error)"
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchmarkError(
            code: .timedOut,
            message: "\(child.name) did not answer \(url) with 200 within \(timeout) (\(lastProblem)); "
                + "its log ends with:\n\(child.logTail())"
        )
    }
}
