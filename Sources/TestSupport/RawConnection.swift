import Foundation
import Platform

/// A plain TCP connection to a loopback port for tests that must send exactly the bytes they choose (malformed
/// request lines, trickled headers, half-sent bodies) and see exactly what comes back, including a close.
///
/// Every read is bounded by a timeout; nothing here can hang a test. Reads wait on a thread of their own, never on
/// one of Swift concurrency's few cooperative threads (a blocked one stalls every other test in the run).
public final class RawConnection: @unchecked Sendable {
    // @unchecked Sendable: the descriptor is only used by the test that owns the connection, one call at a time.
    private var descriptor: Int32

    /// Connects to `127.0.0.1:port`.
    /// - Throws: ``ChildProcessError`` with code `socketFailed` when the connection is refused.
    public init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ChildProcessError(code: .socketFailed, message: "socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let failure = errno
            // A class whose init throws after its properties are set still runs deinit: mark the descriptor
            // closed, or deinit would close the same number again, by then perhaps another thread's socket
            // (NIO then crashes on EBADF from epoll_ctl).
            close(descriptor)
            descriptor = -1
            throw ChildProcessError(code: .socketFailed, message: "connect to port \(port) failed (errno \(failure))")
        }
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// Sends bytes; returns false when the peer has closed the connection.
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }

    /// Sends a string as UTF-8.
    @discardableResult
    public func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// What a read saw.
    public enum ReadResult: Equatable, Sendable {
        /// Bytes arrived (possibly after waiting).
        case data([UInt8])
        /// The peer closed the connection (or reset it).
        case closed
        /// Nothing arrived within the timeout.
        case timedOut
    }

    /// Waits up to `timeout` for some bytes, or a close.
    public func read(timeout: Duration) async -> ReadResult {
        await Self.offCooperativePool { self.blockingRead(timeout: timeout) }
    }

    /// Runs blocking work on a new thread and resumes when it is done.
    static func offCooperativePool<Result: Sendable>(_ work: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: work()) }
            thread.start()
        }
    }

    private func blockingRead(timeout: Duration) -> ReadResult {
        var pollDescriptor = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(timeout / .milliseconds(1))
        let ready = poll(&pollDescriptor, 1, milliseconds)
        guard ready > 0 else { return .timedOut }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count <= 0 { return .closed }
        return .data(Array(buffer[0..<count]))
    }

    /// Reads until a complete response head and `Content-Length` body arrived, the peer closed, or `timeout`
    /// passed; returns the text received (empty if nothing).
    public func readResponse(timeout: Duration) async -> String {
        await Self.offCooperativePool { self.blockingReadResponse(timeout: timeout) }
    }

    private func blockingReadResponse(timeout: Duration) -> String {
        let deadline = ContinuousClock.now + timeout
        var received: [UInt8] = []
        while ContinuousClock.now < deadline {
            switch blockingRead(timeout: deadline - ContinuousClock.now) {
            case .data(let bytes):
                received += bytes
                let text = String(decoding: received, as: UTF8.self)
                if let headEnd = text.range(of: "\r\n\r\n") {
                    let head = text[..<headEnd.lowerBound].lowercased()
                    let lines = head.split(separator: "\r\n")
                    let body = text[headEnd.upperBound...]
                    if let line = lines.first(where: { $0.hasPrefix("content-length:") }) {
                        let length =
                            Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
                        if body.utf8.count >= length { return text }
                    } else if lines.contains(where: { $0.hasPrefix("transfer-encoding:") && $0.contains("chunked") }) {
                        if body.hasSuffix("0\r\n\r\n") { return Self.dechunk(text) }
                    }
                    // Otherwise no length was given: the body runs to the close.
                }
            case .closed, .timedOut:
                return Self.dechunk(String(decoding: received, as: UTF8.self))
            }
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// Joins the chunks of a chunked body, leaving other responses as they are.
    static func dechunk(_ response: String) -> String {
        guard let headEnd = response.range(of: "\r\n\r\n"),
            response[..<headEnd.lowerBound].lowercased().contains("transfer-encoding: chunked")
        else { return response }
        var rest = response[headEnd.upperBound...]
        var body = ""
        while let lineEnd = rest.range(of: "\r\n"), let size = Int(rest[..<lineEnd.lowerBound], radix: 16), size > 0 {
            let chunk = rest[lineEnd.upperBound...].utf8.prefix(size)
            body += String(decoding: chunk, as: UTF8.self)
            rest =
                rest[
                    rest.utf8.index(
                        lineEnd.upperBound,
                        offsetBy: min(size + 2, rest[lineEnd.upperBound...].utf8.count)
                    )...
                ]
        }
        return String(response[..<headEnd.upperBound]) + body
    }

    /// Waits up to `timeout` for the peer to close, discarding anything it sends; true if it closed.
    public func waitForClose(timeout: Duration) async -> Bool {
        await Self.offCooperativePool { self.blockingWaitForClose(timeout: timeout) }
    }

    private func blockingWaitForClose(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            switch blockingRead(timeout: deadline - ContinuousClock.now) {
            case .closed: return true
            case .timedOut: return false
            case .data: continue
            }
        }
        return false
    }
}
