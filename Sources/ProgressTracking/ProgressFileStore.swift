#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A progress file on disk, updated safely by several writers (CLI invocations, the server).
///
/// Every change runs under an exclusive `flock` on a separate lock file (`<file>.lock`), re-reads the file under the
/// lock, applies the change and replaces the file atomically (a temporary file in the same folder, `fsync`,
/// `rename`, then the folder is synced). So two concurrent updaters never lose each other's change, a reader never
/// sees half a file, and on any error the file is byte-identical.
///
/// - A symbolic link (or a chain of them) is written through: the file it finally names is replaced, in its own
///   folder, with its lock file beside it (`<target>.lock`), and the link stays a link.
/// - The replacement keeps the file's permission bits from its first byte (it is never more open than the file)
///   and its owner and group; when they cannot be kept (the process is neither root nor the owner), nothing is
///   changed and the update fails.
/// - A file the process may not write is refused, nothing changed: `access(W_OK)` on the file itself, and, because
///   root passes every `access` check, a file with no write bit for anyone (such as mode 0444) is refused too.
/// - The lock file is never followed through a symbolic link, and must be a regular file.
///
/// Error messages never name the path (``ProgressError/path`` holds it), so a server can answer them as they are.
///
/// The calls block (on the lock and on disk): from async code run them off the cooperative pool, such as on
/// `NIOThreadPool`.
public struct ProgressFileStore: Sendable {
    /// The progress file's path, as given (it may be a symbolic link).
    public let path: String

    /// The lock file's path: `<file>.lock` beside the file `path` finally names (symbolic links resolved), so
    /// writers reaching one file through different links share one lock. It is created when needed and never
    /// removed (removing it would let two writers lock different files).
    public var lockPath: String { lockPath(for: (try? POSIXFile.resolve(path)) ?? nil) }

    /// Creates a store for the file at `path`.
    public init(path: String) {
        self.path = path
    }

    /// Reads and parses the file (no lock needed: the file is always replaced whole).
    /// - Throws: ``ProgressError/Code/fileSystem`` when it cannot be read; ``ProgressError/Code/invalidDocument``.
    public func read() throws -> ProgressDocument {
        try ProgressDocument(data: try readBytes(path))
    }

    /// Applies `change` to the current file under the lock and writes the result atomically, through symbolic
    /// links, keeping the file's mode and owner.
    ///
    /// `change` is called with the document as read under the lock; when it throws, or returns a document with the
    /// same bytes, the file is not written (and need not be writable).
    /// - Returns: The document now in the file.
    /// - Throws: What `change` throws, ``ProgressError/Code/invalidDocument``, or ``ProgressError/Code/fileSystem``
    ///   (no file, not a regular file, not writable, read-only mode bits, an owner that cannot be kept, a lock file
    ///   that is a symbolic link, an I/O failure).
    @discardableResult
    public func update(_ change: (ProgressDocument) throws -> ProgressDocument) throws -> ProgressDocument {
        guard let target = try POSIXFile.resolve(path) else { throw missing() }
        return try withLock(lockPath(for: target)) {
            // The link may have been pointed elsewhere while this writer waited for the lock.
            guard try POSIXFile.resolve(path) == target else {
                throw ProgressError(
                    code: .fileSystem,
                    message:
                        "the progress file's symbolic link changed during the update; nothing was changed, try again",
                    path: path
                )
            }
            guard let info = try POSIXFile.status(target) else { throw missing() }
            guard info.isRegular else {
                throw ProgressError(code: .fileSystem, message: "the progress file is not a regular file", path: target)
            }
            let bytes = try readBytes(target)
            let updated = try change(try ProgressDocument(data: bytes))
            let newBytes = [UInt8](updated.data)
            if newBytes != bytes {
                try requireWritable(target, mode: info.mode)
                try replace(target, with: newBytes, mode: info.mode & 0o7777, owner: (info.owner, info.group))
            }
            return updated
        }
    }

