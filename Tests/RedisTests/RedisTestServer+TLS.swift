import NIOCore
import NIOPosix
import Platform

extension RedisTestServer {
    /// Starts `redis-server` speaking only TLS (`--port 0 --tls-port P`) with the test certificates, and waits
    /// until it accepts connections.
    /// - Parameter authClients: `--tls-auth-clients`: `optional` (a client certificate is checked when presented)
    ///   or `yes` (mutual TLS: one is required).
    static func startTLS(certificates: TestCertificates, authClients: String) async throws -> RedisTestServer {
        let port = try freePort()
        let process = try ChildProcess(
            executable: "redis-server",
            arguments: [
                "--port", "0", "--tls-port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--daemonize", "no",
                "--tls-cert-file", certificates.serverCertificate, "--tls-key-file", certificates.serverKey,
                "--tls-ca-cert-file", certificates.ca, "--tls-auth-clients", authClients,
            ]
        )
        do {
            try await waitUntil(timeout: .seconds(60)) {
                (try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connect(host: "127.0.0.1", port: port).get().close().get()) != nil
            }
        } catch {
            _ = try? await process.stop(gracePeriod: .seconds(5))
            throw error
        }
        return RedisTestServer(process: process, port: port)
    }
}
