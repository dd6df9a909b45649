import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, read back, closed), and never one this
/// process was given before.
///
/// The kernel may hand the same port to two `bind(0)` calls made close together once the first socket is closed: two
/// tests starting servers of their own at once then ended up on one server (one failed to bind, both connected to the
/// other). So the ports given out are remembered for the life of the process. Another process may still take the
/// port before the caller binds it: start servers on it in a retry loop where it matters.
/// - Throws: ``ChildProcessError`` with code `socketFailed`.
public func freePort() throws -> Int {
    for _ in 0..<64 {
        let port = try unusedPortFromKernel()
        if givenPorts.withLock({ $0.insert(port).inserted }) { return port }
    }
    throw ChildProcessError(code: .socketFailed, message: "no port that was not given out before in 64 tries")
}

/// The ports ``freePort()`` has given out in this process.
private let givenPorts = Mutex<Set<Int>>([])

private func unusedPortFromKernel() throws -> Int {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw ChildProcessError(code: .socketFailed, message: "socket() failed: errno \(errno)") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let result = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
            bind(fd, socketAddress, length) == 0 ? getsockname(fd, socketAddress, &length) : -1
        }
    }
    guard result == 0 else {
        throw ChildProcessError(code: .socketFailed, message: "bind/getsockname failed: errno \(errno)")
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Polls `condition` until it returns true: for waiting on an external process to become ready.
///
/// Errors thrown by `condition` end the wait and propagate; write `(try? await probe()) ?? false` to treat a
/// failing probe (connection refused) as "not yet".
/// - Parameters:
///   - timeout: How long to poll at most.
///   - interval: The pause between attempts.
///   - condition: The check; called at least once.
/// - Throws: ``ChildProcessError`` with code `timedOut`, an error of `condition`, or `CancellationError`.
public func waitUntil(
    timeout: Duration,
    interval: Duration = .milliseconds(50),
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while true {
        if try await condition() { return }
        guard clock.now < deadline else {
            throw ChildProcessError(code: .timedOut, message: "condition not met within \(timeout)")
        }
        try await Task.sleep(for: interval)
    }
}