    /// Writes a new file, refusing to overwrite one that exists (a symbolic link, even a dangling one, included).
    /// - Parameters:
    ///   - document: The document to write, such as ``ProgressDocument/new(startingOn:)``.
    ///   - mode: The new file's permission bits.
    /// - Throws: ``ProgressError/Code/fileExists`` when the file exists; ``ProgressError/Code/fileSystem``.
    public func create(_ document: ProgressDocument, mode: UInt16 = 0o644) throws {
        try withLock(lockPath(for: nil)) {
            if try POSIXFile.status(path) != nil { throw exists() }
            let temporary = try POSIXFile.writeTemporary(
                beside: path,
                [UInt8](document.data),
                mode: mode_t(mode),
                owner: nil
            )
            defer { unlink(temporary) }
            // link() fails if the file appeared meanwhile (a writer not using the lock): never overwrite.
            guard link(temporary, path) == 0 else {
                if errno == EEXIST { throw exists() }
                throw POSIXFile.error("cannot create the progress file", path)
            }
            POSIXFile.syncDirectory(of: path)
        }
    }

    // MARK: Internals

    private func missing() -> ProgressError {
        ProgressError(code: .fileSystem, message: "there is no progress file there", path: path)
    }

    private func exists() -> ProgressError {
        ProgressError(code: .fileExists, message: "the progress file exists already; it was left as it is", path: path)
    }

    /// `<target>.lock`, or `<path>.lock` (its folder resolved) when the file does not exist yet.
    private func lockPath(for target: String?) -> String {
        if let target { return target + ".lock" }
        let folder = (try? POSIXFile.resolve(POSIXFile.directory(of: path))) ?? nil
        return (folder.map { "\($0)/\(POSIXFile.basename(of: path))" } ?? path) + ".lock"
    }

    /// Refuses a file this process may not write: `access(W_OK)` fails, or no one has a write bit (root passes
    /// every `access` check, so the mode bits are honoured as well).
    private func requireWritable(_ target: String, mode: mode_t) throws {
        guard mode & 0o222 != 0 else {
            throw ProgressError(
                code: .fileSystem,
                message: "the progress file is read-only (mode \(String(mode & 0o7777, radix: 8)), no write "
                    + "permission for anyone); nothing was changed (chmod u+w to allow changes)",
                path: target
            )
        }
        guard access(target, W_OK) == 0 else {
            let reason = String(cString: strerror(errno))
            throw ProgressError(
                code: .fileSystem,
                message: "the progress file is not writable by this process (\(reason)); nothing was changed",
                path: target
            )
        }
    }

    private func withLock<T>(_ lockPath: String, _ body: () throws -> T) throws -> T {
        if let info = try POSIXFile.status(lockPath), !info.isRegular {
            throw ProgressError(
                code: .fileSystem,
                message: "the lock file is \(info.isSymbolicLink ? "a symbolic link" : "not a regular file"); "
                    + "nothing was changed (remove it: it is created again when needed)",
                path: lockPath
            )
        }
        // O_NOFOLLOW: a link planted after the check above fails here rather than being followed.
        let fd = try POSIXFile.openFile(lockPath, O_RDWR | O_CREAT | O_NOFOLLOW, mode: 0o644)
        defer { close(fd) }  // closing the descriptor releases the lock
        try POSIXFile.lockExclusive(fd, path: lockPath)
        return try body()
    }

    private func readBytes(_ file: String) throws -> [UInt8] {
        let fd = try POSIXFile.openFile(file, O_RDONLY)
        defer { close(fd) }
        return try POSIXFile.readAll(fd, path: file)
    }

    private func replace(_ target: String, with bytes: [UInt8], mode: mode_t, owner: (uid_t, gid_t)) throws {
        let temporary = try POSIXFile.writeTemporary(beside: target, bytes, mode: mode, owner: owner)
        guard rename(temporary, target) == 0 else {
            let failure = POSIXFile.error("cannot replace the progress file", target)
            unlink(temporary)
            throw failure
        }
        POSIXFile.syncDirectory(of: target)
    }
}
