#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif
internal import Foundation

/// The few POSIX calls the file store makes, with errors turned into ``ProgressError``.
enum POSIXFile {
    static func error(_ what: String, _ path: String, errno code: Int32 = errno) -> ProgressError {
        let reason = String(cString: strerror(code))
        return ProgressError(code: .fileSystem, message: "\(what) \(path): \(reason)")
    }

    /// Opens `path`, retrying on EINTR.
    static func openFile(_ path: String, _ flags: Int32, mode: mode_t = 0) throws -> Int32 {
        while true {
            let fd = open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw error("cannot open", path) }
        }
    }

    /// Takes an exclusive `flock` on the open file, waiting for it.
    static func lockExclusive(_ fd: Int32, path: String) throws {
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { throw error("cannot lock", path) }
        }
    }

    /// Reads the whole file.
    static func readAll(_ fd: Int32, path: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw error("cannot read", path)
            }
            bytes.append(contentsOf: buffer[0..<count])
        }
    }

    /// Writes all of `bytes`.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 {
                if errno == EINTR { continue }
                throw error("cannot write", path)
            }
            offset += count
        }
    }

    /// A file's permission bits and owner.
    struct Status {
        var mode: mode_t
        var owner: uid_t
        var group: gid_t
    }

    /// The file's permission bits and owner, or `nil` when it does not exist.
    ///
    /// Read through FileManager rather than `stat(2)`: which module "owns" the C `struct stat` depends on what
    /// else the target imports, and a build can then refuse its members.
    static func status(_ path: String) throws -> Status? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            guard let mode = (attributes[.posixPermissions] as? NSNumber)?.uint32Value,
                let owner = (attributes[.ownerAccountID] as? NSNumber)?.uint32Value,
                let group = (attributes[.groupOwnerAccountID] as? NSNumber)?.uint32Value
            else { throw error("cannot inspect", path, errno: EIO) }
            return Status(mode: mode_t(mode), owner: uid_t(owner), group: gid_t(group))
        } catch let failure as ProgressError {
            throw failure
        } catch {
            throw Self.error("cannot inspect", path, errno: (error as NSError).code == NSFileReadNoSuchFileError ? ENOENT : EIO)
        }
    }

    /// Writes `bytes` to a new temporary file beside `path` (mode `mode`, owner kept when possible), syncs it and
    /// returns its path. The caller renames or links it into place, or removes it.
    static func writeTemporary(
        beside path: String,
        _ bytes: [UInt8],
        mode: mode_t,
        owner: (uid_t, gid_t)?
    ) throws -> String {
        let temporary =
            "\(directory(of: path))/.\(basename(of: path)).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = try openFile(temporary, O_WRONLY | O_CREAT | O_EXCL, mode: 0o600)
        do {
            defer { close(fd) }
            try writeAll(fd, bytes, path: temporary)
            if let owner {
                // Only root may give the file away; other writers (with group rights) become its owner.
                _ = fchown(fd, owner.0, owner.1)
            }
            guard fchmod(fd, mode) == 0 else { throw error("cannot set the permissions of", temporary) }
            guard fsync(fd) == 0 else { throw error("cannot sync", temporary) }
        } catch {
            unlink(temporary)
            throw error
        }
        return temporary
    }

    /// Syncs the directory holding `path`, so that a rename survives a crash.
    static func syncDirectory(of path: String) {
        guard let fd = try? openFile(directory(of: path), O_RDONLY) else { return }
        _ = fsync(fd)
        close(fd)
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func basename(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
