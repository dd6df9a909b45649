import NIOCore
import NIOSSL
import NIOTLS

/// Watches the TLS handshake right behind the NIOSSL handler, so that a connection sends nothing (no `HELLO`, no
/// password) before the server has proven who it is.
///
/// It completes `promise` once the handshake is done and the server's certificate is valid for the server name
/// (``RedisServerIdentity``), then leaves the pipeline. It fails `promise` with a ``RedisError/Code/connectionFailed``
/// error saying what went wrong when the handshake fails, the certificate does not match, the server closes the
/// connection, or `deadline` (the end of the connect timeout) passes first; the channel is then closed.
final class RedisTLSHandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let promise: EventLoopPromise<Void>
    private let identity: RedisServerIdentity?
    private let serverName: String
    private let address: String
    private let deadline: NIODeadline
    private let connectTimeout: Duration
    private var timer: Scheduled<Void>?
    private var finished = false

    init(
        promise: EventLoopPromise<Void>,
        identity: RedisServerIdentity?,
        serverName: String,
        address: String,
        deadline: NIODeadline,
        connectTimeout: Duration
    ) {
        self.promise = promise
        self.identity = identity
        self.serverName = serverName
        self.address = address
        self.deadline = deadline
        self.connectTimeout = connectTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self] in
            guard let self, !self.finished else { return }
            let milliseconds = RedisConnection.timeAmount(self.connectTimeout).nanoseconds / 1_000_000
            self.fail(
                RedisError(
                    code: .connectionFailed,
                    message: "TLS handshake with \(self.address) did not finish within the connect timeout "
                        + "(\(milliseconds) ms)"
                )
            )
            channel.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        fail(
            RedisError(code: .connectionFailed, message: "TLS handshake with \(address) failed: the connection closed")
        )
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event, !finished {
            if let failure = verifyIdentity(context: context) {
                fail(failure)
                context.close(promise: nil)
                return
            }
            finished = true
            timer?.cancel()
            promise.succeed()
            context.fireUserInboundEventTriggered(event)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !finished else {
            context.fireErrorCaught(error)
            return
        }
        fail(
            RedisError.isTLSError(error)
                ? .tls(error, address: address, duringHandshake: true)
                : RedisError(
                    code: .connectionFailed,
                    message: "TLS handshake with \(address) failed: \(error)",
                    underlying: error
                )
        )
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(
            RedisError(
                code: .connectionFailed,
                message: "TLS handshake with \(address) failed: the server closed the connection"
            )
        )
        context.fireChannelInactive()
    }

    /// Why the server's certificate is not acceptable for the server name, or `nil` when it is (or is not checked).
    private func verifyIdentity(context: ChannelHandlerContext) -> RedisError? {
        guard let identity else { return nil }
        let reason: String
        do {
            guard let certificate = try context.pipeline.syncOperations.nioSSL_peerCertificate() else {
                return RedisError(
                    code: .connectionFailed,
                    message: "TLS certificate verification failed for \(address): the server sent no certificate"
                )
            }
            guard let mismatch = identity.mismatch(certificateDER: try certificate.toDERBytes()) else { return nil }
            reason = mismatch
        } catch {
            return RedisError(
                code: .connectionFailed,
                message: "TLS certificate verification failed for \(address): the certificate could not be read",
                underlying: error
            )
        }
        return RedisError(
            code: .connectionFailed,
            message: "TLS certificate verification failed for \(address): the server's certificate is not valid for "
                + "the server name \(serverName) (\(reason); see TLS.serverName)"
        )
    }

    private func fail(_ error: RedisError) {
        guard !finished else { return }
        finished = true
        timer?.cancel()
        promise.fail(error)
    }
}
