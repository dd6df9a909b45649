import Foundation
import Platform

/// Throwaway certificates made with the `openssl` CLI in a temporary directory of their own (P-256 keys, valid for
/// a day):
/// - `ca.crt`: the CA that signs the server and the client certificates,
/// - `server.crt`/`server.key`: subjectAltName `IP:127.0.0.1, DNS:localhost, DNS:*.redis.test`,
/// - `client.crt`/`client.key`: a client certificate for mutual TLS,
/// - `other-ca.crt`, `rogue-client.crt`/`rogue-client.key`: a second CA nobody trusts, and a client certificate it
///   signed.
struct TestCertificates {
    let directory: URL

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    var ca: String { path("ca.crt") }
    var otherCA: String { path("other-ca.crt") }
    var serverCertificate: String { path("server.crt") }
    var serverKey: String { path("server.key") }
    var clientCertificate: String { path("client.crt") }
    var clientKey: String { path("client.key") }
    var rogueClientCertificate: String { path("rogue-client.crt") }
    var rogueClientKey: String { path("rogue-client.key") }

    /// Makes every certificate in a new temporary directory.
    static func make() async throws -> TestCertificates {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("mastery-redis-tls-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificates = TestCertificates(directory: directory)
        do {
            try await certificates.makeCA("ca", name: "Mastery Test CA")
            try await certificates.makeCA("other-ca", name: "Untrusted Test CA")
            try await certificates.makeLeaf(
                "server",
                name: "localhost",
                signedBy: "ca",
                extensions: [
                    "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:*.redis.test", "extendedKeyUsage=serverAuth",
                ]
            )
            try await certificates.makeLeaf(
                "client",
                name: "mastery-client",
                signedBy: "ca",
                extensions: ["extendedKeyUsage=clientAuth"]
            )
            try await certificates.makeLeaf(
                "rogue-client",
                name: "rogue-client",
                signedBy: "other-ca",
                extensions: ["extendedKeyUsage=clientAuth"]
            )
        } catch {
            certificates.remove()
            throw error
        }
        return certificates
    }

    /// Deletes the directory.
    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    private func makeCA(_ file: String, name: String) async throws {
        try await openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", path("\(file).key"), "-out", path("\(file).crt"), "-days", "1", "-subj", "/CN=\(name)",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
    }

    private func makeLeaf(_ file: String, name: String, signedBy ca: String, extensions: [String]) async throws {
        try await openssl([
            "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", path("\(file).key"), "-out", path("\(file).csr"), "-subj", "/CN=\(name)",
        ])
        let extensionFile = path("\(file).ext")
        try (extensions + ["basicConstraints=CA:FALSE"]).joined(separator: "\n")
            .write(toFile: extensionFile, atomically: true, encoding: .utf8)
        try await openssl([
            "x509", "-req", "-in", path("\(file).csr"), "-CA", path("\(ca).crt"), "-CAkey", path("\(ca).key"),
            "-CAcreateserial", "-days", "1", "-sha256", "-extfile", extensionFile, "-out", path("\(file).crt"),
        ])
    }

    private func openssl(_ arguments: [String]) async throws {
        let process = try ChildProcess(executable: "openssl", arguments: arguments)
        let status = try await process.waitForExit(timeout: .seconds(60))
        guard status.isSuccess else {
            throw CertificateError(
                message: "openssl \(arguments[0]) failed (\(status)): \(process.readStandardError())"
            )
        }
    }

    struct CertificateError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
