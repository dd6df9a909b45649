internal import Foundation

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The few POSIX calls the file store makes, with errors turned into ``ProgressError``.
enum POSIXFile {
    /// `what: reason` (such as `cannot open the lock file: Permission denied`); the path goes in the error's
    /// ``ProgressError/path``, never in its message.
    static func error(_ what: String, _ path: String, errno code: Int32 = errno) -> ProgressError {
        let reason = String(cString: strerror(code))
        return ProgressError(code: .fileSystem, message: "\(what): \(reason)", path: path)
    }

    /// The file `path` names with every symbolic link resolved (chains and relative links too), as an absolute
    /// path; `nil` when there is no such file (a dangling link included).
    static func resolve(_ path: String) throws -> String? {
        guard let resolved = realpath(path, nil) else {
            if errno == ENOENT { return nil }
            throw error("cannot resolve the progress file's path", path)
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Opens `path`, retrying on EINTR.
    static func openFile(_ path: String, _ flags: Int32, mode: mode_t = 0) throws -> Int32 {
        while true {
            let fd = open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw error("cannot open \(role(of: path))", path) }
        }
    }

    /// Takes an exclusive `flock` on the open file, waiting for it.
    static func lockExclusive(_ fd: Int32, path: String) throws {
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { throw error("cannot lock the lock file", path) }
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
                throw error("cannot read the progress file", path)
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
                throw error("cannot write the temporary file", path)
            }
            offset += count
        }
    }

    /// A file's type, permission bits and owner.
    struct Status {
        var mode: mode_t
        var owner: uid_t
        var group: gid_t
        /// A regular file (not a folder, a device, a FIFO or a symbolic link).
        var isRegular: Bool
        /// A symbolic link (the status is the link's own, not its target's).
        var isSymbolicLink: Bool
    }

    /// The status of `path` itself (a symbolic link is not followed), or `nil` when nothing is there.
    ///
    /// Read through FileManager rather than `lstat(2)`: which module "owns" the C `struct stat` depends on what
    /// else the target imports, and a build can then refuse its members.
    static func status(_ path: String) throws -> Status? {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            let code = (error as NSError).code
            if code == NSFileReadNoSuchFileError || code == NSFileNoSuchFileError { return nil }
            throw Self.error("cannot inspect the file", path, errno: EIO)
        }
        guard let mode = (attributes[.posixPermissions] as? NSNumber)?.uint32Value,
            let owner = (attributes[.ownerAccountID] as? NSNumber)?.uint32Value,
            let group = (attributes[.groupOwnerAccountID] as? NSNumber)?.uint32Value
        else { throw error("cannot inspect the file", path, errno: EIO) }
        let type = attributes[.type] as? FileAttributeType
        return Status(
            mode: mode_t(mode),
            owner: uid_t(owner),
            group: gid_t(group),
            isRegular: type == .typeRegular,
            isSymbolicLink: type == .typeSymbolicLink
        )
    }

    /// Writes `bytes` to a new temporary file beside `path` and syncs it; returns its path. The caller renames or
    /// links it into place, or removes it.
    ///
    /// The file is created with `mode` (less any umask bits), so it is never more open than the file it replaces,
    /// then given `owner` (when given) before the first byte is written, then exactly `mode`.
    /// - Throws: ``ProgressError/Code/fileSystem``, also when `owner` cannot be kept (the process is neither root
    ///   nor the owner, or not a member of the group): the temporary file is then removed.
    static func writeTemporary(
        beside path: String,
        _ bytes: [UInt8],
        mode: mode_t,
        owner: (uid_t, gid_t)?
    ) throws -> String {
        let temporary =
            "\(directory(of: path))/.\(basename(of: path)).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = try openFile(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode: mode & 0o777)
        do {
            defer { close(fd) }
            if let owner {
                // Only root may give a file away; its owner may change the group to one of its own groups.
                if fchown(fd, owner.0, owner.1) != 0 {
                    let reason = String(cString: strerror(errno))
                    throw ProgressError(
                        code: .fileSystem,
                        message: "cannot keep the progress file's owner (uid \(owner.0), gid \(owner.1)) when "
                            + "replacing it: \(reason); nothing was changed (run as its owner or as root)",
                        path: path
                    )
                }
            }
            guard fchmod(fd, mode) == 0 else {
                throw error("cannot set the permissions of the temporary file", temporary)
            }
            try writeAll(fd, bytes, path: temporary)
            guard fsync(fd) == 0 else { throw error("cannot sync the temporary file", temporary) }
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

    /// How an error names the file at `path`, without its path.
    static func role(of path: String) -> String {
        if path.hasSuffix(".lock") { return "the lock file" }
        if path.hasSuffix(".tmp") { return "the temporary file" }
        return "the progress file"
    }

    static func basename(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
