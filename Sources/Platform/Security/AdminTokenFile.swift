import Foundation
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// The generated admin token's file, `<dataDirectory>/admin-token`, read and written the way ssh treats a private
/// key: created with mode 0600 from its first byte (`open(O_CREAT | O_EXCL, 0600)`, so no other user can ever open
/// it), and refused when it is not a regular file (a symlink is not followed), when group or others may read or
/// write it, or when another user owns it.
public enum AdminTokenFile {
    /// The file's name inside the data folder.
    public static let name = "admin-token"

    /// Why a token file is refused.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        /// What is wrong and what to do about it (names the file, never its contents).
        public var description: String
    }

    /// The token in the file at `path`, or `nil` when there is no file.
    /// - Throws: ``Refusal`` when the file exists but is not private to this user, or cannot be read.
    public static func read(path: String) throws -> String? {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        if descriptor < 0 {
            let code = errno
            if code == ENOENT { return nil }
            if code == ELOOP {
                throw Refusal(description: "\(path) is a symbolic link; the admin token must be a regular file")
            }
            throw Refusal(description: "cannot read \(path): \(String(cString: strerror(code)))")
        }
        defer { close(descriptor) }
        let status: Stat
        do {
            status = try Stat(FileDescriptor(rawValue: descriptor))
        } catch {
            throw Refusal(description: "cannot inspect \(path): \(error)")
        }
        try check(status, path: path)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        while bytes.count <= 4096 {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Refusal(description: "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return token.isEmpty ? nil : token
    }

    /// Writes a new token to `path`, which must not exist yet: the file is created 0600 (never wider, whatever
    /// the umask), written, and flushed to disk.
    /// - Returns: `false` when another process created the file first (read it instead).
    /// - Throws: ``Refusal`` when the file cannot be created or written.
    public static func create(path: String, token: String) throws -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if descriptor < 0 {
            let code = errno
            if code == EEXIST { return false }
            throw Refusal(description: "cannot create \(path): \(String(cString: strerror(code)))")
        }
        defer { close(descriptor) }
        // The umask can only narrow 0600; make sure, in case the file system says otherwise.
        _ = fchmod(descriptor, 0o600)
        let bytes = Array((token + "\n").utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                let message = String(cString: strerror(errno))
                unlink(path)
                throw Refusal(description: "cannot write \(path): \(message)")
            }
            written += count
        }
        _ = fsync(descriptor)
        return true
    }

    static func check(_ status: Stat, path: String) throws {
        guard status.type == .regular else {
            throw Refusal(description: "\(path) is not a regular file; the admin token must be one")
        }
        guard status.userID.rawValue == geteuid() else {
            throw Refusal(
                description: "\(path) is owned by user \(status.userID.rawValue), not by this user (\(geteuid())); "
                    + "refusing an admin token another user controls"
            )
        }
        let mode = status.permissions.rawValue & 0o777
        guard mode & 0o077 == 0 else {
            throw Refusal(
                description: "permissions \(String(mode, radix: 8)) for \(path) are too open: "
                    + "the admin token must not be readable by group or others (chmod 600 \(path))"
            )
        }
    }
}
