import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Helpers for these tests: fake executables, tool detection, free ports, a tiny HTTP GET.
enum FakeTools {
    /// A fresh directory holding an executable shell script for each name.
    static func directory(with names: [String]) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mastery-fake-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for name in names {
            let path = directory.appendingPathComponent(name).path
            _ = FileManager.default.createFile(
                atPath: path,
                contents: Data("#!/bin/sh\nexit 1\n".utf8),
                attributes: [.posixPermissions: 0o755]
            )
        }
        return directory.path
    }

    /// Whether a tool is installed where the benchmarks look for it.
    static func installed(_ name: String) -> Bool {
        ["/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin"].contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(name)")
        }
    }

    /// A TCP port on 127.0.0.1 nothing listens on.
    static func unusedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else { throw POSIXError(.EADDRNOTAVAIL) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The body and status code of `GET url`.
    static func get(_ url: String) async throws -> (body: Data, status: Int) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        return (data, (response as? HTTPURLResponse)?.statusCode ?? 0)
    }
}
